/**
 * The few fields of a captured event body that the FSMA 204 report prints and the genealogy
 * index does not hold: the business documents, the source and destination lists, the
 * transformation id, and the product description and TLC source an event may carry. Read from
 * the body as `interpretEvent` reads them (the same normalisation), without parsing every
 * object identifier, and kept next to the index: a body never changes once logged (an error
 * declaration voids the event, which the index knows), so each event's body is read once per
 * process, not once per report.
 */
import type { BizTransactionEntry, PartyEntry, RawEvent } from '../../domain/event-facts.js';
import { normalizeCbv } from '../../domain/cbv.js';
import type { EventStore } from '../../store/event-store.js';

export interface BodyFacts {
  readonly transformationId: string | null;
  readonly bizTransactions: readonly BizTransactionEntry[];
  readonly sources: readonly PartyEntry[];
  readonly destinations: readonly PartyEntry[];
  /** The first non-blank `productDescription` (or alike) field of `ilmd`, else of the event (lot-origins.ts). */
  readonly description: string | null;
  /** …and the first `tlcSource` (or alike). */
  readonly tlcSource: string | null;
}

/** Local names (after any `prefix:`) of the fields read as a product description. */
export const DESCRIPTION_KEYS: ReadonlySet<string> = new Set(['productDescription', 'descriptionShort', 'tradeItemDescription', 'regulatedProductName']);
/** …and as a traceability lot code source (or its reference). */
export const TLC_SOURCE_KEYS: ReadonlySet<string> = new Set(['tlcSource', 'tlcSourceReference', 'traceabilityLotCodeSource', 'traceabilityLotCodeSourceReference']);

/** The first non-blank string field whose local name is one of `keys`: in `ilmd` first, then in the event itself. */
export function bodyField(body: RawEvent, keys: ReadonlySet<string>): string | null {
  const ilmd = body['ilmd'];
  for (const obj of [typeof ilmd === 'object' && ilmd !== null && !Array.isArray(ilmd) ? (ilmd as Record<string, unknown>) : {}, body as Record<string, unknown>]) {
    for (const k in obj) {
      const v = obj[k];
      if (keys.has(k.slice(k.lastIndexOf(':') + 1)) && typeof v === 'string' && v.trim() !== '') return v.trim();
    }
  }
  return null;
}

const NONE: readonly never[] = Object.freeze([]);

function parties(v: unknown, key: 'source' | 'destination'): readonly PartyEntry[] {
  if (!Array.isArray(v) || v.length === 0) return NONE;
  const out: PartyEntry[] = [];
  for (const item of v) {
    if (typeof item !== 'object' || item === null) continue;
    const o = item as Record<string, unknown>;
    const id = o[key];
    if (typeof id !== 'string' || typeof o['type'] !== 'string') continue;
    try {
      out.push({ type: normalizeCbv('sdt', o['type']), id });
    } catch {
      /* not a CBV type: interpretEvent would not have stored the event */
    }
  }
  return out;
}

function documents(v: unknown): readonly BizTransactionEntry[] {
  if (!Array.isArray(v) || v.length === 0) return NONE;
  const out: BizTransactionEntry[] = [];
  for (const item of v) {
    if (typeof item !== 'object' || item === null) continue;
    const o = item as Record<string, unknown>;
    const id = o['bizTransaction'];
    if (typeof id !== 'string') continue;
    let type: string | null = null;
    if (o['type'] !== undefined) {
      if (typeof o['type'] !== 'string') continue;
      try {
        type = normalizeCbv('btt', o['type']);
      } catch {
        continue;
      }
    }
    out.push({ type, id });
  }
  return out;
}

/** The report's fields of one body. */
export function bodyFacts(body: RawEvent): BodyFacts {
  const tid = body['transformationID'];
  return {
    transformationId: body['type'] === 'TransformationEvent' && typeof tid === 'string' ? tid : null,
    bizTransactions: documents(body['bizTransactionList']),
    sources: parties(body['sourceList'], 'source'),
    destinations: parties(body['destinationList'], 'destination'),
    description: bodyField(body, DESCRIPTION_KEYS),
    tlcSource: bodyField(body, TLC_SOURCE_KEYS),
  };
}

/**
 * Entries kept per index, at most: past it the cache starts again empty (a server answering
 * reports over a whole plant-year would otherwise keep one small object per event it ever read).
 */
export const BODY_FACTS_LIMIT = 1 << 19;

/** Body facts by log position, one cache per index (the key: any object that lives as long as the index). */
const CACHES = new WeakMap<object, Map<number, BodyFacts>>();

/**
 * The body facts of these log positions (those the store has a body for), read from the store
 * only for positions not read before through the same index.
 */
export async function readBodyFacts(owner: object, store: Pick<EventStore, 'eventBodies'>, seqs: readonly number[]): Promise<Map<number, BodyFacts>> {
  let cache = CACHES.get(owner);
  if (!cache) CACHES.set(owner, (cache = new Map()));
  let unread: number[] = [];
  for (const s of seqs) if (!cache.has(s)) unread.push(s);
  if (unread.length > 0) {
    if (cache.size + unread.length > BODY_FACTS_LIMIT) {
      cache.clear();
      unread = [...new Set(seqs)];
    }
    const bodies = await store.eventBodies(unread);
    for (const [s, body] of bodies) cache.set(s, bodyFacts(body));
  }
  return cache;
}
