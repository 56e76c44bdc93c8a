/** The master-data store on SQLite and PostgreSQL: the conformance suite, its own migration version, and its append-only tables. */
import Database from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openMasterDataStore } from '../../src/main.js';
import { openPostgresMasterDataStore } from '../../src/masterdata/postgres/postgres-master-data-store.js';
import { MASTER_DATA_VERSION_KEY } from '../../src/masterdata/sqlite/master-data-migrations.js';
import { SqliteMasterDataStore } from '../../src/masterdata/sqlite/sqlite-master-data-store.js';
import { parsePostgresUrl } from '../../src/store/postgres/open-postgres-store.js';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';
import { tempDb } from '../helpers/cli.js';
import { freshPgUrl, pgSkipReason } from '../helpers/postgres.js';
import { testMasterDataStore } from '../conformance/master-data-store.suite.js';

testMasterDataStore('SQLite in memory', { create: async () => new SqliteMasterDataStore(':memory:') });
testMasterDataStore('SQLite file', { create: async () => new SqliteMasterDataStore(tempDb()) });

const rec = { kind: 'parties' as const, key: 'name:A', data: { id: 'A', name: 'A', roles: ['supplier' as const], address: null, contact: null, phone: null, email: null } };

describe('master-data tables in the event store’s SQLite file', () => {
  it('have their own migration version, leave the event store working, and refuse to change history or saved recalls', async () => {
    const path = tempDb();
    const m = await openMasterDataStore(path);
    await m.put([rec], 'test');
    await m.saveRecall({ id: 'RC-1', computedAt: 't', computedBy: 'u', asOfSeq: 0, request: {}, summary: {}, scope: {} });
    await m.close();
    const store = openSqliteStore(path, { create: false });
    expect(await store.headSeq()).toBe(0);
    await store.close();
    const db = new Database(path);
    try {
      expect(db.prepare('SELECT value FROM meta WHERE key = ?').get(MASTER_DATA_VERSION_KEY)).toEqual({ value: '1' });
      expect(() => db.prepare('DELETE FROM master_data_history').run()).toThrow(/STORE_APPEND_ONLY/);
      expect(() => db.prepare("UPDATE master_data_history SET changed_by = 'z'").run()).toThrow(/STORE_APPEND_ONLY/);
      expect(() => db.prepare("UPDATE recalls SET computed_by = 'z'").run()).toThrow(/STORE_APPEND_ONLY/);
      db.prepare('UPDATE meta SET value = ? WHERE key = ?').run('99', MASTER_DATA_VERSION_KEY);
    } finally {
      db.close();
    }
    expect(() => new SqliteMasterDataStore(path)).toThrow(expect.objectContaining({ code: 'STORE_SCHEMA_TOO_NEW' }));
  });
});

const skip = pgSkipReason();
if (skip === undefined) {
  const open = (url: string) => {
    const { connectionString, schema } = parsePostgresUrl(url);
    return openPostgresMasterDataStore(connectionString, { schema });
  };
  testMasterDataStore('PostgreSQL', { create: () => open(freshPgUrl('md')) });

  describe('PostgreSQL master-data schema', () => {
    it('migrates once (two stores opening together) and keeps history and saved recalls append-only', async () => {
      const url = freshPgUrl('md');
      const [a, b] = await Promise.all([open(url), open(url)]);
      await a.put([rec], 'test');
      expect(await b.get('parties', 'name:A')).toMatchObject({ version: 1 });
      await a.close();
      await b.close();
      const { connectionString, schema } = parsePostgresUrl(url);
      const c = new pg.Client({ connectionString, options: `-c search_path=${schema}` });
      await c.connect();
      try {
        await expect(c.query('DELETE FROM master_data_history')).rejects.toThrow(/STORE_APPEND_ONLY/);
        await expect(c.query("UPDATE master_data_history SET changed_by = 'z'")).rejects.toThrow(/STORE_APPEND_ONLY/);
        expect((await c.query("SELECT value FROM masterdata_meta WHERE key = 'schema_version'")).rows).toEqual([{ value: '1' }]);
      } finally {
        await c.end();
      }
    });
  });
} else {
  describe.skip(`PostgreSQL master-data store (skipped: ${skip})`, () => {
    it('runs the conformance suite', () => undefined);
  });
}
