/**
 * `lotStates` (the batched lot state the recall scope and the mock recall use) on the hand-built
 * recall plant: one call for every lot gives each lot the state worked out by hand — pallets
 * shipped and still packed, a hold, lots consumed to zero — and the same as `lotState` one by
 * one; bad requests are refused by name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObjectRef } from '../../src/domain/identifiers/object-ref.js';
import { refKey } from '../../src/domain/identifiers/object-ref.js';
import { GenealogyIndex, withGenealogyIndex } from '../../src/genealogy/genealogy-index.js';
import { lotState, lotStates } from '../../src/genealogy/lot-state.js';
import type { EventStore } from '../../src/store/event-store.js';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';
import { load } from '../helpers/store.js';
import { BISCUIT, RECALL_PLANT, S3 } from './recall-plant.js';

const lot = (item: string, code: string): ObjectRef => ({ kind: 'lot', item, lot: code });
const LOTS: ObjectRef[] = [
  lot('FLOUR', 'F1'), lot('FLOUR', 'F2'), lot('BUTTER', 'B1'), lot('DOUGH', 'D1'), lot('DOUGH', 'D2'), lot('DOUGH', 'D3'),
  lot(BISCUIT, 'BC-A'), lot(BISCUIT, 'BC-B'), lot(BISCUIT, 'BC-C'), lot(BISCUIT, 'BC-D'),
];

describe('lotStates: many lots in one pass', () => {
  let store: EventStore;
  beforeAll(async () => {
    store = openSqliteStore(':memory:');
    await load(store, RECALL_PLANT);
  });
  afterAll(async () => store?.close());

  it('gives each lot its own state, as worked out by hand', async () => {
    const states = await lotStates(store, LOTS);
    const pick = (r: ObjectRef) => {
      const s = states.get(refKey(r))!;
      return { status: s.status, onHand: s.onHand, location: s.location, hold: s.hold?.reason ?? null, inUnits: s.inUnits };
    };
    expect(states.size).toBe(LOTS.length);
    // 1000 received, 300 + 200 consumed; last seen where it was used
    expect(pick(lot('FLOUR', 'F1'))).toEqual({ status: 'released', onHand: { quantity: 500, uom: 'KGM' }, location: 'urn:lotline:loc:Mixing%20room', hold: null, inUnits: [] });
    expect(pick(lot('DOUGH', 'D1'))).toMatchObject({ status: 'consumed', onHand: { quantity: 0, uom: 'KGM' } });
    // 2000 made, 960 shipped on pallet S1, 500 shipped loose; 300 packed on S3, not shipped
    expect(pick(lot(BISCUIT, 'BC-A'))).toMatchObject({ status: 'released', onHand: { quantity: 540, uom: 'EA' } });
    expect(pick(lot(BISCUIT, 'BC-A')).inUnits).toContain(S3);
    // 2000 made, 1000 on pallet S2 and 400 loose shipped, the rest held
    expect(pick(lot(BISCUIT, 'BC-B'))).toMatchObject({ status: 'on_hold', onHand: { quantity: 600, uom: 'EA' }, hold: 'QA check of the oven log' });
    expect(pick(lot(BISCUIT, 'BC-C'))).toMatchObject({ status: 'shipped', onHand: { quantity: 0, uom: 'EA' } });
    // the balance of each lot counts only its own movements (nothing leaks between lots read together)
    expect(states.get(refKey(lot(BISCUIT, 'BC-A')))!.balance).toEqual({ received: 0, produced: 2000, consumed: 0, shipped: 1460, scrapped: 0, adjusted: 0, uom: 'EA' });
    expect(states.get(refKey(lot(BISCUIT, 'BC-D')))!.balance).toEqual({ received: 0, produced: 500, consumed: 0, shipped: 0, scrapped: 0, adjusted: 0, uom: 'EA' });
  });

  it('is lotState for every lot, read one by one, through SQL and through the genealogy index', async () => {
    const indexed = withGenealogyIndex(store, await GenealogyIndex.build(store));
    for (const s of [store, indexed]) {
      const batch = await lotStates(s, LOTS);
      for (const r of LOTS) expect(batch.get(refKey(r))).toEqual(await lotState(store, r));
    }
  });

  it('answers a lot named twice once, and nothing for no lots', async () => {
    const twice = await lotStates(store, [lot('FLOUR', 'F1'), lot('FLOUR', 'F1')]);
    expect([...twice.keys()]).toEqual([refKey(lot('FLOUR', 'F1'))]);
    expect((await lotStates(store, [])).size).toBe(0);
  });

  it('refuses a unit, and names the lot no event names', async () => {
    await expect(lotStates(store, [lot('FLOUR', 'F1'), { kind: 'unit', scheme: 'sscc', id: S3 }])).rejects.toMatchObject({ code: 'USAGE', message: expect.stringMatching(/not units.*use lotState/) });
    await expect(lotStates(store, [lot('FLOUR', 'F1'), lot('FLOUR', 'F9')])).rejects.toMatchObject({ code: 'LOT_NOT_FOUND', message: expect.stringMatching(/FLOUR.*F9/) });
    await expect(lotStates(store, [lot('FLOUR', 'F1')], { asOf: '2000-01-01T00:00:00Z' })).rejects.toMatchObject({ code: 'LOT_NOT_FOUND', message: expect.stringMatching(/not yet known at 2000-01-01/) });
  });
});
