/**
 * Online backup of a SQLite Lotline database with SQLite's own backup API (better-sqlite3's
 * `db.backup()`): the copy is a consistent snapshot of the whole file — event log, projections and
 * every table beside them (users, exceptions, master data, purge records) — taken while other
 * processes keep writing.
 *
 * The backup API copies pages in steps and starts over when another connection writes between two
 * steps. Against a busy server it could start over for ever, so after a few restarts the rest is
 * copied in one step: one read transaction, which WAL mode lets writers continue beside.
 */
import Database from 'better-sqlite3';
import { LotlineError } from '../../domain/errors.js';

export interface SqliteBackupProgress {
  /** Pages copied so far in the current pass. */
  readonly copiedPages: number;
  /** Pages of the source database. */
  readonly totalPages: number;
  /** How many times a write by another connection made the copy start over. */
  readonly restarts: number;
}

export interface SqliteBackupOptions {
  /** Pages copied per step (default 2560, 10 MiB of 4 KiB pages); small values let tests interleave writes. */
  readonly pagesPerStep?: number;
  /** Restarts after which the rest is copied in one step (default 3). */
  readonly maxRestarts?: number;
  /** Called after each step. */
  readonly onProgress?: (p: SqliteBackupProgress) => void;
}

/** Copies the SQLite database `source` to `target` (a new file) with the online backup API; `target` is not checked further here. */
export async function backupSqliteDatabase(source: string, target: string, options: SqliteBackupOptions = {}): Promise<{ pages: number; restarts: number }> {
  let db: Database.Database;
  try {
    db = new Database(source, { fileMustExist: true });
  } catch (e) {
    throw new LotlineError('STORE_NOT_FOUND', `cannot open the database ${source} to back it up: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  try {
    db.pragma('busy_timeout = 15000');
    let tables: string[];
    try {
      tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
    } catch (e) {
      throw new LotlineError('STORE_UNAVAILABLE', `${source} is not a SQLite database (${e instanceof Error ? e.message : String(e)}); nothing was backed up`, { cause: e });
    }
    if (!tables.includes('meta') || !tables.includes('log')) {
      throw new LotlineError('STORE_UNAVAILABLE', `${source} is not a Lotline database (it has no Lotline schema); nothing was backed up`);
    }
    const pagesPerStep = Math.max(1, options.pagesPerStep ?? 2560);
    const maxRestarts = options.maxRestarts ?? 3;
    let restarts = 0;
    let lastRemaining = Number.POSITIVE_INFINITY;
    const result = await db.backup(target, {
      progress: ({ totalPages, remainingPages }) => {
        if (remainingPages > lastRemaining) restarts++;
        lastRemaining = remainingPages;
        options.onProgress?.({ copiedPages: totalPages - remainingPages, totalPages, restarts });
        // 0x7fffffff: every remaining page in one step, i.e. one consistent read of the source
        return restarts >= maxRestarts ? 0x7fffffff : pagesPerStep;
      },
    });
    return { pages: result.totalPages, restarts };
  } catch (e) {
    if (e instanceof LotlineError) throw e;
    throw new LotlineError('FILE_NOT_WRITABLE', `cannot write the backup ${target}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  } finally {
    db.close();
  }
}

/** SQLite's own check of a database file's structure (`PRAGMA quick_check`): `ok`, or what is wrong. */
export function quickCheckSqliteFile(path: string): string {
  const db = new Database(path, { fileMustExist: true, readonly: true });
  try {
    const rows = db.pragma('quick_check') as { quick_check: string }[];
    return rows.map((r) => r.quick_check).join('; ');
  } finally {
    db.close();
  }
}

/** Writes the WAL of a closed-for-writing database back into its main file, so that the file alone is the whole database. */
export function checkpointSqliteFile(path: string): void {
  const db = new Database(path, { fileMustExist: true });
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

/** The tables of a SQLite file that hold at least one row (`meta` aside): what replacing the file would lose; and whether it has the Lotline schema. */
export function sqliteTablesWithRows(path: string): { lotline: boolean; withRows: string[] } {
  const db = new Database(path, { fileMustExist: true, readonly: true });
  try {
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    const withRows = tables.filter((t) => t !== 'meta' && db.prepare(`SELECT 1 FROM "${t.replaceAll('"', '""')}" LIMIT 1`).get() !== undefined);
    return { lotline: tables.length === 0 || (tables.includes('meta') && tables.includes('log')), withRows };
  } finally {
    db.close();
  }
}
