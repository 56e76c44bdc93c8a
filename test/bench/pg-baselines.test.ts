import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disagreements, lotSet, traceLots } from '../../bench/harness/agreement.js';
import { PgCte, pgClient } from '../../bench/harness/pg-cte.js';
import { rng } from '../../bench/plant/generate-plant.js';
import { PRESETS } from '../../bench/plant/presets.js';
import { writePlant } from '../../bench/plant/write-plant.js';
import { importFile } from '../../src/capture/import-file.js';
import type { ObjectRef } from '../../src/domain/identifiers/object-ref.js';
import { refFromColumns } from '../../src/domain/identifiers/object-ref.js';
import { trace } from '../../src/genealogy/trace.js';
import type { PostgresEventStore } from '../../src/store/postgres/postgres-event-store.js';
import { dropPostgresSchema, openPostgresStore } from '../../src/store/postgres/open-postgres-store.js';

const PG = process.env['LOTLINE_TEST_PG'];

describe.runIf(PG)('the recursive CTE baseline on PostgreSQL', () => {
  let url: string;
  let store: PostgresEventStore;
  let client: pg.Client;
  const refs: (ObjectRef | undefined)[] = [];
  const lots: number[] = [];

  beforeAll(async () => {
    const u = new URL(PG!);
    u.searchParams.set('schema', `lotline_test_pgcte_${process.pid}_${Date.now().toString(36)}`);
    url = u.toString();
    const dir = mkdtempSync(join(tmpdir(), 'lotline-pg-baseline-'));
    // error declarations and rework made frequent, so that the sample meets them
    const plant = await writePlant({ ...PRESETS.small, days: 6, errorRate: 0.05, reworkRate: 0.2 }, join(dir, 'p'), 'ndjson');
    store = await openPostgresStore(url);
    for (const f of plant.files) await importFile(store, f);
    client = await pgClient(url);
    await client.query('ANALYZE');
    for (const n of (await client.query<{ id: number; kind: string; item: string; code: string }>('SELECT id, kind, item, code FROM nodes')).rows) {
      refs[n.id] = refFromColumns(n.kind, n.item, n.code);
      if (n.kind === 'lot') lots.push(n.id);
    }
  }, 120_000);
  afterAll(async () => {
    await client?.end();
    await store?.close();
    if (url) await dropPostgresSchema(url);
  });

  it('finds exactly the lots of every sampled Lotline trace, both directions', async () => {
    const cte = new PgCte(client);
    const r = rng(5);
    let reachedMany = 0;
    for (let i = 0; i < 60; i++) {
      const id = lots[Math.floor(r() * lots.length)]!;
      for (const dir of ['forward', 'backward'] as const) {
        const lotline = traceLots(await trace(store, refs[id]!, dir));
        expect(disagreements(lotline, { CTE: lotSet(await cte.reach(id, dir), refs) }), `${dir} from node ${id}`).toEqual([]);
        if (lotline.length > 20) reachedMany++;
      }
    }
    expect(reachedMany).toBeGreaterThan(5);
  });

  it('a wrong CTE (following the flows of events declared erroneous) is caught by the agreement check', async () => {
    const wrong = new PgCte(client, { includeVoided: true });
    const right = new PgCte(client);
    const voided = (await client.query<{ node_id: number }>("SELECT DISTINCT f.node_id FROM flows f JOIN events e ON e.seq = f.seq WHERE e.void_seq IS NOT NULL AND f.dir = 'in'")).rows.map((x) => x.node_id);
    expect(voided.length).toBeGreaterThan(0);
    let caught = 0;
    for (const id of voided.slice(0, 40)) {
      const lotline = traceLots(await trace(store, refs[id]!, 'forward'));
      expect(disagreements(lotline, { CTE: lotSet(await right.reach(id, 'forward'), refs) })).toEqual([]);
      const problems = disagreements(lotline, { 'wrong CTE': lotSet(await wrong.reach(id, 'forward'), refs) });
      if (problems.length > 0) {
        caught++;
        expect(problems[0]).toMatch(/^Lotline lists \d+ lots, wrong CTE \d+ \(0 missing from it, [1-9]\d* only in it\)$/);
      }
    }
    expect(caught).toBeGreaterThan(0);
  });

  it('UNION ALL counts paths, UNION counts nodes', async () => {
    const cte = new PgCte(client);
    const id = lots[0]!;
    const nodes = await cte.count(id, 'UNION');
    expect(nodes).toBe(new Set(await cte.reach(id, 'forward')).size);
    expect(await cte.count(id, 'UNION ALL')).toBeGreaterThanOrEqual(nodes);
  });
});
