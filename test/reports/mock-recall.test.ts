/**
 * The mock recall against the hand-built biscuit plant (test/reports/biscuit-plant.ts): each lot's
 * reconciliation worked out by hand, the unaccounted cage shipment, the class-only gap, the
 * customers, and the archive that keeps the exercise — on SQLite and PostgreSQL alike.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMockRecallStore, openStore } from '../../src/main.js';
import { defaultQualityConfig } from '../../src/quality/quality-config.js';
import { GAP_RULE_IDS } from '../../src/quality/rules/index.js';
import type { MockRecallReport } from '../../src/reports/mock-recall/mock-recall.js';
import { runMockRecall } from '../../src/reports/mock-recall/mock-recall.js';
import { mockRecallCsv, mockRecallMarkdown } from '../../src/reports/mock-recall/mock-recall-document.js';
import type { MockRecallStore } from '../../src/reports/mock-recall/mock-recall-store.js';
import type { EventStore } from '../../src/store/event-store.js';
import { tempDb } from '../helpers/cli.js';
import { freshPgUrl, pgSkipReason } from '../helpers/postgres.js';
import { load } from '../helpers/store.js';
import { biscuitCommands } from './biscuit-plant.js';

const KINDS = [
  { name: 'SQLite', skip: undefined, db: () => tempDb() },
  { name: 'PostgreSQL', skip: pgSkipReason(), db: () => freshPgUrl('mr') },
];

const quality = defaultQualityConfig(GAP_RULE_IDS);
// A clock that advances 1.5 s per reading: the elapsed time is then known exactly.
const clock = (): (() => number) => {
  let t = Date.parse('2026-12-01T09:00:00Z');
  return () => (t += 1500) - 1500;
};

for (const kind of KINDS) {
  describe.skipIf(kind.skip !== undefined)(`mock recall on ${kind.name}${kind.skip ? ` (skipped: ${kind.skip})` : ''}`, () => {
    let store: EventStore;
    let archive: MockRecallStore;
    let flour: MockRecallReport;
    let dough: MockRecallReport;
    beforeAll(async () => {
      const db = kind.db();
      store = await openStore(db);
      await load(store, biscuitCommands());
      archive = await openMockRecallStore(db);
      flour = await runMockRecall(store, { kind: 'lot', item: 'FLOUR', lot: 'F-1' }, { runBy: 'user:anne', quality, now: clock() });
      dough = await runMockRecall(store, { kind: 'lot', item: 'DOUGH', lot: 'D-1' }, { runBy: 'cli:qa', quality, now: clock() });
    });
    afterAll(async () => {
      await archive?.close();
      await store?.close();
    });

    it('says who ran it, when, on which lot and how long it took', () => {
      expect(flour).toMatchObject({ label: 'FLOUR / F-1', lotUri: 'urn:lotline:lot:FLOUR:F-1', runBy: 'user:anne', startedAt: '2026-12-01T09:00:00.000Z', finishedAt: '2026-12-01T09:00:01.500Z', elapsedMs: 1500, asOfSeq: 10 });
    });

    it('reconciles every lot of the forward trace: scrap and write-off count, the cage shipped without a quantity does not', () => {
      const pick = (r: MockRecallReport) => r.reconciliation.map(({ lot: _l, lastSeen, ...rest }) => ({ ...rest, at: lastSeen.location }));
      expect(pick(flour)).toEqual([
        { label: 'FLOUR / F-1', role: 'chosen', depth: 0, status: 'released', uom: 'KGM', received: 1000, produced: 0, consumed: 300, shipped: 0, onHand: 640, scrapped: 50, adjusted: 10, unaccounted: 0, percentAccounted: 100, at: 'Goods in' },
        { label: 'DOUGH / D-1', role: 'forward', depth: 1, status: 'consumed', uom: 'KGM', received: 0, produced: 400, consumed: 400, shipped: 0, onHand: 0, scrapped: 0, adjusted: 0, unaccounted: 0, percentAccounted: 100, at: 'Line 1' },
        { label: 'BISCUIT / BC-1', role: 'forward', depth: 2, status: 'released', uom: 'EA', received: 0, produced: 2000, consumed: 0, shipped: 1500, onHand: 500, scrapped: 0, adjusted: 0, unaccounted: 500, percentAccounted: 75, at: 'Dispatch' },
      ]);
      // per unit: 1400 KGM all found; 1500 of 2000 EA; the headline is the lowest
      expect(flour.totals).toEqual([
        { uom: 'EA', in: 2000, unaccounted: 500, percentAccounted: 75 },
        { uom: 'KGM', in: 1400, unaccounted: 0, percentAccounted: 100 },
      ]);
      expect(flour.percentAccounted).toBe(75);
    });

    it('names each unaccounted quantity, why, and where it was last seen', () => {
      expect(flour.unaccounted).toHaveLength(1);
      const u = flour.unaccounted[0]!;
      expect(u).toMatchObject({ label: 'BISCUIT / BC-1', quantity: 500, uom: 'EA', lastSeen: { location: 'Dispatch', bizStep: 'shipping', time: '2026-03-03T09:00:00+01:00' } });
      expect(u.reason).toMatch(/500 EA on hand, but 1 movement\(s\) were recorded without a quantity \(shipped without a quantity: ni:/);
    });

    it('reconciles the backward trace too: butter partly used in another batch is on hand', () => {
      const butter = dough.reconciliation.find((l) => l.label === 'BUTTER / B-1')!;
      expect(butter).toMatchObject({ role: 'backward', depth: 1, received: 200, consumed: 160, onHand: 40, unaccounted: 0, percentAccounted: 100, lastSeen: { location: 'Line 2' } });
      expect(dough.reconciliation.map((l) => `${l.role} ${l.label}`)).toEqual(['chosen DOUGH / D-1', 'forward BISCUIT / BC-1', 'backward BUTTER / B-1', 'backward FLOUR / F-1']);
    });

    it('lists the genealogy gaps met: the class-only input of the dough, once', () => {
      expect(flour.gaps.map((g) => [g.rule, g.severity])).toEqual([['class-only-input', 'warning']]);
      expect(flour.gaps[0]!.explanation).toMatch(/consumed item 00614141000012 without a lot/);
    });

    it('names the customers to notify', () => {
      expect(flour.customers).toEqual([
        { customer: 'Corner Deli', shipments: 1 },
        { customer: 'FreshMart', shipments: 1 },
      ]);
    });

    it('writes a record an auditor files (Markdown) and a CSV of the reconciliation', () => {
      const md = mockRecallMarkdown(flour, 7);
      expect(md).toContain('# Mock recall no. 7: FLOUR / F-1');
      expect(md).toContain('- Run by: user:anne');
      expect(md).toContain('- Elapsed time: 1.500 s');
      expect(md).toContain('  - EA: 1500 of 2000 accounted for (75%)');
      expect(md).toContain('| forward | BISCUIT / BC-1 | released | EA | 0 | 2000 | 0 | 1500 | 500 | 0 | 0 | 500 | 75% | Dispatch |');
      expect(md).toContain('| 2026-03-03T09:00:00+01:00 | BISCUIT / BC-1 | unknown | Corner Deli | CAGE-7 |');
      const csv = mockRecallCsv(flour).split('\r\n');
      expect(csv[0]).toBe('Role,Depth,Lot,Status,Unit,Received,Produced,Consumed,Shipped,On hand,Scrapped,Adjusted,Unaccounted,% accounted for,Last seen at,Last event,Last event time');
      expect(csv[1]).toBe('chosen,0,FLOUR / F-1,released,KGM,1000,0,300,0,640,50,10,0,100,Goods in,adjusting,2026-03-02T18:00:00+01:00');
    });

    it('keeps every exercise in the archive, newest first, and gives each back whole', async () => {
      const a = await archive.save(flour);
      const b = await archive.save(dough);
      expect(b.id).toBeGreaterThan(a.id);
      const list = await archive.list();
      expect(list.map((s) => [s.id, s.lot, s.runBy, s.percentAccounted, s.unaccounted, s.gaps])).toEqual([
        [b.id, 'DOUGH / D-1', 'cli:qa', dough.percentAccounted, dough.unaccounted.length, dough.gaps.length],
        [a.id, 'FLOUR / F-1', 'user:anne', 75, 1, 1],
      ]);
      expect((await archive.list({ lotUri: 'urn:lotline:lot:FLOUR:F-1' })).map((s) => s.id)).toEqual([a.id]);
      expect(await archive.list({ from: '2027-01-01T00:00:00Z' })).toEqual([]);
      expect((await archive.get(a.id))?.report).toEqual(JSON.parse(JSON.stringify(flour)));
      expect(await archive.get(a.id + 1000)).toBeUndefined();
    });
  });
}
