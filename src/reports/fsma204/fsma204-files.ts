/**
 * The FSMA 204 report as files. XLSX: one sheet per CTE (FDA's illustrative template has one tab
 * per CTE) and a "Missing KDEs" sheet. CSV: one file whose first column names the CTE and whose
 * other columns are the sheets' columns side by side, each under its regulation heading, blank
 * where a CTE has no such KDE; each row's "Missing KDEs" column is the missing-KDE summary there.
 */
import { ByteChunks, utf8Bytes } from '../byte-chunks.js';
import type { Column, ReportTable } from '../report-table.js';
import { csvField, writeCsvField } from '../write-csv.js';
import { toXlsx, xlsxStream } from '../write-xlsx.js';
import { REPORT_CONTENT_TYPES } from '../report-formats.js';
import type { Fsma204Report } from './fsma204-report.js';

export const FSMA_FORMATS = ['csv', 'xlsx'] as const;
export type FsmaFormat = (typeof FSMA_FORMATS)[number];

export const FSMA_CONTENT_TYPES: Readonly<Record<FsmaFormat, string>> = { csv: REPORT_CONTENT_TYPES.csv, xlsx: REPORT_CONTENT_TYPES.xlsx };

export const MISSING_SHEET = 'Missing KDEs';

/** The summary of KDEs the records lack, as a table. */
export function missingTable(report: Fsma204Report): ReportTable {
  return {
    name: MISSING_SHEET,
    columns: [
      { key: 'cte', header: 'Critical tracking event', kind: 'text' },
      { key: 'kde', header: 'Key data element', kind: 'text' },
      { key: 'rows', header: 'Rows lacking it', kind: 'number' },
      { key: 'tlcs', header: 'Traceability lot codes of those rows (first 20)', kind: 'text' },
    ],
    rows: report.missing.map((m) => ({ cte: m.sheet, kde: m.kde, rows: m.rows, tlcs: m.tlcs.join('; ') })),
  };
}

function workbookTables(report: Fsma204Report): ReportTable[] {
  return [...report.sheets.map(({ sheet, rows }) => ({ name: sheet.title, columns: sheet.columns, rows })), missingTable(report)];
}

/** The workbook, whole (tests, small reports). */
export async function fsma204Xlsx(report: Fsma204Report): Promise<Buffer> {
  return toXlsx(workbookTables(report));
}

/** The workbook as it is made, as the server and the CLI send it. */
export function fsma204XlsxStream(report: Fsma204Report): AsyncGenerator<Buffer> {
  return xlsxStream(workbookTables(report));
}

/** The CSV's columns: the CTE, then every sheet's columns by header (first seen first), "Missing KDEs" last. */
function csvColumns(report: Fsma204Report): Column[] {
  const columns: Column[] = [{ key: '\u0000cte', header: 'Critical tracking event', kind: 'text' }];
  const byHeader = new Map<string, Column>();
  for (const { sheet } of report.sheets) {
    for (const c of sheet.columns) {
      if (byHeader.has(c.header)) continue;
      const col = { key: c.header, header: c.header, kind: c.kind };
      byHeader.set(c.header, col);
      columns.push(col);
    }
  }
  // the "Missing KDEs" column goes last, where a reader filters on it
  const last = columns.findIndex((c) => c.header === 'Missing KDEs');
  if (last >= 0) columns.push(...columns.splice(last, 1));
  return columns;
}

/**
 * The CSV in buffers of about a megabyte, as the server and the CLI send it: each line written
 * straight from a sheet's row through a column map (no row object, no string per line or cell).
 */
export function* fsma204CsvChunks(report: Fsma204Report): Generator<Buffer> {
  const columns = csvColumns(report);
  const w = new ByteChunks();
  const dates = new Map<number, Uint8Array>();
  w.utf8(columns.map((c) => csvField(c.header)).join(',') + '\r\n');
  const position = new Map(columns.map((c, i) => [c.header, i]));
  for (const { sheet, rows } of report.sheets) {
    // the row field shown at each position after the first, or null where this CTE has no such KDE
    const keyAt: (string | null)[] = columns.map(() => null);
    for (const c of sheet.columns) keyAt[position.get(c.header)!] = c.key;
    const keys = keyAt.slice(1);
    const title = utf8Bytes(csvField(sheet.title));
    for (const r of rows) {
      w.bytes(title);
      for (const key of keys) {
        w.byte(44);
        if (key !== null) writeCsvField(w, r[key] ?? null, dates);
      }
      w.byte(13);
      w.byte(10);
      if (w.full) yield w.take();
    }
  }
  yield w.take();
}

/** The CSV as one text (tests, small reports). */
export function fsma204Csv(report: Fsma204Report): string {
  return Buffer.concat([...fsma204CsvChunks(report)]).toString('utf8');
}
