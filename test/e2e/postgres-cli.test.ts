/** The CLI on PostgreSQL: migrate, copy a SQLite plant over, and read it back the same. */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/main.js';
import { POSTGRES_MIGRATIONS } from '../../src/store/postgres/migrations/index.js';
import { everyAnswer } from '../helpers/answers.js';
import { cli, cliJson, tempDb } from '../helpers/cli.js';
import { freshPgUrl, pgSkipReason } from '../helpers/postgres.js';

const skip = pgSkipReason();

describe.skipIf(skip !== undefined)(`lotline on PostgreSQL${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('migrate creates the schema once and says so', async () => {
    const url = freshPgUrl('cli');
    const latest = POSTGRES_MIGRATIONS.length;
    expect(await cliJson('migrate', '--db', url)).toEqual({ engine: 'postgresql', from: 0, to: latest });
    expect(await cliJson('migrate', '--db', url)).toEqual({ engine: 'postgresql', from: latest, to: latest });
    expect((await cli('migrate', '--db', url)).stdout).toMatch(new RegExp(`postgresql: schema at version ${latest}, nothing to do`));
    expect(await cliJson('verify', '--db', url)).toEqual({ ok: true, entries: 0, headHash: '0'.repeat(64) });
  });

  it('readers refuse a schema without Lotline tables', async () => {
    const r = await cli('trace', 'forward', '--item', 'X', '--lot', 'Y', '--db', freshPgUrl('cli'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/STORE_NOT_FOUND: no Lotline database in schema/);
  });

  it('copy moves a SQLite plant to PostgreSQL with the same hashes and answers', async () => {
    const db = tempDb();
    expect((await cli('demo', '--days', '3', '--db', db, '-q')).code).toBe(0);
    const url = freshPgUrl('cli');
    const r = await cli('copy', '--from', db, '--to', url);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/log entries copied in \d+ ms; the copy verifies, head [0-9a-f]{64} \(same as the source\)/);
    const [a, b] = [await cliJson<{ headHash: string; entries: number }>('verify', '--db', db), await cliJson<{ headHash: string; entries: number }>('verify', '--db', url)];
    expect(b).toEqual(a);
    const source = await openStore(db, { create: false });
    const target = await openStore(url, { create: false });
    try {
      expect(await target.readLog(0, 1_000_000)).toEqual(await source.readLog(0, 1_000_000));
      expect(await everyAnswer(target)).toEqual(await everyAnswer(source));
    } finally {
      await source.close();
      await target.close();
    }

    const again = await cli('copy', '--from', db, '--to', url);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already holds \d+ log entries; copy into a new, empty one/);
  });

  it('copy refuses a broken source and writes nothing; bad command lines are usage errors', async () => {
    const db = tempDb();
    expect((await cli('demo', '--days', '1', '--db', db, '-q')).code).toBe(0);
    const raw = new Database(db);
    raw.exec("DROP TRIGGER log_refuses_update; UPDATE log SET body = replace(body, 'a', 'b') WHERE seq = 5");
    raw.close();
    const url = freshPgUrl('cli');
    const r = await cli('copy', '--from', db, '--to', url);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/CHAIN_BROKEN: cannot append log position 5/);
    expect(await cliJson('verify', '--db', url)).toMatchObject({ entries: 0 });

    expect((await cli('copy', '--from', `${db}.missing`, '--to', freshPgUrl('cli'))).stderr).toMatch(/STORE_NOT_FOUND/);
    expect((await cli('copy', '--from', db)).code).toBe(2);
    expect((await cli('copy', '--from', db, '--to', url, '--db', url)).code).toBe(2);
    expect((await cli('copy', '--from', db, '--to', db)).code).toBe(2);
  });
});
