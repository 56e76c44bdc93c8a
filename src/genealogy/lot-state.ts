/**
 * "Where is lot X right now, how much is on hand, is it on hold?" — computed from the lot's
 * own events (and those of the units that carried it) in event-time order, so that late
 * events and error declarations are always reflected.
 */
import { LotlineError } from '../domain/errors.js';
import type { ObjectRef } from '../domain/identifiers/object-ref.js';
import { refKey, refLabel } from '../domain/identifiers/object-ref.js';
import type { EventObjectRow, EventRow, EventStore } from '../store/event-store.js';
import { contentsAt } from '../store/unit-contents.js';
import type { AggregationStep } from '../store/unit-contents.js';
import { inBase } from './quantity.js';
import { collectMovements } from './movements.js';
import type { LotFacts } from './body-facts.js';
import { lotFactsOf, NO_LOT_FACTS } from './body-facts.js';
import type { Movement } from './movements.js';
import type { RefJson, TraceOptions } from './trace.js';
import { refJson, visibilityFor } from './trace.js';
import { isVisible } from './visibility.js';
import { traceReads } from './genealogy-index.js';
import type { TraceReads } from './trace-graph.js';
import type { Visibility } from './visibility.js';

export const LOT_STATUSES = ['released', 'on_hold', 'consumed', 'shipped', 'recalled', 'destroyed'] as const;
export type LotStatus = (typeof LOT_STATUSES)[number];

/** Dispositions that mean "do not use" (a hold, DESIGN.md §1). */
export const HOLD_DISPOSITIONS = ['non_sellable_other', 'unavailable'] as const;
/** Dispositions that, after a hold, mean the lot may be used again. */
export const RELEASE_DISPOSITIONS = ['available', 'active', 'sellable_accessible', 'sellable_not_accessible'] as const;

export interface LotEventSummary {
  readonly eventId: string;
  readonly type: string;
  readonly bizStep: string | null;
  readonly disposition: string | null;
  readonly time: string;
  readonly location: string | null;
}

export interface LotState {
  readonly ref: RefJson;
  readonly status: LotStatus;
  readonly onHand: { quantity: number; uom: string } | null;
  readonly location: string | null;
  readonly lastEvent: LotEventSummary | null;
  readonly hold: { since: string; eventId: string; reason: string | null } | null;
  /** Quantities by movement, in the lot's unit (null when units cannot be converted). */
  readonly balance: { received: number; produced: number; consumed: number; shipped: number; scrapped: number; adjusted: number; uom: string } | null;
  readonly supplierLots: string[];
  /** Logistic units that hold the lot now. */
  readonly inUnits: string[];
  readonly events: number;
}

export interface UnitState {
  readonly unit: { scheme: string; id: string };
  readonly contents: { ref: RefJson; quantity: number | null; uom: string | null }[];
  readonly lastEvent: LotEventSummary | null;
  readonly events: number;
}

function summary(e: EventRow): LotEventSummary {
  return { eventId: e.eventId, type: e.type, bizStep: e.bizStep, disposition: e.disposition, time: e.eventTime, location: e.bizLocation ?? e.readPoint };
}

/** A holding step (persistent dispositions are followed on their own). */
export function isHoldEvent(e: EventRow): boolean {
  return isHold(e);
}

function isHold(e: EventRow): boolean {
  return e.bizStep === 'holding' && (e.disposition === null || !(RELEASE_DISPOSITIONS as readonly string[]).includes(e.disposition));
}

/** Steps at which a lot is judged fit for use again; a production or shipment of a held lot is a violation, not a release. */
const RELEASING_STEPS: readonly (string | null)[] = ['inspecting', 'holding', null];

/** An event that makes a held lot fit for use again. */
export function isReleaseEvent(e: EventRow): boolean {
  return isRelease(e);
}

function isRelease(e: EventRow): boolean {
  return (
    e.persistentUnset.some((d) => (HOLD_DISPOSITIONS as readonly string[]).includes(d)) ||
    (e.type === 'ObjectEvent' && e.disposition !== null && (RELEASE_DISPOSITIONS as readonly string[]).includes(e.disposition) && RELEASING_STEPS.includes(e.bizStep))
  );
}

