/**
 * A mock recall as the record an auditor files: Markdown (read as plain text too) with who, when,
 * the lot, the elapsed time, both traces, the reconciliation per lot, the share accounted for,
 * what is unaccounted and where it was last seen, and the gaps; or the reconciliation as CSV.
 */
import type { TraceResult } from '../../genealogy/trace.js';
import type { Column, ReportTable, Row } from '../report-table.js';
import { toCsv } from '../write-csv.js';
import type { MockRecallReport } from './mock-recall.js';

export const MOCK_RECALL_FORMATS = ['md', 'csv', 'json'] as const;
export type MockRecallFormat = (typeof MOCK_RECALL_FORMATS)[number];

const COLUMNS: readonly Column[] = [
  { key: 'role', header: 'Role', kind: 'text' },
  { key: 'depth', header: 'Depth', kind: 'number' },
  { key: 'lot', header: 'Lot', kind: 'text' },
  { key: 'status', header: 'Status', kind: 'text' },
  { key: 'uom', header: 'Unit', kind: 'text' },
  { key: 'received', header: 'Received', kind: 'number' },
  { key: 'produced', header: 'Produced', kind: 'number' },
  { key: 'consumed', header: 'Consumed', kind: 'number' },
  { key: 'shipped', header: 'Shipped', kind: 'number' },
  { key: 'onHand', header: 'On hand', kind: 'number' },
  { key: 'scrapped', header: 'Scrapped', kind: 'number' },
  { key: 'adjusted', header: 'Adjusted', kind: 'number' },
  { key: 'unaccounted', header: 'Unaccounted', kind: 'number' },
  { key: 'percent', header: '% accounted for', kind: 'number' },
  { key: 'location', header: 'Last seen at', kind: 'text' },
  { key: 'lastEvent', header: 'Last event', kind: 'text' },
  { key: 'lastTime', header: 'Last event time', kind: 'text' },
];

/** The reconciliation as a report table (one row per lot). */
export function reconciliationTable(r: MockRecallReport): ReportTable {
  const rows: Row[] = r.reconciliation.map((l) => ({
    role: l.role, depth: l.depth, lot: l.label, status: l.status, uom: l.uom,
    received: l.received, produced: l.produced, consumed: l.consumed, shipped: l.shipped, onHand: l.onHand, scrapped: l.scrapped, adjusted: l.adjusted,
    unaccounted: l.unaccounted, percent: l.percentAccounted, location: l.lastSeen.location, lastEvent: l.lastSeen.bizStep ?? l.lastSeen.eventId, lastTime: l.lastSeen.time,
  }));
  return { name: 'Reconciliation', columns: COLUMNS, rows };
}

export function mockRecallCsv(r: MockRecallReport): string {
  const t = reconciliationTable(r);
  return toCsv(t.columns, t.rows);
}

const cell = (v: unknown): string => (v === null || v === undefined ? '' : String(v).replace(/\|/g, '\\|').replace(/\r?\n/g, ' '));
const fmtPct = (p: number | null): string => (p === null ? 'not measurable' : `${p}%`);

function table(headers: readonly string[], rows: readonly (readonly unknown[])[]): string[] {
  return [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)];
}

function traceSection(t: TraceResult, title: string, names: ReadonlyMap<string, string>): string[] {
  const name = (uri: string | null | undefined): string => (uri ? (names.get(uri) ?? uri) : '');
  const out = [`## ${title}`, ''];
  if (t.lots.length === 0) out.push('No lot reached.');
  else out.push(...table(['Depth', 'Lot', 'Share'], t.lots.map((l) => [l.depth, `${l.item} / ${l.lot ?? l.serial}`, l.share === null ? 'unknown' : `${Math.round(l.share * 1000) / 10}%`])));
  if (t.shipments.length > 0) {
    out.push('', 'Shipments:', '');
    out.push(...table(['Time', 'Lot', 'Quantity', 'To', 'Via'], t.shipments.map((s) => [s.time, `${s.item} / ${s.lot ?? s.serial}`, s.quantity === null ? 'unknown' : `${s.quantity} ${s.uom ?? ''}`.trim(), name(s.destination), s.via ?? ''])));
  }
  if (t.receipts.length > 0) {
    out.push('', 'Receipts:', '');
    out.push(...table(['Time', 'Lot', 'Quantity', 'From'], t.receipts.map((s) => [s.time, `${s.item} / ${s.lot ?? s.serial}`, s.quantity === null ? 'unknown' : `${s.quantity} ${s.uom ?? ''}`.trim(), name(s.source)])));
  }
  out.push('');
  return out;
}

