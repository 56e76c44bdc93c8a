/**
 * The body fields a recall prints (order, despatch advice, carrier, ship-to) and a lot state
 * counts (adjustment, supplier lot, hold reason), read from event bodies (body-facts.ts) and kept
 * per event by the genealogy index once read: the same facts as the bodies give, each body read
 * only once, and an event the index does not hold answered from the store as it is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lotFactsOf, NO_LOT_FACTS, NO_SHIPPING_FACTS, shippingFactsOf } from '../../src/genealogy/body-facts.js';
import { GenealogyIndex } from '../../src/genealogy/genealogy-index.js';
import type { EventStore } from '../../src/store/event-store.js';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';
import { load } from '../helpers/store.js';
import { RECALL_PLANT } from './recall-plant.js';

describe('facts read from one body', () => {
  it('takes the order and despatch advice from the business transactions in every type spelling, the carrier and the ship-to location', () => {
    const body = {
      bizTransactionList: [
        { type: 'https://ref.gs1.org/cbv/BTT-desadv', bizTransaction: 'urn:lotline:desadv:DA%2F7' },
        { type: 'urn:epcglobal:cbv:btt:po', bizTransaction: 'urn:epc:id:gdti:0614141.00001.PO-9' },
      ],
      destinationList: [
        { type: 'owning_party', destination: 'urn:lotline:party:FreshMart' },
        { type: 'https://ref.gs1.org/cbv/SDT-location', destination: 'urn:lotline:place:Dock%205' },
      ],
      'lotline:carrier': 'Transports Dupuis',
    };
    expect(shippingFactsOf(body)).toEqual({ order: 'urn:epc:id:gdti:0614141.00001.PO-9', despatchAdvice: 'DA/7', carrier: 'Transports Dupuis', shipTo: 'urn:lotline:place:Dock%205' });
  });

  it('gives null for what is missing or not a string, and nothing at all without a body', () => {
    expect(shippingFactsOf({ bizTransactionList: 'SO-1', destinationList: [{ type: 'location' }], 'lotline:carrier': 7 })).toEqual(NO_SHIPPING_FACTS);
    expect(shippingFactsOf(undefined)).toBe(NO_SHIPPING_FACTS);
    expect(lotFactsOf({ 'lotline:adjustBy': '-5', 'lotline:supplierLot': 12, 'lotline:reason': null })).toBe(NO_LOT_FACTS);
    expect(lotFactsOf({ 'lotline:adjustBy': -5, 'lotline:reason': 'QA check' })).toEqual({ adjustBy: -5, supplierLot: null, reason: 'QA check' });
    expect(lotFactsOf(undefined)).toBe(NO_LOT_FACTS);
  });
});

describe('facts kept by the genealogy index', () => {
  let store: EventStore;
  let index: GenealogyIndex;
  let seqs: number[];
  beforeAll(async () => {
    store = openSqliteStore(':memory:');
    await load(store, RECALL_PLANT);
    index = await GenealogyIndex.build(store);
    seqs = (await store.queryEvents({ limit: 1000 })).map((e) => e.seq);
  });
  afterAll(async () => store?.close());

  /** The store's bodies, counting the positions asked for. */
  const counting = (): { asked: number[]; read: (s: readonly number[]) => Promise<Map<number, Record<string, unknown>>> } => {
    const asked: number[] = [];
    return {
      asked,
      read: async (s) => {
        asked.push(...s);
        return store.eventBodies(s);
      },
    };
  };

  it('gives every event the facts its body gives, and reads each body only the first time', async () => {
    const bodies = await store.eventBodies(seqs);
    const first = counting();
    const shipping = await index.records.shippingFacts(seqs, first.read);
    expect(first.asked.sort((a, b) => a - b)).toEqual([...seqs].sort((a, b) => a - b));
    for (const s of seqs) expect(shipping.get(s)).toEqual(shippingFactsOf(bodies.get(s)));
    // the plant's first shipment: pallet S1 to FreshMart, SO-1, DA-1, Transports Dupuis
    expect([...shipping.values()]).toContainEqual({ order: 'SO-1', despatchAdvice: 'DA-1', carrier: 'Transports Dupuis', shipTo: null });
    const again = counting();
    expect(await index.records.shippingFacts(seqs, again.read)).toEqual(shipping);
    expect(again.asked).toEqual([]);

    const lotFirst = counting();
    const lot = await index.records.lotFacts(seqs, lotFirst.read);
    expect(lotFirst.asked).toHaveLength(seqs.length);
    for (const s of seqs) expect(lot.get(s)).toEqual(lotFactsOf(bodies.get(s)));
    expect([...lot.values()].map((f) => f.reason)).toContain('QA check of the oven log');
    const lotAgain = counting();
    expect(await index.records.lotFacts(seqs, lotAgain.read)).toEqual(lot);
    expect(lotAgain.asked).toEqual([]);
  });

  it('answers a position it holds no event for from the store, and keeps nothing for it', async () => {
    const beyond = Math.max(...seqs) + 50;
    const reader = counting();
    const fake = async (s: readonly number[]): Promise<Map<number, Record<string, unknown>>> => {
      reader.asked.push(...s);
      return new Map(s.map((x) => [x, { 'lotline:carrier': `carrier of ${x}`, 'lotline:reason': `reason of ${x}` }]));
    };
    expect((await index.records.shippingFacts([beyond], fake)).get(beyond)).toEqual({ ...NO_SHIPPING_FACTS, carrier: `carrier of ${beyond}` });
    expect((await index.records.lotFacts([beyond], fake)).get(beyond)).toEqual({ ...NO_LOT_FACTS, reason: `reason of ${beyond}` });
    expect(reader.asked).toEqual([beyond, beyond]);
    await index.records.shippingFacts([beyond], fake);
    expect(reader.asked).toEqual([beyond, beyond, beyond]);
  });
});
