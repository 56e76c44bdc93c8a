/**
 * The recall scope on the hand-built plant (recall-plant.ts). The answers, worked out by hand:
 * F1 (1000 kg) gave 300 kg to D1 (400 kg: share 0.75) and 200 kg to D2 (400 kg with 200 kg of F2:
 * share 0.5); D1 became BC-A (2000 EA, 0.75), D2 became BC-B (2000 EA, 0.5). BC-A: 960 shipped on
 * pallet S1 to FreshMart (exposure 720), 500 to the Corner Shop (375), 540 on hand in Dispatch, 300
 * of them packed on S3. BC-B: 1000 on S2 to Hotel Bellevue (500), 400 to FreshMart on 7 May (200,
 * in transit), 600 on hold in the FG store. F1 has 500 kg on hand in Goods in.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recallScope } from '../../src/genealogy/recall-scope.js';
import type { RecallScope } from '../../src/genealogy/recall-scope.js';
import { loadMasterDataView } from '../../src/masterdata/master-data-view.js';
import type { MasterDataView } from '../../src/masterdata/master-data-view.js';
import { SqliteMasterDataStore } from '../../src/masterdata/sqlite/sqlite-master-data-store.js';
import type { EventStore } from '../../src/store/event-store.js';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';
import { load } from '../helpers/store.js';
import { freshPgUrl, pgSkipReason } from '../helpers/postgres.js';
import { GenealogyIndex, withGenealogyIndex } from '../../src/genealogy/genealogy-index.js';
import { openPostgresStore } from '../../src/store/postgres/open-postgres-store.js';
import { BISCUIT, DAIRY_GLN, FRESHMART_GLN, NOW, RECALL_PLANT, recallPlantMasterData, S1, S2, S3 } from './recall-plant.js';

let store: EventStore;
let md: SqliteMasterDataStore;
let view: MasterDataView;

beforeEach(async () => {
  store = openSqliteStore(':memory:');
  md = new SqliteMasterDataStore(':memory:');
  await load(store, RECALL_PLANT);
  await md.put(recallPlantMasterData(), 'test');
  view = await loadMasterDataView(md);
});
afterEach(async () => {
  await md.close();
  await store.close();
});

const fromF1 = (): Promise<RecallScope> => recallScope(store, view, { lots: [{ kind: 'lot', item: 'FLOUR', lot: 'F1' }], now: NOW, transitDays: 1 });

describe('recall scope from a lot', () => {
  it('lists every affected lot with its share, status, on-hand quantity and place', async () => {
    const s = await fromF1();
    expect(s.start.lots).toEqual([{ item: 'FLOUR', lot: 'F1' }]);
    expect(s.lots.map((l) => [l.item, l.lot, l.depth, l.share, l.status, l.onHand, l.locationName])).toEqual([
      // where the lot was last seen: its last 200 kg went into D2 in the mixing room
      ['FLOUR', 'F1', 0, 1, 'released', { quantity: 500, uom: 'KGM' }, 'Mixing room'],
      ['DOUGH', 'D1', 1, 0.75, 'consumed', null, null],
      ['DOUGH', 'D2', 1, 0.5, 'consumed', null, null],
      [BISCUIT, 'BC-A', 2, 0.75, 'released', { quantity: 540, uom: 'EA' }, 'Dispatch'],
      [BISCUIT, 'BC-B', 2, 0.5, 'on_hold', { quantity: 600, uom: 'EA' }, 'FG store'],
    ]);
    expect(s.lots.find((l) => l.lot === 'BC-A')!.description).toBe('Butter biscuits 200 g');
    expect(s.warnings).toEqual([]);
  });

  it('gives what is on hand by location, with the lot already on hold marked', async () => {
    const s = await fromF1();
    expect(s.onHand).toEqual([
      { location: 'urn:lotline:loc:Dispatch', locationName: 'Dispatch', lots: [{ item: BISCUIT, lot: 'BC-A', quantity: 540, uom: 'EA', status: 'released', alreadyHeld: false, inUnits: [S3] }], totals: [{ quantity: 540, uom: 'EA' }] },
      { location: 'urn:lotline:loc:FG%20store', locationName: 'FG store', lots: [{ item: BISCUIT, lot: 'BC-B', quantity: 600, uom: 'EA', status: 'on_hold', alreadyHeld: true, inUnits: [] }], totals: [{ quantity: 600, uom: 'EA' }] },
      { location: 'urn:lotline:loc:Mixing%20room', locationName: 'Mixing room', lots: [{ item: 'FLOUR', lot: 'F1', quantity: 500, uom: 'KGM', status: 'released', alreadyHeld: false, inUnits: [] }], totals: [{ quantity: 500, uom: 'KGM' }] },
    ]);
  });

  it('lists every shipment with customer, order, despatch advice, exposure, and which is in transit', async () => {
    const s = await fromF1();
    expect(s.shipments.map((x) => [x.time, x.customerName, x.order, x.despatchAdvice, x.lot, x.quantity, x.share, x.exposure, x.via ?? null, x.inTransit])).toEqual([
      ['2026-05-05T07:00:00+02:00', 'FreshMart Stores', 'SO-1', 'DA-1', 'BC-A', 960, 0.75, { quantity: 720, uom: 'EA' }, S1, false],
      ['2026-05-05T08:00:00+02:00', 'The Corner Shop', 'SO-2', null, 'BC-A', 500, 0.75, { quantity: 375, uom: 'EA' }, null, false],
      ['2026-05-06T09:00:00+02:00', 'Hotel Bellevue', 'SO-3', null, 'BC-B', 1000, 0.5, { quantity: 500, uom: 'EA' }, S2, false],
      ['2026-05-07T10:00:00+02:00', 'FreshMart Stores', 'SO-4', null, 'BC-B', 400, 0.5, { quantity: 200, uom: 'EA' }, null, true],
    ]);
    expect(s.shipments[0]).toMatchObject({ customer: `https://id.gs1.org/417/${FRESHMART_GLN}`, carrier: 'Transports Dupuis' });
  });

  it('lists the orders that can still be stopped: the one in transit and the pallet packed but not shipped', async () => {
    const s = await fromF1();
    expect(s.openOrders).toEqual([
      { kind: 'in_transit', order: 'SO-4', customer: `https://id.gs1.org/417/${FRESHMART_GLN}`, customerName: 'FreshMart Stores', unit: null, eventId: s.shipments[3]!.eventId, time: '2026-05-07T10:00:00+02:00', lots: [{ item: BISCUIT, lot: 'BC-B', quantity: 400, uom: 'EA' }] },
      { kind: 'packed_not_shipped', order: null, customer: null, customerName: null, unit: S3, eventId: null, time: null, lots: [{ item: BISCUIT, lot: 'BC-A', quantity: 300, uom: 'EA' }] },
    ]);
  });

  it('gives one notice per customer with contact details from master data, and says when none is on file', async () => {
    const s = await fromF1();
    expect(s.customers).toEqual([
      {
        customer: `https://id.gs1.org/417/${FRESHMART_GLN}`, name: 'FreshMart Stores', onFile: true, contact: 'Dana Lee', phone: '+1 555 0100', email: 'recalls@freshmart.example', address: '1 Market Street, Springfield',
        lots: [`${BISCUIT} / BC-A`, `${BISCUIT} / BC-B`], quantities: [{ quantity: 1360, uom: 'EA' }], exposure: [{ quantity: 920, uom: 'EA' }],
        shipments: [s.shipments[0]!.eventId, s.shipments[3]!.eventId], firstShipped: '2026-05-05T07:00:00+02:00', lastShipped: '2026-05-07T10:00:00+02:00',
      },
      {
        customer: 'urn:lotline:party:Hotel%20Bellevue', name: 'Hotel Bellevue', onFile: false, contact: null, phone: null, email: null, address: null,
        lots: [`${BISCUIT} / BC-B`], quantities: [{ quantity: 1000, uom: 'EA' }], exposure: [{ quantity: 500, uom: 'EA' }],
        shipments: [s.shipments[2]!.eventId], firstShipped: '2026-05-06T09:00:00+02:00', lastShipped: '2026-05-06T09:00:00+02:00',
      },
      {
        customer: 'urn:lotline:party:CornerShop', name: 'The Corner Shop', onFile: true, contact: 'Raj Patel', phone: '+44 1632 960777', email: null, address: '4 High Street, Lowtown',
        lots: [`${BISCUIT} / BC-A`], quantities: [{ quantity: 500, uom: 'EA' }], exposure: [{ quantity: 375, uom: 'EA' }],
        shipments: [s.shipments[1]!.eventId], firstShipped: '2026-05-05T08:00:00+02:00', lastShipped: '2026-05-05T08:00:00+02:00',
      },
    ]);
  });

  it('measures precision: BC-A and BC-B (4,000 EA) against every biscuit lot made from 10:00 to 11:00 on 4 May (BC-C too: 5,500 EA)', async () => {
    const s = await fromF1();
    expect(s.precision.items).toEqual([
      {
        item: BISCUIT, description: 'Butter biscuits 200 g', span: { from: '2026-05-04T08:00:00.000Z', to: '2026-05-04T09:00:00.000Z' },
        targeted: { lots: 2, quantity: 4000, uom: 'EA' }, broad: { lots: 3, quantity: 5500, uom: 'EA' }, ratio: 0.727273,
      },
    ]);
    expect(s.precision).toMatchObject({ targeted: { quantity: 4000, uom: 'EA' }, broad: { quantity: 5500, uom: 'EA' }, ratio: 0.727273 });
  });
});

describe('recall scope from a supplier or an item with a date range', () => {
  it('starts from every lot the supplier delivered in the range; shares from its lots add up', async () => {
    const s = await recallScope(store, view, { supplier: 'Valley Mills', from: '2026-05-04', to: '2026-05-05', now: NOW, transitDays: 1 });
    expect(s.start).toMatchObject({ lots: [{ item: 'FLOUR', lot: 'F1' }, { item: 'FLOUR', lot: 'F2' }], supplier: 'Valley Mills', supplierName: 'Valley Mills Ltd' });
    const share = Object.fromEntries(s.lots.map((l) => [l.lot, l.share]));
    expect(share).toEqual({ F1: 1, F2: 1, D1: 0.75, D2: 1, D3: 1, 'BC-A': 0.75, 'BC-B': 1, 'BC-C': 1, 'BC-D': 1 });
    // BC-D (made on 5 May) falls outside the span of the other biscuit lots, and is in the scope: all 4 biscuit lots are targeted
    expect(s.precision.items[0]).toMatchObject({ targeted: { lots: 4, quantity: 6000 }, broad: { lots: 4, quantity: 6000 }, ratio: 1 });
  });

  it('matches a supplier given as a GLN with the Digital Link events write, and narrows by item', async () => {
    const s = await recallScope(store, view, { supplier: DAIRY_GLN, item: 'BUTTER', now: NOW });
    expect(s.start.lots).toEqual([{ item: 'BUTTER', lot: 'B1' }]);
    expect(s.start.supplierName).toBe('Northfield Dairy');
    expect(s.lots.map((l) => [l.lot, l.share])).toEqual([['B1', 1], ['D1', 0.25], ['BC-A', 0.25]]);
    expect(s.shipments.map((x) => x.exposure)).toEqual([{ quantity: 240, uom: 'EA' }, { quantity: 125, uom: 'EA' }]);
  });

  it('starts from an item alone: its lots made or received in the range', async () => {
    const s = await recallScope(store, view, { item: 'DOUGH', from: '2026-05-04T09:15:00+02:00', to: '2026-05-04T12:00:00+02:00', now: NOW });
    expect(s.start.lots).toEqual([{ item: 'DOUGH', lot: 'D3' }]);
    expect(s.shipments.map((x) => [x.lot, x.customerName, x.exposure])).toEqual([['BC-C', 'The Corner Shop', { quantity: 1500, uom: 'EA' }]]);
  });

  it('refuses a start that names nothing, or mixes lots with a supplier, with the reason', async () => {
    await expect(recallScope(store, view, { supplier: 'Nobody' })).rejects.toMatchObject({ code: 'LOT_NOT_FOUND', message: expect.stringContaining('no lot was received from Nobody') });
    await expect(recallScope(store, view, { supplier: 'Valley Mills', from: '2026-06-01' })).rejects.toMatchObject({ code: 'LOT_NOT_FOUND' });
    await expect(recallScope(store, view, {})).rejects.toMatchObject({ code: 'USAGE' });
    await expect(recallScope(store, view, { lots: [{ kind: 'lot', item: 'FLOUR', lot: 'F1' }], supplier: 'Valley Mills' })).rejects.toMatchObject({ code: 'USAGE' });
    await expect(recallScope(store, view, { lots: [{ kind: 'lot', item: 'FLOUR', lot: 'NOPE' }] })).rejects.toMatchObject({ code: 'LOT_NOT_FOUND', message: expect.stringContaining('FLOUR / NOPE') });
    await expect(recallScope(store, view, { item: 'FLOUR', from: 'yesterday' })).rejects.toMatchObject({ code: 'USAGE', message: expect.stringContaining('from time') });
  });
});

describe('the same scope from every store', () => {
  it('through the in-memory genealogy index (the server), and on PostgreSQL when it runs here', async () => {
    const expected = await fromF1();
    const indexed = withGenealogyIndex(store, await GenealogyIndex.build(store));
    expect(await recallScope(indexed, view, { lots: [{ kind: 'lot', item: 'FLOUR', lot: 'F1' }], now: NOW, transitDays: 1 })).toEqual(expected);
    if (pgSkipReason() !== undefined) return;
    const pg = await openPostgresStore(freshPgUrl('rc'));
    try {
      await load(pg, RECALL_PLANT);
      expect(await recallScope(pg, view, { lots: [{ kind: 'lot', item: 'FLOUR', lot: 'F1' }], now: NOW, transitDays: 1 })).toEqual(expected);
      expect((await recallScope(pg, view, { supplier: DAIRY_GLN, item: 'BUTTER', now: NOW })).lots.map((l) => [l.lot, l.share])).toEqual([['B1', 1], ['D1', 0.25], ['BC-A', 0.25]]);
    } finally {
      await pg.close();
    }
  });
});
