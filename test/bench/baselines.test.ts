import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disagreements, lotSet, traceLots } from '../../bench/harness/agreement.js';
import { csrFromFlows } from '../../bench/harness/csr-graph.js';
import { SqliteCte, visibleFlows } from '../../bench/harness/sqlite-cte.js';
import { percentile } from '../../bench/harness/stats.js';
import { rng } from '../../bench/plant/generate-plant.js';
import { PRESETS } from '../../bench/plant/presets.js';
import { tankChainLines } from '../../bench/plant/tank-chain.js';
import { writePlant } from '../../bench/plant/write-plant.js';
import { importFile } from '../../src/capture/import-file.js';
import type { ObjectRef } from '../../src/domain/identifiers/object-ref.js';
import { refFromColumns } from '../../src/domain/identifiers/object-ref.js';
import { trace } from '../../src/genealogy/trace.js';
import type { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store.js';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';

describe('the agreement gate', () => {
  it('passes equal sets and names every baseline that differs', () => {
    expect(disagreements(['a', 'b'], { CTE: ['a', 'b'], BFS: ['a', 'b'] })).toEqual([]);
    expect(disagreements(['a', 'b'], { CTE: ['a'], BFS: ['a', 'c'] })).toEqual([
      'Lotline lists 2 lots, CTE 1 (1 missing from it, 0 only in it)',
      'Lotline lists 2 lots, BFS 2 (1 missing from it, 1 only in it)',
    ]);
  });

  it('percentiles are nearest-rank', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('baselines agree with Lotline on a small generated plant', () => {
  let store: SqliteEventStore;
  let raw: Database.Database;
  const refs: (ObjectRef | undefined)[] = [];
  const lots: number[] = [];

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lotline-baseline-'));
    // error declarations and rework made frequent, so that the sample meets them
    const plant = await writePlant({ ...PRESETS.small, days: 8, errorRate: 0.05, reworkRate: 0.2 }, join(dir, 'p'), 'ndjson');
    store = openSqliteStore(join(dir, 'p.db'));
    for (const f of plant.files) await importFile(store, f);
    raw = new Database(join(dir, 'p.db'), { readonly: true });
    for (const n of raw.prepare('SELECT id, kind, item, code FROM nodes').all() as { id: number; kind: string; item: string; code: string }[]) {
      refs[n.id] = refFromColumns(n.kind, n.item, n.code);
      if (n.kind === 'lot') lots.push(n.id);
    }
  });
  afterAll(async () => {
    raw?.close();
    await store?.close();
  });

  it('the recursive CTE and the typed-array BFS find exactly the lots of every sampled trace, both directions', async () => {
    const cte = new SqliteCte(raw);
    const csr = csrFromFlows(visibleFlows(raw));
    const r = rng(3);
    const sample = Array.from({ length: 120 }, () => lots[Math.floor(r() * lots.length)]!);
    let reachedMany = 0;
    for (const id of sample) {
      for (const dir of ['forward', 'backward'] as const) {
        const lotline = traceLots(await trace(store, refs[id]!, dir));
        const problems = disagreements(lotline, { CTE: lotSet(cte.reach(id, dir), refs), BFS: lotSet(csr.reach(id, dir), refs) });
        expect(problems, `${dir} from node ${id}`).toEqual([]);
        if (lotline.length > 20) reachedMany++;
      }
    }
    expect(reachedMany).toBeGreaterThan(10);
  });

  it('leaving out the error declarations would be caught: a baseline over every flow disagrees somewhere', async () => {
    const all = csrFromFlows(raw.prepare('SELECT t_id AS t, node_id AS node, dir FROM flows').iterate() as IterableIterator<{ t: number; node: number; dir: 'in' | 'out' }>);
    const voided = raw.prepare("SELECT DISTINCT f.node_id FROM flows f JOIN events e ON e.seq = f.seq WHERE e.void_seq IS NOT NULL AND f.dir = 'in'").pluck().all() as number[];
    expect(voided.length).toBeGreaterThan(0);
    let caught = 0;
    for (const id of voided) {
      const lotline = traceLots(await trace(store, refs[id]!, 'forward'));
      if (disagreements(lotline, { naive: lotSet(all.reach(id, 'forward'), refs) }).length > 0) caught++;
    }
    expect(caught).toBeGreaterThan(0);
  });
});

describe('the path-explosion chain', () => {
  it('UNION ALL counts paths (Fibonacci), UNION, the BFS and Lotline count lots', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lotline-tanks-'));
    const tanks = 18;
    writeFileSync(join(dir, 't.ndjson'), tankChainLines(tanks).map((l) => JSON.stringify(l)).join('\n') + '\n');
    const store = openSqliteStore(join(dir, 't.db'));
    const db = new Database(join(dir, 't.db'), { readonly: true });
    try {
      await importFile(store, join(dir, 't.ndjson'));
      const root = db.prepare("SELECT id FROM nodes WHERE item = 'TANK' AND code = 'T-01'").pluck().get() as number;
      const cte = new SqliteCte(db);
      // paths from T-01 to T-k are fib(k); their sum to k = 18 is fib(20) − 1
      expect(cte.count(root, 'UNION ALL')).toBe(6764);
      expect(cte.count(root, 'UNION')).toBe(tanks);
      expect(csrFromFlows(visibleFlows(db)).reachCount(root, 'forward')).toBe(tanks);
      const t = await trace(store, refFromColumns('lot', 'TANK', 'T-01'), 'forward');
      expect(t.lots).toHaveLength(tanks);
      const back = await trace(store, refFromColumns('lot', 'TANK', `T-${tanks}`), 'backward');
      // every tank and every syrup lot fed into the last one
      expect(back.lots).toHaveLength(2 * tanks);
    } finally {
      db.close();
      await store.close();
    }
  });
});
