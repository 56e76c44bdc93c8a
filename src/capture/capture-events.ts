/**
 * The capture use case shared by every channel (file import, HTTP API, EPCIS capture): read
 * events from a JSON value, then append them all in one session — stored together or not at
 * all, idempotent per eventID, with a conflict named by the event's position in the input.
 */
import type { Issue } from '../domain/errors.js';
import { LotlineError } from '../domain/errors.js';
import type { AppendOutcome, CapturedEvent, CaptureContext, EventStore } from '../store/event-store.js';
import { enforceEventCount, enforceInputLimits } from './input-limits.js';
import { readNativeValue } from './native/read-native-line.js';

/** Events appended per store call: bounds memory on large imports without costing small captures anything. */
export const CHUNK_EVENTS = 1000;
/** At most this many issues are reported for one request. */
const MAX_ISSUES = 100;

/** Where events come from, for messages: `walk.ndjson` (a file, by line or by event index) or the request body. */
export interface CaptureSource {
  /** Prefix of messages: the file name, or `request`. */
  readonly label: string;
  /** What "nothing from this … was stored" refers to. */
  readonly noun: 'file' | 'request' | 'document';
  /** The input is one event, not a list: its path is `$`. */
  readonly single?: boolean;
}

/** Appends all events in one session; a conflict names the event's index in its input. */
export async function appendAtomically(
  store: EventStore,
  source: CaptureSource,
  events: readonly CapturedEvent[],
  listPath: string,
  context: CaptureContext | undefined,
  onChunk: (done: number) => void = () => {},
): Promise<AppendOutcome[]> {
  const session = await store.beginCapture(context);
  try {
    const out: AppendOutcome[] = [];
    for (let i = 0; i < events.length; i += CHUNK_EVENTS) {
      out.push(...(await appendChunk(session, source, events.slice(i, i + CHUNK_EVENTS), (j) => i + j, listPath)));
      onChunk(out.length);
    }
    await session.commit();
    return out;
  } catch (e) {
    await session.rollback();
    throw e;
  }
}

/**
 * Appends a chunk in one call (a store over a network writes it set-at-a-time); an
 * EVENT_ID_CONFLICT names the event: by line for line-oriented files (`listPath` `$`), else by
 * index in the list at `listPath`. The store gives the conflicting event's index in the chunk.
 */
export async function appendChunk(
  session: { append(events: readonly CapturedEvent[]): Promise<AppendOutcome[]> },
  source: CaptureSource,
  events: readonly CapturedEvent[],
  indexOf: (j: number) => number,
  listPath: string,
): Promise<AppendOutcome[]> {
  try {
    return await session.append(events);
  } catch (e) {
    if (e instanceof LotlineError && e.code === 'EVENT_ID_CONFLICT') {
      const index = indexOf(e.issues[0]?.index ?? 0);
      const byLine = listPath === '$' && source.noun === 'file';
      const path = byLine || source.single ? '$' : `${listPath}[${index}]`;
      const file = source.noun === 'file' ? { file: source.label } : {};
      const verb = source.noun === 'file' ? 'imported' : 'stored';
      throw new LotlineError('EVENT_ID_CONFLICT', `${source.label}: ${byLine ? `line ${index + 1}` : `event ${index}`}: ${e.message}. Nothing from this ${source.noun} was ${verb}.`, {
        issues: [{ path: `${path}.eventID`, reason: e.message, ...file, index, ...(byLine ? { line: index + 1 } : {}) }],
        cause: e,
      });
    }
    throw e;
  }
}

/**
 * Reads the body of an API capture: one native command or EPCIS event, or an array of them.
 * Every bad field of every entry is reported (paths `$.lots[0].lot`, or `$[2].time` in an array)
 * before anything is stored.
 */
export function readCaptureValue(value: unknown): { events: CapturedEvent[]; single: boolean } {
  enforceInputLimits(value, 'request: ');
  const single = !Array.isArray(value);
  const list: unknown[] = Array.isArray(value) ? value : [value];
  if (list.length === 0) {
    throw new LotlineError('NATIVE_INVALID_FIELD', 'the request holds an empty list; send one event or command, or a non-empty array of them', {
      issues: [{ path: '$', reason: 'needs at least one event or command' }],
    });
  }
  enforceEventCount(list.length, '$', 'request');
  const issues: Issue[] = [];
  const events: CapturedEvent[] = [];
  list.forEach((entry, index) => {
    if (issues.length >= MAX_ISSUES) return;
    const found: Issue[] = [];
    const ev = readNativeValue(entry, found);
    for (const i of found) issues.push({ ...i, path: single ? i.path : `$[${index}]${i.path.slice(1)}`, index });
    if (ev) events.push(ev);
  });
  if (issues.length > 0) {
    const first = issues[0]!;
    throw new LotlineError(
      'NATIVE_INVALID_FIELD',
      `${issues.length}${issues.length >= MAX_ISSUES ? '+' : ''} invalid field${issues.length === 1 ? '' : 's'}; first: ${first.path}: ${first.reason}. Nothing from this request was stored.`,
      { issues },
    );
  }
  return { events, single };
}
