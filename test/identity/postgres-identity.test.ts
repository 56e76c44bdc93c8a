/**
 * The identity store in PostgreSQL: the conformance suite against the local server, each store in
 * a schema of its own. Runs when LOTLINE_TEST_PG is set (a postgres:// URL, or 1 for the local
 * test database).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openPostgresIdentityStore } from '../../src/identity/postgres/postgres-identity-store.js';
import { PG_IDENTITY_MIGRATIONS } from '../../src/identity/postgres/postgres-identity-migrations.js';
import { testIdentityStore } from '../conformance/identity-store.suite.js';

const ENV = process.env['LOTLINE_TEST_PG'];
const URL = ENV && /^postgres(ql)?:\/\//.test(ENV) ? ENV : 'postgres://postgres@127.0.0.1:5432/test';
const schemas: string[] = [];
const schema = (): string => {
  const s = `lotline_identity_test_${randomBytes(6).toString('hex')}`;
  schemas.push(s);
  return s;
};

if (ENV) {
  testIdentityStore('PostgreSQL', { create: () => openPostgresIdentityStore(URL, { schema: schema() }) });

  describe('PostgreSQL identity schema', () => {
    afterAll(async () => {
      const c = new pg.Client({ connectionString: URL });
      await c.connect();
      for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
      await c.end();
    });

    it('migrates once (two stores opening together), keeps the audit log append-only, and refuses a newer schema', async () => {
      const s = schema();
      const [a, b] = await Promise.all([openPostgresIdentityStore(URL, { schema: s }), openPostgresIdentityStore(URL, { schema: s })]);
      await a.appendAudit({ actor: 'test', origin: null, action: 'x', target: 'y' });
      expect(await b.listAudit(0, 10)).toHaveLength(1);
      await a.close();
      await b.close();
      const c = new pg.Client({ connectionString: URL, options: `-c search_path=${s}` });
      await c.connect();
      try {
        await expect(c.query('DELETE FROM identity_audit')).rejects.toThrow(/STORE_APPEND_ONLY/);
        await expect(c.query("UPDATE identity_audit SET actor = 'z'")).rejects.toThrow(/STORE_APPEND_ONLY/);
        expect((await c.query("SELECT value FROM identity_meta WHERE key = 'schema_version'")).rows).toEqual([{ value: String(PG_IDENTITY_MIGRATIONS.length) }]);
        await c.query("UPDATE identity_meta SET value = '99' WHERE key = 'schema_version'");
      } finally {
        await c.end();
      }
      await expect(openPostgresIdentityStore(URL, { schema: s })).rejects.toMatchObject({ code: 'STORE_SCHEMA_TOO_NEW' });
    });
  });
} else {
  describe('PostgreSQL identity store', () => {
    it.skip('runs only with LOTLINE_TEST_PG set (a postgres:// URL, or 1 for postgres://postgres@127.0.0.1:5432/test)', () => {});
  });
}
