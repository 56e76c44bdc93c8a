/** The file formats reports are written in, and the media type each is sent as. */
export const REPORT_FORMATS = ['csv', 'xlsx', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const REPORT_CONTENT_TYPES: Readonly<Record<ReportFormat, string>> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  json: 'application/json; charset=utf-8',
};

/**
 * The format a request asks for: `format` when given, else the first of XLSX and CSV its Accept
 * header names, else `fallback`.
 */
export function negotiateFormat<F extends ReportFormat>(format: F | undefined, accept: string | undefined, fallback: F): F | 'csv' | 'xlsx' {
  if (format) return format;
  const a = (accept ?? '').toLowerCase();
  const x = a.indexOf(REPORT_CONTENT_TYPES.xlsx);
  const c = a.indexOf('text/csv');
  if (x >= 0 && (c < 0 || x < c)) return 'xlsx';
  return c >= 0 ? 'csv' : fallback;
}
