/**
 * The genealogy drawing's content, from a backward and a forward trace of one lot: lots as nodes
 * placed by level (ancestors left, the lot at 0, descendants right), the quantities that flowed on
 * the edges, suppliers at the far left and customers at the far right. Pure, so that what is drawn
 * is tested without a browser.
 */
import type { RefJson, TraceResult } from '../api.js';
import { percent, placeName, quantity, refKey, refLabel } from '../names.js';

/** A group stands for the lots of one item crowding a column (see `GraphOptions.group`). */
export type NodeKind = 'lot' | 'supplier' | 'customer' | 'group';

export interface GraphNode {
  readonly id: string;
  readonly kind: NodeKind;
  /** First line: ITEM / LOT, or the party's name. */
  readonly label: string;
  /** Second line: the share, or how many receipts/shipments. */
  readonly detail: string;
  /** Transformation steps from the lot: negative before it, positive after it. */
  readonly level: number;
  readonly share: number | null;
  readonly ref?: RefJson;
  readonly root: boolean;
  /** A group's lots (their ids), drawn as this one box until the group is expanded. */
  readonly members?: readonly string[];
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  /** The quantities that flowed, summed per unit: "300 KGM", "960 EA on 2 pallets". */
  readonly label: string;
  /** Longer text for the tooltip (pallets, shipment count). */
  readonly title: string;
  readonly retroactive: boolean;
}

export interface GraphModel {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  /** How many levels each side has in the traces, before any collapsing. */
  readonly levelsBack: number;
  readonly levelsForward: number;
}

export interface GraphOptions {
  /** Show ancestors up to this many levels back (Infinity: all). */
  readonly back: number;
  /** Show descendants up to this many levels forward. */
  readonly forward: number;
  /**
   * Draw the lots of one item in one column that hang off the same side (the same boxes towards
   * the lot) as one group box when there are more than `threshold` of them, except the groups
   * whose ids are in `expanded`. Without it every lot is its own box.
   */
  readonly group?: { readonly threshold: number; readonly expanded: ReadonlySet<string> };
}

/** More lots of one item than this in one column, from the same side, are drawn as one group. */
export const GROUP_THRESHOLD = 12;

/** Adds quantities per unit: "300 KGM + 20 EA". */
class QuantitySum {
  private readonly byUom = new Map<string, number>();
  private unknown = false;
  add(q: number | undefined, uom: string | undefined): void {
    if (q === undefined) this.unknown = true;
    else this.byUom.set(uom ?? '', (this.byUom.get(uom ?? '') ?? 0) + q);
  }
  toString(): string {
    const parts = [...this.byUom].map(([u, q]) => quantity(q, u));
    if (this.unknown) parts.push('quantity ?');
    return parts.join(' + ');
  }
}

