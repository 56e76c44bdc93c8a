/**
 * `lotline rebuild [--check]` on both engines: the check finds each kind of damage to the
 * projections (missing, extra, changed and doubled rows) without changing anything, the rebuild
 * repairs it, and a log that no longer verifies is refused rather than projected.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { parsePostgresUrl } from '../../src/store/postgres/open-postgres-store.js';
import { cli, FIXTURES, tempDb, writeNdjson } from '../helpers/cli.js';
import { freshPgUrl, pgSkipReason } from '../helpers/postgres.js';

const PG_SKIP = pgSkipReason();

/** Runs SQL on the database behind `db` (a file or a postgres:// URL with ?schema=). */
async function sql(db: string, statements: string): Promise<void> {
  if (!db.startsWith('postgres')) {
    const d = new Database(db);
    try {
      d.exec(statements);
    } finally {
      d.close();
    }
    return;
  }
  const { connectionString, schema } = parsePostgresUrl(db);
  const c = new pg.Client({ connectionString });
  await c.connect();
  try {
    await c.query(`SET search_path TO "${schema}"; ${statements}`);
  } finally {
    await c.end();
  }
}

/** Every projection row, in a stable order, for "nothing changed" comparisons. */
async function dumpProjections(db: string): Promise<string> {
  const tables = ['nodes ORDER BY id', 'transformations ORDER BY id', 'events ORDER BY seq', 'flows ORDER BY seq, t_id, node_id, dir', 'event_objects ORDER BY seq, node_id, role', 'event_terms ORDER BY seq, term, kind'];
  const out: unknown[] = [];
  if (!db.startsWith('postgres')) {
    const d = new Database(db, { readonly: true });
    try {
      for (const t of tables) out.push(d.prepare(`SELECT * FROM ${t}`).all());
    } finally {
      d.close();
    }
  } else {
    const { connectionString, schema } = parsePostgresUrl(db);
    const c = new pg.Client({ connectionString });
    await c.connect();
    try {
      await c.query(`SET search_path TO "${schema}"`);
      for (const t of tables) out.push((await c.query(`SELECT * FROM ${t}`)).rows);
    } finally {
      await c.end();
    }
  }
  return JSON.stringify(out);
}

async function loadPlant(db: string): Promise<void> {
  expect((await cli('import', join(FIXTURES, 'epcis/juice-plant.jsonld'), '--db', db)).code).toBe(0);
  expect((await cli('import', join(FIXTURES, 'scenarios/salad-plant.ndjson'), '--db', db)).code).toBe(0);
  // an error declaration on an event already stored: its void_seq is a projection too
  const first = JSON.parse(readFileSync(join(FIXTURES, 'scenarios/salad-plant.ndjson'), 'utf8').split('\n')[0]!) as { event: Record<string, unknown> };
  const file = join(tempDb().replace(/test\.db$/, ''), 'declare.ndjson');
  writeNdjson(file, [{ cmd: 'event', event: { ...first.event, errorDeclaration: { declarationTime: '2026-06-03T09:00:00Z', reason: 'incorrect_data' } } }]);
  expect((await cli('import', file, '--db', db)).code).toBe(0);
}

interface CheckJson {
  ok: boolean;
  head: number;
  entries: number;
  differences: { table: string; missing: number; extra: number; samples: { side: string; row: Record<string, unknown> }[] }[];
}

async function check(db: string): Promise<{ code: number; json: CheckJson }> {
  const r = await cli('rebuild', '--check', '--db', db, '--json');
  return { code: r.code, json: JSON.parse(r.stdout) as CheckJson };
}

const ENGINES: { name: string; skip: string | undefined; db: () => string; firstRow: (table: string) => string }[] = [
  { name: 'SQLite', skip: undefined, db: tempDb, firstRow: (t) => `rowid IN (SELECT rowid FROM ${t} ORDER BY seq LIMIT 1)` },
  { name: 'PostgreSQL', skip: PG_SKIP, db: () => freshPgUrl('rebuild'), firstRow: (t) => `ctid IN (SELECT ctid FROM ${t} ORDER BY seq LIMIT 1)` },
];

