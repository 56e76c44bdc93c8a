/**
 * The FSMA 204 report as files. XLSX: one sheet per CTE (FDA's illustrative template has one tab
 * per CTE) and a "Missing KDEs" sheet. CSV: one file whose first column names the CTE and whose
 * other columns are the sheets' columns side by side, each under its regulation heading, blank
 * where a CTE has no such KDE; each row's "Missing KDEs" column is the missing-KDE summary there.
 */
import type { Cell, Column, ReportTable } from '../report-table.js';
import { csvField } from '../write-csv.js';
import { toXlsx } from '../write-xlsx.js';
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

export async function fsma204Xlsx(report: Fsma204Report): Promise<Buffer> {
  return toXlsx([...report.sheets.map(({ sheet, rows }) => ({ name: sheet.title, columns: sheet.columns, rows })), missingTable(report)]);
}

export function fsma204Csv(report: Fsma204Report): string {
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
  // Lines are written straight from each sheet's rows through a column map: no row object per line.
  const lines = [columns.map((c) => csvField(c.header)).join(',')];
  const position = new Map(columns.map((c, i) => [c.header, i]));
  // a report's dates are a few hundred days over ~100,000 rows: each spelt once
  const dates = new Map<number, string>();
  const field = (v: Cell): string => {
    if (!(v instanceof Date)) return csvField(v);
    let f = dates.get(v.getTime());
    if (f === undefined) dates.set(v.getTime(), (f = csvField(v)));
    return f;
  };
  for (const { sheet, rows } of report.sheets) {
    const slots = sheet.columns.map((c) => ({ key: c.key, at: position.get(c.header)! }));
    const blank: string[] = columns.map(() => '');
    blank[0] = csvField(sheet.title);
    for (const r of rows) {
      const fields = blank.slice();
      for (const { key, at } of slots) fields[at] = field(r[key] ?? null);
      lines.push(fields.join(','));
    }
  }
  return lines.join('\r\n') + '\r\n';
}