export function buildGraphModel(backward: TraceResult | undefined, forward: TraceResult | undefined, options: GraphOptions = { back: Infinity, forward: Infinity }): GraphModel {
  const root = (backward ?? forward)?.root;
  if (!root) return { nodes: [], edges: [], levelsBack: 0, levelsForward: 0 };
  const rootKey = refKey(root);
  const nodes = new Map<string, GraphNode>();
  const levelsBack = Math.max(0, ...(backward?.lots ?? []).map((l) => l.depth));
  const levelsForward = Math.max(0, ...(forward?.lots ?? []).map((l) => l.depth));
  nodes.set(rootKey, { id: rootKey, kind: 'lot', label: refLabel(root), detail: 'this lot', level: 0, share: 1, ref: root, root: true });
  // A lot both before and after the root (rework loops) is drawn once, at its first place.
  for (const [trace, sign, limit] of [
    [backward, -1, options.back],
    [forward, 1, options.forward],
  ] as const) {
    for (const lot of trace?.lots ?? []) {
      const id = refKey(lot);
      if (lot.depth === 0 || lot.depth > limit || nodes.has(id)) continue;
      const ref: RefJson = { item: lot.item, ...(lot.lot !== undefined ? { lot: lot.lot } : {}), ...(lot.serial !== undefined ? { serial: lot.serial } : {}) };
      const detail = sign < 0 ? `${percent(lot.share)} of this lot` : `${percent(lot.share)} from this lot`;
      nodes.set(id, { id, kind: 'lot', label: refLabel(ref), detail, level: sign * lot.depth, share: lot.share, ref, root: false });
    }
  }

  const edges = new Map<string, EdgeSum>();
  const edge = (from: string, to: string) => {
    const key = `${from}\u0000${to}`;
    let e = edges.get(key);
    if (!e) edges.set(key, (e = { from, to, sum: new QuantitySum(), parts: new Map(), events: new Set(), retroactive: false, pallets: new Set() }));
    return e;
  };
  const seenLinks = new Set<string>();
  for (const trace of [backward, forward]) {
    for (const link of trace?.links ?? []) {
      const from = refKey(link.from);
      const to = refKey(link.to);
      if (!nodes.has(from) || !nodes.has(to)) continue;
      // The same link appears in both traces when a lot is on both sides: count it once.
      const linkKey = `${from}\u0000${to}\u0000${link.eventId}`;
      if (seenLinks.has(linkKey)) continue;
      seenLinks.add(linkKey);
      const e = edge(from, to);
      e.sum.add(link.quantity, link.uom);
      // a link's quantity is what its input lot gave to the event, the same on each of its outputs
      e.parts.set(`${from}\u0000${link.eventId}`, [link.quantity, link.uom]);
      e.events.add(link.eventId);
      if (link.retroactive) e.retroactive = true;
    }
  }

  // Suppliers: receipts of the lots drawn on the backward side (and of the root itself).
  const receipts = [...(backward?.receipts ?? []), ...(backward ? [] : (forward?.receipts ?? []))];
  for (const r of receipts) {
    const lot = nodes.get(refKey(r));
    if (!lot || lot.level > 0) continue;
    const id = `supplier:${r.source ?? '?'}`;
    if (!nodes.has(id)) nodes.set(id, { id, kind: 'supplier', label: placeName(r.source) || 'supplier not recorded', detail: 'supplier', level: Math.min(lot.level, 0) - 1, share: null, root: false });
    const e = edge(id, lot.id);
    e.sum.add(r.quantity, r.uom);
    e.parts.set(`${lot.id}\u0000${r.eventId}`, [r.quantity, r.uom]);
    e.events.add(r.eventId);
  }
  // Customers: shipments of the root and of the lots drawn on the forward side.
  const shipments = [...(forward?.shipments ?? []), ...(forward ? [] : (backward?.shipments ?? []).filter((s) => refKey(s) === rootKey))];
  for (const s of shipments) {
    const lot = nodes.get(refKey(s));
    if (!lot || lot.level < 0) continue;
    const id = `customer:${s.destination ?? '?'}`;
    if (!nodes.has(id)) nodes.set(id, { id, kind: 'customer', label: placeName(s.destination) || 'customer not recorded', detail: 'customer', level: lot.level + 1, share: null, root: false });
    const e = edge(lot.id, id);
    e.sum.add(s.quantity, s.uom);
    e.parts.set(`${lot.id}\u0000${s.eventId}`, [s.quantity, s.uom]);
    e.events.add(s.eventId);
    if (s.via) e.pallets.add(s.via);
  }
  // A party's detail line says how much it is involved.
  for (const n of nodes.values()) {
    if (n.kind === 'lot') continue;
    const count = [...edges.values()].filter((e) => e.from === n.id || e.to === n.id).reduce((a, e) => a + e.events.size, 0);
    nodes.set(n.id, { ...n, detail: n.kind === 'supplier' ? `supplier · ${count} receipt${count === 1 ? '' : 's'}` : `customer · ${count} shipment${count === 1 ? '' : 's'}` });
  }

  if (options.group) groupCrowdedColumns(nodes, edges, options.group);

  return {
    nodes: [...nodes.values()],
    edges: [...edges.values()].map((e) => {
      const pallets = e.pallets.size > 0 ? ` on ${e.pallets.size} unit${e.pallets.size === 1 ? '' : 's'}` : '';
      const label = e.sum.toString() + pallets;
      const what = nodes.get(e.to)?.kind === 'customer' ? 'shipment' : nodes.get(e.from)?.kind === 'supplier' ? 'receipt' : 'event';
      const title = `${nodes.get(e.from)!.label} → ${nodes.get(e.to)!.label}: ${e.sum.toString()} in ${e.events.size} ${what}${e.events.size === 1 ? '' : 's'}${e.pallets.size ? `; units ${[...e.pallets].join(', ')}` : ''}${e.retroactive ? ' (linked after the fact)' : ''}`;
      return { from: e.from, to: e.to, label, title, retroactive: e.retroactive };
    }),
    levelsBack,
    levelsForward,
  };
}

/** An edge's quantities; `parts` holds each one once by lot and event, for summing merged edges. */
type EdgeSum = { from: string; to: string; sum: QuantitySum; parts: Map<string, readonly [number | undefined, string | undefined]>; events: Set<string>; retroactive: boolean; pallets: Set<string> };

