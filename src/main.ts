/**
 * The composition root: the only place that picks concrete adapters. A `postgres://` URL
 * selects the PostgreSQL store; anything else is a SQLite file path.
 */
import type { IdentityStore } from './identity/identity-store.js';
import type { IntegrationStore } from './integrations/integration-store.js';
import { openPostgresIntegrationStore } from './integrations/postgres/postgres-integration-store.js';
import { SqliteIntegrationStore } from './integrations/sqlite/sqlite-integration-store.js';
import { openPostgresIdentityStore } from './identity/postgres/postgres-identity-store.js';
import { SqliteIdentityStore } from './identity/sqlite/sqlite-identity-store.js';
import { GenealogyIndex, withGenealogyIndex } from './genealogy/genealogy-index.js';
import type { StationStore } from './capture/scan/station-store.js';
import { openPostgresStationStore } from './capture/scan/postgres/postgres-station-store.js';
import { SqliteStationStore } from './capture/scan/sqlite/sqlite-station-store.js';
import type { EventStore } from './store/event-store.js';
import { isPostgresUrl, openPostgresStore, parsePostgresUrl } from './store/postgres/open-postgres-store.js';
import { openSqliteStore } from './store/sqlite/open-sqlite-store.js';

export const DEFAULT_DB = './lotline.db';

/** The database the CLI and server use: `--db`, else `$LOTLINE_DB`, else ./lotline.db. */
export function resolveDb(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env['LOTLINE_DB'] ?? DEFAULT_DB;
}

/** Opens the store; readers pass `create: false` so that a mistyped path is an error, not a new empty database. */
export async function openStore(db: string, options: { create?: boolean } = { create: true }): Promise<EventStore> {
  return (await openStoreWithVersion(db, options)).store;
}

/** Opens (and migrates) the store and says which schema version it found and left. */
export async function openStoreWithVersion(db: string, options: { create?: boolean } = { create: true }): Promise<{ store: EventStore; engine: 'postgresql' | 'sqlite'; schemaVersion: { from: number; to: number } }> {
  if (isPostgresUrl(db)) {
    const store = await openPostgresStore(db, options);
    return { store, engine: 'postgresql', schemaVersion: store.schemaVersion };
  }
  const store = openSqliteStore(db, options);
  return { store, engine: 'sqlite', schemaVersion: store.schemaVersion };
}

/**
 * Opens the identity store (users, sessions, keys) on the same database as the events: its own
 * tables in the same SQLite file (the event store is opened first, so that a new file gets the
 * Lotline schema before the identity tables) or in the same PostgreSQL database.
 */
export async function openIdentityStore(db: string): Promise<IdentityStore> {
  return openBeside<IdentityStore>(db, (url, schema) => openPostgresIdentityStore(url, { schema }), (path) => new SqliteIdentityStore(path));
}

/**
 * Opens tables of their own beside the event store: in the same schema as the events (`?schema=`)
 * or the same SQLite file, made a Lotline database first (the event store is opened before them).
 */
async function openBeside<T>(db: string, postgres: (url: string, schema: string) => Promise<T>, sqlite: (path: string) => T): Promise<T> {
  if (isPostgresUrl(db)) {
    await (await openStore(db, { create: true })).close();
    const { connectionString, schema } = parsePostgresUrl(db);
    return postgres(connectionString, schema);
  }
  if (db !== ':memory:') await (await openStore(db, { create: true })).close();
  return sqlite(db);
}

/**
 * Opens the integration tables (file-drop hashes, webhook subscriptions and outbox) on the same
 * database as the events, after the event store has made it a Lotline database.
 */
export async function openIntegrationStore(db: string): Promise<IntegrationStore> {
  return openBeside<IntegrationStore>(db, (url, schema) => openPostgresIntegrationStore(url, { schema }), (path) => new SqliteIntegrationStore(path));
}

/**
 * Opens the store for a long-running process (the service): traces are served by the in-memory
 * genealogy index, built now from the store and kept current from the log before each trace.
 * One-shot commands use `openStore`: building the index costs more than one trace.
 */
export async function openIndexedStore(db: string, options: { create?: boolean } = { create: true }): Promise<EventStore> {
  const store = await openStore(db, options);
  try {
    return withGenealogyIndex(store, await GenealogyIndex.build(store));
  } catch (e) {
    await store.close();
    throw e;
  }
}

/** Opens the scan-station store on the same database as the events (after the event store made it a Lotline database), like the identity store. */
export async function openStationStore(db: string): Promise<StationStore> {
  if (isPostgresUrl(db)) {
    await (await openStore(db, { create: true })).close();
    const { connectionString, schema } = parsePostgresUrl(db);
    return openPostgresStationStore(connectionString, { schema });
  }
  if (db !== ':memory:') await (await openStore(db, { create: true })).close();
  return new SqliteStationStore(db);
}
