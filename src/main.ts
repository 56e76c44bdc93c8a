/**
 * The composition root: the only place that picks concrete adapters. Today the store is
 * SQLite at a path; a `postgres://` URL will select the PostgreSQL adapter.
 */
import { LotlineError } from './domain/errors.js';
import type { IdentityStore } from './identity/identity-store.js';
import { openPostgresIdentityStore } from './identity/postgres/postgres-identity-store.js';
import { SqliteIdentityStore } from './identity/sqlite/sqlite-identity-store.js';
import type { EventStore } from './store/event-store.js';
import { openSqliteStore } from './store/sqlite/open-sqlite-store.js';

export const DEFAULT_DB = './lotline.db';

/** The database the CLI and server use: `--db`, else `$LOTLINE_DB`, else ./lotline.db. */
export function resolveDb(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env['LOTLINE_DB'] ?? DEFAULT_DB;
}

/** Opens the store; readers pass `create: false` so that a mistyped path is an error, not a new empty database. */
export function openStore(db: string, options: { create?: boolean } = { create: true }): EventStore {
  if (/^postgres(ql)?:\/\//i.test(db)) {
    throw new LotlineError('USAGE', 'PostgreSQL is not available in this version yet; use a SQLite file path for --db');
  }
  return openSqliteStore(db, options);
}

/**
 * Opens the identity store (users, sessions, keys) on the same database as the events: its own
 * tables in the same SQLite file (the event store is opened first, so that a new file gets the
 * Lotline schema before the identity tables) or in the same PostgreSQL database.
 */
export async function openIdentityStore(db: string): Promise<IdentityStore> {
  if (/^postgres(ql)?:\/\//i.test(db)) return openPostgresIdentityStore(db);
  if (db !== ':memory:') await (await openStore(db, { create: true })).close();
  return new SqliteIdentityStore(db);
}
