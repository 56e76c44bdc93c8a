/**
 * The set-only trace (reach-set.ts) must reach exactly what `expand` reaches — the same nodes in
 * the same order, the same depths, the same cut at maxNodes — through the index and without it,
 * under every visibility rule, and as the index catches up with flows it has not compacted yet.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rng } from '../../bench/plant/generate-plant.js';
import { PRESETS } from '../../bench/plant/presets.js';
import { writePlant } from '../../bench/plant/write-plant.js';
import { importFile } from '../../src/capture/import-file.js';
import { GenealogyIndex, withGenealogyIndex } from '../../src/genealogy/genealogy-index.js';
import { reachSet } from '../../src/genealogy/reach-set.js';
import type { ReachedSet } from '../../src/genealogy/reach-set.js';
import { DEFAULT_MAX_NODES, visibilityFor } from '../../src/genealogy/trace.js';
import type { TraceOptions } from '../../src/genealogy/trace.js';
import type { Direction } from '../../src/genealogy/trace-graph.js';
import { expand } from '../../src/genealogy/trace-graph.js';
import type { EventStore } from '../../src/store/event-store.js';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';
import { load } from '../helpers/store.js';

const sorted = (p: [number, number][]): [number, number][] => [...p].sort((a, b) => a[0] - b[0]);
const pairs = (r: ReachedSet): [number, number][] => [...r.nodes].map((n, k) => [n, r.depths[k]!]);

/** What expand finds, in its insertion order: the reference the set path must equal. */
async function expected(store: EventStore, root: number, dir: Direction, options: TraceOptions, maxNodes = DEFAULT_MAX_NODES) {
  const g = await expand(store, root, dir, await visibilityFor(store, options), maxNodes);
  return { pairs: [...g.depth], truncated: g.truncated };
}

async function got(store: EventStore, root: number, dir: Direction, options: TraceOptions, maxNodes = DEFAULT_MAX_NODES) {
  const r = await reachSet(store, root, dir, await visibilityFor(store, options), maxNodes);
  expect(r.nodes.length).toBe(r.depths.length);
  return { pairs: pairs(r), truncated: r.truncated };
}

describe('set-only trace on a generated plant', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lotline-reach-'));
  const db = join(dir, 'plant.db');
  let store: EventStore;
  let indexed: EventStore;
  let nodes: number[];

  beforeAll(async () => {
    const plant = await writePlant({ ...PRESETS.small, days: 8, errorRate: 0.05, reworkRate: 0.2, continuousRate: 0.3 }, join(dir, 'plant'), 'ndjson');
    store = openSqliteStore(db);
    await importFile(store, plant.files[0]!);
    indexed = withGenealogyIndex(store, await GenealogyIndex.build(store));
    const raw = new Database(db, { readonly: true });
    nodes = raw.prepare("SELECT id FROM nodes WHERE kind = 'lot' ORDER BY id").pluck().all() as number[];
    raw.close();
  });
  afterAll(async () => {
    await store?.close();
  });

  it('reaches the same nodes, in the same order, at the same depths as expand, with as-of and time windows', async () => {
    const r = rng(41);
    const asOf = new Date(Date.now() - 1).toISOString();
    let deep = 0;
    for (let k = 0; k < 120; k++) {
      const root = nodes[Math.floor(r() * nodes.length)]!;
      for (const d of ['forward', 'backward'] as const) {
        for (const options of [{}, { from: '2026-01-03', to: '2026-01-06' }, { asOf }]) {
          // through the index: expand's own order there (the index reads flows in its own order)
          const want = await expected(indexed, root, d, options);
          const mine = await got(indexed, root, d, options);
          expect(mine).toEqual(want);
          // without the index the set is the store's expand, converted; the same pairs, whatever the order
          const fromStore = await got(store, root, d, options);
          expect(fromStore).toEqual(await expected(store, root, d, options));
          expect(sorted(mine.pairs)).toEqual(sorted(fromStore.pairs));
          if (want.pairs.some(([, depth]) => depth >= 3)) deep++;
        }
      }
    }
    // the sample went several transformations deep, not only one step
    expect(deep).toBeGreaterThan(10);
  });

  it('stops at maxNodes where expand stops, and says truncated', async () => {
    const r = rng(43);
    let truncated = 0;
    for (let k = 0; k < 40; k++) {
      const root = nodes[Math.floor(r() * nodes.length)]!;
      for (const d of ['forward', 'backward'] as const) {
        for (const maxNodes of [1, 2, 5, 17]) {
          const want = await expected(indexed, root, d, {}, maxNodes);
          expect(await got(indexed, root, d, {}, maxNodes)).toEqual(want);
          if (want.truncated) truncated++;
        }
      }
    }
    expect(truncated).toBeGreaterThan(10);
  });

  it('gives a root that no transformation names itself alone, at depth 0', async () => {
    const raw = new Database(db, { readonly: true });
    const alone = raw.prepare("SELECT id FROM nodes WHERE kind = 'unit' AND id NOT IN (SELECT node_id FROM flows) LIMIT 1").pluck().get() as number;
    raw.close();
    expect(alone).toBeGreaterThan(0);
    for (const d of ['forward', 'backward'] as const) expect(await got(indexed, alone, d, {})).toEqual({ pairs: [[alone, 0]], truncated: false });
  });
});

