import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';
import { SQLITE_MIGRATIONS } from '../../src/store/sqlite/migrations/index.js';
import { tempDb } from '../helpers/cli.js';
import { testEventStore } from './event-store.suite.js';

testEventStore('SQLite in memory', { create: async () => openSqliteStore(':memory:') });
testEventStore('SQLite file (WAL)', { create: async () => openSqliteStore(tempDb()) });

describe('SQLite migrations', () => {
  it('migrate an empty file to the current version, and reopen without change', async () => {
    const path = tempDb();
    await openSqliteStore(path).close();
    const db = new Database(path, { readonly: true });
    expect(db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get()).toEqual({ value: String(SQLITE_MIGRATIONS.length) });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    await openSqliteStore(path).close();
  });

  it('refuse a database written by a newer Lotline', async () => {
    const path = tempDb();
    await openSqliteStore(path).close();
    const db = new Database(path);
    db.prepare("UPDATE meta SET value = '999' WHERE key = 'schema_version'").run();
    db.close();
    expect(() => openSqliteStore(path)).toThrow(/schema version 999, newer than this Lotline knows/);
  });
});
