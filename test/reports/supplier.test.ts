/**
 * The supplier report against the hand-built biscuit plant (test/reports/biscuit-plant.ts) plus a
 * second Valley Mills lot received in April and a hold on the first: receipts with PO and
 * supplier lot, the lots made from them with their share, the customers and the exposure, holds
 * and exceptions; the period filter, the ways to name a supplier, the refusal of an unknown one,
 * and the CSV and XLSX — on SQLite and PostgreSQL alike.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openQualityStore, openStore } from '../../src/main.js';
import { holdEvent } from '../../src/quality/holds.js';
import { defaultQualityConfig } from '../../src/quality/quality-config.js';
import type { QualityStore } from '../../src/quality/quality-store.js';
import { GAP_RULE_IDS } from '../../src/quality/rules/index.js';
import { runGapRules } from '../../src/quality/run-gap-rules.js';
import type { SupplierReport } from '../../src/reports/supplier/supplier-report.js';
import { supplierReport } from '../../src/reports/supplier/supplier-report.js';
import { supplierCsv, supplierXlsx } from '../../src/reports/supplier/supplier-files.js';
import type { EventStore } from '../../src/store/event-store.js';
import { tempDb } from '../helpers/cli.js';
import { freshPgUrl, pgSkipReason } from '../helpers/postgres.js';
import { load } from '../helpers/store.js';
import { biscuitCommands } from './biscuit-plant.js';

const KINDS = [
  { name: 'SQLite', skip: undefined, db: () => tempDb() },
  { name: 'PostgreSQL', skip: pgSkipReason(), db: () => freshPgUrl('sup') },
];

const day = (iso: string): Date => new Date(`${iso}T00:00:00Z`);

for (const kind of KINDS) {
  describe.skipIf(kind.skip !== undefined)(`supplier report on ${kind.name}${kind.skip ? ` (skipped: ${kind.skip})` : ''}`, () => {
    let store: EventStore;
    let quality: QualityStore;
    let r: SupplierReport;
    let holdId: string;
    beforeAll(async () => {
      const db = kind.db();
      store = await openStore(db);
      quality = await openQualityStore(db);
      await load(store, [
        ...biscuitCommands(),
        { cmd: 'receive', time: '2026-04-01T06:00:00+02:00', lots: [{ item: 'FLOUR', lot: 'F-2', quantity: 500, uom: 'KGM' }], from: 'Valley Mills', po: 'PO-20', supplierLot: 'VM-90', location: 'Goods in' },
      ]);
      const hold = await holdEvent(store, { lots: [{ kind: 'lot', item: 'FLOUR', lot: 'F-1' }], reason: 'Supplier notice: possible glass', reference: 'SN-4', time: '2026-03-05T09:00:00+01:00' });
      holdId = hold.event.eventId;
      await load(store, [{ cmd: 'event', event: hold.event.body }]);
      await quality.report(await runGapRules(store, defaultQualityConfig(GAP_RULE_IDS), { ruleIds: ['class-only-input'] }), () => null, 'lotline');
      r = await supplierReport(store, quality, 'Valley Mills');
    });
    afterAll(async () => {
      await quality?.close();
      await store?.close();
    });

    it('lists the lots received from the supplier with quantity, date, PO, supplier lot and what they are now', () => {
      expect(r.supplier).toBe('Valley Mills');
      expect(r.supplierIds).toEqual(['urn:lotline:party:Valley%20Mills']);
      expect(r.receipts.map(({ eventId: _e, ...x }) => x)).toEqual([
        { time: '2026-03-02T06:00:00+01:00', lot: 'FLOUR / F-1', item: 'FLOUR', lotCode: 'F-1', quantity: 1000, uom: 'KGM', purchaseOrder: 'PO-11', despatchAdvice: null, supplierLot: 'VM-77', via: null, receivedAt: 'Goods in', status: 'on_hold', onHand: 640 },
        { time: '2026-04-01T06:00:00+02:00', lot: 'FLOUR / F-2', item: 'FLOUR', lotCode: 'F-2', quantity: 500, uom: 'KGM', purchaseOrder: 'PO-20', despatchAdvice: null, supplierLot: 'VM-90', via: null, receivedAt: 'Goods in', status: 'released', onHand: 500 },
      ]);
    });

    it('follows each lot forward: what it went into (with its share) and which customers got how much of it', () => {
      // 300 of the 405 kg in the dough came from F-1: 20/27 of the dough and of the biscuits
      expect(r.reach.map((x) => [x.receivedLot, x.lot, x.depth, Math.round(x.share! * 1e6) / 1e6, x.status])).toEqual([
        ['FLOUR / F-1', 'DOUGH / D-1', 1, 0.740741, 'consumed'],
        ['FLOUR / F-1', 'BISCUIT / BC-1', 2, 0.740741, 'released'],
      ]);
      expect(r.shipments.map(({ eventId: _e, ...x }) => x)).toEqual([
        { receivedLot: 'FLOUR / F-1', shippedLot: 'BISCUIT / BC-1', customer: 'FreshMart', time: '2026-03-03T07:00:00+01:00', quantity: 1500, uom: 'EA', exposure: 1111.111, via: null },
        { receivedLot: 'FLOUR / F-1', shippedLot: 'BISCUIT / BC-1', customer: 'Corner Deli', time: '2026-03-03T09:00:00+01:00', quantity: null, uom: null, exposure: null, via: 'CAGE-7' },
      ]);
      expect(r.customers).toEqual(['Corner Deli', 'FreshMart']);
    });

    it('lists the holds and the exceptions linked to any of those lots', () => {
      expect(r.holds).toEqual([{ lot: 'FLOUR / F-1', time: '2026-03-05T09:00:00+01:00', reason: 'Supplier notice: possible glass', reference: 'SN-4', statusNow: 'on_hold', eventId: holdId, recordedBy: null }]);
      // the class-only input of the dough batch: shown by the event that consumed F-1
      expect(r.exceptions.map((x) => [x.rule, x.severity, x.state])).toEqual([['class-only-input', 'warning', 'open']]);
      expect(['FLOUR / F-1', 'DOUGH / D-1']).toContain(r.exceptions[0]!.lot);
    });

    it('limits the receipts to a period, and finds the supplier by URI or in any case', async () => {
      const april = await supplierReport(store, quality, 'Valley Mills', { from: '2026-03-15' });
      expect(april.receipts.map((x) => x.lot)).toEqual(['FLOUR / F-2']);
      expect(april.shipments).toEqual([]);
      expect(april.holds).toEqual([]);
      expect((await supplierReport(store, quality, 'urn:lotline:party:Valley%20Mills')).receipts).toHaveLength(2);
      expect((await supplierReport(store, quality, 'valley mills')).receipts).toHaveLength(2);
      const dairy = await supplierReport(store, quality, 'Northfield Dairy');
      expect(dairy.receipts.map((x) => [x.lot, x.quantity, x.purchaseOrder, x.onHand])).toEqual([['BUTTER / B-1', 200, 'PO-12', 40]]);
      expect(dairy.reach.map((x) => x.lot)).toEqual(['CAKE / CK-1', 'DOUGH / D-1', 'BISCUIT / BC-1']);
    });

    it('refuses a supplier with no receipt, naming those that have some', async () => {
      await expect(supplierReport(store, quality, 'Valey Mills')).rejects.toMatchObject({ code: 'SUPPLIER_NOT_FOUND', message: 'no receipt comes from "Valey Mills"; suppliers with receipts: Northfield Dairy, Valley Mills' });
      await expect(supplierReport(store, quality, 'Valley Mills', { from: '2026-05-01' })).rejects.toMatchObject({ code: 'SUPPLIER_NOT_FOUND', message: expect.stringContaining('in that period') });
      await expect(supplierReport(store, quality, 'Valley Mills', { from: '2026-05-01', to: '2026-04-01' })).rejects.toMatchObject({ code: 'USAGE' });
    });

    it('writes one CSV row per received lot and customer shipment', () => {
      expect(supplierCsv(r).split('\r\n')).toEqual([
        'Received on,Received lot,Received quantity,Received unit,PO,Supplier lot,Shipped lot,Customer,Shipped on,Shipped quantity,Shipped unit,Of which from the supplier lot,Holds,Exceptions',
        '2026-03-02,FLOUR / F-1,1000,KGM,PO-11,VM-77,BISCUIT / BC-1,FreshMart,2026-03-03,1500,EA,1111.111,1,1',
        '2026-03-02,FLOUR / F-1,1000,KGM,PO-11,VM-77,BISCUIT / BC-1,Corner Deli,2026-03-03,,,,1,1',
        '2026-04-01,FLOUR / F-2,500,KGM,PO-20,VM-90,,,,,,,0,0',
        '',
      ]);
    });

    it('writes an XLSX with a sheet per table that opens and sorts: dates as dates, quantities as numbers', async () => {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load((await supplierXlsx(r)) as unknown as ArrayBuffer);
      expect(wb.worksheets.map((w) => w.name)).toEqual(['Receipts', 'Reach', 'Shipments', 'Holds', 'Exceptions']);
      const receipts = wb.getWorksheet('Receipts')!;
      expect(receipts.getRow(2).getCell(1).value).toEqual(day('2026-03-02'));
      expect(receipts.getRow(2).getCell(5).value).toBe(1000);
      expect(receipts.getRow(3).getCell(9).value).toBe('VM-90');
      expect(receipts.autoFilter).toBeDefined();
      const ships = wb.getWorksheet('Shipments')!;
      expect(ships.rowCount).toBe(3);
      expect(ships.getRow(2).getCell(8).value).toBe(1111.111);
    });
  });
}
