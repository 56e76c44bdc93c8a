/**
 * PostgreSQL is backed up with pg_dump and restored with pg_restore, as docs/reliability.md says:
 * this runs those exact commands against the real server and checks the restored database with
 * `lotline verify` (same entries, same head) and its append-only guard.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, cliJson } from '../helpers/cli.js';
import { freshPgUrl, PG_URL, pgSkipReason } from '../helpers/postgres.js';
import { receipts, recordsDir } from './records-fixture.js';
import { writeNdjson } from '../helpers/cli.js';

function hasPgDump(): boolean {
  try {
    execFileSync('pg_dump', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const skip = pgSkipReason() ?? (hasPgDump() ? undefined : 'pg_dump is not on PATH');
const databases: string[] = [];

afterAll(async () => {
  if (!PG_URL || databases.length === 0) return;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  try {
    for (const d of databases) await admin.query(`DROP DATABASE IF EXISTS "${d}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
});

interface Verified {
  ok: boolean;
  entries: number;
  headHash: string;
}

describe.skipIf(skip !== undefined)(`PostgreSQL backup with pg_dump and pg_restore${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('restores a dump into a new database whose log verifies to the same head and stays append-only', async () => {
    const url = freshPgUrl('backup');
    const schema = new URL(url).searchParams.get('schema')!;
    const dir = recordsDir('pg');
    const file = join(dir, 'receipts.ndjson');
    writeNdjson(file, receipts(40, 'PG'));
    expect((await cli('import', file, '--db', url, '--quiet')).code).toBe(0);
    const source = await cliJson<Verified>('verify', '--db', url);
    expect(source.entries).toBe(40);

    // lotline points at pg_dump, with the schema of the URL
    const refused = await cli('backup', '--db', url, '--out', join(dir, 'plant.dump'));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`BACKUP_USE_PG_DUMP: a PostgreSQL database is backed up with PostgreSQL's own tools`);
    expect(refused.stderr).toContain(`pg_dump --format=custom --schema=${schema} --file=`);

    // the commands of docs/reliability.md
    const dump = join(dir, 'plant.dump');
    const server = new URL(PG_URL!);
    server.search = '';
    execFileSync('pg_dump', ['--format=custom', `--schema=${schema}`, `--file=${dump}`, server.toString()]);
    const newDb = `lotline_backup_${process.pid}_${randomBytes(3).toString('hex')}`;
    databases.push(newDb);
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${newDb}"`).finally(() => admin.end());
    const restoredServer = new URL(server.toString());
    restoredServer.pathname = `/${newDb}`;
    execFileSync('pg_restore', [`--dbname=${restoredServer.toString()}`, dump]);

    const restoredUrl = new URL(restoredServer.toString());
    restoredUrl.searchParams.set('schema', schema);
    expect(await cliJson<Verified>('verify', '--db', restoredUrl.toString())).toEqual(source);
    const lot = ['lot', '--item', 'FLOUR-T55', '--lot', 'PG-3'];
    expect(await cliJson('--db', restoredUrl.toString(), ...lot)).toEqual(await cliJson('--db', url, ...lot));

    // the append-only triggers came back with the schema
    const restored = new pg.Client({ connectionString: restoredServer.toString() });
    await restored.connect();
    try {
      await expect(restored.query(`UPDATE "${schema}".log SET body = body WHERE seq = 1`)).rejects.toThrow(/STORE_APPEND_ONLY/);
      await expect(restored.query(`DELETE FROM "${schema}".log WHERE seq = 1`)).rejects.toThrow(/STORE_APPEND_ONLY/);
    } finally {
      await restored.end();
    }
  }, 60_000);
});