export async function lotState(store: EventStore, ref: ObjectRef, options: Pick<TraceOptions, 'asOf'> = {}): Promise<LotState | UnitState> {
  if (ref.kind !== 'unit') return (await lotStates(store, [ref], options)).get(refKey(ref))!;
  const node = [...(await store.findNodes([ref])).values()][0];
  if (!node) throw new LotlineError('LOT_NOT_FOUND', `no event names ${refLabel(ref)}: check the item and the lot code`);
  const vis = await visibilityFor(store, options);
  const flows = [...(await store.flowsOfNodes([node.id], 'in')), ...(await store.flowsOfNodes([node.id], 'out'))];
  const rows: EventObjectRow[] = [
    ...(await store.eventObjectsOfNodes([node.id])).filter((r) => r.role !== 'input' && r.role !== 'output'),
    ...flows.map((f) => ({ seq: f.seq, node: f.node, role: f.dir === 'in' ? ('input' as const) : ('output' as const), quantity: f.quantity, uom: f.uom })),
  ];
  const events = new Map((await store.eventsBySeq([...new Set(rows.map((r) => r.seq))])).filter((e) => isVisible(vis, e)).map((e) => [e.seq, e]));
  if (events.size === 0) throw notKnown(ref, options);
  const ordered = [...events.values()].sort((a, b) => a.eventMs - b.eventMs || a.seq - b.seq);
  const last = ordered[ordered.length - 1];
  const steps: AggregationStep[] = [];
  const parentSeqs = rows.filter((r) => r.role === 'parent' && events.get(r.seq)?.type === 'AggregationEvent').map((r) => r.seq);
  const children = await store.eventObjectsOfEvents(parentSeqs);
  for (const seq of parentSeqs) {
    const e = events.get(seq)!;
    steps.push({ seq, eventMs: e.eventMs, action: e.action, children: children.filter((c) => c.seq === seq && c.role === 'object').map((c) => ({ node: c.node, quantity: c.quantity, uom: c.uom })) });
  }
  const held = contentsAt(steps, Number.MAX_SAFE_INTEGER);
  const refs = new Map((await store.nodesById([...held.keys()])).map((n) => [n.id, n.ref]));
  return {
    unit: { scheme: ref.scheme, id: ref.id },
    contents: [...held].map(([n, h]) => ({ ref: refJson(refs.get(n)!), quantity: h.quantity, uom: h.uom })),
    lastEvent: last ? summary(last) : null,
    events: ordered.length,
  };
}

function notKnown(ref: ObjectRef, options: Pick<TraceOptions, 'asOf'>): LotlineError {
  return new LotlineError(
    'LOT_NOT_FOUND',
    options.asOf !== undefined
      ? `${refLabel(ref)} was not yet known at ${options.asOf}: its first event was recorded later`
      : `every event naming ${refLabel(ref)} was declared erroneous: the lot does not exist in the corrected record`,
  );
}

function byNode<T extends { node: number }>(xs: readonly T[]): Map<number, T[]> {
  const m = new Map<number, T[]>();
  for (const x of xs) {
    const l = m.get(x.node);
    if (l) l.push(x);
    else m.set(x.node, [x]);
  }
  return m;
}

/**
 * The state of many lots (or serials) at once, keyed by refKey: the same answer as `lotState` for
 * each, with every read made once for all of them (a mock recall of 10,000 lots made 10,000 replays
 * of a few reads each). Units (pallets, cases) are not accepted: `lotState` answers those.
 */