/**
 * Replaces, in place, each crowd of lots (same level, same item, same boxes towards the root, more
 * than `threshold`) with one group box, and merges their edges: quantities summed per unit.
 * Columns are grouped from the lot outwards, so the lots behind a group see the group as their side.
 */
function groupCrowdedColumns(nodes: Map<string, GraphNode>, edges: Map<string, EdgeSum>, group: NonNullable<GraphOptions['group']>): void {
  const towardsRoot = new Map<string, string[]>();
  for (const e of edges.values()) {
    const a = nodes.get(e.from)!;
    const b = nodes.get(e.to)!;
    if (a.kind !== 'lot' || b.kind !== 'lot') continue;
    // backward side: a lot's edge goes to the box nearer the root; forward side: it comes from it
    if (a.level < 0 && b.level > a.level) towardsRoot.set(a.id, [...(towardsRoot.get(a.id) ?? []), b.id]);
    if (b.level > 0 && a.level < b.level) towardsRoot.set(b.id, [...(towardsRoot.get(b.id) ?? []), a.id]);
  }
  const groupOf = new Map<string, string>();
  const shown = (id: string) => groupOf.get(id) ?? id;
  const levels = [...new Set([...nodes.values()].filter((n) => n.kind === 'lot' && !n.root).map((n) => n.level))].sort((x, y) => Math.abs(x) - Math.abs(y));
  for (const level of levels) {
    const crowds = new Map<string, GraphNode[]>();
    for (const n of nodes.values()) {
      if (n.kind !== 'lot' || n.root || n.level !== level || !n.ref) continue;
      const side = [...new Set((towardsRoot.get(n.id) ?? []).map(shown))].sort().join(',');
      const id = `group:${level}:${n.ref.item}:${side}`;
      crowds.set(id, [...(crowds.get(id) ?? []), n]);
    }
    for (const [id, lots] of crowds) {
      if (lots.length <= group.threshold || group.expanded.has(id)) continue;
      const share = lots.reduce((a, n) => a + (n.share ?? 0), 0);
      const item = lots[0]!.ref!.item;
      for (const n of lots) {
        groupOf.set(n.id, id);
        nodes.delete(n.id);
      }
      nodes.set(id, { id, kind: 'group', label: `${lots.length} lots of ${item}`, detail: level < 0 ? `${percent(share)} of this lot` : `${percent(share)} from this lot`, level, share, root: false, members: lots.map((n) => n.id) });
    }
  }
  if (groupOf.size === 0) return;
  const merged = new Map<string, EdgeSum>();
  for (const e of edges.values()) {
    const from = shown(e.from);
    const to = shown(e.to);
    if (from === to) continue;
    const key = `${from}\u0000${to}`;
    const m = merged.get(key);
    if (!m) merged.set(key, { ...e, from, to, parts: new Map(e.parts), events: new Set(e.events), pallets: new Set(e.pallets) });
    else {
      for (const [k, part] of e.parts) m.parts.set(k, part);
      for (const ev of e.events) m.events.add(ev);
      for (const p of e.pallets) m.pallets.add(p);
      if (e.retroactive) m.retroactive = true;
    }
  }
  edges.clear();
  for (const [k, e] of merged) {
    // Summed from the parts: one input lot feeding a whole group of outputs counts once.
    const sum = new QuantitySum();
    for (const [q, uom] of e.parts.values()) sum.add(q, uom);
    edges.set(k, { ...e, sum });
  }
}

/** How many of a group's lots are held and recalled, as its box says it: "3 held · 1 recalled". */
export function groupStatus(members: readonly string[], status: ReadonlyMap<string, string>): { held: number; recalled: number; text: string } {
  let held = 0;
  let recalled = 0;
  for (const id of members) {
    const st = status.get(id);
    if (st === 'on_hold') held++;
    else if (st === 'recalled') recalled++;
  }
  const text = [held ? `${held} held` : '', recalled ? `${recalled} recalled` : ''].filter(Boolean).join(' · ');
  return { held, recalled, text };
}

/**
 * How many levels each way a graph opens with: all of them (Infinity) when the whole graph has at
 * most `maxBoxes` boxes, else the most levels that stay under it (at least one).
 */
export function openingDepth(backward: TraceResult | undefined, forward: TraceResult | undefined, maxBoxes: number): number {
  const full = buildGraphModel(backward, forward);
  if (full.nodes.length <= maxBoxes) return Infinity;
  let depth = Math.max(full.levelsBack, full.levelsForward) - 1;
  while (depth > 1 && buildGraphModel(backward, forward, { back: depth, forward: depth }).nodes.length > maxBoxes) depth--;
  return Math.max(depth, 1);
}
