/** The identity store in SQLite: the conformance suite, and its life in the event store's file. */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { addUser } from '../../src/identity/identity-service.js';
import { IDENTITY_MIGRATIONS, IDENTITY_VERSION_KEY } from '../../src/identity/sqlite/identity-migrations.js';
import { SqliteIdentityStore } from '../../src/identity/sqlite/sqlite-identity-store.js';
import { openIdentityStore } from '../../src/main.js';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';
import { tempDb } from '../helpers/cli.js';
import { load } from '../helpers/store.js';
import { testIdentityStore } from '../conformance/identity-store.suite.js';

testIdentityStore('SQLite in memory', { create: async () => new SqliteIdentityStore(':memory:') });
testIdentityStore('SQLite file', { create: async () => new SqliteIdentityStore(tempDb()) });

const BY = { actor: 'cli:root', origin: 'cli@host' };
const PW = 'a long enough password';

describe('identity tables in the event store’s SQLite file', () => {
  it('have their own migration version and leave the event store working', async () => {
    const path = tempDb();
    const id = await openIdentityStore(path);
    await addUser(id, { name: 'alice', role: 'admin', password: PW }, BY);
    await id.close();
    const store = openSqliteStore(path, { create: false });
    await load(store, [{ cmd: 'receive', time: '2026-05-04T08:00:00+02:00', lots: [{ item: 'RAW', lot: 'A' }], from: 'Mill' }]);
    expect(await store.verify()).toMatchObject({ ok: true, entries: 1 });
    await store.close();
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT value FROM meta WHERE key = ?').get(IDENTITY_VERSION_KEY)).toEqual({ value: String(IDENTITY_MIGRATIONS.length) });
    expect(db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get()).toBeDefined();
    db.close();
    const again = await openIdentityStore(path);
    expect(await again.userCount()).toBe(1);
    await again.close();
  });

  it('refuse a newer identity schema, and keep the audit log append-only', async () => {
    const path = tempDb();
    await (await openIdentityStore(path)).close();
    const db = new Database(path);
    db.prepare("INSERT INTO identity_audit (time, actor, action, target) VALUES ('t', 'a', 'x', 'y')").run();
    expect(() => db.prepare('DELETE FROM identity_audit').run()).toThrow(/STORE_APPEND_ONLY/);
    expect(() => db.prepare("UPDATE identity_audit SET actor = 'z'").run()).toThrow(/STORE_APPEND_ONLY/);
    db.prepare('UPDATE meta SET value = ? WHERE key = ?').run('99', IDENTITY_VERSION_KEY);
    db.close();
    expect(() => new SqliteIdentityStore(path)).toThrow(/identity schema version 99/);
  });

  it('upgrade a version-1 identity schema: existing users keep everything and have no full name until one is set', async () => {
    const path = tempDb();
    const db = new Database(path);
    db.exec('CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    db.exec(IDENTITY_MIGRATIONS[0]!);
    db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(IDENTITY_VERSION_KEY, '1');
    db.prepare("INSERT INTO identity_users (name, role, password_hash, created_at) VALUES ('quinn', 'quality', '$argon2id$x', '2026-01-01T00:00:00.000Z')").run();
    db.close();
    const id = new SqliteIdentityStore(path);
    expect(await id.getUser('quinn')).toMatchObject({ name: 'quinn', role: 'quality', passwordHash: '$argon2id$x', fullName: null });
    await id.updateUser('quinn', { fullName: 'Quinn Mercer' }, null);
    expect((await id.getUser('quinn'))!.fullName).toBe('Quinn Mercer');
    await id.close();
  });
});
