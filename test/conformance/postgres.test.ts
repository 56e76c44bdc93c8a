import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openPostgresStore, parsePostgresUrl } from '../../src/store/postgres/open-postgres-store.js';
import { POSTGRES_MIGRATIONS } from '../../src/store/postgres/migrations/index.js';
import { freshPgUrl, pgSkipReason } from '../helpers/postgres.js';
import { captured } from '../helpers/store.js';
import { expectShipmentTerms, storeShipmentForTerms, testEventStore } from './event-store.suite.js';

const skip = pgSkipReason();

/** Raw SQL in the store's schema, as another tool would run it. */
async function sql(url: string, text: string): Promise<unknown[]> {
  const { connectionString, schema } = parsePostgresUrl(url);
  const c = new pg.Client({ connectionString });
  await c.connect();
  try {
    await c.query(`SET search_path TO "${schema}"`);
    return (await c.query(text)).rows;
  } finally {
    await c.end();
  }
}

const receive = (lot: string) => ({ cmd: 'receive', time: '2026-05-04T08:00:00+02:00', lots: [{ item: 'RAW', lot, quantity: 1, uom: 'KGM' }], from: 'S' });

if (skip) {
  describe.skip(`PostgreSQL store (skipped: ${skip})`, () => {
    it('runs the conformance suite', () => undefined);
  });
} else {
  testEventStore('PostgreSQL', { create: async () => openPostgresStore(freshPgUrl('conf')) });

  describe('PostgreSQL migrations', () => {
    it('migrate an empty schema to the current version, and reopen without change', async () => {
      const url = freshPgUrl();
      const first = await openPostgresStore(url);
      expect(first.schemaVersion).toEqual({ from: 0, to: POSTGRES_MIGRATIONS.length });
      await first.close();
      expect(await sql(url, "SELECT value FROM meta WHERE key = 'schema_version'")).toEqual([{ value: String(POSTGRES_MIGRATIONS.length) }]);
      const again = await openPostgresStore(url, { create: false });
      expect(again.schemaVersion).toEqual({ from: POSTGRES_MIGRATIONS.length, to: POSTGRES_MIGRATIONS.length });
      await again.close();
    });

    it('two processes opening one new schema at once migrate it once', async () => {
      const url = freshPgUrl();
      const stores = await Promise.all([openPostgresStore(url), openPostgresStore(url), openPostgresStore(url)]);
      expect(stores.map((s) => s.schemaVersion.from).sort()).toEqual([0, POSTGRES_MIGRATIONS.length, POSTGRES_MIGRATIONS.length]);
      for (const s of stores) await s.close();
    });

    it('fill the search terms of events stored before the terms table existed (migration 2)', async () => {
      const url = freshPgUrl();
      const s = await openPostgresStore(url);
      await storeShipmentForTerms(s);
      // the database as version 1 left it: no terms table
      await sql(url, "DROP TABLE event_terms; UPDATE meta SET value = '1' WHERE key = 'schema_version'");
      const again = await openPostgresStore(url);
      try {
        expect(again.schemaVersion).toEqual({ from: 1, to: POSTGRES_MIGRATIONS.length });
        await expectShipmentTerms(again);
      } finally {
        await again.close();
      }
    });

    it('refuse a database written by a newer Lotline', async () => {
      const url = freshPgUrl();
      await (await openPostgresStore(url)).close();
      await sql(url, "UPDATE meta SET value = '999' WHERE key = 'schema_version'");
      await expect(openPostgresStore(url)).rejects.toMatchObject({ code: 'STORE_SCHEMA_TOO_NEW', message: expect.stringContaining('schema version 999, newer than this Lotline knows') });
    });

    it('readers refuse an empty schema; nobody touches a schema with foreign tables', async () => {
      await expect(openPostgresStore(freshPgUrl(), { create: false })).rejects.toMatchObject({ code: 'STORE_NOT_FOUND' });
      const url = freshPgUrl();
      const { schema } = parsePostgresUrl(url);
      await sql(url, `CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.customers (id int)`);
      for (const create of [false, true]) {
        await expect(openPostgresStore(url, { create })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', message: expect.stringContaining("holds tables but not Lotline's") });
      }
      expect(await sql(url, `SELECT table_name FROM information_schema.tables WHERE table_schema = '${schema}'`)).toEqual([{ table_name: 'customers' }]);
    });

    it('a server that is not there is STORE_UNAVAILABLE, a bad schema name a usage error', async () => {
      await expect(openPostgresStore('postgres://postgres@127.0.0.1:1/test')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      await expect(openPostgresStore('postgres://postgres@127.0.0.1:5432/test?schema=Bad-Name')).rejects.toMatchObject({ code: 'USAGE' });
      await expect(openPostgresStore('postgres://user:secret@127.0.0.1:1/test')).rejects.toSatisfy((e: Error) => !e.message.includes('secret'));
    });
  });

  describe('PostgreSQL append-only log', () => {
    it('refuses UPDATE, DELETE and TRUNCATE of the log; a tampered entry breaks the chain', async () => {
      const url = freshPgUrl();
      const s = await openPostgresStore(url);
      const session = await s.beginCapture({ actor: 'user:alice', origin: '10.0.0.7' });
      await session.append(captured([receive('A'), receive('B')]));
      await session.commit();
      for (const statement of ["UPDATE log SET actor = 'user:mallory'", 'DELETE FROM log', 'TRUNCATE log']) {
        await expect(sql(url, statement)).rejects.toThrow(/STORE_APPEND_ONLY/);
      }
      expect(await s.verify()).toMatchObject({ ok: true, entries: 2 });
      await sql(url, "ALTER TABLE log DISABLE TRIGGER log_refuses_update; UPDATE log SET actor = 'user:mallory' WHERE seq = 2");
      expect(await s.verify()).toMatchObject({ ok: false, entries: 1, brokenAt: { seq: 2 } });
      await s.close();
    });
  });

  describe('PostgreSQL write failures', () => {
    it('a row the database refuses fails the session (at append or commit), stores nothing, and the store stays usable', async () => {
      const url = freshPgUrl();
      const s = await openPostgresStore(url);
      try {
        await sql(url, "ALTER TABLE events ADD CONSTRAINT refuse_lot_bad CHECK (event_id <> 'urn:uuid:00000000-0000-4000-8000-0000000000bb')");
        const bad = { ...captured([receive('BAD')])[0]!, eventId: 'urn:uuid:00000000-0000-4000-8000-0000000000bb' };
        for (const batch of [[bad], [...captured(Array.from({ length: 60 }, (_, i) => receive(`L${i}`))), bad]]) {
          const session = await s.beginCapture();
          const failed = await session
            .append(batch)
            .then(() => session.commit())
            .then(
              () => undefined,
              (e: unknown) => e,
            );
          expect(failed).toMatchObject({ message: expect.stringContaining('refuse_lot_bad') });
          await session.rollback();
          expect(await s.headSeq()).toBe(0);
        }
        const good = await s.beginCapture();
        await good.append(captured([receive('A')]));
        await good.commit();
        expect(await s.verify()).toMatchObject({ ok: true, entries: 1 });
      } finally {
        await s.close();
      }
    });
  });

  describe('PostgreSQL with two writers', () => {
    it('a second writer waits, then gets STORE_BUSY; readers are not blocked', async () => {
      const url = freshPgUrl();
      const a = await openPostgresStore(url);
      const b = await openPostgresStore(url, { create: false, lockTimeoutMs: 100 });
      try {
        const session = await a.beginCapture();
        await session.append(captured([receive('A')]));
        await expect(b.beginCapture()).rejects.toMatchObject({ code: 'STORE_BUSY' });
        expect(await b.headSeq()).toBe(0);
        await session.commit();
        const later = await b.beginCapture();
        expect((await later.append(captured([receive('B')])))[0]).toMatchObject({ status: 'stored', seq: 2 });
        await later.commit();
        expect(await a.verify()).toMatchObject({ ok: true, entries: 2 });
      } finally {
        await a.close();
        await b.close();
      }
    });
  });
}
