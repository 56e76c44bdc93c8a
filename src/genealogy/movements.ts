/**
 * Shipments and receipts of a set of lots: events with bizStep shipping/receiving that name a
 * lot directly, or a logistic unit that held it at the time of the event (nested units too).
 */
import type { ObjectRef } from '../domain/identifiers/object-ref.js';
import type { EventObjectRow, EventRow } from '../store/event-store.js';
import type { TraceReads } from './trace-graph.js';
import type { AggregationStep, Held } from '../store/unit-contents.js';
import { contentsAtSorted, flattenContents, sortSteps } from '../store/unit-contents.js';
import type { Visibility } from './visibility.js';
import { isVisible } from './visibility.js';
import { sumInBase } from './quantity.js';

export interface Movement {
  readonly item: string;
  readonly lot?: string;
  readonly serial?: string;
  readonly eventId: string;
  readonly time: string;
  /** Shipments: the owning party of the destination list, else its location. */
  readonly destination?: string | null;
  /** Receipts: the owning party of the source list, else its location. */
  readonly source?: string | null;
  readonly quantity: number | null;
  readonly uom: string | null;
  /** The logistic unit the lot travelled in, when it was shipped inside one. */
  readonly via?: string;
}

const MAX_NESTING = 8;
const MOVING_TYPES = new Set(['ObjectEvent', 'AggregationEvent']);

function group<K, V>(xs: readonly V[], key: (v: V) => K): Map<K, V[]> {
  const m = new Map<K, V[]>();
  for (const x of xs) {
    const k = key(x);
    let l = m.get(k);
    if (!l) m.set(k, (l = []));
    l.push(x);
  }
  return m;
}

export interface Movements {
  readonly shipments: Movement[];
  readonly receipts: Movement[];
  /** Per lot: the ObjectEvents that named a unit while it held the lot (a pallet held, moved, shipped). */
  readonly carried: Map<number, EventRow[]>;
  /** The shipping and receiving events of the movements, by eventID (a recall reads their orders and carriers). */
  readonly eventsById: Map<string, EventRow>;
  /** What was read on the way, for callers that need the lots' own events too (a recall): the object rows of the lots and of the units that held them, and their events (not those of transformations). The rows of transformation inputs and outputs may be left out. */
  readonly rows: readonly EventObjectRow[];
  readonly events: ReadonlyMap<number, EventRow>;
  /** The aggregation history of every unit climbed to, in replay order (`sortSteps`): what a unit holds now is `contentsAtSorted(steps, MAX)`. */
  readonly unitSteps: ReadonlyMap<number, readonly AggregationStep[]>;
}

