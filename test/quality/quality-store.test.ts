/** The quality store on SQLite and PostgreSQL: the conformance suite, and the append-only history and ledger. */
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openQualityStore } from '../../src/main.js';
import { openPostgresQualityStore } from '../../src/quality/postgres/postgres-quality-store.js';
import { QUALITY_MIGRATIONS, QUALITY_VERSION_KEY } from '../../src/quality/sqlite/quality-migrations.js';
import { SqliteQualityStore } from '../../src/quality/sqlite/sqlite-quality-store.js';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';
import { tempDb } from '../helpers/cli.js';
import { PG_URL, pgSkipReason } from '../helpers/postgres.js';
import { testQualityStore } from '../conformance/quality-store.suite.js';

testQualityStore('SQLite in memory', { create: async () => new SqliteQualityStore(':memory:') });
testQualityStore('SQLite file', { create: async () => new SqliteQualityStore(tempDb()) });

const finding = { ruleId: 'r', severity: 'info' as const, subject: { kind: 'lot' as const, ref: 'urn:lotline:lot:A:1' }, key: 'k', explanation: 'x', eventIds: [], site: null, line: null, detectedAt: '2026-05-04T10:00:00.000Z' };

describe('quality tables in the event store’s SQLite file', () => {
  it('have their own migration version, leave the event store working, and refuse to change history or ledger', async () => {
    const path = tempDb();
    const q = await openQualityStore(path);
    await q.report([finding], () => null, 'test');
    await q.recordSignatures([{ hash: 'h', signer: 's', meaning: 'm', signedAt: 't' }]);
    await q.close();
    const store = openSqliteStore(path, { create: false });
    expect(await store.headSeq()).toBe(0);
    await store.close();
    const db = new Database(path);
    try {
      expect(db.prepare('SELECT value FROM meta WHERE key = ?').get(QUALITY_VERSION_KEY)).toEqual({ value: String(QUALITY_MIGRATIONS.length) });
      expect(() => db.prepare('DELETE FROM quality_exception_history').run()).toThrow(/STORE_APPEND_ONLY/);
      expect(() => db.prepare("UPDATE quality_exception_history SET actor = 'z'").run()).toThrow(/STORE_APPEND_ONLY/);
      expect(() => db.prepare('DELETE FROM quality_signatures').run()).toThrow(/STORE_APPEND_ONLY/);
      db.prepare('UPDATE meta SET value = ? WHERE key = ?').run('99', QUALITY_VERSION_KEY);
    } finally {
      db.close();
    }
    expect(() => new SqliteQualityStore(path)).toThrow(expect.objectContaining({ code: 'STORE_SCHEMA_TOO_NEW' }));
  });
});

const skip = pgSkipReason();
if (skip === undefined) {
  const url = /^postgres(ql)?:\/\//.test(PG_URL!) ? PG_URL! : 'postgres://postgres@127.0.0.1:5432/test';
  const schemas: string[] = [];
  const schema = (): string => {
    const s = `lotline_quality_test_${randomBytes(6).toString('hex')}`;
    schemas.push(s);
    return s;
  };
  afterAll(async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
    await c.end();
  });
  testQualityStore('PostgreSQL', { create: () => openPostgresQualityStore(url, { schema: schema() }) });

  describe('PostgreSQL quality schema', () => {
    it('migrates once (two stores opening together) and keeps history and ledger append-only', async () => {
      const s = schema();
      const [a, b] = await Promise.all([openPostgresQualityStore(url, { schema: s }), openPostgresQualityStore(url, { schema: s })]);
      await a.report([finding], () => null, 'test');
      expect(await b.queryExceptions({})).toHaveLength(1);
      await a.close();
      await b.close();
      const c = new pg.Client({ connectionString: url, options: `-c search_path=${s}` });
      await c.connect();
      try {
        await expect(c.query('DELETE FROM quality_exception_history')).rejects.toThrow(/STORE_APPEND_ONLY/);
        await expect(c.query("UPDATE quality_signatures SET signer = 'z'")).resolves.toBeDefined();
        await c.query("INSERT INTO quality_signatures VALUES ('h', 's', 'm', 't')");
        await expect(c.query("UPDATE quality_signatures SET signer = 'z'")).rejects.toThrow(/STORE_APPEND_ONLY/);
        await c.query("UPDATE quality_meta SET value = '99' WHERE key = 'schema_version'");
      } finally {
        await c.end();
      }
      await expect(openPostgresQualityStore(url, { schema: s })).rejects.toMatchObject({ code: 'STORE_SCHEMA_TOO_NEW' });
    });
  });
} else {
  describe('PostgreSQL quality store', () => {
    it.skip(skip, () => {});
  });
}
