/**
 * A saved recall as the quality manager reads it in a terminal: the headline figures first (how
 * many lots, what to hold where, who to call, how much narrower than a date-range recall), then
 * the tables behind them.
 */
import type { RecallScope } from '../../genealogy/recall-scope.js';
import type { SavedRecall } from './recall-store.js';
import { NO_CONTACT } from './notification-csv.js';

const code = (r: { item: string; lot?: string; serial?: string }): string => `${r.item} / ${r.lot ?? r.serial ?? ''}`;
const q = (quantity: number | null, uom: string | null): string => (quantity === null ? 'qty ?' : `${Number(quantity.toFixed(6))} ${uom ?? 'EA'}`);
const pct = (s: number | null): string => (s === null ? '?' : `${Number((s * 100).toFixed(2))}%`);
const amounts = (xs: readonly { quantity: number; uom: string }[]): string => (xs.length === 0 ? '—' : xs.map((x) => q(x.quantity, x.uom)).join(' + '));

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}

export function formatRecall(r: SavedRecall & { scope: RecallScope }): string {
  const s = r.scope;
  const out: string[] = [];
  const start = s.start.supplier !== undefined || s.start.item !== undefined
    ? [s.start.supplier !== undefined ? `supplier ${s.start.supplierName ?? s.start.supplier}` : null, s.start.item !== undefined ? `item ${s.start.item}` : null, s.start.from !== undefined || s.start.to !== undefined ? `${s.start.from ?? '…'} to ${s.start.to ?? '…'}` : null]
        .filter(Boolean)
        .join(', ') + ` (${s.start.lots.length} lot(s): ${s.start.lots.map(code).join(', ')})`
    : s.start.lots.map(code).join(', ');
  out.push(`Recall ${r.id} — computed ${r.computedAt} by ${r.computedBy}, records up to log position ${r.asOfSeq}`);
  out.push(`Start: ${start}`);
  const onHandLots = s.onHand.reduce((n, l) => n + l.lots.length, 0);
  out.push(
    `${s.lots.length} lot(s) affected; ${onHandLots} on hand in ${s.onHand.length} location(s); ${new Set(s.shipments.map((x) => x.eventId)).size} shipment(s) to ${s.customers.length} customer(s); ${s.openOrders.length} order(s) that can still be stopped.`,
  );
  const p = s.precision;
  if (p.targeted && p.broad) out.push(`Precision: this recall covers ${q(p.targeted.quantity, p.targeted.uom)} of finished product, against ${q(p.broad.quantity, p.broad.uom)} for a recall of the same item(s) over the same dates (${pct(p.ratio)}).`);
  for (const w of s.warnings) out.push(`WARNING: ${w}`);

  out.push('', 'Affected lots');
  out.push(table([['lot', 'depth', 'share', 'status', 'on hand', 'where'], ...s.lots.map((l) => [code(l), String(l.depth), pct(l.share), l.status, l.onHand ? q(l.onHand.quantity, l.onHand.uom) : '—', l.locationName ?? '—'])]));

  out.push('', 'On hand — to hold');
  if (s.onHand.length === 0) out.push('(nothing on hand)');
  for (const loc of s.onHand) {
    out.push(`${loc.locationName}: ${amounts(loc.totals)}`);
    for (const l of loc.lots) out.push(`  ${code(l)}  ${q(l.quantity, l.uom)}${l.alreadyHeld ? '  (already on hold)' : ''}${l.inUnits.length > 0 ? `  on ${l.inUnits.join(', ')}` : ''}`);
  }

  out.push('', 'Shipments');
  if (s.shipments.length === 0) out.push('(none)');
  else
    out.push(
      table([
        ['date', 'customer', 'order', 'despatch advice', 'lot', 'quantity', 'share', 'exposure', ''],
        ...s.shipments.map((x) => [x.time, x.customerName ?? '—', x.order ?? '—', x.despatchAdvice ?? '—', code(x), q(x.quantity, x.uom), pct(x.share), x.exposure ? q(x.exposure.quantity, x.exposure.uom) : '?', x.inTransit ? 'IN TRANSIT' : '']),
      ]),
    );

  out.push('', 'Orders that can still be stopped');
  if (s.openOrders.length === 0) out.push('(none)');
  for (const o of s.openOrders) {
    const what = o.lots.map((l) => `${code(l)} ${q(l.quantity, l.uom)}`).join(', ');
    out.push(o.kind === 'in_transit' ? `in transit: order ${o.order ?? '—'} to ${o.customerName ?? '—'}, shipped ${o.time}${o.unit ? ` on ${o.unit}` : ''}: ${what}` : `packed, not shipped: ${o.unit}: ${what}`);
  }

  out.push('', 'Customers to notify');
  if (s.customers.length === 0) out.push('(none)');
  for (const c of s.customers) {
    const contact = c.onFile ? [c.contact, c.phone, c.email].filter((x) => x !== null).join(', ') || NO_CONTACT : NO_CONTACT;
    out.push(`${c.name}: ${contact}; ${c.lots.join(', ')}; ${amounts(c.quantities)} (exposure ${amounts(c.exposure)}); ${c.shipments.length} shipment(s) ${c.firstShipped.slice(0, 10)}–${c.lastShipped.slice(0, 10)}`);
  }

  if (p.items.length > 0) {
    out.push('', 'Precision by item');
    out.push(
      table([
        ['item', 'targeted', 'same item, same dates', 'ratio', 'dates'],
        ...p.items.map((i) => [`${i.item}${i.description ? ` (${i.description})` : ''}`, `${q(i.targeted.quantity, i.targeted.uom)} in ${i.targeted.lots} lot(s)`, `${q(i.broad.quantity, i.broad.uom)} in ${i.broad.lots} lot(s)`, pct(i.ratio), i.span ? `${i.span.from} – ${i.span.to}` : '—']),
      ]),
    );
  }
  return out.join('\n');
}
