/**
 * EPCIS 2.0 JSON-LD documents out of the log: the events exactly as captured (the canonical body
 * the log keeps and hashes), with Lotline's record time. Used by the events query (an
 * EPCISQueryDocument) and by the EPCIS export (an EPCISDocument that another system captures).
 */
import type { RawEvent } from '../../domain/event-facts.js';
import { LOTLINE_CONTEXT } from '../../domain/lotline-vocabulary.js';
import type { EventRow } from '../../store/event-store.js';

export const EPCIS_CONTEXT = 'https://ref.gs1.org/standards/epcis/epcis-context.jsonld';

/** A stored event as a query returns it: its body, its record time, and the error declaration it received since (GS1 returns a declared event with it). */
export function queriedEvent(row: EventRow, bodies: ReadonlyMap<number, RawEvent>): Record<string, unknown> {
  const body: Record<string, unknown> = { ...(bodies.get(row.seq) as RawEvent), recordTime: row.recordTime };
  const declared = row.voidSeq !== null && row.voidSeq !== row.seq ? bodies.get(row.voidSeq)?.['errorDeclaration'] : undefined;
  if (declared !== undefined) body['errorDeclaration'] = declared;
  return body;
}

/** The log positions a query page needs bodies for: the events and their later error declarations. */
export function bodySeqs(rows: readonly EventRow[]): number[] {
  return [...rows.map((r) => r.seq), ...rows.flatMap((r) => (r.voidSeq !== null && r.voidSeq !== r.seq ? [r.voidSeq] : []))];
}

/** An EPCISDocument holding these events. */
export function epcisDocument(eventList: readonly unknown[], creationDate = new Date().toISOString()): Record<string, unknown> {
  return { '@context': [EPCIS_CONTEXT, LOTLINE_CONTEXT], type: 'EPCISDocument', schemaVersion: '2.0', creationDate, epcisBody: { eventList } };
}
