/**
 * Reads one worksheet of an XLSX workbook (exceljs) into the same records as a CSV file: cells as
 * text, numbers as written by JavaScript, date cells as wall times (their zone comes from the mapping).
 */
import ExcelJS from 'exceljs';
import { LotlineError } from '../../domain/errors.js';
import type { CsvRecord } from './csv.js';

function wallTime(d: Date): string {
  // exceljs gives a date cell's wall time as if it were UTC
  return d.toISOString().slice(0, 19);
}

function cellText(v: ExcelJS.CellValue): { text: string; date?: boolean } {
  if (v === null || v === undefined) return { text: '' };
  if (v instanceof Date) return { text: wallTime(v), date: true };
  if (typeof v === 'object') {
    if ('richText' in v) return { text: v.richText.map((r) => r.text).join('') };
    if ('result' in v) return v.result === undefined ? { text: '' } : cellText(v.result as ExcelJS.CellValue);
    if ('text' in v) return { text: String(v.text) };
    if ('error' in v) return { text: String(v.error) };
    return { text: '' };
  }
  return { text: String(v) };
}

/** The records of the worksheet named `sheet` (default: the first one). */
export async function readXlsx(file: string, label: string, sheet?: string): Promise<CsvRecord[]> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.readFile(file);
  } catch (e) {
    throw new LotlineError('FILE_UNREADABLE', `${label}: not a readable XLSX workbook (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  const ws = sheet === undefined ? wb.worksheets[0] : wb.getWorksheet(sheet);
  if (!ws) {
    throw new LotlineError('FILE_UNREADABLE', `${label}: ${sheet === undefined ? 'the workbook has no worksheet' : `no worksheet named ${JSON.stringify(sheet)} (it has ${wb.worksheets.map((w) => JSON.stringify(w.name)).join(', ')})`}`);
  }
  const records: CsvRecord[] = [];
  ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    const dates = new Set<number>();
    const values = row.values as ExcelJS.CellValue[];
    for (let c = 1; c < values.length; c++) {
      const { text, date } = cellText(values[c]);
      cells[c - 1] = text;
      if (date) dates.add(c - 1);
    }
    for (let c = 0; c < cells.length; c++) cells[c] ??= '';
    if (cells.every((t) => t.trim() === '')) return;
    records.push({ line: rowNumber, cells, ...(dates.size > 0 ? { dates } : {}) });
  });
  return records;
}
