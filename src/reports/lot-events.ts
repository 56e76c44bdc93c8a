/**
 * Which events a report about some lots must read: the events that name them, the events of the
 * logistic units that held them (packing, a pallet shipped or received), and every event of the
 * transformations that made or used them — a batch fed over a shift is one transformation, and
 * its records (and its shares) need all its events. Also: every event of a query, page by page.
 */
import type { ObjectRef } from '../domain/identifiers/object-ref.js';
import { refKey } from '../domain/identifiers/object-ref.js';
import type { TraceResult } from '../genealogy/trace.js';
import type { EventQuery, EventStore } from '../store/event-store.js';

/** Units inside units deeper than this are a data error, not a pallet. */
const MAX_NESTING = 8;
/** Events read per query page. */
const PAGE = 5000;

/** What eventsAroundLots reads: the store, or the in-memory index beside it. */
export type LotEventReads = Pick<EventStore, 'eventObjectsOfNodes' | 'eventObjectsOfEvents' | 'flowsOfNodes' | 'flowsOfTransformations'>;

/** The log positions of every event around these lots (see the file comment). */
export async function eventsAroundLots(store: LotEventReads, lots: readonly number[]): Promise<Set<number>> {
  const seqs = new Set<number>();
  let rows = await store.eventObjectsOfNodes(lots);
  const units = new Set<number>();
  for (let level = 0; level <= MAX_NESTING && rows.length > 0; level++) {
    for (const r of rows) seqs.add(r.seq);
    const parents = (await store.eventObjectsOfEvents([...new Set(rows.filter((r) => r.role === 'object').map((r) => r.seq))])).filter((r) => r.role === 'parent' && !units.has(r.node));
    const fresh = [...new Set(parents.map((p) => p.node))];
    for (const u of fresh) units.add(u);
    rows = fresh.length > 0 ? await store.eventObjectsOfNodes(fresh) : [];
  }
  const flows = [...(await store.flowsOfNodes(lots, 'in')), ...(await store.flowsOfNodes(lots, 'out'))];
  for (const f of await store.flowsOfTransformations([...new Set(flows.map((f) => f.t))])) seqs.add(f.seq);
  return seqs;
}

/** The log positions of every event matching the query, up to `maxSeq`. */
export async function queryAllSeqs(store: EventStore, query: Omit<EventQuery, 'afterSeq' | 'limit'>, maxSeq: number): Promise<Set<number>> {
  const seqs = new Set<number>();
  for (let after = 0; ; ) {
    const page = await store.queryEvents({ ...query, afterSeq: after, limit: PAGE });
    for (const r of page) if (r.seq <= maxSeq) seqs.add(r.seq);
    if (page.length < PAGE || page[page.length - 1]!.seq >= maxSeq) break;
    after = page[page.length - 1]!.seq;
  }
  return seqs;
}

/** The node ids of a trace's lots (and serials), its root first. */
export async function tracedNodes(store: EventStore, root: ObjectRef, result: TraceResult): Promise<number[]> {
  const refs: ObjectRef[] = [root, ...result.lots.map((l) => (l.lot !== undefined ? { kind: 'lot' as const, item: l.item, lot: l.lot } : { kind: 'serial' as const, item: l.item, serial: l.serial! }))];
  const found = await store.findNodes(refs);
  return [...new Set(refs.map((r) => found.get(refKey(r))?.id).filter((id): id is number => id !== undefined))];
}
