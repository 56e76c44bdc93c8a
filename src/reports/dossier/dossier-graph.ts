/**
 * The dossier's data as a graph to draw: suppliers → received lots → … → the lot → … → shipped
 * lots → customers. Quantities of several events between the same two boxes are added up (per
 * unit); each lot says its share, each held lot says so.
 */
import type { GraphEdgeInput, GraphNodeInput } from '../drawing/genealogy-layout.js';
import type { DossierData, DossierLot, DossierMovement } from './dossier-data.js';
import { fmtNumber } from './dossier-data.js';

export function pct(share: number | null): string {
  if (share === null) return 'share unknown';
  const p = share * 100;
  return `${p >= 10 || p === 0 ? Math.round(p * 10) / 10 : Math.round(p * 100) / 100}%`;
}

function lotLines(label: string, extra: string | null, held: boolean): string[] {
  const [item, code] = label.includes(' / ') ? label.split(' / ') : label.split(' # ');
  return [item ?? label, `lot ${code ?? ''}`, ...(extra ? [extra] : []), ...(held ? ['ON HOLD'] : [])];
}

export function dossierGraph(d: DossierData): { nodes: GraphNodeInput[]; edges: GraphEdgeInput[] } {
  const nodes = new Map<string, GraphNodeInput>();
  const lotId = (label: string): string => `lot:${label}`;
  nodes.set(lotId(d.label), { id: lotId(d.label), kind: 'lot', lines: lotLines(d.label, 'THIS LOT', d.state.status === 'on_hold'), focus: true, held: d.state.status === 'on_hold', distance: 0, level: 0 });
  // Ancestors in the columns left of the lot, descendants right of it; parties go next to their lots.
  const addLot = (l: DossierLot, words: string, sign: -1 | 1): void => {
    if (!nodes.has(lotId(l.label))) nodes.set(lotId(l.label), { id: lotId(l.label), kind: 'lot', lines: lotLines(l.label, l.share === null ? 'share unknown' : `${pct(l.share)} ${words}`, l.held), held: l.held, distance: l.depth, level: sign * l.depth });
  };
  for (const l of d.backward.lots) addLot(l, 'of this lot', -1);
  for (const l of d.forward.lots) addLot(l, 'from this lot', 1);

  const sums = new Map<string, { from: string; to: string; uom: string | null; quantity: number | null; retroactive: boolean }>();
  const add = (from: string, to: string, quantity: number | null, uom: string | null, retroactive: boolean): void => {
    const key = `${from}\u0000${to}\u0000${uom ?? ''}`;
    const s = sums.get(key);
    if (!s) sums.set(key, { from, to, uom, quantity, retroactive });
    else {
      s.quantity = s.quantity === null || quantity === null ? null : s.quantity + quantity;
      s.retroactive ||= retroactive;
    }
  };
  for (const l of [...d.backward.links, ...d.forward.links]) add(lotId(l.from), lotId(l.to), l.quantity, l.uom, l.retroactive !== null);

  const depthOf = new Map<string, number>([[d.label, 0], ...[...d.backward.lots, ...d.forward.lots].map((l) => [l.label, l.depth] as const)]);
  const party = (kind: 'supplier' | 'customer', m: DossierMovement): string => {
    const id = `${kind}:${m.party ?? '(not named)'}`;
    const distance = (depthOf.get(m.lot) ?? 0) + 1;
    const known = nodes.get(id);
    if (!known || known.distance > distance) nodes.set(id, { id, kind, lines: [m.party ?? '(not named)', kind === 'supplier' ? 'supplier' : 'customer'], distance });
    return id;
  };
  for (const m of d.receipts) add(party('supplier', m), lotId(m.lot), m.quantity, m.uom, false);
  for (const m of d.shipments) add(lotId(m.lot), party('customer', m), m.quantity, m.uom, false);
  const edges: GraphEdgeInput[] = [...sums.values()]
    .filter((s) => nodes.has(s.from) && nodes.has(s.to))
    .map((s) => ({ from: s.from, to: s.to, label: s.quantity === null ? null : `${fmtNumber(s.quantity)} ${s.uom ?? ''}`.trim(), retroactive: s.retroactive }));
  return { nodes: [...nodes.values()], edges };
}