describe('set-only trace as the log grows', () => {
  const receive = (lot: string) => ({ cmd: 'receive', time: '2026-05-04T08:00:00+02:00', lots: [{ item: 'RAW', lot, quantity: 100, uom: 'KGM' }], from: 'S' });
  const produce = (inputs: string[], item: string, out: string, hour: number) => ({
    cmd: 'produce',
    time: `2026-05-04T${String(hour).padStart(2, '0')}:00:00+02:00`,
    inputs: inputs.map((lot) => ({ item: lot.startsWith('I') ? 'INT' : 'RAW', lot, quantity: 10, uom: 'KGM' })),
    outputs: [{ item, lot: out, quantity: 10 * inputs.length, uom: 'KGM' }],
  });

  it('follows flows captured after the index was built (not yet compacted), at the right depths', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lotline-reach-grow-')), 'g.db');
    const mine = openSqliteStore(path);
    const other = openSqliteStore(path, { create: false });
    try {
      // A, B → I1 → F1; then, after the index is built, another process adds I1 + C → F2 and F2 → F3
      await load(mine, [receive('A'), receive('B'), produce(['A', 'B'], 'INT', 'I1', 9), produce(['I1'], 'FG', 'F1', 10)]);
      const indexed = withGenealogyIndex(mine, await GenealogyIndex.build(mine));
      const id = async (item: string, lot: string) => [...(await mine.findNodes([{ kind: 'lot', item, lot }])).values()][0]!.id;
      const A = await id('RAW', 'A');
      const names = async (r: ReachedSet) => {
        const rows = await mine.nodesById([...r.nodes]);
        const code = new Map(rows.map((n) => [n.id, n.ref.kind === 'lot' ? n.ref.lot : '?']));
        return pairs(r).map(([n, depth]) => `${code.get(n)}@${depth}`);
      };
      const vis = async () => visibilityFor(indexed, {});
      expect(await names(await reachSet(indexed, A, 'forward', await vis(), DEFAULT_MAX_NODES))).toEqual(['A@0', 'I1@1', 'F1@2']);

      await load(other, [receive('C'), produce(['I1', 'C'], 'FG', 'F2', 11), { ...produce([], 'FG', 'F3', 12), inputs: [{ item: 'FG', lot: 'F2', quantity: 5, uom: 'KGM' }] }]);
      const forward = await reachSet(indexed, A, 'forward', await vis(), DEFAULT_MAX_NODES);
      expect(await names(forward)).toEqual(['A@0', 'I1@1', 'F1@2', 'F2@2', 'F3@3']);
      const F3 = await id('FG', 'F3');
      const backward = await reachSet(indexed, F3, 'backward', await vis(), DEFAULT_MAX_NODES);
      expect((await names(backward)).sort()).toEqual(['A@3', 'B@3', 'C@2', 'F2@1', 'F3@0', 'I1@2']);
      for (const [root, d] of [[A, 'forward'], [F3, 'backward']] as const) {
        const g = await expand(mine, root, d, await visibilityFor(mine, {}), DEFAULT_MAX_NODES);
        expect(pairs(await reachSet(indexed, root, d, await vis(), DEFAULT_MAX_NODES))).toEqual([...g.depth]);
      }
    } finally {
      await mine.close();
      await other.close();
    }
  });
});
