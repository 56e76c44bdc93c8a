/**
 * The shape every tabular report is built in before it becomes a file: named tables of typed
 * cells. CSV and XLSX writers (write-csv.ts, write-xlsx.ts) take this shape, so a report decides
 * its content once and each format only decides how to spell it.
 */

/** One cell: text, a number, a calendar date (a Date at UTC midnight of that day), or empty. */
export type Cell = string | number | Date | null;

export const CELL_KINDS = ['text', 'number', 'date'] as const;
export type CellKind = (typeof CELL_KINDS)[number];

export interface Column {
  /** The row field this column shows. */
  readonly key: string;
  /** The header, as the reader (or the regulation) names it. */
  readonly header: string;
  readonly kind: CellKind;
}

export type Row = Readonly<Record<string, Cell>>;

export interface ReportTable {
  /** Sheet name in a workbook (at most 31 characters, no []:*?/\). */
  readonly name: string;
  readonly columns: readonly Column[];
  readonly rows: readonly Row[];
}

/** The calendar date an event happened on, in the event's own time zone, as a Date at UTC midnight (what a spreadsheet date cell holds). */
export function localDate(eventTime: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt]/.exec(eventTime);
  return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
}

/** `YYYY-MM-DD` of a date cell. */
export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}
