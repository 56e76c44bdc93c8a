/**
 * Search by what an event names besides its objects: an order or document number (purchase,
 * production, sales order, despatch advice) or a customer's or supplier's name. The store finds
 * the events through its term index (event_terms); each hit is a lot or pallet those events
 * concern, grouped under the document or party it was found by.
 */
import { lotlineUri } from '../domain/identifiers/lotline-uri.js';
import { refLabel } from '../domain/identifiers/object-ref.js';
import { placeKey } from '../masterdata/master-data-keys.js';
import type { MasterDataStore } from '../masterdata/master-data-store.js';
import type { EventRow, EventStore } from '../store/event-store.js';
import type { TermHit } from '../store/event-terms.js';
import { shortValue } from '../store/event-terms.js';

/** One lot or pallet found through an event's document or party. */
export interface TermSearchHit {
  readonly ref: string;
  readonly kind: string;
  readonly label: string;
  /** `document` or `party`: what the text matched. */
  readonly match: 'document' | 'party';
  /** The heading it is listed under: `Sales order SO-2026-701`, `Customer FreshMart DC South`. */
  readonly group: string;
  /** The event it was found through, in a few words: `shipped 2026-05-05 to FreshMart DC South`. */
  readonly via: string;
  readonly eventId: string;
}

const DOCUMENT_NAMES: Record<string, string> = {
  po: 'Purchase order',
  prodorder: 'Production order',
  order: 'Order',
  so: 'Sales order',
  desadv: 'Despatch advice',
  inv: 'Invoice',
};

const STEP_WORDS: Record<string, string> = { shipping: 'shipped', receiving: 'received', commissioning: 'produced', creating_class_instance: 'produced' };

function documentHeading(value: string): string {
  const kind = /^urn:lotline:([a-z]+):/i.exec(value)?.[1]?.toLowerCase();
  const name = (kind && DOCUMENT_NAMES[kind]) ?? 'Document';
  return `${name} ${shortValue(value)}`;
}

function partyHeading(row: EventRow, value: string, names: ReadonlyMap<string, string>): string {
  const name = names.get(value) ?? names.get(shortValue(value)) ?? shortValue(value);
  const role = row.destination === value ? 'Customer' : row.source === value ? 'Supplier' : 'Party';
  return `${role} ${name}`;
}

function via(row: EventRow, names: ReadonlyMap<string, string>): string {
  const step = (row.bizStep && STEP_WORDS[row.bizStep]) ?? row.bizStep ?? row.type;
  const who = row.bizStep === 'shipping' && row.destination ? ` to ${names.get(row.destination) ?? shortValue(row.destination)}` : row.bizStep === 'receiving' && row.source ? ` from ${names.get(row.source) ?? shortValue(row.source)}` : '';
  return `${step} ${row.eventTime.slice(0, 10)}${who}`;
}

/**
 * Lots and pallets of the events whose documents or parties begin with `text` (and of the
 * parties whose master-data name contains it), newest events first, at most `limit` hits.
 */
export async function searchByTerm(store: EventStore, masterData: MasterDataStore | undefined, text: string, limit: number): Promise<TermSearchHit[]> {
  const termHits = new Map<number, TermHit>();
  for (const h of await store.eventsByTerm(text, limit)) termHits.set(h.seq, h);
  // A party known by its GLN is found by the name master data gives it.
  const names = new Map<string, string>();
  if (masterData) {
    for (const p of await masterData.list('parties', { search: text, limit: 10 })) {
      names.set(p.data.id, p.data.name);
      for (const h of await store.eventsByTerm(p.data.id, limit)) if (!termHits.has(h.seq)) termHits.set(h.seq, h);
    }
  }
  if (termHits.size === 0) return [];
  const seqs = [...termHits.keys()].sort((a, b) => b - a).slice(0, limit);
  const rows = new Map((await store.eventsBySeq(seqs)).map((r) => [r.seq, r]));
  const objects = await store.eventObjectsOfEvents(seqs);
  const nodes = new Map((await store.nodesById([...new Set(objects.map((o) => o.node))])).map((n) => [n.id, n.ref]));
  if (masterData) {
    // Names of the parties these events name, for headings ("Customer FreshMart Stores" rather than a GLN).
    for (const r of rows.values()) {
      for (const id of [r.source, r.destination]) {
        if (id === null || names.has(id)) continue;
        const rec = await masterData.get('parties', placeKey(id));
        if (rec) names.set(id, rec.data.name);
      }
    }
  }
  const out: TermSearchHit[] = [];
  const seen = new Set<string>();
  for (const seq of seqs) {
    const row = rows.get(seq);
    const hit = termHits.get(seq)!;
    if (!row || row.voidSeq !== null) continue;
    const group = hit.kind === 'document' ? documentHeading(hit.value) : partyHeading(row, hit.value, names);
    // The objects of the event: a shipment's pallets and loose lots, a receipt's lots, a batch's outputs and inputs.
    for (const o of objects) {
      const ref = o.seq === seq ? nodes.get(o.node) : undefined;
      if (!ref || ref.kind === 'class' || ref.kind === 'other') continue;
      const uri = lotlineUri(ref);
      if (seen.has(`${group}\n${uri}`) || out.length >= limit) continue;
      seen.add(`${group}\n${uri}`);
      out.push({ ref: uri, kind: ref.kind, label: refLabel(ref), match: hit.kind, group, via: via(row, names), eventId: row.eventId });
    }
  }
  return out;
}