for (const engine of ENGINES) {
  describe.skipIf(engine.skip !== undefined)(`lotline rebuild on ${engine.name}${engine.skip ? ` (skipped: ${engine.skip})` : ''}`, () => {
    it('finds every kind of damage without changing anything, and the rebuild repairs it', async () => {
      const db = engine.db();
      await loadPlant(db);
      const clean = await check(db);
      expect(clean).toMatchObject({ code: 0, json: { ok: true, differences: [] } });
      expect(clean.json.entries).toBeGreaterThan(15);
      expect(clean.json.head).toBe(clean.json.entries);

      await sql(
        db,
        `DELETE FROM flows WHERE ${engine.firstRow('flows')};
         UPDATE events SET void_seq = NULL WHERE void_seq = (SELECT max(seq) FROM log);
         INSERT INTO nodes (kind, item, code) VALUES ('lot', 'NOT-IN-THE-LOG', 'X1');
         INSERT INTO event_terms SELECT * FROM event_terms WHERE ${engine.firstRow('event_terms')};`,
      );
      const damaged = await dumpProjections(db);
      const found = await check(db);
      expect(found.code).toBe(1);
      expect(found.json.ok).toBe(false);
      const byTable = Object.fromEntries(found.json.differences.map((d) => [d.table, d]));
      expect(Object.keys(byTable).sort()).toEqual(['event_terms', 'events', 'flows', 'nodes']);
      expect(byTable['flows']).toMatchObject({ missing: 1, extra: 0 });
      expect(byTable['nodes']).toMatchObject({ missing: 0, extra: 1, samples: [{ side: 'extra', row: { item: 'NOT-IN-THE-LOG', code: 'X1' } }] });
      // the voided event: stored without its void, the log gives it one
      expect(byTable['events']).toMatchObject({ missing: 1, extra: 1 });
      expect(byTable['events']!.samples.find((s) => s.side === 'missing')!.row['void_seq']).toBe(found.json.head);
      // a doubled row is a difference: rows are compared with their counts
      expect(byTable['event_terms']!.samples.find((s) => s.side === 'extra')!.row['n']).toBe(2);
      // the check changed nothing
      expect(await dumpProjections(db)).toBe(damaged);

      const human = await cli('rebuild', '--check', '--db', db);
      expect(human.code).toBe(1);
      expect(human.stdout).toContain('DIFFERENT');
      expect(human.stdout).toMatch(/flows: 1 row\(s\) the log gives are not stored/);

      const rebuilt = await cli('rebuild', '--db', db);
      expect(rebuilt.code).toBe(0);
      expect(rebuilt.stdout).toMatch(/^Rebuilt the projections from \d+ log entries/);
      expect(await check(db)).toMatchObject({ code: 0, json: { ok: true, differences: [] } });
      expect((await cli('verify', '--db', db)).code).toBe(0);
      // traces read the rebuilt tables
      const traced = await cli('trace', 'forward', '--item', 'RM-CUKE', '--lot', 'CU-3', '--db', db, '--json');
      expect(traced.code).toBe(0);
    });

    it('refuses a log whose hash chain is broken instead of projecting it', async () => {
      const db = engine.db();
      await loadPlant(db);
      const trigger = engine.name === 'SQLite' ? 'DROP TRIGGER log_refuses_update' : 'ALTER TABLE log DISABLE TRIGGER log_refuses_update';
      await sql(db, `${trigger}; UPDATE log SET origin = 'forged' WHERE seq = 3`);
      const before = await dumpProjections(db);
      for (const args of [['rebuild', '--check'], ['rebuild']]) {
        const r = await cli(...args, '--db', db);
        expect(r.code).toBe(1);
        expect(r.stderr).toContain('CHAIN_BROKEN');
      }
      expect(await dumpProjections(db)).toBe(before);
    });
  });
}

describe('lotline rebuild: usage', () => {
  it('names a missing database and a stray argument', async () => {
    const missing = await cli('rebuild', '--check', '--db', tempDb());
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('STORE_NOT_FOUND');
    const stray = await cli('rebuild', 'now', '--db', tempDb());
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain("'lotline rebuild' takes no arguments");
    const flag = await cli('rebuild', '--port', '1', '--db', tempDb());
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--port');
  });
});
