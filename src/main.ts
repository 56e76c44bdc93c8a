/**
 * The composition root: the only place that picks concrete adapters. Today the store is
 * SQLite at a path; a `postgres://` URL will select the PostgreSQL adapter.
 */
import { LotlineError } from './domain/errors.js';
import { GenealogyIndex, withGenealogyIndex } from './genealogy/genealogy-index.js';
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
 * Opens the store for a long-running process (the service): traces are served by the in-memory
 * genealogy index, built now from the store and kept current from the log before each trace.
 * One-shot commands use `openStore`: building the index costs more than one trace.
 */
export async function openIndexedStore(db: string, options: { create?: boolean } = { create: true }): Promise<EventStore> {
  const store = openStore(db, options);
  try {
    return withGenealogyIndex(store, await GenealogyIndex.build(store));
  } catch (e) {
    await store.close();
    throw e;
  }
}