export async function lotStates(store: EventStore, refs: readonly ObjectRef[], options: Pick<TraceOptions, 'asOf'> = {}): Promise<Map<string, LotState>> {
  const out = new Map<string, LotState>();
  if (refs.length === 0) return out;
  const found = await store.findNodes(refs);
  const nodeOf = new Map<string, { id: number; ref: ObjectRef }>();
  for (const ref of refs) {
    if (ref.kind === 'unit') throw new LotlineError('USAGE', `lotStates answers lots and serials, not units (${refLabel(ref)}): use lotState`);
    const node = found.get(refKey(ref));
    if (!node) throw new LotlineError('LOT_NOT_FOUND', `no event names ${refLabel(ref)}: check the item and the lot code`);
    nodeOf.set(refKey(ref), { id: node.id, ref });
  }
  const ids = [...new Set([...nodeOf.values()].map((n) => n.id))];
  const vis = await visibilityFor(store, options);
  // from the genealogy index's memory when the store has one that is current (the server), else the store
  const reads = traceReads(store, vis);
  // Consumption and production come from the flows, which also hold a lot consumed on a pallet or case.
  const flowsByNode = byNode([...(await reads.flowsOfNodes(ids, 'in')), ...(await reads.flowsOfNodes(ids, 'out'))]);
  const ownByNode = byNode((await reads.eventObjectsOfNodes(ids)).filter((r) => r.role !== 'input' && r.role !== 'output'));
  const rowsOf = new Map<number, EventObjectRow[]>();
  const allSeqs = new Set<number>();
  for (const id of ids) {
    const rows: EventObjectRow[] = [
      ...(ownByNode.get(id) ?? []),
      ...(flowsByNode.get(id) ?? []).map((f) => ({ seq: f.seq, node: f.node, role: f.dir === 'in' ? ('input' as const) : ('output' as const), quantity: f.quantity, uom: f.uom })),
    ];
    rowsOf.set(id, rows);
    for (const r of rows) allSeqs.add(r.seq);
  }
  const events = new Map((await reads.eventsBySeq([...allSeqs])).filter((e) => isVisible(vis, e)).map((e) => [e.seq, e]));
  for (const { id, ref } of nodeOf.values()) if (!rowsOf.get(id)!.some((r) => events.has(r.seq))) throw notKnown(ref, options);

  // Receipts and shipments: of the lots themselves and of the pallets and cases they were on, one per event and lot.
  const moves = await collectMovements(reads, ids, new Map([...nodeOf.values()].map((n) => [n.id, n.ref])), vis);
  const idByCode = new Map<string, number>();
  for (const { id, ref } of nodeOf.values()) idByCode.set(codeKeyOf(refJson(ref)), id);
  const movesOf = new Map<number, { shipments: Movement[]; receipts: Movement[] }>();
  for (const [list, kind] of [[moves.shipments, 'shipments'], [moves.receipts, 'receipts']] as const) {
    for (const m of list) {
      const id = idByCode.get(codeKeyOf(m));
      if (id === undefined) continue;
      let l = movesOf.get(id);
      if (!l) movesOf.set(id, (l = { shipments: [], receipts: [] }));
      l[kind].push(m);
    }
  }
  // The lots' histories: their own events and those of the units that carried them (a pallet put on hold, moved).
  const historyOf = new Map<number, EventRow[]>();
  const historySeqs = new Set<number>();
  for (const id of ids) {
    const own = new Map<number, EventRow>();
    for (const r of rowsOf.get(id)!) {
      const e = events.get(r.seq);
      if (e) own.set(e.seq, e);
    }
    const ordered = [...own.values()].sort((a, b) => a.eventMs - b.eventMs || a.seq - b.seq);
    const history = [...ordered, ...(moves.carried.get(id) ?? []).filter((e) => !own.has(e.seq))].sort((a, b) => a.eventMs - b.eventMs || a.seq - b.seq);
    historyOf.set(id, history);
    for (const e of history) historySeqs.add(e.seq);
  }
  // the few body fields a state reads; through the index each body is read once per process
  const facts = reads.lotFacts ? await reads.lotFacts([...historySeqs]) : new Map([...(await reads.eventBodies([...historySeqs]))].map(([seq, body]) => [seq, lotFactsOf(body)]));

  // Logistic units that hold each lot now: every unit its packing events name, replayed once.
  const unitSeqs = new Set<number>();
  for (const id of ids) for (const r of rowsOf.get(id)!) if (r.role === 'object' && events.get(r.seq)?.type === 'AggregationEvent') unitSeqs.add(r.seq);
  const unitsBySeq = new Map<number, number[]>();
  for (const p of (await reads.eventObjectsOfEvents([...unitSeqs])).filter((r) => r.role === 'parent')) {
    const l = unitsBySeq.get(p.seq);
    if (l) l.push(p.node);
    else unitsBySeq.set(p.seq, [p.node]);
  }
  const heldNow = await unitsNow(reads, [...new Set([...unitsBySeq.values()].flat())], vis);

  const computed = new Map<number, LotState>();
  for (const { id, ref } of nodeOf.values()) {
    let st = computed.get(id);
    if (!st) {
      const unitIds = new Set<number>();
      for (const r of rowsOf.get(id)!) if (r.role === 'object' && events.get(r.seq)?.type === 'AggregationEvent') for (const u of unitsBySeq.get(r.seq) ?? []) unitIds.add(u);
      const inUnits: string[] = [];
      for (const u of unitIds) {
        const h = heldNow.get(u);
        if (h && h.held.has(id)) inUnits.push(h.label);
      }
      const m = movesOf.get(id) ?? { shipments: [], receipts: [] };
      st = await stateOfLot(store, ref, rowsOf.get(id)!, historyOf.get(id)!, m.shipments, m.receipts, facts, moves.eventsById, inUnits);
      computed.set(id, st);
    }
    out.set(refKey(ref), st);
  }
  return out;
}

/** Item and lot (or serial) as one string, to find a movement's lot. */
function codeKeyOf(r: { item: string; lot?: string; serial?: string }): string {
  return r.lot !== undefined ? `${r.item}\u0000L${r.lot}` : `${r.item}\u0000S${r.serial ?? ''}`;
}

