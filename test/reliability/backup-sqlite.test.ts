/**
 * `lotline backup` on SQLite: an online, consistent copy taken while capture goes on, refused
 * over an existing file, never left half-written, and recorded in the audit trail.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importFile } from '../../src/capture/import-file.js';
import { backupToFile } from '../../src/cli/backup-commands.js';
import { cliContext } from '../../src/cli/io.js';
import { openStore } from '../../src/main.js';
import { cli, cliJson, writeNdjson } from '../helpers/cli.js';
import { auditCount, count, importCommands, leftovers, receipts, recordsDir, tamperWithLog } from './records-fixture.js';

const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('lotline backup (SQLite)', () => {
  it('copies a consistent snapshot while another connection keeps capturing', async () => {
    const dir = recordsDir('online');
    const src = join(dir, 'plant.db');
    await importCommands(src, dir, 'base', receipts(1500, 'BASE'));
    const writer = await openStore(src, { create: false });
    const headBefore = await writer.headSeq();
    let stop = false;
    let written = 0;
    let writtenDuringBackup = 0;
    let backupRunning = true;
    // the "server": one capture after another on its own connection, between the backup's steps
    const writing = (async () => {
      for (let i = 0; !stop; i++) {
        const file = join(dir, `live-${i}.ndjson`);
        writeNdjson(file, receipts(3, `LIVE-${i}`, Date.parse('2026-06-01T06:00:00Z') + i * 600_000));
        await importFile(writer, file, { context: cliContext() });
        written += 3;
        if (backupRunning) writtenDuringBackup += 3;
        await new Promise((r) => setImmediate(r));
      }
    })();
    const progress: number[] = [];
    let restarts = 0;
    const out = join(dir, 'plant-backup.db');
    try {
      // one page per step: the backup spans hundreds of event-loop turns, so captures land inside it
      const started = Date.now();
      const cpuStart = process.cpuUsage();
      const summary = await backupToFile(src, out, {
        pagesPerStep: 1,
        onProgress: (p) => {
          progress.push(p.done);
          restarts = p.restarts;
        },
      });
      backupRunning = false;
      const cpu = process.cpuUsage(cpuStart);
      const wallMs = Date.now() - started;
      stop = true;
      await writing;
      if (process.env['LOTLINE_FIGURES']) {
        // the figures of docs/reliability.md (CPU time is the whole process: backup and captures)
        console.log(JSON.stringify({ test: 'backup during capture', entriesInCopy: summary.entries, headBefore, writtenDuringBackup, restarts, steps: progress.length, wallMs, cpuMs: Math.round((cpu.user + cpu.system) / 1000), bytes: summary.bytes }));
      }

      // before anything opens the copy (a reader makes SQLite's -wal and -shm files beside it)
      expect(leftovers(dir, ['plant.db', 'plant.db-wal', 'plant.db-shm', 'plant-backup.db'])).toEqual([]);
      expect(writtenDuringBackup, 'captures committed while the backup ran').toBeGreaterThan(0);
      expect(restarts, 'writes by another connection made the copy start over').toBeGreaterThan(0);
      expect(progress.length).toBeGreaterThan(10);
      // the copy verifies, and its head is the source's hash at that same log position
      const verified = await cliJson<{ ok: boolean; entries: number; headHash: string }>('verify', '--db', out);
      expect(verified.ok).toBe(true);
      expect(verified.entries).toBe(summary.entries);
      expect(summary.entries).toBeGreaterThanOrEqual(headBefore);
      const [atSamePosition] = await writer.readLog(summary.entries - 1, 1);
      expect(atSamePosition!.hash).toBe(summary.headHash);
      // projections were copied in the same snapshot as the log: one event row per log entry
      expect(count(out, 'SELECT count(*) AS n FROM events')).toBe(summary.entries);
      expect(count(out, "SELECT count(*) AS n FROM log WHERE entry_kind = 'event'")).toBe(summary.events);
      expect(summary.sha256).toBe(sha256(out));
      // the source went on beyond the copy
      expect(await writer.headSeq()).toBe(headBefore + written);
    } finally {
      stop = true;
      await writing;
      await writer.close();
    }
  }, 60_000);

  it('refuses to overwrite an existing file unless --force, and records each backup in the audit trail', async () => {
    const dir = recordsDir('exists');
    const src = join(dir, 'plant.db');
    await importCommands(src, dir, 'base', receipts(20, 'B'));
    const out = join(dir, 'backup.db');
    writeFileSync(out, 'yesterday’s backup');
    const refused = await cli('backup', '--db', src, '--out', out);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/BACKUP_TARGET_EXISTS: .*backup\.db exists already.*--force/);
    expect(readFileSync(out, 'utf8')).toBe('yesterday’s backup');

    const forced = await cliJson<{ entries: number; sha256: string; headHash: string }>('backup', '--db', src, '--out', out, '--force');
    expect(forced.entries).toBe(20);
    expect(forced.sha256).toBe(sha256(out));
    expect((await cliJson<{ ok: boolean }>('verify', '--db', out)).ok).toBe(true);

    const audit = await cliJson<{ records: { action: string; subject: string; details?: unknown; text?: string }[] }>('report', 'audit', '--db', src);
    const backups = JSON.stringify(audit).match(/records\.backup/g) ?? [];
    expect(backups.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(audit)).toContain(forced.sha256);
    // the refused attempt left no record: only the one backup made
    expect(auditCount(src, 'records.backup')).toBe(1);
  }, 60_000);

  it('leaves no file, half or whole, when the source does not verify', async () => {
    const dir = recordsDir('broken');
    const src = join(dir, 'plant.db');
    await importCommands(src, dir, 'base', receipts(10, 'B'));
    tamperWithLog(src, 4);
    const out = join(dir, 'backup.db');
    const r = await cli('backup', '--db', src, '--out', out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/CHAIN_BROKEN: .*log position 4/);
    expect(existsSync(out)).toBe(false);
    expect(leftovers(dir, ['plant.db', 'plant.db-wal', 'plant.db-shm'])).toEqual([]);
    expect(auditCount(src, 'records.backup')).toBe(0);
  }, 60_000);

  it('names the field and the reason for a bad source or target', async () => {
    const dir = recordsDir('bad');
    const src = join(dir, 'plant.db');
    await importCommands(src, dir, 'base', receipts(3, 'B'));
    const noFolder = await cli('backup', '--db', src, '--out', join(dir, 'missing', 'b.db'));
    expect(noFolder.code).toBe(1);
    expect(noFolder.stderr).toMatch(/FILE_NOT_WRITABLE: .*folder .*missing does not exist/);
    const noSource = await cli('backup', '--db', join(dir, 'nope.db'), '--out', join(dir, 'b.db'));
    expect(noSource.stderr).toMatch(/STORE_NOT_FOUND/);
    const foreign = join(dir, 'foreign.db');
    writeFileSync(foreign, 'not a database at all, just text');
    const notSqlite = await cli('backup', '--db', foreign, '--out', join(dir, 'b.db'));
    expect(notSqlite.code).toBe(1);
    expect(notSqlite.stderr).toMatch(/STORE_UNAVAILABLE: .*foreign\.db is not a Lotline \(SQLite\) database/);
    // a folder where the file should go: refused, and with --force the name cannot be taken either
    const folder = join(dir, 'backups');
    mkdirSync(folder);
    expect((await cli('backup', '--db', src, '--out', folder)).stderr).toMatch(/BACKUP_TARGET_EXISTS/);
    expect((await cli('backup', '--db', src, '--out', folder, '--force')).stderr).toMatch(/FILE_NOT_WRITABLE: cannot give the backup its name .*backups.*the backup was not kept/);
    expect(existsSync(join(dir, 'b.db'))).toBe(false);
    const noOut = await cli('backup', '--db', src);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toMatch(/needs --out FILE/);
    expect(leftovers(dir, ['plant.db', 'plant.db-wal', 'plant.db-shm', 'foreign.db', 'backups'])).toEqual([]);
  }, 60_000);

  it('sends a PostgreSQL database to pg_dump with the command to run', async () => {
    const r = await cli('backup', '--db', 'postgres://lotline:secret@db.example:5432/plant?schema=site_a', '--out', '/tmp/x.dump');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/BACKUP_USE_PG_DUMP: .*pg_dump --format=custom --schema=site_a --file=\/tmp\/x\.dump/);
    expect(r.stderr).not.toContain('secret');
    const restore = await cli('restore', '/tmp/x.dump', '--db', 'postgres://lotline@db.example/plant');
    expect(restore.stderr).toMatch(/BACKUP_USE_PG_DUMP: .*pg_restore/);
  });
});
