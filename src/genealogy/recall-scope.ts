/**
 * The recall scope (DESIGN.md §2, docs/reports/recall.md): from lots, or from a supplier and/or an
 * item over an event-time range, every affected lot with its status, what is on hand where (to
 * hold), every shipment with its exposure (share × quantity), the orders that can still be
 * stopped, the customers to notify, and how much narrower the targeted recall is than a recall of
 * the same items over the same dates. A pure use case over the store port and a master-data view.
 */
import { LotlineError } from '../domain/errors.js';
import type { ObjectRef } from '../domain/identifiers/object-ref.js';
import { refKey, refLabel } from '../domain/identifiers/object-ref.js';
import { lotlineUri, partyUri } from '../domain/identifiers/lotline-uri.js';
import type { MasterDataView } from '../masterdata/master-data-view.js';
import { itemKey, masterKey, placeKey } from '../masterdata/master-data-keys.js';
import { describePlace } from '../reports/place-description.js';
import type { EventObjectRow, EventRow, EventStore, FlowRow, NodeRow } from '../store/event-store.js';
import type { AggregationStep, Held } from '../store/unit-contents.js';
import { contentsAt, contentsAtSorted } from '../store/unit-contents.js';
import { HOLD_DISPOSITIONS, lotStates } from './lot-state.js';
import type { LotStatus } from './lot-state.js';
import { collectMovements } from './movements.js';
import type { Movement, Movements } from './movements.js';
import { inBase } from './quantity.js';
import type { RefJson } from './trace.js';
import type { TraceReads } from './trace-graph.js';
import { refJson, toMs, visibilityFor } from './trace.js';
import { reachForward } from './recall-graph.js';
import { NO_SHIPPING_FACTS, shippingFactsOf } from './body-facts.js';
import type { ForwardReach } from './recall-graph.js';
import { traceReads } from './genealogy-index.js';
import { isVisible } from './visibility.js';
import type { Visibility } from './visibility.js';

export interface RecallRequest {
  /** Start lots (or serials). */
  readonly lots?: readonly ObjectRef[];
  /** Start from what this supplier delivered (GLN, party URI or the name events use). */
  readonly supplier?: string;
  /** Start from lots of this item (code or GTIN): received from the supplier, or (alone) made or received. */
  readonly item?: string;
  /** Event-time range of the receipts (or of making) for a supplier/item start: from inclusive, to exclusive. */
  readonly from?: string;
  readonly to?: string;
  /** The records as known at this record time. */
  readonly asOf?: string;
  /** "Now" for in-transit shipments (ISO); default the clock. */
  readonly now?: string;
  /** A shipment younger than this (days before now) with no receipt recorded is in transit; default 3. */
  readonly transitDays?: number;
}

export interface Quantity {
  readonly quantity: number;
  readonly uom: string;
}

export interface AffectedLot {
  readonly item: string;
  readonly lot?: string;
  readonly serial?: string;
  readonly description: string | null;
  /** Transformation steps from the nearest start lot. */
  readonly depth: number;
  /** Fraction of the lot's content that comes from the start lots; null when unknown. */
  readonly share: number | null;
  readonly status: LotStatus;
  readonly onHand: Quantity | null;
  readonly location: string | null;
  readonly locationName: string | null;
}

export interface OnHandLot {
  readonly item: string;
  readonly lot?: string;
  readonly serial?: string;
  readonly quantity: number | null;
  readonly uom: string | null;
  readonly status: LotStatus;
  /** Already on hold before this recall (a hold places nothing new for it). */
  readonly alreadyHeld: boolean;
  /** Pallets or cases that hold it now. */
  readonly inUnits: readonly string[];
}

export interface OnHandLocation {
  readonly location: string | null;
  readonly locationName: string;
  readonly lots: OnHandLot[];
  /** Sums per unit of measure. */
  readonly totals: Quantity[];
}

export interface RecallShipment {
  readonly eventId: string;
  readonly time: string;
  readonly customer: string | null;
  readonly customerName: string | null;
  /** The destination location when the event names one. */
  readonly shipTo: string | null;
  readonly order: string | null;
  readonly despatchAdvice: string | null;
  readonly carrier: string | null;
  readonly item: string;
  readonly lot?: string;
  readonly serial?: string;
  readonly description: string | null;
  readonly quantity: number | null;
  readonly uom: string | null;
  readonly share: number | null;
  /** share × quantity, in the shipment's unit; null when either is unknown. */
  readonly exposure: Quantity | null;
  readonly via?: string;
  readonly inTransit: boolean;
}

export interface OpenOrder {
  /** `in_transit`: shipped, no receipt recorded, younger than the transit window; `packed_not_shipped`: on a pallet or case still here. */
  readonly kind: 'in_transit' | 'packed_not_shipped';
  readonly order: string | null;
  readonly customer: string | null;
  readonly customerName: string | null;
  readonly unit: string | null;
  readonly eventId: string | null;
  readonly time: string | null;
  readonly lots: { item: string; lot?: string; serial?: string; quantity: number | null; uom: string | null }[];
}

export interface CustomerNotice {
  readonly customer: string;
  readonly name: string;
  /** False when master data has no record of the customer: contact details must be found elsewhere. */
  readonly onFile: boolean;
  readonly contact: string | null;
  readonly phone: string | null;
  readonly email: string | null;
  readonly address: string | null;
  readonly lots: string[];
  readonly quantities: Quantity[];
  readonly exposure: Quantity[];
  readonly shipments: string[];
  readonly firstShipped: string;
  readonly lastShipped: string;
}

