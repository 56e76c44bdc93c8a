/** RFC 4180 CSV of a report table: one header row, CRLF line ends, dates as YYYY-MM-DD. */
import { ByteChunks, utf8Bytes } from './byte-chunks.js';
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

const CRLF = utf8Bytes('\r\n');

/**
 * Writes one cell exactly as csvField spells it, without making the field as a string: text
 * that needs nothing (ASCII, no quote, comma or line break, no formula start) is copied byte by
 * byte; anything else goes through csvField. `dates` keeps each day's spelling (a report has a
 * few hundred days over 100,000 rows).
 */
export function writeCsvField(w: ByteChunks, cell: Cell, dates: Map<number, Uint8Array>): void {
  if (cell === null) return;
  if (typeof cell === 'string') {
    const n = cell.length;
    if (n === 0) return;
    const c0 = cell.charCodeAt(0);
    // =, +, @, tab, CR, '-': the first character FORMULA looks at (csvField decides)
    if (c0 === 61 || c0 === 43 || c0 === 64 || c0 === 9 || c0 === 13 || c0 === 45) return w.utf8(csvField(cell));
    w.room(n);
    const buf = w.buf;
    let p = w.pos;
    for (let i = 0; i < n; i++) {
      const c = cell.charCodeAt(i);
      // non-ASCII, '"', ',', CR, LF: nothing is kept of the bytes copied so far (w.pos has not moved)
      if (c >= 128 || c === 34 || c === 44 || c === 13 || c === 10) return w.utf8(csvField(cell));
      buf[p++] = c;
    }
    w.pos = p;
  } else if (typeof cell === 'number') w.number(cell);
  else {
    const t = cell.getTime();
    let b = dates.get(t);
    if (b === undefined) dates.set(t, (b = utf8Bytes(csvField(cell))));
    w.bytes(b);
  }
}

/** The CSV of rows under these columns, in buffers of about a megabyte (for a response or a file). */
export function* csvChunks(columns: readonly Column[], rows: readonly Row[]): Generator<Buffer> {
  const w = new ByteChunks();
  const dates = new Map<number, Uint8Array>();
  w.utf8(columns.map((c) => csvField(c.header)).join(','));
  w.bytes(CRLF);
  const keys = columns.map((c) => c.key);
  for (const r of rows) {
    for (let i = 0; i < keys.length; i++) {
      if (i > 0) w.byte(44);
      writeCsvField(w, r[keys[i]!] ?? null, dates);
    }
    w.bytes(CRLF);
    if (w.full) yield w.take();
  }
  yield w.take();
}

/** The CSV text of rows under these columns. */
export function toCsv(columns: readonly Column[], rows: readonly Row[]): string {
  return Buffer.concat([...csvChunks(columns, rows)]).toString('utf8');
}
