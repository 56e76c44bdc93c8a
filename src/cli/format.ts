/** Human-readable output: trees and tables with quantities, and a summary line. */
import { displayName } from '../domain/identifiers/index.js';
import type { LotState, UnitState } from '../genealogy/lot-state.js';
import type { Movement } from '../genealogy/movements.js';
import type { RefJson, TraceResult } from '../genealogy/trace.js';

export function refText(r: RefJson | { item: string; lot?: string; serial?: string }): string {
  if ('lot' in r && r.lot !== undefined) return `${r.item} / ${r.lot}`;
  if ('serial' in r && r.serial !== undefined) return r.item === '' ? r.serial : `${r.item} # ${r.serial}`;
  return r.item;
}

function qty(q: number | null, uom: string | null): string {
  if (q === null) return 'qty ?';
  return `${Number(q.toFixed(6))} ${uom ?? 'EA'}`;
}

function pct(s: number | null): string {
  if (s === null) return 'share ?';
  const p = s * 100;
  return `${p >= 10 || p === 0 ? p.toFixed(0) : p >= 0.1 ? p.toFixed(1) : p.toPrecision(2)}%`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}

function key(r: RefJson): string {
  return JSON.stringify(r);
}

/** The trace as an indented tree (each lot under the first lot it was reached from), then movements. */
export function formatTrace(t: TraceResult): string {
  const lines: string[] = [];
  const arrow = t.direction === 'forward' ? '→' : '←';
  const byKey = new Map(t.lots.map((l) => [key(l.lot !== undefined ? { item: l.item, lot: l.lot } : { item: l.item, serial: l.serial! }), l]));
  const children = new Map<string, { ref: RefJson; quantity: number | null; uom: string | null; retroactive: boolean }[]>();
  const placed = new Set<string>([key(t.root)]);
  for (const l of t.links) {
    const [parent, child] = t.direction === 'forward' ? [l.from, l.to] : [l.to, l.from];
    const p = byKey.get(key(parent));
    const c = byKey.get(key(child));
    if (!p || !c || c.depth !== p.depth + 1 || placed.has(key(child))) continue;
    placed.add(key(child));
    let list = children.get(key(parent));
    if (!list) children.set(key(parent), (list = []));
    list.push({ ref: child, quantity: l.quantity, uom: l.uom, retroactive: l.retroactive !== undefined });
  }
  const walk = (ref: RefJson, prefix: string, label: string, retroactive = false): void => {
    const l = byKey.get(key(ref));
    lines.push(`${prefix}${label}${refText(ref)}${l && l.depth > 0 ? `  (${pct(l.share)})` : ''}${retroactive ? '  [link recorded retroactively]' : ''}`);
    const kids = children.get(key(ref)) ?? [];
    kids.forEach((k, i) => {
      const lastKid = i === kids.length - 1;
      const next = prefix.replace(/├─ $/, '│  ').replace(/└─ $/, '   ');
      walk(k.ref, `${next}${lastKid ? '└─ ' : '├─ '}`, `${arrow} ${qty(k.quantity, k.uom)} ${arrow} `, k.retroactive);
    });
  };
  lines.push(`${t.direction === 'forward' ? 'Forward' : 'Backward'} trace of ${refText(t.root)}`);
  lines.push(
    t.direction === 'forward'
      ? `(n%) = how much of that lot comes from ${refText(t.root)}; share ? = unknown (units that do not convert, or no quantity)`
      : `(n%) = how much of ${refText(t.root)} comes from that lot; share ? = unknown (units that do not convert, or no quantity)`,
  );
  walk(t.root, '', '');
  const moves = (title: string, list: Movement[], party: (m: Movement) => string): void => {
    if (list.length === 0) return;
    lines.push('', title);
    lines.push(table([['time', 'lot', 'quantity', title === 'Shipments' ? 'to' : 'from', 'via'], ...list.map((m) => [m.time, refText(m), qty(m.quantity, m.uom), party(m), m.via ?? ''])]));
  };
  moves('Shipments', t.shipments, (m) => (m.destination ? displayName(m.destination) : '?'));
  moves('Receipts', t.receipts, (m) => (m.source ? displayName(m.source) : '?'));
  if (t.gaps.length > 0) {
    lines.push('', `Gaps: ${t.gaps.length} reference(s) to an item without lot or serial — the chain cannot be followed there:`);
    for (const g of t.gaps) lines.push(`  ${g.item} as ${g.role} of event ${g.eventId}`);
  }
  if (t.corrections.length > 0) {
    lines.push('', `Corrections: ${t.corrections.length} event(s) declared erroneous are left out of this trace:`);
    for (const c of t.corrections) {
      const fix = c.correctiveEventIds.length > 0 ? `; corrected by ${c.correctiveEventIds.join(', ')}` : '';
      lines.push(`  ${c.eventId} (${c.reason ?? 'no reason given'}, declared ${c.declarationTime ?? '?'}${fix})`);
    }
  }
  if (t.cycles.length > 0) {
    lines.push('', `Data error: ${t.cycles.length} cycle(s) — these lots are recorded as their own ancestors:`);
    for (const c of t.cycles) lines.push(`  ${c.map(refText).join(' → ')}`);
  }
  const customers = new Set(t.shipments.map((s) => s.destination ?? '?'));
  const suppliers = new Set(t.receipts.map((s) => s.source ?? '?'));
  const maxDepth = t.lots.reduce((m, l) => Math.max(m, l.depth), 0);
  lines.push(
    '',
    `${t.lots.length - 1} lot(s) reached from ${refText(t.root)} (max depth ${maxDepth}); ${t.shipments.length} shipment(s) to ${customers.size} destination(s); ${t.receipts.length} receipt(s) from ${suppliers.size} source(s)${t.truncated ? '; TRUNCATED (raise --max-depth)' : ''}.`,
  );
  return lines.join('\n');
}

