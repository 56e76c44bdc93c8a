import Database from 'better-sqlite3';
import type { SqliteDatabase } from './sqlite-event-store.js';
import { SqliteEventStore } from './sqlite-event-store.js';

/** Opens (creating and migrating if needed) the SQLite store at `path` (`:memory:` for a throw-away one). */
export function openSqliteStore(path: string): SqliteEventStore {
  return new SqliteEventStore(new Database(path) as unknown as SqliteDatabase);
}