export interface PrecisionLine {
  readonly item: string;
  readonly description: string | null;
  /** The making (production or receipt) times of the affected lots of the item: the dates a broad recall would take. */
  readonly span: { from: string; to: string } | null;
  readonly targeted: { lots: number; quantity: number | null; uom: string | null };
  readonly broad: { lots: number; quantity: number | null; uom: string | null };
  /** targeted / broad; null when a quantity is unknown. */
  readonly ratio: number | null;
}

export interface RecallScope {
  readonly asOfSeq: number;
  readonly start: { readonly lots: RefJson[]; readonly supplier?: string; readonly supplierName?: string; readonly item?: string; readonly from?: string; readonly to?: string };
  readonly lots: AffectedLot[];
  readonly onHand: OnHandLocation[];
  readonly shipments: RecallShipment[];
  readonly openOrders: OpenOrder[];
  readonly customers: CustomerNotice[];
  readonly precision: { readonly items: PrecisionLine[]; readonly targeted: Quantity | null; readonly broad: Quantity | null; readonly ratio: number | null };
  /** Things the quality manager should know: cycles, class-only inputs, truncation, unknown shares. */
  readonly warnings: string[];
}

export interface RecallProgress {
  readonly step: string;
  readonly done: number;
  readonly total: number;
}

