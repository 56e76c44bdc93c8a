/**
 * originObjectsOfNodes (the index's lookup for the FSMA report's lot origins) gives exactly the
 * rows of eventObjectsOfNodes that can say where a lot came from — a transformation's outputs and
 * the objects of receipts and of commissioning ObjectEvents (ADD) — and none of the shipments,
 * packing or inputs, on the salad plant.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GenealogyIndex } from '../../src/genealogy/genealogy-index.js';
import type { EventObjectRow, EventStore } from '../../src/store/event-store.js';
import { saladStore, STORE_KINDS } from '../reports/salad-plant.js';

describe('origin rows from the index', () => {
  let store: EventStore;
  let index: GenealogyIndex;
  beforeAll(async () => {
    store = await saladStore(STORE_KINDS[0]!);
    index = await GenealogyIndex.build(store);
  });
  afterAll(async () => {
    await store?.close();
  });

  it('are the output, receipt and commissioning rows of every node, no others', async () => {
    const nodes = [...(await store.searchNodes('', 100_000)).map((n) => n.id)];
    expect(nodes.length).toBeGreaterThan(5);
    const all = index.records.eventObjectsOfNodes(nodes);
    const events = new Map((await store.eventsBySeq([...new Set(all.map((r) => r.seq))])).map((e) => [e.seq, e]));
    const isOrigin = (r: EventObjectRow): boolean => {
      const e = events.get(r.seq);
      if (!e) return false;
      return r.role === 'output' || (r.role === 'object' && (e.bizStep === 'receiving' || (e.bizStep === 'commissioning' && e.type === 'ObjectEvent' && e.action === 'ADD')));
    };
    const key = (r: EventObjectRow): string => `${r.seq}/${r.node}/${r.role}/${r.quantity}/${r.uom}`;
    const expected = all.filter(isOrigin).map(key).sort();
    const got = index.records.originObjectsOfNodes(nodes).map(key).sort();
    expect(got).toEqual(expected);
    // the plant has receipts and transformations, and shipments that must be left out
    expect(got.length).toBeGreaterThan(0);
    expect(got.length).toBeLessThan(all.length);
    expect(all.some((r) => events.get(r.seq)?.bizStep === 'shipping')).toBe(true);
  });
});
