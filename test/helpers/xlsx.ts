/** Writes an XLSX workbook the way a spreadsheet export does: a header row, then cells (Date objects become date cells). */
import ExcelJS from 'exceljs';

export async function writeXlsx(file: string, sheet: string, rows: readonly (readonly (string | number | Date | null)[])[]): Promise<void> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(sheet);
  for (const r of rows) ws.addRow([...r]);
  await wb.xlsx.writeFile(file);
}

/** A wall time as exceljs stores a date cell (the wall time written as if it were UTC). */
export const wall = (iso: string): Date => new Date(`${iso}Z`);

/** The rows of docs/integrations/examples/dynamics-packing-slips.xlsx. */
export const DYNAMICS_ROWS: (string | number | Date | null)[][] = [
  ['Packing slip', 'Ship date', 'Customer account', 'Sales order', 'Warehouse', 'Mode of delivery', 'Item number', 'Batch number', 'Quantity', 'Unit'],
  ['PS-000731', wall('2026-05-06T16:20:00'), 'C-TESCO-UK', 'SO-88120', 'LONDON-DC', 'DHL', 'BREAD-MIX', 'BM-0504', 600, 'kg'],
  ['PS-000731', wall('2026-05-06T16:20:00'), 'C-TESCO-UK', 'SO-88120', 'LONDON-DC', 'DHL', 'DOUGH', 'D-0504', 20, 'kg'],
  ['PS-000732', wall('2026-05-07T09:05:00'), 'C-WAITROSE', 'SO-88121', 'LONDON-DC', null, 'BREAD-MIX', 'BM-0504', 400, 'kg'],
];
