/**
 * EPCIS export of a trace or of an event query: one EPCISDocument holding the log entries as
 * captured, in log order — each event's body, and each error declaration as its own entry after
 * the event it declares (or inside it, when the event arrived already declared). Captured into an
 * empty Lotline, the document gives the same trace answer: the export carries every event that
 * named a traced lot, the packing of the units that carried them, and every event of the
 * transformations that made or used them (their shares depend on all of them).
 */
import { LotlineError } from '../../domain/errors.js';
import type { ObjectRef } from '../../domain/identifiers/object-ref.js';
import type { Direction, TraceOptions } from '../../genealogy/trace.js';
import { trace } from '../../genealogy/trace.js';
import type { EventStore } from '../../store/event-store.js';
import { eventsAroundLots, queryAllSeqs, tracedNodes } from '../lot-events.js';
import { epcisDocument } from './epcis-document.js';
import type { ResolvedFilters } from './event-filters.js';


export interface EpcisExport {
  readonly document: Record<string, unknown>;
  /** Events in the document (error declarations not counted). */
  readonly events: number;
  /** Error declarations in the document, as their own entries or inside their event. */
  readonly declarations: number;
  /** The log position the export reflects. */
  readonly asOfSeq: number;
}

/** The log positions of every event a trace rests on, as known at `maxSeq`. */
export async function traceEventSeqs(store: EventStore, root: ObjectRef, direction: Direction, options: TraceOptions = {}): Promise<{ seqs: Set<number>; asOfSeq: number }> {
  const result = await trace(store, root, direction, options);
  const lots = await tracedNodes(store, root, result);
  const seqs = await eventsAroundLots(store, lots);
  // corrective events named by the declarations met on the way
  for (const c of result.corrections) {
    for (const id of c.correctiveEventIds) {
      const e = await store.eventById(id);
      if (e) seqs.add(e.row.seq);
    }
  }
  for (const s of seqs) if (s > result.asOfSeq) seqs.delete(s);
  return { seqs, asOfSeq: result.asOfSeq };
}

/** The log positions of every event matching the filters, up to `maxSeq` (default: the whole log). */
export async function queryEventSeqs(store: EventStore, filters: ResolvedFilters, maxSeq?: number): Promise<{ seqs: Set<number>; asOfSeq: number }> {
  const head = maxSeq ?? (await store.headSeq());
  return { seqs: await queryAllSeqs(store, filters, head), asOfSeq: head };
}

/** The EPCISDocument of these events with their error declarations known at `asOfSeq`, in log order. */
export async function exportEpcis(store: EventStore, seqs: Iterable<number>, asOfSeq: number): Promise<EpcisExport> {
  const rows = (await store.eventsBySeq([...new Set(seqs)])).sort((a, b) => a.seq - b.seq);
  const declarations = rows.flatMap((r) => (r.voidSeq !== null && r.voidSeq !== r.seq && r.voidSeq <= asOfSeq ? [r.voidSeq] : []));
  const entries = [...rows.map((r) => r.seq), ...declarations].sort((a, b) => a - b);
  const bodies = await store.eventBodies(entries);
  // record times of the declarations: the event rows carry only their own
  const recordTimes = new Map(rows.map((r) => [r.seq, r.recordTime]));
  for (const d of declarations) for (const e of await store.readLog(d - 1, 1)) recordTimes.set(e.seq, e.recordTime);
  const eventList = entries.map((seq) => {
    const body = bodies.get(seq);
    if (!body) throw new LotlineError('INTERNAL_ERROR', `log position ${seq} has no stored body`);
    return { ...body, recordTime: recordTimes.get(seq) };
  });
  const arrivedDeclared = rows.filter((r) => r.voidSeq === r.seq && r.seq <= asOfSeq).length;
  return { document: epcisDocument(eventList), events: rows.length, declarations: declarations.length + arrivedDeclared, asOfSeq };
}