const DAY_MS = 86_400_000;

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function refOf(r: RefJson): ObjectRef {
  return 'lot' in r ? { kind: 'lot', item: r.item, lot: r.lot } : r.item === '' ? { kind: 'other', uri: r.serial } : { kind: 'serial', item: r.item, serial: r.serial };
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

/** Sums per unit: quantities in one unit add up; other units get their own line. */
function sumByUom(xs: readonly { quantity: number | null; uom: string | null }[]): Quantity[] {
  const m = new Map<string, number>();
  for (const x of xs) if (x.quantity !== null) m.set(x.uom ?? 'EA', (m.get(x.uom ?? 'EA') ?? 0) + x.quantity);
  return [...m].sort(([a], [b]) => (a < b ? -1 : 1)).map(([uom, q]) => ({ quantity: round(q), uom }));
}

/** The lots a supplier/item start names: receipts in the range (lots named directly or on units), or for an item alone, lots of it made or received in the range. */
async function startLots(store: EventStore, req: RecallRequest, vis: Visibility): Promise<NodeRow[]> {
  const fromMs = toMs(req.from, 'from', -8.64e15);
  const toMsV = toMs(req.to, 'to', 8.64e15);
  const item = req.item === undefined ? undefined : itemKey(req.item);
  const inRange = (e: EventRow): boolean => isVisible(vis, e) && e.eventMs >= fromMs && e.eventMs < toMsV;
  const nodes = new Map<number, NodeRow>();
  if (req.supplier !== undefined) {
    const supplier = masterKey('parties', req.supplier);
    const receipts: EventRow[] = [];
    for (let after = 0; ; ) {
      const page = await store.queryEvents({ bizSteps: ['receiving'], eventMsFrom: fromMs, eventMsTo: toMsV, afterSeq: after, limit: 10_000 });
      receipts.push(...page.filter((e) => e.source !== null && placeKey(e.source) === supplier && inRange(e)));
      if (page.length < 10_000) break;
      after = page[page.length - 1]!.seq;
    }
    const rows = (await store.eventObjectsOfEvents(receipts.map((e) => e.seq))).filter((r) => r.role === 'object' || r.role === 'parent');
    const named = new Map((await store.nodesById([...new Set(rows.map((r) => r.node))])).map((n) => [n.id, n]));
    const atMs = new Map(receipts.map((e) => [e.seq, e.eventMs]));
    const units: { node: number; ms: number }[] = [];
    for (const r of rows) {
      const n = named.get(r.node);
      if (!n) continue;
      if (n.ref.kind === 'unit') units.push({ node: n.id, ms: atMs.get(r.seq)! });
      else nodes.set(n.id, n);
    }
    // A pallet received from the supplier: the lots it held then.
    if (units.length > 0) {
      const unitRows = await store.eventObjectsOfNodes([...new Set(units.map((u) => u.node))]);
      const aggs = new Map((await store.eventsBySeq([...new Set(unitRows.filter((r) => r.role === 'parent').map((r) => r.seq))])).filter((e) => e.type === 'AggregationEvent' && isVisible({ ...vis, fromMs: -8.64e15, toMs: 8.64e15 }, e)).map((e) => [e.seq, e]));
      const children = await store.eventObjectsOfEvents([...aggs.keys()]);
      const held = new Set<number>();
      for (const u of units) {
        const steps: AggregationStep[] = unitRows
          .filter((r) => r.node === u.node && r.role === 'parent' && aggs.has(r.seq))
          .map((r) => ({ seq: r.seq, eventMs: aggs.get(r.seq)!.eventMs, action: aggs.get(r.seq)!.action, children: children.filter((c) => c.seq === r.seq && c.role === 'object') }));
        for (const n of contentsAt(steps, u.ms).keys()) held.add(n);
      }
      for (const n of await store.nodesById([...held])) if (n.ref.kind !== 'unit') nodes.set(n.id, n);
    }
    if (item !== undefined) for (const [id, n] of nodes) if (!('item' in n.ref) || n.ref.item !== item) nodes.delete(id);
    return [...nodes.values()];
  }
  if (item === undefined) return [];
  const candidates = await store.lotsOfItem(item);
  const made = await madeAt(store, candidates.map((n) => n.id), vis);
  return candidates.filter((n) => (made.get(n.id) ?? []).some((m) => m.ms >= fromMs && m.ms < toMsV));
}

/** When and how much of each lot was made here (production outputs) or, for a lot never made here, received (receipts naming it directly). */
async function madeAt(store: Pick<TraceReads, 'flowsOfNodes' | 'eventObjectsOfNodes' | 'eventsBySeq'>, ids: readonly number[], vis: Visibility): Promise<Map<number, { ms: number; quantity: number | null; uom: string | null }[]>> {
  const out = new Map<number, { ms: number; quantity: number | null; uom: string | null }[]>();
  if (ids.length === 0) return out;
  for (const f of await store.flowsOfNodes(ids, 'out')) if (isVisible(vis, f)) push(out, f.node, { ms: f.eventMs, quantity: f.quantity, uom: f.uom });
  // only lots not made here need their receipts: reading every object row of finished lots (their shipments) costs far more
  const bought = ids.filter((id) => !out.has(id));
  if (bought.length === 0) return out;
  const rows = (await store.eventObjectsOfNodes(bought)).filter((r) => r.role === 'object');
  const events = new Map((await store.eventsBySeq([...new Set(rows.map((r) => r.seq))])).map((e) => [e.seq, e]));
  for (const r of rows) {
    const e = events.get(r.seq);
    if (e && e.bizStep === 'receiving' && isVisible(vis, e)) push(out, r.node, { ms: e.eventMs, quantity: r.quantity, uom: r.uom });
  }
  return out;
}

/** Events after which a lot's status needs the full lot-state replay (holds, destruction, counts, adjustments, persistent dispositions). */
function needsFullState(e: EventRow): boolean {
  const step = e.bizStep ?? '';
  return (
    step === 'holding' ||
    step === 'destroying' ||
    step === 'cycle_counting' ||
    step === 'stock_taking' ||
    step.includes('adjusting') ||
    e.disposition === 'recalled' ||
    e.disposition === 'destroyed' ||
    (HOLD_DISPOSITIONS as readonly string[]).includes(e.disposition ?? '') ||
    e.persistentSet.length > 0 ||
    e.persistentUnset.length > 0
  );
}

export async function recallScope(store: EventStore, md: MasterDataView, req: RecallRequest, onProgress: (p: RecallProgress) => void = () => undefined): Promise<RecallScope> {
  const vis = await visibilityFor(store, req.asOf !== undefined ? { asOf: req.asOf } : {});
  const nowMs = req.now === undefined ? Date.now() : toMs(req.now, 'now', 0);
  const transitDays = req.transitDays ?? 3;
  if (!(transitDays >= 0) || !Number.isFinite(transitDays)) throw new LotlineError('USAGE', `transitDays must be a number of days ≥ 0 (got ${transitDays})`);
  const warnings: string[] = [];
  // tens of thousands of shipment lines share a few thousand event times: each parsed once
  const timeMs = new Map<string, number>();
  const parseTime = (t: string): number => {
    let ms = timeMs.get(t);
    if (ms === undefined) timeMs.set(t, (ms = Date.parse(t)));
    return ms;
  };
  const byLots = (req.lots?.length ?? 0) > 0;
  if (byLots && (req.supplier !== undefined || req.item !== undefined)) throw new LotlineError('USAGE', 'start a recall from lots, or from a supplier and/or item with a date range, not both');
  if (!byLots && req.supplier === undefined && req.item === undefined) throw new LotlineError('USAGE', 'a recall needs a start: lots, or a supplier and/or an item (with from/to for the date range)');
  if (byLots && (req.from !== undefined || req.to !== undefined)) throw new LotlineError('USAGE', 'from/to select the receipts of a supplier/item start; a recall from lots takes every event of the lots');

  // 1. Start lots.
  let roots: NodeRow[];
  if (byLots) {
    const found = await store.findNodes(req.lots!);
    roots = req.lots!.map((l) => {
      const n = found.get(refKey(l));
      if (!n) throw new LotlineError('LOT_NOT_FOUND', `no event names ${refLabel(l)}: check the item and the lot code`);
      return n;
    });
  } else {
    roots = await startLots(store, req, vis);
    if (roots.length === 0) {
      const what = [req.supplier !== undefined ? `from ${req.supplier}` : null, req.item !== undefined ? `of item ${req.item}` : null].filter(Boolean).join(' ');
      throw new LotlineError('LOT_NOT_FOUND', `no lot ${req.supplier !== undefined ? 'was received' : 'was made or received'} ${what}${req.from !== undefined || req.to !== undefined ? ` between ${req.from ?? 'the beginning'} and ${req.to ?? 'now'}` : ''}: check the identifiers and the dates`);
    }
  }
  const rootIds = [...new Set(roots.map((r) => r.id))];

  // 2. Forward trace of each start lot; shares from several start lots add up (a start lot reached from another is already inside its scope).
  const traces: { root: number; reach: ForwardReach }[] = [];
  for (const [i, root] of rootIds.entries()) {
    onProgress({ step: 'tracing', done: i, total: rootIds.length });
    traces.push({ root, reach: await reachForward(store, roots.find((r) => r.id === root)!, vis, req.asOf) });
  }
  onProgress({ step: 'tracing', done: rootIds.length, total: rootIds.length });
  const reachedFromOther = new Set<number>();
  for (const t of traces) for (const l of t.reach.lots) if (l.depth > 0) reachedFromOther.add(l.id);
  const affected = new Map<string, { ref: RefJson; id: number; depth: number; shares: (number | null)[] }>();
  const idOf = new Map<string, number>();
  const refById = new Map<number, ObjectRef>();
  for (const t of traces) {
    // Only start lots no other start lot reaches count for shares: their contents are disjoint, so shares add up.
    const independent = !reachedFromOther.has(t.root);
    for (const l of t.reach.lots) {
      const ref = refJson(l.ref);
      const k = refKey(refOf(ref));
      let a = affected.get(k);
      if (!a) {
        affected.set(k, (a = { ref, id: l.id, depth: l.depth, shares: [] }));
        idOf.set(k, l.id);
        refById.set(l.id, refOf(ref));
      }
      a.depth = Math.min(a.depth, l.depth);
      if (independent) a.shares.push(l.share);
    }
    const label = (r: ObjectRef): string => refLabel(refOf(refJson(r)));
    if (t.reach.truncated) warnings.push(`the trace of ${label(roots.find((r) => r.id === t.root)!.ref)} was cut short (too many lots): the scope is incomplete`);
    for (const c of t.reach.cycles) warnings.push(`the records make ${c.map(label).join(', ')} their own ancestors (a data error): shares behind them are unknown`);
    for (const g of t.reach.gaps) warnings.push(`event ${g.eventId} names ${g.item} without a lot (class-only ${g.role}): the chain is broken there and lots beyond it may be missing`);
  }
  const affectedById = new Map([...idOf].map(([k, id]) => [id, affected.get(k)!]));
  const shareOf = (a: { shares: (number | null)[] }): number | null =>
    a.shares.length === 0 || a.shares.includes(null) ? null : Math.min(1, a.shares.reduce<number>((x, y) => x + y!, 0));

  // 3. Status and on-hand of every affected lot: a cheap ledger for lots that only moved and were used, the full lot state for the rest.
  const ids = [...refById.keys()];
  const reads = traceReads(store, vis);
  onProgress({ step: 'reading lot events', done: 0, total: ids.length });
  const flowsIn = (await reads.flowsOfNodes(ids, 'in')).filter((f) => isVisible(vis, f));
  const flowsOut = (await reads.flowsOfNodes(ids, 'out')).filter((f) => isVisible(vis, f));
  const moves = await collectMovements(reads, ids, new Map(refById), vis, { carried: true });
  // the lots' own events, as collectMovements read them (rows of units it climbed to are left aside)
  const idSet = new Set(ids);
  const direct: EventObjectRow[] = moves.rows.filter((r) => idSet.has(r.node) && (r.role === 'object' || r.role === 'parent'));
  const anyTime: Visibility = { ...vis, fromMs: -8.64e15, toMs: 8.64e15 };
  const directEvents = new Map<number, EventRow>();
  for (const r of direct) {
    const e = moves.events.get(r.seq);
    if (e && isVisible(anyTime, e)) directEvents.set(r.seq, e);
  }
  const ledger = new Map<number, { ms: number; kind: 'in' | 'out'; outflow?: 'consumed' | 'shipped'; quantity: number | null; uom: string | null }[]>();
  const complex = new Set<number>();
  for (const f of flowsOut) push(ledger, f.node, { ms: f.eventMs, kind: 'in', quantity: f.quantity, uom: f.uom });
  for (const f of flowsIn) push(ledger, f.node, { ms: f.eventMs, kind: 'out', outflow: 'consumed', quantity: f.quantity, uom: f.uom });
  // a movement's lot by item and code: one map lookup per line (a ref object and its key per line was a tenth of the scope)
  const idByCode = new Map<string, number>();
  for (const [id, r] of refById) idByCode.set(codeKey(refJson(r)), id);
  const movementKey = (m: Movement): number | undefined => idByCode.get(codeKey(m));
  for (const m of moves.receipts) {
    const n = movementKey(m);
    if (n !== undefined) push(ledger, n, { ms: parseTime(m.time), kind: 'in', quantity: m.quantity, uom: m.uom });
  }
  for (const m of moves.shipments) {
    const n = movementKey(m);
    if (n !== undefined) push(ledger, n, { ms: parseTime(m.time), kind: 'out', outflow: 'shipped', quantity: m.quantity, uom: m.uom });
  }
  for (const r of direct) if (directEvents.has(r.seq) && needsFullState(directEvents.get(r.seq)!)) complex.add(r.node);
  for (const [n, evs] of moves.carried) if (evs.some(needsFullState)) complex.add(n);
  const states = new Map<number, { status: LotStatus; onHand: Quantity | null; location: string | null; hold: boolean; inUnits: string[] }>();
  const full: number[] = [];
  // Lots with stock left that only moved and were used: released, on hand; where and on which units, below.
  const stocked = new Map<number, { balance: number; base: string; uom: string }>();
  for (const id of ids) {
    const entries = (ledger.get(id) ?? []).sort((a, b) => a.ms - b.ms);
    let balance = 0;
    let base: string | null = null;
    let convertible = true;
    let last: 'consumed' | 'shipped' | null = null;
    for (const e of entries) {
      const b = inBase(e.quantity, e.uom);
      if (b === null || (base !== null && b.base !== base)) {
        convertible = false;
        break;
      }
      base = b.base;
      balance += e.kind === 'in' ? b.value : -b.value;
      if (e.outflow) last = e.outflow;
    }
    const firstIn = entries.find((e) => e.kind === 'in' && e.quantity !== null);
    if (complex.has(id) || !convertible || base === null || firstIn === undefined) full.push(id);
    else if (balance <= 1e-9 && last !== null) states.set(id, { status: last, onHand: null, location: null, hold: false, inUnits: [] });
    else if (balance <= 1e-9) full.push(id);
    else stocked.set(id, { balance, base, uom: firstIn.uom ?? 'EA' });
  }
  const unitContents = await unitsHolding(reads, [...stocked.keys()], direct, directEvents, moves);
  if (stocked.size > 0) {
    const stockedIds = new Set(stocked.keys());
    const seqs = new Set([...flowsIn, ...flowsOut].filter((f) => stockedIds.has(f.node) && !directEvents.has(f.seq)).map((f) => f.seq));
    const flowEvents = new Map((await reads.eventsBySeq([...seqs])).map((e) => [e.seq, e]));
    // where each lot was last seen: the latest (event time, then log position) of its events and its
    // units' that names a business location, kept as they come (a history list and a sort per lot were a tenth of the scope)
    const lastSeen = new Map<number, EventRow>();
    const see = (id: number, e: EventRow | undefined): void => {
      if (e === undefined || !e.bizLocation || !stockedIds.has(id)) return;
      const b = lastSeen.get(id);
      if (b === undefined || e.eventMs > b.eventMs || (e.eventMs === b.eventMs && e.seq > b.seq)) lastSeen.set(id, e);
    };
    for (const r of direct) see(r.node, directEvents.get(r.seq));
    for (const f of flowsIn) see(f.node, flowEvents.get(f.seq));
    for (const f of flowsOut) see(f.node, flowEvents.get(f.seq));
    for (const [n, evs] of moves.carried) for (const e of evs) see(n, e);
    // lot → the units holding it, inverted once (a scan of every unit per lot was quadratic)
    const unitsOf = new Map<number, string[]>();
    for (const u of unitContents.values()) for (const n of u.held.keys()) push(unitsOf, n, u.label);
    for (const [id, st] of stocked) {
      const location = lastSeen.get(id)?.bizLocation ?? null;
      const per = inBase(1, st.uom);
      const quantity = per === null || per.base !== st.base ? null : round(st.balance / per.value);
      if (quantity === null) {
        full.push(id);
        continue;
      }
      const inUnits = [...(unitsOf.get(id) ?? [])].sort();
      states.set(id, { status: 'released', onHand: { quantity, uom: st.uom }, location, hold: false, inUnits });
    }
  }
  onProgress({ step: 'lot states', done: 0, total: full.length });
  // the rest in one batch: every read once for all of them
  const fullStates = await lotStates(store, full.map((id) => refById.get(id)!), req.asOf !== undefined ? { asOf: req.asOf } : {});
  for (const id of full) {
    const st = fullStates.get(refKey(refById.get(id)!))!;
    states.set(id, { status: st.status, onHand: st.onHand, location: st.location, hold: st.hold !== null, inUnits: st.inUnits });
  }
  onProgress({ step: 'lot states', done: full.length, total: full.length });

  const description = (item: string): string | null => md.item(item)?.description ?? null;
  // thousands of lines name a few hundred places: each described once
  const placeNames = new Map<string, string>();
  const placeName = (uri: string): string => {
    let name = placeNames.get(uri);
    if (name === undefined) placeNames.set(uri, (name = describePlace(uri, md)));
    return name;
  };
  const lots: AffectedLot[] = [];
  // each line's node id, kept beside it (a key made from its item and code per use was a tenth of the tail)
  const idOfLot = new Map<AffectedLot, number>();
  for (const a of affected.values()) {
    const st = states.get(a.id);
    const lot = {
      ...a.ref,
      description: description(a.ref.item),
      depth: a.depth,
      share: shareOf(a) === null ? null : round(shareOf(a)!),
      status: st?.status ?? 'released',
      onHand: st?.onHand ?? null,
      location: st?.location ?? null,
      locationName: st?.location ? placeName(st.location) : null,
    } as AffectedLot;
    lots.push(lot);
    idOfLot.set(lot, a.id);
  }
  lots.sort((x, y) => x.depth - y.depth || (x.item < y.item ? -1 : x.item > y.item ? 1 : 0) || ((x.lot ?? x.serial ?? '') < (y.lot ?? y.serial ?? '') ? -1 : 1));

  // 4. On hand, by location: what a hold must stop.
  const byLocation = new Map<string, OnHandLot[]>();
  const onHandLots = new Map<string, { id: number; st: NonNullable<ReturnType<typeof states.get>> }>();
  for (const l of lots) {
    const id = idOfLot.get(l)!;
    const st = states.get(id);
    if (!st || st.onHand === null || st.onHand.quantity <= 1e-9 || st.status === 'destroyed') continue;
    const code = l.lot !== undefined ? { lot: l.lot } : { serial: l.serial ?? '' };
    push(byLocation, st.location ?? '', { item: l.item, ...code, quantity: st.onHand.quantity, uom: st.onHand.uom, status: st.status, alreadyHeld: st.hold, inUnits: st.inUnits });
    onHandLots.set(refKey(refById.get(id)!), { id, st });
  }
  const onHand: OnHandLocation[] = [...byLocation]
    .map(([loc, ls]) => ({ location: loc === '' ? null : loc, locationName: loc === '' ? 'location not recorded' : placeName(loc), lots: ls, totals: sumByUom(ls) }))
    .sort((a, b) => (a.locationName < b.locationName ? -1 : 1));

  // 5. Shipments with exposure, their orders and carriers from the events.
  const shipEvents = [...new Set(moves.shipments.map((m) => moves.eventsById.get(m.eventId)?.seq).filter((s): s is number => s !== undefined))];
  // through the index, each event's facts are read from its body once and kept
  const facts = reads.shippingFacts ? await reads.shippingFacts(shipEvents) : new Map([...(await reads.eventBodies(shipEvents))].map(([seq, body]) => [seq, shippingFactsOf(body)]));
  const receiptsOf = new Map<number, number[]>();
  for (const m of moves.receipts) {
    const n = movementKey(m);
    if (n !== undefined) push(receiptsOf, n, parseTime(m.time));
  }
  const shipments: RecallShipment[] = moves.shipments.map((m) => {
    const ref: RefJson = m.lot !== undefined ? { item: m.item, lot: m.lot } : { item: m.item, serial: m.serial ?? '' };
    const n = movementKey(m);
    const a = n === undefined ? undefined : affectedById.get(n);
    const ev = moves.eventsById.get(m.eventId);
    const f = (ev ? facts.get(ev.seq) : undefined) ?? NO_SHIPPING_FACTS;
    const share = a ? shareOf(a) : null;
    const ms = parseTime(m.time);
    const received = n !== undefined && (receiptsOf.get(n) ?? []).some((t) => t > ms);
    return {
      eventId: m.eventId,
      time: m.time,
      customer: m.destination ?? null,
      customerName: m.destination ? placeName(m.destination) : null,
      shipTo: f.shipTo,
      order: f.order,
      despatchAdvice: f.despatchAdvice,
      carrier: f.carrier,
      ...ref,
      description: description(m.item),
      quantity: m.quantity,
      uom: m.uom,
      share: share === null ? null : round(share),
      exposure: share === null || m.quantity === null ? null : { quantity: round(share * m.quantity), uom: m.uom ?? 'EA' },
      ...(m.via !== undefined ? { via: m.via } : {}),
      inTransit: !received && ms <= nowMs && nowMs - ms <= transitDays * DAY_MS,
    } as RecallShipment;
  });
  if (shipments.some((s) => s.share === null)) warnings.push('some shipments have an unknown share (units that do not convert, or a missing quantity): their exposure is not given, recall them whole');

  // 6. Orders that can still be stopped.
  const openOrders: OpenOrder[] = [];
  const transit = new Map<string, RecallShipment[]>();
  for (const s of shipments) if (s.inTransit) push(transit, `${s.eventId}|${s.customer ?? ''}`, s);
  for (const list of transit.values()) {
    const s = list[0]!;
    openOrders.push({
      kind: 'in_transit', order: s.order, customer: s.customer, customerName: s.customerName, unit: s.via ?? null, eventId: s.eventId, time: s.time,
      lots: list.map((x) => ({ item: x.item, ...(x.lot !== undefined ? { lot: x.lot } : { serial: x.serial ?? '' }), quantity: x.quantity, uom: x.uom })),
    });
  }
  // Pallets and cases still holding affected stock that no shipment took: what they hold now.
  const shippedUnits = new Set(moves.shipments.map((m) => m.via).filter((v): v is string => v !== undefined));
  const unitIds = [...new Set(onHand.flatMap((l) => l.lots.flatMap((x) => x.inUnits)))].filter((u) => !shippedUnits.has(u)).sort();
  const byLabel = new Map([...unitContents.values()].map((u) => [u.label, u]));
  const missingUnits = unitIds.filter((u) => !byLabel.has(u));
  if (missingUnits.length > 0) {
    // units of lots whose state was replayed in full: their contents the same way, in one pass
    const unitNodes = await store.findNodes(missingUnits.map((u) => ({ kind: 'unit', scheme: /^\d{18}$/.test(u) ? 'sscc' : 'plant', id: u }) as ObjectRef));
    for (const u of (await replayUnits(reads, [...unitNodes.values()].map((n) => n.id), vis)).values()) byLabel.set(u.label, u);
  }
  for (const unit of unitIds) {
    const u = byLabel.get(unit);
    if (!u) continue;
    const held = [...u.held].filter(([n]) => refById.has(n) && onHandLots.has(refKey(refById.get(n)!)));
    if (held.length === 0) continue;
    openOrders.push({ kind: 'packed_not_shipped', order: null, customer: null, customerName: null, unit, eventId: null, time: null, lots: held.map(([n, h]) => ({ ...refJson(refById.get(n)!), quantity: h.quantity, uom: h.uom }) as OpenOrder['lots'][number]) });
  }
  // a shipped unit holds nothing here any more
  for (const loc of onHand) for (const [i, l] of loc.lots.entries()) if (l.inUnits.some((u) => shippedUnits.has(u))) loc.lots[i] = { ...l, inUnits: l.inUnits.filter((u) => !shippedUnits.has(u)) };

  // 7. Customers to notify.
  const byCustomer = new Map<string, RecallShipment[]>();
  for (const s of shipments) push(byCustomer, s.customer ?? '', s);
  const customers: CustomerNotice[] = [...byCustomer].map(([customer, list]) => {
    const p = customer === '' ? undefined : md.party(customer);
    const times = list.map((s) => ({ time: s.time, ms: parseTime(s.time) })).sort((a, b) => a.ms - b.ms).map((t) => t.time);
    return {
      customer,
      name: customer === '' ? 'destination not recorded' : placeName(customer),
      onFile: p !== undefined,
      contact: p?.contact ?? null,
      phone: p?.phone ?? null,
      email: p?.email ?? null,
      address: p?.address ?? null,
      lots: [...new Set(list.map((s) => `${s.item} / ${s.lot ?? s.serial ?? ''}`))].sort(),
      quantities: sumByUom(list),
      exposure: sumByUom(list.map((s) => s.exposure ?? { quantity: null, uom: null })),
      shipments: [...new Set(list.map((s) => s.eventId))],
      firstShipped: times[0]!,
      lastShipped: times[times.length - 1]!,
    };
  });
  customers.sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : a.name.toLowerCase() > b.name.toLowerCase() ? 1 : 0));

  // 8. Precision: the affected lots of the finished items against every lot of those items made over the same dates.
  onProgress({ step: 'precision', done: 0, total: 1 });
  const precision = await precisionOf(store, reads, md, vis, lots, shipments, flowsIn, idOfLot);
  onProgress({ step: 'precision', done: 1, total: 1 });

  const supplierName = req.supplier === undefined ? undefined : md.party(supplierUri(req.supplier))?.name;
  return {
    asOfSeq: vis.maxSeq,
    start: {
      lots: roots.map((r) => refJson(r.ref)),
      ...(req.supplier !== undefined ? { supplier: req.supplier } : {}),
      ...(supplierName !== undefined ? { supplierName } : {}),
      ...(req.item !== undefined ? { item: req.item } : {}),
      ...(req.from !== undefined ? { from: req.from } : {}),
      ...(req.to !== undefined ? { to: req.to } : {}),
    },
    lots,
    onHand,
    shipments,
    openOrders,
    customers,
    precision,
    warnings: [...new Set(warnings)],
  };
}

