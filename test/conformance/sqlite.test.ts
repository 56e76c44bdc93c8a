import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';
import { SQLITE_MIGRATIONS } from '../../src/store/sqlite/migrations/index.js';
import { entryHash, GENESIS_HASH } from '../../src/store/sqlite/sqlite-event-store.js';
import { captured } from '../helpers/store.js';
import { tempDb } from '../helpers/cli.js';
import { expectShipmentTerms, storeShipmentForTerms, testEventStore } from './event-store.suite.js';

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

  it('fill the search terms of events stored before the terms table existed (migration 3)', async () => {
    const path = tempDb();
    const s = openSqliteStore(path);
    await storeShipmentForTerms(s);
    // the database as version 2 left it: no terms table
    const db = new Database(path);
    db.exec("DROP TABLE event_terms; UPDATE meta SET value = '2' WHERE key = 'schema_version'");
    db.close();
    const again = openSqliteStore(path);
    try {
      expect(again.schemaVersion).toEqual({ from: 2, to: SQLITE_MIGRATIONS.length });
      await expectShipmentTerms(again);
    } finally {
      await again.close();
    }
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

describe('SQLite with two processes', () => {
  it('a second writer waits, then gets STORE_BUSY instead of a crash; readers are not blocked', async () => {
    const path = tempDb();
    const a = openSqliteStore(path);
    const b = openSqliteStore(path, { create: false, busyTimeoutMs: 100 });
    try {
      const session = await a.beginCapture();
      await expect(b.beginCapture()).rejects.toMatchObject({ code: 'STORE_BUSY' });
      expect(await b.headSeq()).toBe(0);
      await session.rollback();
      const later = await b.beginCapture();
      await later.rollback();
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('refuses to open what is not there or not a database', async () => {
    expect(() => openSqliteStore(`${tempDb()}.missing`, { create: false })).toThrow(expect.objectContaining({ code: 'STORE_NOT_FOUND' }));
    expect(() => openSqliteStore('/nonexistent-folder/x.db')).toThrow(expect.objectContaining({ code: 'STORE_UNAVAILABLE' }));
    const { writeFileSync } = await import('node:fs');
    const junk = tempDb();
    writeFileSync(junk, 'this is not a database, just a text file that is long enough to have a header');
    expect(() => openSqliteStore(junk)).toThrow(expect.objectContaining({ code: 'STORE_UNAVAILABLE' }));
  });

  it('never touches a SQLite file that is not a Lotline database, and reads no empty file', async () => {
    const { readFileSync, writeFileSync, existsSync } = await import('node:fs');
    const foreign = tempDb();
    const other = new Database(foreign);
    other.exec("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('Acme')");
    other.close();
    const before = readFileSync(foreign);
    for (const create of [false, true]) {
      expect(() => openSqliteStore(foreign, { create })).toThrow(expect.objectContaining({ code: 'STORE_UNAVAILABLE', message: expect.stringContaining('not a Lotline one') }));
    }
    expect(readFileSync(foreign).equals(before)).toBe(true);
    expect(existsSync(`${foreign}-wal`)).toBe(false);

    const empty = tempDb();
    writeFileSync(empty, '');
    expect(() => openSqliteStore(empty, { create: false })).toThrow(expect.objectContaining({ code: 'STORE_UNAVAILABLE', message: expect.stringContaining('empty file') }));
    expect(readFileSync(empty).length).toBe(0);
    await openSqliteStore(empty, { create: true }).close();
    await openSqliteStore(empty, { create: false }).close();
  });
});

describe('SQLite attribution', () => {
  it('an altered actor breaks the chain', async () => {
    const path = tempDb();
    const s = openSqliteStore(path);
    const session = await s.beginCapture({ actor: 'user:alice', origin: '10.0.0.7' });
    await session.append(captured([{ cmd: 'receive', time: '2026-05-04T08:00:00+02:00', lots: [{ item: 'RAW', lot: 'A', quantity: 1, uom: 'KGM' }], from: 'S' }]));
    await session.commit();
    await s.close();
    const db = new Database(path);
    db.exec("DROP TRIGGER log_refuses_update; UPDATE log SET actor = 'user:mallory'");
    db.close();
    const tampered = openSqliteStore(path, { create: false });
    expect(await tampered.verify()).toMatchObject({ ok: false, brokenAt: { seq: 1 } });
    await tampered.close();
  });

  it('entries without attribution hash as before attribution existed', () => {
    const e = { seq: 1, kind: 'event' as const, eventId: 'urn:uuid:x', recordTime: '2026-01-01T00:00:00.000Z', fingerprint: 'f', body: '{}' };
    const legacy = createHash('sha256').update(`${GENESIS_HASH}\n1\nevent\nurn:uuid:x\n2026-01-01T00:00:00.000Z\nf\n{}`).digest('hex');
    expect(entryHash(GENESIS_HASH, { ...e, actor: null, origin: null })).toBe(legacy);
    expect(entryHash(GENESIS_HASH, { ...e, actor: 'user:a', origin: null })).not.toBe(legacy);
  });
});
