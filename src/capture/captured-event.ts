/**
 * The last step of every capture channel: an EPCIS event object (from a document, or
 * translated from a native command) becomes a CapturedEvent with facts, an eventID and a
 * fingerprint — or a list of issues naming each bad field.
 */
import { createHash } from 'node:crypto';
import type { Issue } from '../domain/errors.js';
import type { RawEvent } from '../domain/event-facts.js';
import { interpretEvent } from '../domain/event-facts.js';
import { eventHashIds } from '../domain/event-hash.js';
import type { CapturedEvent } from '../store/event-store.js';

function nativeSha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** JSON-LD prefix → namespace IRI, gathered from `@context` objects. */
export type PrefixMap = Readonly<Record<string, string>>;

/** Collects the prefix definitions of a JSON-LD `@context` (a URL, an object or a list of both). */
export function prefixesOf(context: unknown, into: Record<string, string> = {}): Record<string, string> {
  if (Array.isArray(context)) for (const c of context) prefixesOf(c, into);
  else if (typeof context === 'object' && context !== null) {
    for (const [k, v] of Object.entries(context)) if (typeof v === 'string' && !k.startsWith('@')) into[k] = v;
  }
  return into;
}

/** Objects (not URLs) of a document's @context: what an event body must carry to stay self-describing. */
export function localContext(context: unknown): unknown[] {
  const list = Array.isArray(context) ? context : context === undefined ? [] : [context];
  return list.filter((c) => typeof c === 'object' && c !== null);
}

/**
 * Turns one raw event into a CapturedEvent, or adds issues (with `path`) and returns undefined.
 * `docContext` is the document-level @context: its prefix definitions are copied onto an event
 * that has no @context of its own, so the stored event keeps its meaning alone.
 */
export function captureEvent(raw: unknown, path: string, issues: Issue[], docContext?: unknown): CapturedEvent | undefined {
  const facts = interpretEvent(raw, path, issues);
  if (!facts) return undefined;
  const event = raw as RawEvent;
  const prefixes = prefixesOf(docContext);
  prefixesOf(event['@context'], prefixes);
  let fingerprint: string;
  let eventId: string;
  try {
    // The fingerprint keeps "0012" apart from "12", which the GS1 event hash merges; the derived
    // eventID stays the GS1 hash, so that two systems derive the same id for the same event.
    const given = typeof event['eventID'] === 'string' ? event['eventID'] : undefined;
    const ids = eventHashIds(event, prefixes, nativeSha256, given !== undefined);
    fingerprint = ids.strict;
    eventId = given ?? ids.gs1!;
  } catch (e) {
    issues.push({ path, reason: `cannot compute the event hash: ${e instanceof Error ? e.message : String(e)}` });
    return undefined;
  }
  const body: Record<string, unknown> = { ...event, eventID: eventId };
  const local = localContext(docContext);
  // Extensions may sit deep inside (ilmd, readPoint, sensor reports): the event keeps the document's prefixes whenever it has none of its own.
  if (event['@context'] === undefined && local.length > 0) body['@context'] = local;
  return { eventId, body, facts, fingerprint };
}
