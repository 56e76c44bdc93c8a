/** The trace as one CSV a spreadsheet opens: ancestors, descendants, shipments, receipts. Pure (tested in Node). */
import type { TraceResult } from './api.js';
import { placeName, refLabel } from './names.js';

export const CSV_COLUMNS = ['relation', 'depth', 'item', 'lot', 'serial', 'share', 'quantity', 'uom', 'party', 'unit', 'time', 'eventId'] as const;
type Row = Partial<Record<(typeof CSV_COLUMNS)[number], string | number | null>>;

/** Every row of both traces: ancestors, descendants, shipments (forward), receipts (backward). */
export function traceRows(backward: TraceResult | undefined, forward: TraceResult | undefined): Row[] {
  const rows: Row[] = [];
  for (const [trace, relation] of [
    [backward, 'ancestor'],
    [forward, 'descendant'],
  ] as const) {
    for (const l of [...(trace?.lots ?? [])].sort((a, b) => a.depth - b.depth || refLabel(a).localeCompare(refLabel(b)))) {
      if (l.depth === 0) continue;
      rows.push({ relation, depth: l.depth, item: l.item, lot: l.lot ?? '', serial: l.serial ?? '', share: l.share });
    }
  }
  for (const sh of forward?.shipments ?? []) rows.push({ relation: 'shipment', item: sh.item, lot: sh.lot ?? '', serial: sh.serial ?? '', quantity: sh.quantity ?? null, uom: sh.uom ?? '', party: placeName(sh.destination), unit: sh.via ?? '', time: sh.time, eventId: sh.eventId });
  for (const r of backward?.receipts ?? []) rows.push({ relation: 'receipt', item: r.item, lot: r.lot ?? '', serial: r.serial ?? '', quantity: r.quantity ?? null, uom: r.uom ?? '', party: placeName(r.source), time: r.time, eventId: r.eventId });
  return rows;
}

/** A cell a spreadsheet reads as text: quoted when needed, and never as a formula (= + - @ at the start). */
function cell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v);
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function traceCsv(rows: readonly Row[]): string {
  return [CSV_COLUMNS.join(','), ...rows.map((r) => CSV_COLUMNS.map((c) => cell(r[c])).join(','))].join('\r\n') + '\r\n';
}
