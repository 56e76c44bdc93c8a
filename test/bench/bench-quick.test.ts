import type { SpawnSyncReturns } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HttpCaptureResult } from '../../bench/harness/http-capture.js';

type HttpJson = { warmUp: number; plans: { label: string; requests: number; perRequest: number }[] } & Record<string, HttpCaptureResult>;

/** Every planned request was answered 201, and the store holds exactly the events sent. */
function expectHttpCapture(http: HttpJson, engines: string[]): void {
  for (const engine of engines) {
    const r = http[engine]!;
    expect(r.failures, engine).toEqual([]);
    expect(r.runs.map((x) => [x.label, x.created, x.non2xx, x.errors, x.statusCodes])).toEqual(http.plans.map((p) => [p.label, p.requests, 0, 0, { 201: p.requests }]));
    expect(r.runs.find((x) => x.perRequest > 1)?.perRequest).toBe(100);
    expect(r.storedEvents).toBe(http.warmUp + http.plans.reduce((n, p) => n + p.requests * p.perRequest, 0));
  }
}

const PG = process.env['LOTLINE_TEST_PG'];

function bench(args: string[], env: NodeJS.ProcessEnv): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...args], { encoding: 'utf8', env, timeout: 170_000 });
}

async function benchSchemas(): Promise<string[]> {
  const { pgClient } = await import('../../bench/harness/pg-cte.js');
  const c = await pgClient(PG!);
  try {
    return (await c.query<{ nspname: string }>("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'lotline_bench_%'")).rows.map((r) => r.nspname);
  } finally {
    await c.end();
  }
}

describe('npm run bench -- --quick', () => {
  it('runs end to end: every section measured or skipped with a reason, no disagreement, JSON written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lotline-bench-quick-'));
    const json = join(dir, 'out.json');
    const env = { ...process.env };
    delete env['LOTLINE_TEST_PG'];
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick', '--samples', '8', '--json', json], { encoding: 'utf8', env, timeout: 170_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Every sampled trace returned the same lots');
    const out = JSON.parse(readFileSync(json, 'utf8')) as Record<string, unknown>;
    for (const k of ['machine', 'generate', 'sqliteImport', 'httpCapture', 'traces', 'worstCase', 'lotState', 'recall', 'pathExplosion', 'reports']) expect(out, k).toHaveProperty(k);
    expect(out['failures']).toEqual([]);
    expect(out['skipped']).toEqual({
      postgresImport: 'LOTLINE_TEST_PG is not set',
      postgresTraces: 'LOTLINE_TEST_PG is not set',
    });
    expect(r.stdout).toContain('PostgreSQL not measured: LOTLINE_TEST_PG is not set.');
    expectHttpCapture(out['httpCapture'] as HttpJson, ['SQLite']);
    const imp = out['sqliteImport'] as { events: number; stored: number; declared: number };
    expect(imp.stored + imp.declared).toBe(imp.events);
    const tanks = out['pathExplosion'] as { tanks: number; unionAll: { rows: number }; union: { rows: number } };
    expect(tanks.union.rows).toBe(tanks.tanks);
    expect(tanks.unionAll.rows).toBeGreaterThan(1000 * tanks.tanks);
  }, 180_000);

  it.runIf(PG)('with LOTLINE_TEST_PG: imports into PostgreSQL, traces there against the CTE, captures over HTTP on both stores, drops its schemas', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lotline-bench-pg-'));
    const json = join(dir, 'out.json');
    const before = await benchSchemas();
    const r = bench(['--quick', '--samples', '5', '--only', 'sqliteImport,postgresImport,httpCapture,postgresTraces', '--json', json], { ...process.env, LOTLINE_BENCH_FAULT: '' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(readFileSync(json, 'utf8')) as Record<string, unknown>;
    expect(out['failures']).toEqual([]);
    expect(out['skipped']).toEqual({ traces: 'not in --only', worstCase: 'not in --only', lotState: 'not in --only', recall: 'not in --only', pathExplosion: 'not in --only', reports: 'not in --only' });
    const sqlite = out['sqliteImport'] as { events: number };
    const pg = out['postgresImport'] as { events: number; stored: number; declared: number; eventsPerSecond: number; peakRssMiB: number };
    expect(pg.events).toBe(sqlite.events);
    expect(pg.stored + pg.declared).toBe(pg.events);
    expect(pg.peakRssMiB).toBeGreaterThan(0);
    const traces = out['postgresTraces'] as { byDirection: Record<string, { n: number; cte: { p50: number } }> };
    for (const d of ['forward', 'backward']) expect(traces.byDirection[d]!.n, d).toBe(15);
    expect(r.stdout).toContain('| forward p99 |');
    expectHttpCapture(out['httpCapture'] as HttpJson, ['SQLite', 'PostgreSQL']);
    expect(await benchSchemas()).toEqual(before);
  }, 180_000);

  it.runIf(PG)('a wrong CTE on PostgreSQL fails the run (exit 1) and names the disagreement', async () => {
    const before = await benchSchemas();
    const r = bench(['--quick', '--samples', '3', '--only', 'postgresImport,postgresTraces'], { ...process.env, LOTLINE_BENCH_FAULT: 'pg-cte' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/FAILED: \d+ problem/);
    expect(r.stdout).toMatch(/PostgreSQL: (forward|backward) trace of .*: Lotline lists (\d+) lots, CTE on PostgreSQL \d+ \(1 missing from it, 0 only in it\)/);
    expect(r.stdout).not.toContain('Every sampled trace returned the same lots');
    expect(await benchSchemas()).toEqual(before);
  }, 180_000);

  it('refuses a wrong option with exit code 2 and says what is wrong', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--preset', 'medium'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--preset must be one of small, plant, large, huge, wide (got "medium")');
    const s = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--samples', '0'], { encoding: 'utf8' });
    expect(s.status).toBe(2);
    expect(s.stderr).toContain('--samples must be a whole number ≥ 1 (got "0")');
    const o = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--only', 'traces,http'], { encoding: 'utf8' });
    expect(o.status).toBe(2);
    expect(o.stderr).toContain('--only takes section names among generate, sqliteImport, postgresImport, httpCapture, traces, worstCase, lotState, recall, pathExplosion, postgresTraces, reports (got "http")');
  });
});
