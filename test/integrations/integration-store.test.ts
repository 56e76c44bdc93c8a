import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openIntegrationStore } from '../../src/main.js';
import { SqliteIntegrationStore } from '../../src/integrations/sqlite/sqlite-integration-store.js';
import { integrationMigrations, INTEGRATION_VERSION_KEY } from '../../src/integrations/integration-migrations.js';

const INTEGRATION_MIGRATIONS = integrationMigrations('sqlite');
import { tempDb } from '../helpers/cli.js';
import { freshPgUrl, pgSkipReason } from '../helpers/postgres.js';
import { testIntegrationStore } from '../conformance/integration-store.suite.js';

testIntegrationStore('SQLite file', {
  create: async () => {
    const db = tempDb();
    return { store: await openIntegrationStore(db), reopen: () => openIntegrationStore(db) };
  },
});

const skip = pgSkipReason();
if (skip) {
  describe.skip(`PostgreSQL integration store (skipped: ${skip})`, () => {
    it('runs the conformance suite', () => undefined);
  });
} else {
  testIntegrationStore('PostgreSQL', {
    create: async () => {
      const url = freshPgUrl('integ');
      return { store: await openIntegrationStore(url), reopen: () => openIntegrationStore(url) };
    },
  });
}

describe('integration migrations (SQLite)', () => {
  it('have their own key in meta beside the event store', async () => {
    const db = tempDb();
    await (await openIntegrationStore(db)).close();
    const raw = new Database(db, { readonly: true });
    const keys = raw.prepare('SELECT key, value FROM meta ORDER BY key').all() as { key: string; value: string }[];
    raw.close();
    expect(keys).toContainEqual({ key: INTEGRATION_VERSION_KEY, value: String(INTEGRATION_MIGRATIONS.length) });
    expect(keys.map((k) => k.key)).toContain('schema_version');
  });

  it('refuse a database written by a newer Lotline', async () => {
    const db = tempDb();
    await (await openIntegrationStore(db)).close();
    const raw = new Database(db);
    raw.prepare('UPDATE meta SET value = ? WHERE key = ?').run('99', INTEGRATION_VERSION_KEY);
    raw.close();
    expect(() => new SqliteIntegrationStore(db)).toThrow(/integration schema version 99, newer/);
  });
});
