/**
 * `lotline restore`: the backup is checked before anything is replaced, a database holding
 * records is replaced only when told, and the result verifies to the backup's head.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { cli, cliJson } from '../helpers/cli.js';
import { auditCount, importCommands, leftovers, receipts, recordsDir, tamperWithLog } from './records-fixture.js';

const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

interface Verified {
  ok: boolean;
  entries: number;
  headHash: string;
}

async function plantWithBackup(label: string): Promise<{ dir: string; src: string; backup: string; head: Verified }> {
  const dir = recordsDir(label);
  const src = join(dir, 'plant.db');
  await importCommands(src, dir, 'base', receipts(30, 'B'));
  const backup = join(dir, 'plant-backup.db');
  const made = await cli('backup', '--db', src, '--out', backup, '--quiet');
  if (made.code !== 0) throw new Error(made.stderr);
  return { dir, src, backup, head: await cliJson<Verified>('verify', '--db', src) };
}

describe('lotline restore (SQLite)', () => {
  it('restores into a new database that verifies to the same head and answers the same trace', async () => {
    const { dir, src, backup, head } = await plantWithBackup('roundtrip');
    const backupSha = sha256(backup);
    const target = join(dir, 'restored.db');
    const r = await cliJson<{ entries: number; headHash: string; sha256: string; replaced: string[] }>('restore', backup, '--db', target);
    expect(r).toMatchObject({ entries: 30, headHash: head.headHash, sha256: backupSha, replaced: [] });
    expect(await cliJson<Verified>('verify', '--db', target)).toEqual(head);
    const lot = ['lot', '--item', 'FLOUR-T55', '--lot', 'B-7'];
    expect(await cliJson('--db', target, ...lot)).toEqual(await cliJson('--db', src, ...lot));
    // the backup itself was only read
    expect(sha256(backup)).toBe(backupSha);
    expect(auditCount(target, 'records.restore')).toBe(1);
  }, 60_000);

  it('refuses to replace a database holding records unless --force, and then replaces it whole', async () => {
    const { dir, src, backup, head } = await plantWithBackup('force');
    // the live database moves on after the backup
    await importCommands(src, dir, 'later', receipts(5, 'LATER', Date.parse('2026-07-01T06:00:00Z')));
    const later = await cliJson<Verified>('verify', '--db', src);
    const refused = await cli('restore', backup, '--db', src);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/RESTORE_TARGET_NOT_EMPTY: .*plant\.db holds records \(.*log.*\).*--force.*Nothing was changed/);
    expect(await cliJson<Verified>('verify', '--db', src)).toEqual(later);

    const forced = await cliJson<{ entries: number; headHash: string; replaced: string[] }>('restore', backup, '--db', src, '--force');
    expect(forced.entries).toBe(30);
    expect(forced.headHash).toBe(head.headHash);
    expect(forced.replaced).toContain('log');
    // back to the backup's moment: the later receipts are gone, the chain is the backup's
    expect(await cliJson<Verified>('verify', '--db', src)).toEqual(head);
    const gone = await cli('lot', '--db', src, '--item', 'FLOUR-T55', '--lot', 'LATER-1');
    expect(gone.stderr).toMatch(/LOT_NOT_FOUND/);
    expect(leftovers(dir, ['plant.db', 'plant.db-wal', 'plant.db-shm', 'plant-backup.db'])).toEqual([]);
  }, 60_000);

  it('restores nothing from a backup that was altered, damaged or is not a database', async () => {
    const { dir, backup } = await plantWithBackup('bad');
    const tampered = join(dir, 'tampered.db');
    copyFileSync(backup, tampered);
    tamperWithLog(tampered, 7);
    const target = join(dir, 'restored.db');
    const broken = await cli('restore', tampered, '--db', target);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/CHAIN_BROKEN: the backup .*tampered\.db.*log position 7/);
    expect(existsSync(target)).toBe(false);

    const cut = join(dir, 'cut.db');
    copyFileSync(backup, cut);
    truncateSync(cut, 8192);
    const damaged = await cli('restore', cut, '--db', target);
    expect(damaged.code).toBe(1);
    expect(damaged.stderr).toMatch(/BACKUP_INVALID|CHAIN_BROKEN/);
    expect(existsSync(target)).toBe(false);

    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'this is not a backup');
    const notDb = await cli('restore', text, '--db', target);
    expect(notDb.stderr).toMatch(/BACKUP_INVALID: the backup .*notes\.txt is not a SQLite database/);
    expect(existsSync(target)).toBe(false);

    const missing = await cli('restore', join(dir, 'nope.db'), '--db', target);
    expect(missing.stderr).toMatch(/FILE_NOT_FOUND: no backup at/);
    expect(leftovers(dir, ['plant.db', 'plant.db-wal', 'plant.db-shm', 'plant-backup.db', 'tampered.db', 'cut.db', 'notes.txt'])).toEqual([]);
  }, 60_000);

  it('never replaces a file that is not a Lotline database, even with --force', async () => {
    const { dir, backup } = await plantWithBackup('foreign');
    const foreign = join(dir, 'thesis.db');
    writeFileSync(foreign, 'four years of work');
    const r = await cli('restore', backup, '--db', foreign, '--force');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/STORE_UNAVAILABLE: .*thesis\.db is not a SQLite database; it is never replaced/);
    expect(readFileSync(foreign, 'utf8')).toBe('four years of work');
    const otherApp = join(dir, 'crm.db');
    const d = new Database(otherApp);
    d.exec("CREATE TABLE customers (name TEXT); INSERT INTO customers VALUES ('FreshMart')");
    d.close();
    const before = sha256(otherApp);
    const r2 = await cli('restore', backup, '--db', otherApp, '--force');
    expect(r2.stderr).toMatch(/STORE_UNAVAILABLE: .*crm\.db is a SQLite database but not a Lotline one/);
    expect(sha256(otherApp)).toBe(before);
  }, 60_000);
});
