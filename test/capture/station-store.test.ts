import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openPostgresStationStore } from '../../src/capture/scan/postgres/postgres-station-store.js';
import { SqliteStationStore } from '../../src/capture/scan/sqlite/sqlite-station-store.js';
import { openStationStore, openStore } from '../../src/main.js';
import { parsePostgresUrl } from '../../src/store/postgres/open-postgres-store.js';
import { testStationStore } from '../conformance/station-store.suite.js';
import { freshPgUrl, pgSkipReason } from '../helpers/postgres.js';

let file = '';
testStationStore('SQLite file', {
  create: async () => new SqliteStationStore((file = join(mkdtempSync(join(tmpdir(), 'lotline-st-')), 'st.db'))),
  reopen: async () => new SqliteStationStore(file),
});

describe('station store migrations (SQLite)', () => {
  it('share the event store file, with their own version key in meta; a newer version is refused', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'lotline-st-')), 'plant.db');
    const s = await openStationStore(db);
    await s.close();
    const Database = (await import('better-sqlite3')).default;
    const raw = new Database(db);
    expect(raw.prepare("SELECT value FROM meta WHERE key = 'station_schema_version'").get()).toEqual({ value: '1' });
    expect(raw.prepare("SELECT count(*) AS n FROM meta WHERE key = 'schema_version'").get()).toEqual({ n: 1 });
    raw.prepare("UPDATE meta SET value = '9' WHERE key = 'station_schema_version'").run();
    raw.close();
    expect(() => new SqliteStationStore(db)).toThrow(/station schema version 9, newer/);
    await (await openStore(db, { create: false })).close(); // the event store does not mind
  });
});

const skip = pgSkipReason();
if (skip) {
  describe.skip(`PostgreSQL station store (skipped: ${skip})`, () => {
    it('runs the conformance suite', () => undefined);
  });
} else {
  let url = '';
  const open = () => {
    const { connectionString, schema } = parsePostgresUrl(url);
    return openPostgresStationStore(connectionString, { schema });
  };
  testStationStore('PostgreSQL', {
    create: async () => {
      url = freshPgUrl('st');
      return openStationStore(url);
    },
    reopen: open,
  });

  describe('station store migrations (PostgreSQL)', () => {
    it('write their own key in the schema meta table', async () => {
      url = freshPgUrl('st');
      await (await openStationStore(url)).close();
      const { connectionString, schema } = parsePostgresUrl(url);
      const c = new pg.Client({ connectionString });
      await c.connect();
      try {
        const rows = (await c.query(`SELECT key, value FROM "${schema}".meta WHERE key = 'station_schema_version'`)).rows;
        expect(rows).toEqual([{ key: 'station_schema_version', value: '1' }]);
      } finally {
        await c.end();
      }
    });
  });
}
