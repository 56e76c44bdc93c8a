/**
 * An XLSX workbook of report tables, one sheet each, made to be sorted and filtered: one header
 * row (frozen, with an auto-filter), no merged cells, numbers as numbers and dates as date cells.
 */
import ExcelJS from 'exceljs';
import type { ReportTable } from './report-table.js';

const SHEET_NAME_BAD = /[[\]:*?/\\]/g;

/** The workbook's bytes. `creator` is written into its properties. */
export async function toXlsx(tables: readonly ReportTable[], creator = 'Lotline'): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = creator;
  // A fixed creation date keeps the file's properties out of the way of whoever compares two reports.
  wb.created = new Date(0);
  for (const t of tables) {
    const ws = wb.addWorksheet(t.name.replace(SHEET_NAME_BAD, ' ').slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = t.columns.map((c) => ({
      key: c.key,
      header: c.header,
      width: Math.min(60, Math.max(12, c.header.length * 0.6)),
      ...(c.kind === 'date' ? { style: { numFmt: 'yyyy-mm-dd' } } : {}),
    }));
    ws.getRow(1).font = { bold: true };
    ws.getRow(1).alignment = { wrapText: true, vertical: 'top' };
    for (const r of t.rows) ws.addRow(Object.fromEntries(t.columns.map((c) => [c.key, r[c.key] ?? null])));
    if (t.columns.length > 0) ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1 + t.rows.length, column: t.columns.length } };
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
