/** The audit trail as a sortable table: CSV or an XLSX sheet (one row per record), or JSON. */
import type { Column, ReportTable } from '../report-table.js';
import { toCsv } from '../write-csv.js';
import { toXlsx } from '../write-xlsx.js';
import type { AuditTrail } from './audit-trail.js';

export { REPORT_CONTENT_TYPES, REPORT_FORMATS } from '../report-formats.js';
export type { ReportFormat } from '../report-formats.js';

const COLUMNS: readonly Column[] = [
  { key: 'time', header: 'Time (recorded)', kind: 'text' },
  { key: 'kind', header: 'Record', kind: 'text' },
  { key: 'action', header: 'Action', kind: 'text' },
  { key: 'actor', header: 'Who', kind: 'text' },
  { key: 'origin', header: 'From', kind: 'text' },
  { key: 'subject', header: 'About', kind: 'text' },
  { key: 'details', header: 'What', kind: 'text' },
  { key: 'earlier', header: 'Earlier values (superseded)', kind: 'text' },
  { key: 'supersededBy', header: 'Superseded by', kind: 'text' },
  { key: 'reference', header: 'Reference', kind: 'text' },
  { key: 'logPosition', header: 'Log position', kind: 'number' },
  { key: 'hash', header: 'Log hash', kind: 'text' },
];

export function auditTable(t: AuditTrail): ReportTable {
  return { name: 'Audit trail', columns: COLUMNS, rows: t.records.map((r) => ({ ...r })) };
}

export function auditCsv(t: AuditTrail): string {
  const table = auditTable(t);
  return toCsv(table.columns, table.rows);
}

export function auditXlsx(t: AuditTrail): Promise<Buffer> {
  return toXlsx([auditTable(t)]);
}