/** The Markdown record; `id` is the archive's number when it was saved. */
export function mockRecallMarkdown(r: MockRecallReport, id?: number): string {
  const names = new Map(r.places.map((p) => [p.uri, p.name]));
  const out: string[] = [
    `# Mock recall${id !== undefined ? ` no. ${id}` : ''}: ${r.label}`,
    '',
    `- Lot: ${r.label} (${r.lotUri})`,
    `- Run by: ${r.runBy}`,
    `- Started: ${r.startedAt}`,
    `- Finished: ${r.finishedAt}`,
    `- Elapsed time: ${(r.elapsedMs / 1000).toFixed(3)} s`,
    `- Records as of log position: ${r.asOfSeq}`,
    `- Accounted for: ${fmtPct(r.percentAccounted)}${r.totals.length > 1 ? ' (the lowest of the units below)' : ''}`,
    ...r.totals.map((t) => `  - ${t.uom}: ${t.in - t.unaccounted} of ${t.in} accounted for (${fmtPct(t.percentAccounted)})`),
    `- Lots in the exercise: ${r.reconciliation.length} (${r.reconciliation.filter((l) => l.role === 'forward').length} made from it, ${r.reconciliation.filter((l) => l.role === 'backward').length} it was made from)`,
    `- Customers to notify: ${r.customers.length === 0 ? 'none' : r.customers.map((c) => `${c.customer} (${c.shipments} shipment${c.shipments === 1 ? '' : 's'})`).join(', ')}`,
    `- Unaccounted quantities: ${r.unaccounted.length}`,
    `- Genealogy gaps met: ${r.gaps.length}`,
    '',
    '## Reconciliation',
    '',
    'Received + produced = consumed + shipped + on hand + scrapped + adjusted, per lot and in its own unit.',
    '',
    ...table(
      ['Role', 'Lot', 'Status', 'Unit', 'Received', 'Produced', 'Consumed', 'Shipped', 'On hand', 'Scrapped', 'Adjusted', 'Unaccounted', '% accounted', 'Last seen at'],
      r.reconciliation.map((l) => [l.role, l.label, l.status, l.uom ?? '?', l.received, l.produced, l.consumed, l.shipped, l.onHand, l.scrapped, l.adjusted, l.unaccounted ?? 'unknown', fmtPct(l.percentAccounted), l.lastSeen.location ?? 'unknown']),
    ),
    '',
    '## Unaccounted',
    '',
  ];
  if (r.unaccounted.length === 0) out.push('Everything is accounted for.');
  else
    out.push(
      ...table(
        ['Lot', 'Quantity', 'Why', 'Last seen at', 'Last event'],
        r.unaccounted.map((u) => [u.label, u.quantity === null ? 'unknown' : `${u.quantity} ${u.uom}`, u.reason, u.lastSeen.location ?? 'unknown', `${u.lastSeen.bizStep ?? ''} ${u.lastSeen.time ?? ''} ${u.lastSeen.eventId ?? ''}`.trim()]),
      ),
    );
  out.push('', '## Genealogy gaps met', '');
  if (r.gaps.length === 0) out.push('None: every lot of the exercise has an unbroken chain by the gap rules.');
  else out.push(...table(['Rule', 'Severity', 'Subject', 'What', 'Events'], r.gaps.map((g) => [g.rule, g.severity, g.subject, g.explanation, g.eventIds.join(', ')])));
  out.push('', ...traceSection(r.forward, 'Forward trace: where the lot went', names), ...traceSection(r.backward, 'Backward trace: where the lot came from', names));
  return out.join('\n');
}