/** A URI standing for a typed supplier id, for master-data lookups (a GLN as its party Digital Link, a name as its Lotline URN). */
function supplierUri(id: string): string {
  const key = masterKey('parties', id);
  if (key.startsWith('gln:')) return `https://id.gs1.org/417/${key.slice(4)}`;
  if (key.startsWith('name:')) return partyUri(key.slice(5));
  return key.slice(key.indexOf(':') + 1);
}

/** Item and lot (or serial) as one string, for lookups by code. */
function codeKey(r: { item: string; lot?: string; serial?: string }): string {
  return r.lot !== undefined ? `${r.item}\u0000L${r.lot}` : `${r.item}\u0000S${r.serial ?? ''}`;
}

async function precisionOf(
  store: EventStore,
  reads: TraceReads,
  md: MasterDataView,
  vis: Visibility,
  lots: readonly AffectedLot[],
  shipments: readonly RecallShipment[],
  flowsIn: readonly FlowRow[],
  idOfLot: ReadonlyMap<AffectedLot, number>,
): Promise<RecallScope['precision']> {
  // Finished items: those shipped; without a shipment, the items of lots nothing was made from.
  let finished = new Set(shipments.map((s) => s.item));
  if (finished.size === 0) {
    const consumed = new Set(flowsIn.map((f) => f.node));
    finished = new Set(lots.filter((l) => !consumed.has(idOfLot.get(l)!)).map((l) => l.item));
  }
  const items: PrecisionLine[] = [];
  const targetedOf = new Map<string, number[]>();
  for (const item of finished) targetedOf.set(item, []);
  for (const l of lots) targetedOf.get(l.item)?.push(idOfLot.get(l)!);
  const allOf = new Map<string, number[]>();
  // through the index, one pass over its nodes for every item, not a query per item
  const lotIds = reads.lotIdsOfItems ? await reads.lotIdsOfItems([...finished]) : undefined;
  for (const item of finished) allOf.set(item, lotIds?.get(item) ?? (await store.lotsOfItem(item)).map((n) => n.id));
  // one read for every lot of every finished item (the targeted lots are among them)
  const every = new Set<number>();
  for (const list of [...allOf.values(), ...targetedOf.values()]) for (const id of list) every.add(id);
  const made = await madeAt(reads, [...every], vis);
  const size = (ids: readonly number[]): { quantity: number | null; uom: string | null } => {
    let base: string | null = null;
    let sum = 0;
    for (const id of ids) {
      for (const x of made.get(id) ?? []) {
        const b = inBase(x.quantity, x.uom);
        if (b === null || (base !== null && base !== b.base)) return { quantity: null, uom: null };
        base = b.base;
        sum += b.value;
      }
    }
    return { quantity: base === null ? null : round(sum), uom: base };
  };
  for (const item of [...finished].sort()) {
    const targetedIds = targetedOf.get(item)!;
    const times = targetedIds.flatMap((id) => (made.get(id) ?? []).map((m) => m.ms));
    if (times.length === 0) {
      items.push({ item, description: md.item(item)?.description ?? null, span: null, targeted: { lots: targetedIds.length, quantity: null, uom: null }, broad: { lots: 0, quantity: null, uom: null }, ratio: null });
      continue;
    }
    const lo = times.reduce((a, b) => Math.min(a, b));
    const hi = times.reduce((a, b) => Math.max(a, b));
    const broadIds = allOf.get(item)!.filter((id) => (made.get(id) ?? []).some((m) => m.ms >= lo && m.ms <= hi));
    const t = size(targetedIds);
    const b = size(broadIds);
    items.push({
      item,
      description: md.item(item)?.description ?? null,
      span: { from: new Date(lo).toISOString(), to: new Date(hi).toISOString() },
      targeted: { lots: targetedIds.length, ...t },
      broad: { lots: broadIds.length, ...b },
      ratio: t.quantity !== null && b.quantity !== null && b.quantity > 0 && t.uom === b.uom ? round(t.quantity / b.quantity) : null,
    });
  }
  const units = new Set(items.map((i) => i.targeted.uom));
  const complete = items.length > 0 && units.size === 1 && !units.has(null) && items.every((i) => i.broad.quantity !== null && i.broad.uom === i.targeted.uom);
  const uom = complete ? items[0]!.targeted.uom! : null;
  const targeted = complete ? { quantity: round(items.reduce((s, i) => s + i.targeted.quantity!, 0)), uom: uom! } : null;
  const broad = complete ? { quantity: round(items.reduce((s, i) => s + i.broad.quantity!, 0)), uom: uom! } : null;
  return { items, targeted, broad, ratio: targeted && broad && broad.quantity > 0 ? round(targeted.quantity / broad.quantity) : null };
}

