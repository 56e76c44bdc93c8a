/**
 * A newcomer's first minutes: `npm start` loads the demo plant once, and every command it
 * suggests works as printed.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TraceResult } from '../../src/genealogy/trace.js';
import { cli, cliJson, tempDb } from '../helpers/cli.js';

const ROOT = new URL('../../', import.meta.url).pathname;

/** Splits a suggested shell command line (simple quoting only, as the demo prints). */
function words(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

describe('demo plant', () => {
  it('start loads it into an empty database once; every suggested command runs', async () => {
    const db = tempDb();
    const first = await cli('start', '--db', db);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/loaded the demo plant — (\d{4,}) events/);
    const again = await cli('start', '--db', db);
    expect(again.stdout).toMatch(/already holds \d+ events and \d+ objects; nothing loaded/);
    const suggested = first.stdout.split('\n').filter((l) => l.trim().startsWith('npx lotline '));
    expect(suggested.length).toBeGreaterThanOrEqual(6);
    for (const line of suggested) {
      const args = words(line.trim()).slice(2);
      const r = await cli(...args);
      expect(r.code, `${line}\n${r.stderr}`).toBe(0);
    }
  });

  it('is a real plant: a supplier lot reaches finished lots shipped to several customers, and the log verifies', async () => {
    const db = tempDb();
    const out = (await cli('demo', '--db', db)).stdout;
    // a second demo would mix two plants under the same lot codes: refused
    const again = await cli('demo', '--db', db);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already holds \d+ events; load the demo plant into a new one/);
    const forward = words(out.split('\n').find((l) => l.includes('trace forward'))!.trim()).slice(2);
    const t = await cliJson<TraceResult>(...forward);
    expect(t.lots.length).toBeGreaterThan(10);
    expect(new Set(t.shipments.map((s) => s.destination)).size).toBeGreaterThanOrEqual(3);
    expect(t.shipments.some((s) => s.via !== undefined)).toBe(true);
    expect((await cli('verify', '--db', db)).code).toBe(0);
  });
});

describe('the lotline binary', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/bin.ts'), ...args], { cwd: ROOT, encoding: 'utf8' });

  it('exit codes: 0 success, 1 unknown lot, 2 usage', () => {
    const db = tempDb();
    const help = run('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/lotline trace forward/);
    const usage = run('trace', 'up', 'X', '--db', db);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/forward or backward/);
    const noDb = run('lot', '--item', 'A', '--lot', 'B', '--db', db);
    expect(noDb.status).toBe(1);
    expect(noDb.stderr).toMatch(/STORE_NOT_FOUND: no Lotline database at/);
    run('demo', '--days', '3', '--db', db);
    const missing = run('lot', '--item', 'A', '--lot', 'B', '--db', db);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/LOT_NOT_FOUND/);
  });

  it('uses $LOTLINE_DB when --db is not given', async () => {
    const db = tempDb();
    await cli('demo', '--db', db);
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/bin.ts'), 'verify'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, LOTLINE_DB: db } });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^OK: \d{4,} log entries/);
  });
});
