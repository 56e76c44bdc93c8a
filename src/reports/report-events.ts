/**
 * Events as reports read them: the store's projection row, the EPCIS body as captured, and the
 * facts read from that body (parties, places, business documents, quantities) — read once per event.
 */
import type { Issue } from '../domain/errors.js';
import type { EventFacts, RawEvent } from '../domain/event-facts.js';
import { interpretEvent } from '../domain/event-facts.js';
import type { EventRow, EventStore } from '../store/event-store.js';

export interface ReportEvent {
  readonly row: EventRow;
  readonly body: RawEvent;
  readonly facts: EventFacts;
}

/**
 * Events by log position, those whose row passes `keep` (bodies are read and parsed only for
 * them: most of a lot's events are not what a report looks for); a body that no longer reads as
 * an event (never stored so) is left out.
 */
export async function readReportEvents(store: EventStore, seqs: Iterable<number>, keep: (row: EventRow) => boolean = () => true): Promise<Map<number, ReportEvent>> {
  const wanted = [...new Set(seqs)];
  const out = new Map<number, ReportEvent>();
  if (wanted.length === 0) return out;
  const rows = (await store.eventsBySeq(wanted)).filter(keep);
  const bodies = await store.eventBodies(rows.map((r) => r.seq));
  for (const row of rows) {
    const body = bodies.get(row.seq);
    if (!body) continue;
    const issues: Issue[] = [];
    const facts = interpretEvent(body, '$', issues);
    if (facts) out.set(row.seq, { row, body, facts });
  }
  return out;
}
