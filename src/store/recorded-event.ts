/**
 * What a log entry projects to, for entries written elsewhere and appended as they were (a copy
 * of a database): the facts are read again from the logged body, exactly as capture read them.
 */
import { LotlineError } from '../domain/errors.js';
import type { Issue } from '../domain/errors.js';
import type { EventFacts } from '../domain/event-facts.js';
import { interpretEvent } from '../domain/event-facts.js';
import type { LogEntry } from './event-store.js';

/** An entry ready to project: an event's facts, or (for an error declaration) the event it voids. */
export interface RecordedEvent {
  readonly facts: EventFacts | null;
  readonly voidSeq: number | null;
}

/** The facts of a logged event body; a body that no longer reads as an event is refused (CHAIN_BROKEN). */
export function factsOfEntry(entry: LogEntry): EventFacts {
  const issues: Issue[] = [];
  let facts: EventFacts | undefined;
  try {
    facts = interpretEvent(JSON.parse(entry.body), '$', issues);
  } catch (e) {
    issues.push({ path: '$', reason: e instanceof Error ? e.message : String(e) });
  }
  if (!facts) {
    throw new LotlineError('CHAIN_BROKEN', `log position ${entry.seq} (event ${entry.eventId}) does not read as an event: ${issues[0]?.path ?? '$'}: ${issues[0]?.reason ?? 'unknown'}`, { issues });
  }
  return facts;
}

/** The projection input of a recorded entry; `originalSeq` finds the event an error declaration voids. */
export function recordedEvent(entry: LogEntry, originalSeq: (eventId: string) => number | undefined): RecordedEvent {
  if (entry.kind === 'event') return { facts: factsOfEntry(entry), voidSeq: null };
  const voidSeq = originalSeq(entry.eventId);
  if (voidSeq === undefined) throw new LotlineError('CHAIN_BROKEN', `log position ${entry.seq} declares event ${entry.eventId} erroneous, but that event is not in the log before it`);
  return { facts: null, voidSeq };
}
