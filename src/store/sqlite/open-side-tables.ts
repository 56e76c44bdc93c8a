/**
 * Opens a connection for tables that live beside the event store in one SQLite file (identity,
 * scan stations, integrations, quality) and migrates them along their own list, versioned by their own key in `meta`,
 * so that no migration list has to know another.
 */
import Database from 'better-sqlite3';
import { LotlineError } from '../../domain/errors.js';

/** `what` names the tables in messages ("identity", "station"). */
export function openSideTables(path: string, what: string, versionKey: string, migrations: readonly string[], busyTimeoutMs = 15_000): Database.Database {
  let db: Database.Database;
  try {
    db = new Database(path);
  } catch (e) {
    throw new LotlineError('STORE_UNAVAILABLE', `cannot open the ${what} database ${path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  db.pragma('foreign_keys = ON');
  if (path !== ':memory:') db.pragma('journal_mode = WAL');
  db.exec('BEGIN IMMEDIATE');
  try {
    // The event store creates `meta` in a shared file; a file of its own gets it here, with the same shape.
    db.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    const current = Number((db.prepare('SELECT value FROM meta WHERE key = ?').get(versionKey) as { value: string } | undefined)?.value ?? 0);
    if (current > migrations.length) {
      throw new LotlineError('STORE_SCHEMA_TOO_NEW', `this database has ${what} schema version ${current}, newer than this Lotline knows (${migrations.length}); upgrade Lotline`);
    }
    for (let v = current; v < migrations.length; v++) db.exec(migrations[v]!);
    db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(versionKey, String(migrations.length));
    db.exec('COMMIT');
  } catch (e) {
    db.exec('ROLLBACK');
    db.close();
    throw e;
  }
  return db;
}
