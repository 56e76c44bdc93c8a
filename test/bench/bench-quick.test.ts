import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

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
    for (const k of ['machine', 'generate', 'sqliteImport', 'traces', 'worstCase', 'lotState', 'pathExplosion']) expect(out, k).toHaveProperty(k);
    expect(out['failures']).toEqual([]);
    expect(out['skipped']).toEqual({
      postgresImport: 'LOTLINE_TEST_PG is not set',
      httpCapture: "the HTTP service ('lotline serve') is not in this build yet",
      postgresTraces: 'LOTLINE_TEST_PG is not set',
    });
    const imp = out['sqliteImport'] as { events: number; stored: number; declared: number };
    expect(imp.stored + imp.declared).toBe(imp.events);
    const tanks = out['pathExplosion'] as { tanks: number; unionAll: { rows: number }; union: { rows: number } };
    expect(tanks.union.rows).toBe(tanks.tanks);
    expect(tanks.unionAll.rows).toBeGreaterThan(1000 * tanks.tanks);
  }, 180_000);

  it('refuses a wrong option with exit code 2 and says what is wrong', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--preset', 'medium'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--preset must be one of small, plant, large, huge (got "medium")');
    const s = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--samples', '0'], { encoding: 'utf8' });
    expect(s.status).toBe(2);
    expect(s.stderr).toContain('--samples must be a whole number ≥ 1 (got "0")');
  });
});
