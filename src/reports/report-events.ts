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

/** What a report reads events through: the store, or the in-memory index beside it. */
export type ReportEventReads = Pick<EventStore, 'eventsBySeq' | 'eventBodies'>;

/**
 * Events for one report, each row read and each body parsed once however many parts of the
 * report ask for it (the FSMA report's CTE rows and its lot origins share most of their events).
 */
export class ReportEventCache {
  private readonly rows = new Map<number, EventRow | null>();
  private readonly parsed = new Map<number, ReportEvent | null>();

  constructor(private readonly reads: ReportEventReads) {}

  /** As readReportEvents, in the order asked. */
  async read(seqs: Iterable<number>, keep: (row: EventRow) => boolean = () => true): Promise<Map<number, ReportEvent>> {
    const wanted = [...new Set(seqs)];
    const unread = wanted.filter((s) => !this.rows.has(s));
    if (unread.length > 0) {
      for (const r of await this.reads.eventsBySeq(unread)) this.rows.set(r.seq, r);
      for (const s of unread) if (!this.rows.has(s)) this.rows.set(s, null);
    }
    const kept: EventRow[] = [];
    for (const s of wanted) {
      const r = this.rows.get(s);
      if (r && keep(r)) kept.push(r);
    }
    const unparsed = kept.filter((r) => !this.parsed.has(r.seq));
    if (unparsed.length > 0) {
      const bodies = await this.reads.eventBodies(unparsed.map((r) => r.seq));
      for (const row of unparsed) {
        const body = bodies.get(row.seq);
        const facts = body ? interpretEvent(body, '$', []) : undefined;
        this.parsed.set(row.seq, body && facts ? { row, body, facts } : null);
      }
    }
    const out = new Map<number, ReportEvent>();
    for (const r of kept) {
      const e = this.parsed.get(r.seq);
      if (e) out.set(r.seq, e);
    }
    return out;
  }
}
