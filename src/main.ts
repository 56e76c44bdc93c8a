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
import type { MasterDataStore } from './masterdata/master-data-store.js';
import type { MasterDataView } from './masterdata/master-data-view.js';
import { loadMasterDataView } from './masterdata/master-data-view.js';
import { openPostgresMasterDataStore } from './masterdata/postgres/postgres-master-data-store.js';
import { SqliteMasterDataStore } from './masterdata/sqlite/sqlite-master-data-store.js';
import type { RecallStore } from './reports/recall/recall-store.js';
import type { QualityStore } from './quality/quality-store.js';
import { openPostgresQualityStore } from './quality/postgres/postgres-quality-store.js';
import { SqliteQualityStore } from './quality/sqlite/sqlite-quality-store.js';
import { GenealogyIndex, withGenealogyIndex } from './genealogy/genealogy-index.js';
import type { StationStore } from './capture/scan/station-store.js';
import { openPostgresStationStore } from './capture/scan/postgres/postgres-station-store.js';
import { SqliteStationStore } from './capture/scan/sqlite/sqlite-station-store.js';
import type { MockRecallStore } from './reports/mock-recall/mock-recall-store.js';
import { openPostgresMockRecallStore } from './reports/mock-recall/postgres/postgres-mock-recall-store.js';
import { SqliteMockRecallStore } from './reports/mock-recall/sqlite/sqlite-mock-recall-store.js';
import type { EventStore } from './store/event-store.js';
import { isPostgresUrl, openPostgresStore, parsePostgresUrl } from './store/postgres/open-postgres-store.js';
import { openSqliteStore } from './store/sqlite/open-sqlite-store.js';
import type { ProjectionReport, Progress } from './store/projection-check.js';
import { PostgresEventStore } from './store/postgres/postgres-event-store.js';
import { checkPostgresProjections, rebuildPostgresProjections } from './store/postgres/postgres-projections.js';
import { SqliteEventStore } from './store/sqlite/sqlite-event-store.js';
import { checkSqliteProjections, rebuildSqliteProjections } from './store/sqlite/sqlite-projections.js';

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
 * Opens a store of its own tables beside the events: in the same SQLite file (the event store is
 * opened first, so that a new file gets the Lotline schema before the other tables) or in the same
 * PostgreSQL database and schema (`?schema=`), made a Lotline schema first in the same way.
 */
async function openBeside<T>(db: string, postgres: (url: string, options: { schema?: string }) => Promise<T>, sqlite: (path: string) => T): Promise<T> {
  if (db !== ':memory:') await (await openStore(db, { create: true })).close();
  if (!isPostgresUrl(db)) return sqlite(db);
  const { connectionString, schema } = parsePostgresUrl(db);
  return postgres(connectionString, schema !== undefined ? { schema } : {});
}

/** Opens the identity store (users, sessions, keys) on the same database as the events. */
export function openIdentityStore(db: string): Promise<IdentityStore> {
  return openBeside<IdentityStore>(db, openPostgresIdentityStore, (path) => new SqliteIdentityStore(path));
}

/** Opens the quality store (exceptions, signature ledger, pending signatures) on the same database as the events. */
export function openQualityStore(db: string): Promise<QualityStore> {
  return openBeside<QualityStore>(db, openPostgresQualityStore, (path) => new SqliteQualityStore(path));
}

/** Opens the master-data tables (items, parties, locations) and the saved recalls on the same database as the events. */
export function openMasterDataStore(db: string): Promise<MasterDataStore & RecallStore> {
  return openBeside<MasterDataStore & RecallStore>(db, openPostgresMasterDataStore, (path) => new SqliteMasterDataStore(path));
}

/** The plant's master data read into memory for one report (empty when the database has none yet). */
export async function loadMasterData(db: string): Promise<MasterDataView> {
  const md = await openMasterDataStore(db);
  try {
    return await loadMasterDataView(md);
  } finally {
    await md.close();
  }
}

/** Opens the integration tables (file-drop hashes, webhook subscriptions and outbox) on the same database as the events. */
export function openIntegrationStore(db: string): Promise<IntegrationStore> {
  return openBeside<IntegrationStore>(db, openPostgresIntegrationStore, (path) => new SqliteIntegrationStore(path));
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
export function openStationStore(db: string): Promise<StationStore> {
  return openBeside<StationStore>(db, openPostgresStationStore, (path) => new SqliteStationStore(path));
}

/** Opens the mock recall archive (every exercise run) on the same database as the events. */
export function openMockRecallStore(db: string): Promise<MockRecallStore> {
  return openBeside<MockRecallStore>(db, openPostgresMockRecallStore, (path) => new SqliteMockRecallStore(path));
}

/** Keeping records: the SQLite backup API and file checks (`lotline backup`, `lotline restore`), and how a PostgreSQL URL is recognised. */
export { backupSqliteDatabase, checkpointSqliteFile, quickCheckSqliteFile, sqliteTablesWithRows } from './store/sqlite/sqlite-backup.js';
export { isPostgresUrl, parsePostgresUrl, redactUrl } from './store/postgres/open-postgres-store.js';
/** Retention purges of a SQLite event log and their records (`lotline purge`). */
export { listPurges, planLogPurge, purgeLogBefore } from './store/sqlite/sqlite-purge.js';
export type { LogPurgePlan, PurgeRecord } from './store/sqlite/sqlite-purge.js';
/**
 * `lotline rebuild`: recomputes every projection of the store at `db` from its event log. With
 * `check`, into scratch tables only, compared with the stored ones (nothing changes); otherwise
 * the stored projections are replaced, in one transaction.
 */
export async function rebuildProjections(db: string, options: { check: boolean; onProgress?: Progress }): Promise<ProjectionReport> {
  const store = await openStore(db, { create: false });
  try {
    if (store instanceof PostgresEventStore) {
      return options.check ? await checkPostgresProjections(store, db, options.onProgress) : await rebuildPostgresProjections(store, db, options.onProgress);
    }
    if (store instanceof SqliteEventStore) {
      return options.check ? await checkSqliteProjections(store, db, options.onProgress) : await rebuildSqliteProjections(store, options.onProgress);
    }
    throw new Error('this store cannot rebuild its projections');
  } finally {
    await store.close();
  }
}