interface UnitContents {
  readonly label: string;
  /** What the unit holds now (after its last visible aggregation event). */
  readonly held: Map<number, Held>;
}

/**
 * The units that packing events of these lots name, with what each holds now: replayed from the
 * aggregation history collectMovements already read for every unit the lots were ever on (reading
 * it again per unit was a fifth of a large recall).
 */
async function unitsHolding(reads: TraceReads, lots: readonly number[], direct: readonly EventObjectRow[], events: ReadonlyMap<number, EventRow>, moves: Movements): Promise<Map<number, UnitContents>> {
  const lotSet = new Set(lots);
  const aggSeqs = new Set<number>();
  for (const r of direct) if (lotSet.has(r.node) && r.role === 'object' && events.get(r.seq)?.type === 'AggregationEvent') aggSeqs.add(r.seq);
  if (aggSeqs.size === 0) return new Map();
  // the parent rows of those events are among the rows of the units collectMovements climbed to
  const units = new Set<number>();
  for (const r of moves.rows) if (r.role === 'parent' && aggSeqs.has(r.seq) && moves.unitSteps.has(r.node)) units.add(r.node);
  const out = new Map<number, UnitContents>();
  if (units.size === 0) return out;
  const labels = new Map((await reads.nodesById([...units])).map((n) => [n.id, n.ref.kind === 'unit' ? n.ref.id : lotlineUri(n.ref)]));
  for (const u of units) out.set(u, { label: labels.get(u) ?? String(u), held: contentsAtSorted(moves.unitSteps.get(u)!, Number.MAX_SAFE_INTEGER) });
  return out;
}