/** `carried: false` leaves `carried` empty, for callers that only need shipments and receipts (a trace): it replays every unit event again. */
export async function collectMovements(
  store: TraceReads,
  nodeIds: readonly number[],
  refs: Map<number, ObjectRef>,
  vis: Visibility,
  options: { readonly carried?: boolean } = {},
): Promise<Movements> {
  const lotSet = new Set(nodeIds);
  // what a unit held counts whatever the event-time window: only the log position limits it
  const anyTime: Visibility = { ...vis, fromMs: -8.64e15, toMs: 8.64e15 };
  // nothing here reads the rows of transformation inputs and outputs (the flows hold them): where the index can, they are not made
  const objectsOf = (ids: readonly number[]): Promise<EventObjectRow[]> => (store.movementObjectsOfNodes ? store.movementObjectsOfNodes(ids) : store.eventObjectsOfNodes(ids));
  const rows: EventObjectRow[] = [...(await objectsOf(nodeIds))];
  const events = new Map<number, EventRow>();
  const loadEvents = async (seqs: Iterable<number>): Promise<void> => {
    const missing = [...new Set(seqs)].filter((s) => !events.has(s));
    for (const e of await store.eventsBySeq(missing)) events.set(e.seq, e);
  };
  // transformation inputs and outputs are neither movements nor packing: their events are not needed
  await loadEvents(rows.filter((r) => r.role !== 'input' && r.role !== 'output').map((r) => r.seq));

  // Climb from lots to the units that ever held them (children of aggregation events), and on to outer units.
  const units = new Set<number>();
  // aggregation events that name a parent: their children travel in it, and count through it once
  const withParent = new Set<number>();
  // the rows of the aggregation events read on the way: the units' histories below need most of them again
  const aggRows = new Map<number, EventObjectRow[]>();
  let childRows = rows;
  for (let level = 0; level < MAX_NESTING && childRows.length > 0; level++) {
    const aggSeqs = childRows.filter((r) => r.role === 'object' && events.get(r.seq)?.type === 'AggregationEvent').map((r) => r.seq);
    const read = await store.eventObjectsOfEvents([...new Set(aggSeqs)]);
    for (const [seq, rs] of group(read, (r) => r.seq)) aggRows.set(seq, rs);
    const parentRows = read.filter((r) => r.role === 'parent');
    for (const p of parentRows) withParent.add(p.seq);
    const fresh = [...new Set(parentRows.map((p) => p.node).filter((u) => !units.has(u)))];
    if (fresh.length === 0) break;
    for (const u of fresh) units.add(u);
    childRows = await objectsOf(fresh);
    rows.push(...childRows);
    await loadEvents(childRows.filter((r) => r.role !== 'input' && r.role !== 'output').map((r) => r.seq));
  }

  // The aggregation history of every unit, to replay what it held at each shipment.
  const unitSteps = new Map<number, AggregationStep[]>();
  if (units.size > 0) {
    const parentRows = rows.filter((r) => units.has(r.node) && r.role === 'parent' && events.get(r.seq)?.type === 'AggregationEvent');
    const unread = [...new Set(parentRows.map((r) => r.seq))].filter((seq) => !aggRows.has(seq));
    for (const [seq, rs] of group(await store.eventObjectsOfEvents(unread), (r) => r.seq)) aggRows.set(seq, rs);
    const children = new Map<number, EventObjectRow[]>();
    for (const pr of parentRows) if (!children.has(pr.seq)) children.set(pr.seq, (aggRows.get(pr.seq) ?? []).filter((r) => r.role === 'object'));
    for (const [unit, prs] of group(parentRows, (r) => r.node)) {
      const steps: AggregationStep[] = [];
      for (const pr of prs) {
        const e = events.get(pr.seq)!;
        if (!isVisible(anyTime, e)) continue;
        // the object rows themselves: they carry node, quantity and unit
        steps.push({ seq: e.seq, eventMs: e.eventMs, action: e.action, children: children.get(e.seq) ?? [] });
      }
      // sorted once: every shipment and event of the unit replays it (a sort per replay was a tenth of a large recall)
      unitSteps.set(unit, sortSteps(steps));
    }
  }
  const heldAt = (unit: number, atMs: number): Map<number, Held> => {
    const held = contentsAtSorted(unitSteps.get(unit) ?? [], atMs);
    // most units hold lots only: nothing to resolve, and no copy of the contents to make
    let nested = false;
    for (const n of held.keys()) if (units.has(n)) nested = true;
    return nested ? flattenContents(held, (n) => (units.has(n) ? contentsAtSorted(unitSteps.get(n) ?? [], atMs) : undefined), new Set([unit])) : held;
  };

  const shipments: Movement[] = [];
  const receipts: Movement[] = [];
  // by event, then lot
  const seen = new Map<number, Map<number, { list: Movement[]; at: number }>>();
  const emit = (e: EventRow, node: number, quantity: number | null, uom: string | null, via?: number): void => {
    let ofEvent = seen.get(e.seq);
    if (!ofEvent) seen.set(e.seq, (ofEvent = new Map()));
    const earlier = ofEvent.get(node);
    if (earlier) {
      // One entry per lot and event: a lot named directly and also on a pallet of the same shipment adds up.
      const m = earlier.list[earlier.at]!;
      const sum = sumInBase([m, { quantity, uom }]);
      const viaRef = via === undefined ? undefined : unitLabel(refs, via);
      earlier.list[earlier.at] = {
        ...m,
        ...(m.uom === uom && m.quantity !== null && quantity !== null
          ? { quantity: m.quantity + quantity }
          : { quantity: sum === null ? null : sum.value, uom: sum === null ? null : sum.base }),
        // part of it travelled in a unit: say which (on several, the first by label, so that the answer
        // does not depend on the order rows came back in)
        ...(viaRef !== undefined && (m.via === undefined || viaRef < m.via) ? { via: viaRef } : {}),
      };
      return;
    }
    const ref = refs.get(node)!;
    const viaRef = via === undefined ? undefined : unitLabel(refs, via);
    // built key by key, in the contract's order (a spread per movement was most of a large trace's cost)
    const m: Record<string, unknown> = ref.kind === 'lot' ? { item: ref.item, lot: ref.lot } : ref.kind === 'serial' ? { item: ref.item, serial: ref.serial } : { item: '', serial: ref.kind === 'other' ? ref.uri : '' };
    m['eventId'] = e.eventId;
    m['time'] = e.eventTime;
    m['quantity'] = quantity;
    m['uom'] = uom;
    if (viaRef) m['via'] = viaRef;
    const list = e.bizStep === 'shipping' ? shipments : receipts;
    if (e.bizStep === 'shipping') m['destination'] = e.destination;
    else m['source'] = e.source;
    list.push(m as unknown as Movement);
    ofEvent.set(node, { list, at: list.length - 1 });
  };
  // Direct mentions first, so that a lot named both directly and through its pallet keeps its own quantity.
  const movementRows = rows.filter((r) => {
    const e = events.get(r.seq);
    // A TransactionEvent only links objects to a business document; counting it would ship twice.
    return e !== undefined && MOVING_TYPES.has(e.type) && (e.bizStep === 'shipping' || e.bizStep === 'receiving') && isVisible(vis, e);
  });
  for (const r of movementRows) {
    if (!lotSet.has(r.node) || r.role === 'input' || r.role === 'output' || withParent.has(r.seq)) continue;
    emit(events.get(r.seq)!, r.node, r.quantity, r.uom);
  }
  const unitRows = movementRows.filter((r) => units.has(r.node) && r.role !== 'input' && r.role !== 'output');
  if (unitRows.length > 0) {
    const missing = [...units].filter((u) => !refs.has(u));
    for (const n of await store.nodesById(missing)) refs.set(n.id, n.ref);
  }
  for (const r of unitRows) {
    const e = events.get(r.seq)!;
    for (const [n, h] of heldAt(r.node, e.eventMs)) if (lotSet.has(n)) emit(e, n, h.quantity, h.uom, r.node);
  }
  // Events about the units themselves (a pallet on hold, moved to the cold store) are events of what they hold.
  const carried = new Map<number, EventRow[]>();
  for (const r of options.carried === false ? [] : rows) {
    const e = events.get(r.seq);
    if (!units.has(r.node) || r.role !== 'object' || e === undefined || e.type !== 'ObjectEvent' || !isVisible(anyTime, e)) continue;
    for (const n of heldAt(r.node, e.eventMs).keys()) {
      if (!lotSet.has(n)) continue;
      let list = carried.get(n);
      if (!list) carried.set(n, (list = []));
      if (!list.includes(e)) list.push(e);
    }
  }
  // A total order: one shipment can carry a lot on several pallets (same event, lot and time), so
  // the pallet decides last; the answer must not depend on the order the lookups returned rows in.
  // The instant of each time is worked out once, not in every comparison (it was 13% of a large trace).
  const instants = new Map<Movement, string>();
  const instantOf = new Map<string, string>();
  for (const m of [...shipments, ...receipts]) {
    let at = instantOf.get(m.time);
    if (at === undefined) instantOf.set(m.time, (at = new Date(m.time).toISOString()));
    instants.set(m, at);
  }
  const order = (a: Movement, b: Movement): number =>
    (a.time === b.time ? cmp(a.item, b.item) || cmp(a.lot ?? a.serial ?? '', b.lot ?? b.serial ?? '') || cmp(a.eventId, b.eventId) : cmp(instants.get(a)!, instants.get(b)!) || cmp(a.eventId, b.eventId)) ||
    cmp(a.via ?? '', b.via ?? '');
  shipments.sort(order);
  receipts.sort(order);
  const eventsById = new Map<string, EventRow>();
  for (const r of movementRows) {
    const e = events.get(r.seq)!;
    eventsById.set(e.eventId, e);
  }
  return { shipments, receipts, carried, eventsById, rows, events, unitSteps };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function unitLabel(refs: Map<number, ObjectRef>, node: number): string | undefined {
  const ref = refs.get(node);
  return ref?.kind === 'unit' ? ref.id : undefined;
}
