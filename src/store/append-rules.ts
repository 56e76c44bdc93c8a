/**
 * What appending one event means, whatever the database: a new event, a re-sent duplicate, an
 * error declaration for a stored event, or a conflict. Both adapters call this with the log
 * entries already stored under the event's eventID, so that they cannot decide differently.
 */
import { canonicalJson } from '../domain/canonical-json.js';
import { LotlineError } from '../domain/errors.js';
import type { RawEvent } from '../domain/event-facts.js';
import type { CapturedEvent, LogEntry } from './event-store.js';
import { entryHash } from './log-hash.js';

/** A log entry already stored under the eventID being appended. */
export interface StoredUnderId {
  readonly seq: number;
  readonly kind: 'event' | 'declaration';
  readonly fingerprint: string;
  /** Canonical JSON, as logged. */
  readonly body: string;
}

export type AppendDecision =
  /** Nothing to write: the same event (or declaration) is stored at `seq`. */
  | { readonly kind: 'duplicate'; readonly seq: number }
  /** A new event: log it and project it. */
  | { readonly kind: 'store' }
  /** An error declaration for the event at `voidSeq`: log it and void that event. */
  | { readonly kind: 'declare'; readonly voidSeq: number };

/** Decides what `ev` (whose canonical body is `body`) does, given what is logged under its id; throws EVENT_ID_CONFLICT. */
export function decideAppend(ev: CapturedEvent, body: string, existing: readonly StoredUnderId[]): AppendDecision {
  const original = existing.find((r) => r.kind === 'event');
  if (!original) return { kind: 'store' };
  if (ev.facts.errorDeclaration === null || original.body === body) {
    if (original.fingerprint === ev.fingerprint || original.body === body) return { kind: 'duplicate', seq: original.seq };
    throw new LotlineError(
      'EVENT_ID_CONFLICT',
      `event ${ev.eventId} is already stored (log position ${original.seq}) with different content; an event is never changed — declare it erroneous and send a corrective event`,
    );
  }
  // An error declaration for a stored event.
  const declared = existing.find((r) => r.kind === 'declaration');
  if (declared) {
    if (declared.body === body) return { kind: 'duplicate', seq: declared.seq };
    throw new LotlineError('EVENT_ID_CONFLICT', `event ${ev.eventId} was already declared erroneous (log position ${declared.seq}) by a different declaration`);
  }
  // The event arrived already carrying its declaration: that declaration is the only one it gets.
  const arrivedDeclaration = (JSON.parse(original.body) as RawEvent)['errorDeclaration'];
  if (arrivedDeclaration !== undefined) {
    if (canonicalJson(arrivedDeclaration) === canonicalJson(ev.body['errorDeclaration'])) return { kind: 'duplicate', seq: original.seq };
    throw new LotlineError('EVENT_ID_CONFLICT', `event ${ev.eventId} was already declared erroneous when it arrived (log position ${original.seq}), by a different declaration`);
  }
  return { kind: 'declare', voidSeq: original.seq };
}

/**
 * The error of an append batch's `index`-th event, naming that index in its issues so that the
 * caller (an import) can point at the line or event without appending one event at a time.
 */
export function atBatchIndex(e: unknown, index: number): unknown {
  if (!(e instanceof LotlineError) || e.code !== 'EVENT_ID_CONFLICT' || e.issues.length > 0) return e;
  return new LotlineError(e.code, e.message, { issues: [{ path: '$.eventID', reason: e.message, index }], cause: e.cause });
}

/** The head of the chain while a session appends, and whom its entries are attributed to. */
export interface ChainState {
  seq: number;
  recordTime: string;
  hash: string;
  readonly actor: string | null;
  readonly origin: string | null;
}

/**
 * The next log entry after the chain head, which it advances. Record times never go backwards,
 * so "as known at" cuts the log at one position.
 */
export function nextEntry(state: ChainState, kind: 'event' | 'declaration', ev: CapturedEvent, body: string, now = new Date().toISOString()): LogEntry {
  const seq = state.seq + 1;
  const recordTime = now > state.recordTime ? now : state.recordTime;
  const fields = { seq, kind, eventId: ev.eventId, recordTime, fingerprint: ev.fingerprint, body, actor: state.actor, origin: state.origin };
  const hash = entryHash(state.hash, fields);
  const entry: LogEntry = { ...fields, prevHash: state.hash, hash };
  state.seq = seq;
  state.recordTime = recordTime;
  state.hash = hash;
  return entry;
}
