/**
 * `lotline rebuild` on SQLite: the check recomputes the projections into a temporary SQLite file
 * (a copy of the log, projected as it is copied) and compares; the rebuild recomputes them in
 * place, in one write transaction.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { ProjectionReport, Progress } from '../projection-check.js';
import { copyLogInto } from '../projection-check.js';
import { openSqliteStore } from './open-sqlite-store.js';
import type { SqliteEventStore } from './sqlite-event-store.js';

function removeDatabaseFile(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { force: true });
}

/**
 * Recomputes every projection from the log of `store` (the file `path`) into a scratch file and
 * compares it with the stored ones; changes nothing in `store`. The scratch file goes beside the
 * database (same disk, room for a copy) unless `scratchDir` says otherwise, and is removed.
 */
export async function checkSqliteProjections(store: SqliteEventStore, path: string, onProgress?: Progress, scratchDir?: string): Promise<ProjectionReport> {
  const dir = scratchDir ?? (path === ':memory:' ? tmpdir() : dirname(resolve(path)));
  const scratchPath = join(dir, `.lotline-check-${process.pid}-${randomBytes(4).toString('hex')}.db`);
  try {
    const head = await store.headSeq();
    const scratch = openSqliteStore(scratchPath, { create: true });
    let entries: number;
    try {
      entries = await copyLogInto(store, scratch, head, onProgress);
    } finally {
      await scratch.close();
    }
    const differences = await store.compareProjectionsWith(scratchPath, head);
    return { head, entries, differences };
  } finally {
    removeDatabaseFile(scratchPath);
  }
}

/** Recomputes every projection of `store` from its log, in place and in one transaction. */
export async function rebuildSqliteProjections(store: SqliteEventStore, onProgress?: Progress): Promise<ProjectionReport> {
  const { head, entries } = await store.rebuildProjections(onProgress);
  return { head, entries, differences: [] };
}
