/** RFC 4180 CSV of a report table: one header row, CRLF line ends, dates as YYYY-MM-DD. */
import type { Cell, Column, Row } from './report-table.js';
import { isoDate } from './report-table.js';

// A cell a spreadsheet would run as a formula (=, +, @, or a leading tab/CR) gets a leading
// apostrophe: a lot code from a partner must never execute when the plant opens the file.
const FORMULA = /^[=+@\t\r]|^-[^0-9.]/;

/** One cell as a CSV field: quoted where needed, a would-be formula defused. */
export function csvField(cell: Cell): string {
  if (cell === null) return '';
  const text = cell instanceof Date ? isoDate(cell) : typeof cell === 'number' ? String(cell) : FORMULA.test(cell) ? `'${cell}` : cell;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The CSV text of rows under these columns. */
export function toCsv(columns: readonly Column[], rows: readonly Row[]): string {
  const lines = [columns.map((c) => csvField(c.header)).join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvField(r[c.key] ?? null)).join(','));
  return lines.join('\r\n') + '\r\n';
}