/** What each unit holds now (after its last visible aggregation event), with its label: the unit branch of `lotState`, for many units. */
async function unitsNow(store: TraceReads, units: readonly number[], vis: Visibility): Promise<Map<number, { label: string; held: ReadonlyMap<number, unknown> }>> {
  const out = new Map<number, { label: string; held: ReadonlyMap<number, unknown> }>();
  if (units.length === 0) return out;
  const rows = (await store.eventObjectsOfNodes(units)).filter((r) => r.role === 'parent');
  const aggs = new Map((await store.eventsBySeq([...new Set(rows.map((r) => r.seq))])).filter((e) => e.type === 'AggregationEvent' && isVisible(vis, e)).map((e) => [e.seq, e]));
  const children = new Map<number, EventObjectRow[]>();
  for (const c of await store.eventObjectsOfEvents([...aggs.keys()])) {
    if (c.role !== 'object') continue;
    const l = children.get(c.seq);
    if (l) l.push(c);
    else children.set(c.seq, [c]);
  }
  const steps = new Map<number, AggregationStep[]>();
  for (const r of rows) {
    const e = aggs.get(r.seq);
    if (!e) continue;
    const l = steps.get(r.node) ?? [];
    l.push({ seq: e.seq, eventMs: e.eventMs, action: e.action, children: (children.get(e.seq) ?? []).map((c) => ({ node: c.node, quantity: c.quantity, uom: c.uom })) });
    steps.set(r.node, l);
  }
  for (const n of await store.nodesById(units)) if (n.ref.kind === 'unit') out.set(n.id, { label: n.ref.id, held: contentsAt(steps.get(n.id) ?? [], Number.MAX_SAFE_INTEGER) });
  return out;
}

