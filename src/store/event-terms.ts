/**
 * What an event can be found by besides its objects: the numbers of the business documents it
 * names (purchase, production and sales orders, despatch advice, invoices) and its source and
 * destination parties (suppliers, customers). Kept as lower-case terms in one indexed projection
 * table (`event_terms`), so that "SO-2026-701" or "FreshMart" finds its events by an index range
 * instead of a scan of every event body. Pure: both adapters write exactly these rows.
 */
import type { EventFacts } from '../domain/event-facts.js';
import type { LogEntry } from './event-store.js';
import { factsOfEntry } from './recorded-event.js';

export const TERM_KINDS = ['document', 'party'] as const;
/** A document number (bizTransaction) or a party (source or destination). */
export type TermKind = (typeof TERM_KINDS)[number];

export interface EventTerm {
  readonly term: string;
  readonly kind: TermKind;
  /** The value as the event gave it (a URI, or a plain number): what a result says it matched. */
  readonly value: string;
}

/** One event found by a term. */
export interface TermHit {
  readonly seq: number;
  readonly kind: TermKind;
  readonly value: string;
}

/** The key every term is stored and searched under: case and surrounding blanks do not matter. */
export function termKey(text: string): string {
  return text.trim().toLowerCase();
}

/**
 * The short form a person types: `urn:lotline:order:SO-2026-701` → `SO-2026-701`,
 * `urn:lotline:party:FreshMart%20DC%20South` → `FreshMart DC South`, the last segment of any other
 * URI (`urn:epcglobal:cbv:bt:0614141000005:PO-11` → `PO-11`, `https://example.com/po/77` → `77`).
 */
export function shortValue(value: string): string {
  const lotline = /^urn:lotline:[a-z]+:(.+)$/i.exec(value);
  const tail = lotline ? lotline[1]! : /^[a-z][a-z0-9+.-]*:/i.test(value) ? (/[^:/]+$/.exec(value)?.[0] ?? value) : value;
  try {
    return decodeURIComponent(tail);
  } catch {
    return tail;
  }
}

/** The terms of one event, without repeats. */
export function eventTerms(facts: EventFacts): EventTerm[] {
  const out = new Map<string, EventTerm>();
  const add = (kind: TermKind, value: string): void => {
    for (const t of new Set([termKey(value), termKey(shortValue(value))])) {
      if (t.length > 0 && !out.has(`${kind} ${t}`)) out.set(`${kind} ${t}`, { term: t, kind, value });
    }
  };
  for (const b of facts.bizTransactions) add('document', b.id);
  for (const p of [...facts.sources, ...facts.destinations]) if (!/location$/.test(p.type)) add('party', p.id);
  return [...out.values()];
}

/** The half-open key range `[from, to)` of every term that begins with `text`. */
export function termRange(text: string): { from: string; to: string } {
  const from = termKey(text);
  return { from, to: `${from}\uffff` };
}

/** The terms of a logged event body (filling `event_terms` for events stored before the table existed). */
export function termsOfBody(seq: number, eventId: string, body: string): EventTerm[] {
  return eventTerms(factsOfEntry({ seq, kind: 'event', eventId, body } as LogEntry));
}

/** One hit per event (the first term it matched), at most `limit`, in the order given. */
export function firstPerEvent(rows: readonly { seq: number | string; kind: TermKind; value: string }[], limit: number): TermHit[] {
  const out = new Map<number, TermHit>();
  for (const r of rows) {
    const seq = Number(r.seq);
    if (out.size >= limit) break;
    if (!out.has(seq)) out.set(seq, { seq, kind: r.kind, value: r.value });
  }
  return [...out.values()];
}
