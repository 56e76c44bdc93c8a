/**
 * The FSMA 204 report through the genealogy index (fsma204-columns.ts: built from the index's
 * columns, the body fields read once per event) must be the report the store's rows give, row
 * for row and in the same order, for every filter of the salad plant — pallets, a class-only
 * input, a voided batch and shipment, as-of, windows, master data — and after a capture the
 * index catches up with. It reads no event or object rows from the store, and each body once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interpretEvent } from '../../src/domain/event-facts.js';
import { GenealogyIndex, withGenealogyIndex } from '../../src/genealogy/genealogy-index.js';
import type { MasterDataView } from '../../src/masterdata/master-data-view.js';
import { bodyFacts } from '../../src/reports/fsma204/body-facts.js';
import type { Fsma204Filter } from '../../src/reports/fsma204/fsma204-report.js';
import { fsma204Report } from '../../src/reports/fsma204/fsma204-report.js';
import { fsma204Csv } from '../../src/reports/fsma204/fsma204-files.js';
import type { EventStore } from '../../src/store/event-store.js';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';
import { load } from '../helpers/store.js';
import { SALAD, SALAD_GTIN, saladCommands } from './salad-plant.js';

const MASTER_DATA = {
  item: (item: string) => (item === 'RM-LETTUCE' ? { description: 'Romaine lettuce, whole heads' } : undefined),
  party: () => undefined,
  location: (uri: string) => (uri.includes('Line%201') ? { name: 'Salad line one' } : undefined),
} as unknown as MasterDataView;

const FILTERS: Fsma204Filter[] = [
  {},
  { tlcs: ['TOM-7'] },
  { tlcs: [SALAD] },
  { item: SALAD_GTIN },
  { tlcs: ['SAL-1', 'CU-3'] },
  { from: '2026-06-02', to: '2026-06-04' },
  { from: '2026-06-02' },
  { tlcs: ['LET-1'], trace: 'forward' },
  { tlcs: ['SAL-1'], trace: 'backward' },
  { tlcs: ['LET-1'], trace: 'forward', to: '2026-06-02T12:00:00-07:00' },
  { tlcs: ['LET-1'], trace: 'forward', masterData: MASTER_DATA },
  { masterData: MASTER_DATA },
];

/** Counts the store calls a report makes, by method. */
function counting(store: EventStore): { store: EventStore; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const proxy = new Proxy(store, {
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        calls.set(String(key), (calls.get(String(key)) ?? 0) + 1);
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: proxy, calls };
}

describe('FSMA 204 report from the index’s columns', () => {
  let plain: EventStore;
  let indexed: EventStore;
  let calls: Map<string, number>;
  beforeAll(async () => {
    plain = openSqliteStore(':memory:');
    await load(plain, saladCommands());
    const counted = counting(plain);
    calls = counted.calls;
    indexed = withGenealogyIndex(counted.store, await GenealogyIndex.build(counted.store));
  });
  afterAll(async () => plain?.close());

  it('gives the rows, order, missing KDEs and CSV of the store’s rows for every filter', async () => {
    for (const filter of FILTERS) {
      const want = await fsma204Report(plain, filter);
      const got = await fsma204Report(indexed, filter);
      expect(got, JSON.stringify(filter)).toEqual(want);
      expect(fsma204Csv(got)).toBe(fsma204Csv(want));
    }
    // the cases above are not vacuous: pallets, the class-only input, master data, a window
    const all = await fsma204Report(indexed, { masterData: MASTER_DATA });
    const rows = (cte: string) => all.sheets.find((s) => s.sheet.cte === cte)!.rows;
    expect(rows('shipping').map((r) => r['logisticUnit'])).toContain('106141410000000019');
    expect(rows('transformation').map((r) => r['inputTlc'])).toContain(null);
    expect(rows('receiving').find((r) => r['tlc'] === 'LET-1')!['productDescription']).toBe('Romaine lettuce, whole heads');
    expect(rows('shipping')[0]!['tlcSource']).toBe('Salad line one');
  });

  it('reads no event or object rows from the store, and each body once per process', async () => {
    calls.clear();
    await fsma204Report(indexed, { tlcs: ['LET-1'], trace: 'forward' });
    for (const m of ['eventsBySeq', 'eventObjectsOfNodes', 'eventObjectsOfEvents', 'flowsOfNodes', 'flowsOfTransformations', 'queryEvents']) expect(calls.get(m) ?? 0, m).toBe(0);
    calls.clear();
    await fsma204Report(indexed, { tlcs: ['LET-1'], trace: 'forward' });
    expect(calls.get('eventBodies') ?? 0).toBe(0);
  });

  it('answers as of a record time, and sees what is captured after the index was built', async () => {
    const store = openSqliteStore(':memory:');
    try {
      const commands = saladCommands();
      await load(store, commands.slice(0, -1));
      const before = new Date(Date.now() + 1000).toISOString();
      const index = withGenealogyIndex(store, await GenealogyIndex.build(store));
      // the report of then is read (and its bodies kept) before the error declaration is logged
      const early = await fsma204Report(index, { tlcs: ['SAL-1'], trace: 'backward' });
      expect(early.sheets.find((s) => s.sheet.cte === 'shipping')!.rows.map((r) => r['quantity'])).toEqual([100, 50, 999]);
      await new Promise((r) => setTimeout(r, 1100));
      await load(index, commands.slice(-1));
      for (const filter of [{}, { asOf: before }, { tlcs: ['SAL-1'], trace: 'backward' as const }, { tlcs: ['SAL-1'], trace: 'backward' as const, asOf: before }]) {
        expect(await fsma204Report(index, filter), JSON.stringify(filter)).toEqual(await fsma204Report(store, filter));
      }
      const now = await fsma204Report(index, { tlcs: ['SAL-1'], trace: 'backward' });
      expect(now.sheets.find((s) => s.sheet.cte === 'shipping')!.rows.map((r) => r['quantity'])).toEqual([100, 50]);
    } finally {
      await store.close();
    }
  });

  it('reads the body fields as interpretEvent does', async () => {
    const bodies = await plain.eventBodies(Array.from({ length: await plain.headSeq() }, (_, i) => i + 1));
    let checked = 0;
    for (const body of bodies.values()) {
      const facts = interpretEvent(body, '$', []);
      if (!facts) continue;
      const mine = bodyFacts(body);
      expect({ t: mine.transformationId, b: mine.bizTransactions, s: mine.sources, d: mine.destinations }).toEqual({
        t: facts.transformationId,
        b: facts.bizTransactions,
        s: facts.sources,
        d: facts.destinations,
      });
      checked++;
    }
    expect(checked).toBeGreaterThan(8);
    // CBV types written in full are read bare, as interpretEvent reads them
    expect(
      bodyFacts({
        type: 'ObjectEvent',
        sourceList: [{ type: 'urn:epcglobal:cbv:sdt:owning_party', source: 'urn:lotline:party:A' }],
        bizTransactionList: [{ type: 'urn:epcglobal:cbv:btt:po', bizTransaction: 'urn:lotline:po:1' }, { bizTransaction: 'urn:x:2' }],
        ilmd: { 'ex:descriptionShort': '  Beans ' },
        'lotline:tlcSource': 'urn:lotline:loc:Farm',
      }),
    ).toEqual({
      transformationId: null,
      bizTransactions: [
        { type: 'po', id: 'urn:lotline:po:1' },
        { type: null, id: 'urn:x:2' },
      ],
      sources: [{ type: 'owning_party', id: 'urn:lotline:party:A' }],
      destinations: [],
      description: 'Beans',
      tlcSource: 'urn:lotline:loc:Farm',
    });
  });
});