/** One lot's state from what `lotStates` read for all of them. */
async function stateOfLot(
  store: EventStore,
  ref: ObjectRef,
  rows: readonly EventObjectRow[],
  history: readonly EventRow[],
  shipments: readonly Movement[],
  receipts: readonly Movement[],
  facts: ReadonlyMap<number, LotFacts>,
  movementEvents: ReadonlyMap<string, EventRow>,
  inUnits: string[],
): Promise<LotState> {
  const latest = history[history.length - 1];
  // The lot's unit is that of its first receipt or production; everything else converts to it.
  const firstIn =
    rows.find((r) => r.quantity !== null && r.role === 'output') ?? [...receipts].sort((a, b) => Date.parse(a.time) - Date.parse(b.time)).find((m) => m.quantity !== null);
  const unit = inBase(1, firstIn?.uom ?? null)?.base ?? 'EA';
  const displayUom = firstIn?.uom ?? 'EA';
  const toDisplay = (q: number | null, uom: string | null): number | null => {
    const b = inBase(q, uom);
    const per = inBase(1, displayUom);
    return b === null || per === null || b.base !== unit ? null : b.value / per.value;
  };

  // The quantity ledger, in event-time order: a counted quantity sets the balance, so it must
  // come after everything that happened before it, also on pallets.
  type Kind = 'received' | 'produced' | 'consumed' | 'shipped' | 'scrapped' | 'adjusted' | 'counted' | 'destroyed';
  const ledger: { ms: number; seq: number; kind: Kind; quantity: number | null; uom: string | null }[] = [];
  const supplierLots = new Set<string>();
  let stepHold: (NonNullable<LotState['hold']> & { seq: number }) | null = null;
  let persistentHold: (NonNullable<LotState['hold']> & { seq: number }) | null = null;
  let recalled = false;
  let location: string | null = null;
  // the lot's rows by event, grouped once (a filter of every row per event was quadratic in a long history)
  const rowsBySeq = new Map<number, EventObjectRow[]>();
  for (const r of rows) {
    const l = rowsBySeq.get(r.seq);
    if (l) l.push(r);
    else rowsBySeq.set(r.seq, [r]);
  }
  for (const e of history) {
    const f = facts.get(e.seq) ?? NO_LOT_FACTS;
    const adjustBy = f.adjustBy;
    for (const r of rowsBySeq.get(e.seq) ?? []) {
      const entry = { ms: e.eventMs, seq: e.seq, quantity: r.quantity, uom: r.uom };
      if (r.role === 'output') ledger.push({ ...entry, kind: 'produced' });
      else if (r.role === 'input') ledger.push({ ...entry, kind: 'consumed' });
      // receipts and shipments come from the movements below, which also cover pallets; a
      // TransactionEvent links to a business document and moves nothing
      else if (e.type === 'TransactionEvent' || e.bizStep === 'receiving' || e.bizStep === 'shipping' || r.role === 'parent') continue;
      else if (e.bizStep === 'destroying') ledger.push({ ...entry, kind: r.quantity === null ? 'destroyed' : 'scrapped' });
      else if (typeof adjustBy === 'number') ledger.push({ ...entry, kind: 'adjusted', quantity: adjustBy });
      else if ((e.bizStep === 'cycle_counting' || e.bizStep === 'stock_taking') && r.quantity !== null) ledger.push({ ...entry, kind: 'counted' });
    }
    if (f.supplierLot !== null) supplierLots.add(f.supplierLot);
    const mark = { since: e.eventTime, eventId: e.eventId, reason: f.reason, seq: e.seq };
    // A persistent disposition stays until it is unset (EPCIS 2.0); a holding step until a release.
    if (e.persistentUnset.some((d) => (HOLD_DISPOSITIONS as readonly string[]).includes(d))) persistentHold = stepHold = null;
    if (e.persistentSet.some((d) => (HOLD_DISPOSITIONS as readonly string[]).includes(d))) persistentHold = mark;
    if (isHold(e)) stepHold = mark;
    else if (isRelease(e)) stepHold = null;
    if (e.disposition === 'recalled') recalled = true;
    if (e.bizLocation) location = e.bizLocation;
  }
  const ownIds = new Set(history.map((e) => e.eventId));
  const movedIn = new Map<string, number>();
  for (const m of [...receipts, ...shipments]) {
    const ms = Date.parse(m.time);
    ledger.push({ ms, seq: Number.MAX_SAFE_INTEGER, kind: m.destination !== undefined ? 'shipped' : 'received', quantity: m.quantity, uom: m.uom });
    if (!ownIds.has(m.eventId)) movedIn.set(m.eventId, ms);
  }
  ledger.sort((x, y) => x.ms - y.ms || x.seq - y.seq);

  const bal = { received: 0, produced: 0, consumed: 0, shipped: 0, scrapped: 0, adjusted: 0 };
  let convertible = true;
  let destroyed = false;
  // how an emptied lot ended: by its last outflow in event time
  let lastOutflow: 'consumed' | 'shipped' | 'destroyed' | null = null;
  const running = (): number => bal.received + bal.produced - bal.consumed - bal.shipped - bal.scrapped + bal.adjusted;
  for (const x of ledger) {
    if (x.kind === 'destroyed') {
      // destroying the lot without a quantity scraps whatever is left
      bal.scrapped += Math.max(0, running());
      destroyed = true;
      lastOutflow = 'destroyed';
      continue;
    }
    if (x.quantity === null) continue;
    const v = toDisplay(x.quantity, x.uom);
    if (v === null) {
      convertible = false;
      continue;
    }
    if (x.kind === 'counted') bal.adjusted += v - running();
    else bal[x.kind] += v;
    if (x.kind === 'consumed' || x.kind === 'shipped') lastOutflow = x.kind;
    if (x.kind === 'scrapped') lastOutflow = 'destroyed';
  }

  // a receipt or shipment of the pallet the lot was on is one of the lot's events too
  let lastSummary = latest ? summary(latest) : null;
  const latestMove = [...movedIn].sort((x, y) => y[1] - x[1])[0];
  if (latestMove && (!latest || latestMove[1] > latest.eventMs)) {
    const known = movementEvents.get(latestMove[0]);
    const moved = known ?? (await store.eventById(latestMove[0]))?.row;
    if (moved) lastSummary = summary(moved);
  }

  const hold = persistentHold && stepHold ? (persistentHold.seq < stepHold.seq ? persistentHold : stepHold) : (persistentHold ?? stepHold);
  const onHandValue = running();
  const onHand = convertible ? { quantity: round(onHandValue), uom: displayUom } : null;
  const empty = convertible && onHandValue <= 1e-9;
  let status: LotStatus;
  if (destroyed) status = 'destroyed';
  else if (recalled) status = 'recalled';
  else if (hold) status = 'on_hold';
  else if (empty && lastOutflow !== null) status = lastOutflow;
  else status = 'released';

  return {
    ref: refJson(ref),
    status,
    onHand,
    location,
    lastEvent: lastSummary,
    // A destroyed lot is gone: nothing holds it any more.
    hold: hold && status !== 'destroyed' ? { since: hold.since, eventId: hold.eventId, reason: hold.reason } : null,
    balance: convertible ? { ...roundAll(bal), uom: displayUom } : null,
    supplierLots: [...supplierLots].sort(),
    inUnits: inUnits.sort(),
    events: history.length + movedIn.size,
  };
}



function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function roundAll<T extends Record<string, number>>(o: T): T {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, round(v)])) as T;
}