async function replayUnits(reads: TraceReads, units: readonly number[], vis: Visibility): Promise<Map<number, UnitContents>> {
  const out = new Map<number, UnitContents>();
  if (units.length === 0) return out;
  const anyTime: Visibility = { ...vis, fromMs: -8.64e15, toMs: 8.64e15 };
  const rows = (await reads.eventObjectsOfNodes(units)).filter((r) => r.role === 'parent');
  const events = new Map((await reads.eventsBySeq([...new Set(rows.map((r) => r.seq))])).filter((e) => e.type === 'AggregationEvent' && isVisible(anyTime, e)).map((e) => [e.seq, e]));
  const children = new Map<number, EventObjectRow[]>();
  for (const c of await reads.eventObjectsOfEvents([...events.keys()])) if (c.role === 'object') push(children, c.seq, c);
  const labels = new Map((await reads.nodesById(units)).map((n) => [n.id, n.ref.kind === 'unit' ? n.ref.id : lotlineUri(n.ref)]));
  const steps = new Map<number, AggregationStep[]>();
  for (const r of rows) {
    const e = events.get(r.seq);
    if (e) push(steps, r.node, { seq: e.seq, eventMs: e.eventMs, action: e.action, children: children.get(e.seq) ?? [] });
  }
  for (const u of units) out.set(u, { label: labels.get(u) ?? String(u), held: contentsAt(steps.get(u) ?? [], Number.MAX_SAFE_INTEGER) });
  return out;
}

/** The lots a hold for this scope places: on hand, not destroyed, not already held. */
export function lotsToHold(scope: Pick<RecallScope, 'onHand'>): ObjectRef[] {
  const out: ObjectRef[] = [];
  for (const loc of scope.onHand) for (const l of loc.lots) if (!l.alreadyHeld) out.push(refOf(l.lot !== undefined ? { item: l.item, lot: l.lot } : { item: l.item, serial: l.serial ?? '' }));
  return out;
}

