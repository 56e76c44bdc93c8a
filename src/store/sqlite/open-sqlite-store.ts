import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { LotlineError } from '../../domain/errors.js';
import type { SqliteDatabase } from './sqlite-event-store.js';
import { SqliteEventStore } from './sqlite-event-store.js';

export interface OpenOptions {
  /** Create the database file when it does not exist (import, demo); readers refuse a missing file. */
  readonly create?: boolean;
  /** How long a writer waits for another process's write transaction before STORE_BUSY (default 15 s). */
  readonly busyTimeoutMs?: number;
}

/** Opens (creating and migrating if needed) the SQLite store at `path` (`:memory:` for a throw-away one). */
export function openSqliteStore(path: string, options: OpenOptions = { create: true }): SqliteEventStore {
  if (path !== ':memory:') {
    if (!existsSync(path) && !options.create) {
      throw new LotlineError('STORE_NOT_FOUND', `no Lotline database at ${resolve(path)}; check --db (or $LOTLINE_DB), or create one with 'lotline import FILE' or 'lotline demo'`);
    }
    if (!existsSync(dirname(resolve(path)))) {
      throw new LotlineError('STORE_UNAVAILABLE', `cannot create the database ${resolve(path)}: the folder ${dirname(resolve(path))} does not exist`);
    }
  }
  let db: Database.Database;
  try {
    db = new Database(path);
  } catch (e) {
    throw new LotlineError('STORE_UNAVAILABLE', `cannot open the database ${path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  try {
    refuseForeignDatabase(db, path, options.create ?? true);
    return new SqliteEventStore(db as unknown as SqliteDatabase, options.busyTimeoutMs);
  } catch (e) {
    db.close();
    if (e instanceof LotlineError) throw e;
    const code = (e as { code?: string }).code;
    if (code === 'SQLITE_NOTADB') throw new LotlineError('STORE_UNAVAILABLE', `${path} is not a Lotline (SQLite) database`, { cause: e });
    throw new LotlineError('STORE_UNAVAILABLE', `cannot open the database ${path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/**
 * Before anything is written (even the WAL switch): a file with tables but no Lotline schema is
 * somebody else's database, and an empty file is only initialised by a command that may create one.
 */
function refuseForeignDatabase(db: Database.Database, path: string, create: boolean): void {
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
  if (tables.length === 0) {
    if (create) return;
    throw new LotlineError('STORE_UNAVAILABLE', `${resolve(path)} is an empty file, not a Lotline database; check --db (or $LOTLINE_DB)`);
  }
  if (!tables.includes('meta') || !tables.includes('log')) {
    throw new LotlineError('STORE_UNAVAILABLE', `${resolve(path)} is a SQLite database but not a Lotline one (it has no Lotline schema); it was not modified`);
  }
}