export function formatLotState(s: LotState | UnitState): string {
  if ('unit' in s) {
    const rows = [['lot', 'quantity'], ...s.contents.map((c) => [refText(c.ref), qty(c.quantity, c.uom)])];
    return [
      `${s.unit.scheme.toUpperCase()} ${s.unit.id}`,
      s.contents.length > 0 ? table(rows) : '(empty)',
      `${s.contents.length} lot(s) on the unit; last event ${s.lastEvent ? `${s.lastEvent.bizStep ?? s.lastEvent.type} at ${s.lastEvent.time}` : 'none'}.`,
    ].join('\n');
  }
  const lines = [
    `${refText(s.ref)}`,
    `  status     ${s.status.replace('_', ' ')}${s.hold ? ` since ${s.hold.since}${s.hold.reason ? ` (${s.hold.reason})` : ''}` : ''}`,
    `  on hand    ${s.onHand ? qty(s.onHand.quantity, s.onHand.uom) : 'unknown (quantities in units that do not convert)'}`,
    `  location   ${
      s.status === 'shipped' || s.status === 'consumed' || s.status === 'destroyed'
        ? `none: ${s.status} (last seen at ${s.location ? displayName(s.location) : 'an unknown place'})`
        : s.location
          ? displayName(s.location)
          : 'unknown'
    }`,
  ];
  if (s.inUnits.length > 0) lines.push(`  on unit    ${s.inUnits.join(', ')}`);
  if (s.supplierLots.length > 0) lines.push(`  supplier lot ${s.supplierLots.join(', ')}`);
  if (s.balance) {
    const b = s.balance;
    lines.push(`  balance    received ${b.received} + produced ${b.produced} − consumed ${b.consumed} − shipped ${b.shipped} − scrapped ${b.scrapped} ± adjusted ${b.adjusted} (${b.uom})`);
  }
  if (s.lastEvent) lines.push(`  last event ${s.lastEvent.bizStep ?? s.lastEvent.type} at ${s.lastEvent.time} (${s.lastEvent.eventId})`);
  lines.push(`  ${s.events} event(s)`);
  return lines.join('\n');
}
