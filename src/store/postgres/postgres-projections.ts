/**
 * `lotline rebuild` on PostgreSQL: the projections are recomputed into a temporary schema of the
 * same database (a copy of the log, projected as it is copied), compared with the stored ones
 * and, for a rebuild, copied over them in the writer's transaction. The schema is dropped after.
 */
import { randomBytes } from 'node:crypto';
import type { ProjectionReport, Progress } from '../projection-check.js';
import { copyLogInto } from '../projection-check.js';
import { dropPostgresSchema, openPostgresStore, parsePostgresUrl } from './open-postgres-store.js';
import type { PostgresEventStore } from './postgres-event-store.js';

/** The URL of a fresh scratch schema next to the store's own. */
function scratchUrl(url: string): { url: string; schema: string } {
  const { schema } = parsePostgresUrl(url);
  const scratch = `${schema.slice(0, 40)}_rebuild_${process.pid}_${randomBytes(3).toString('hex')}`;
  const u = new URL(url);
  u.searchParams.set('schema', scratch);
  return { url: u.toString(), schema: scratch };
}

/** Fills a scratch schema with the projections of the log of `store` up to `head`; returns its name. */
async function fillScratch(store: PostgresEventStore, url: string, head: number, onProgress?: Progress): Promise<{ schema: string; url: string; entries: number }> {
  const target = scratchUrl(url);
  const scratch = await openPostgresStore(target.url, { create: true });
  try {
    const entries = await copyLogInto(store, scratch, head, onProgress);
    await scratch.close();
    return { ...target, entries };
  } catch (e) {
    await scratch.close().catch(() => undefined);
    await dropPostgresSchema(target.url).catch(() => undefined);
    throw e;
  }
}

/** Recomputes every projection from the log into a scratch schema and compares; changes nothing in `store`. */
export async function checkPostgresProjections(store: PostgresEventStore, url: string, onProgress?: Progress): Promise<ProjectionReport> {
  const head = await store.headSeq();
  let filled: { schema: string; url: string; entries: number } | undefined;
  try {
    filled = await fillScratch(store, url, head, onProgress);
    const differences = await store.compareProjectionsWith(filled.schema, head);
    return { head, entries: filled.entries, differences };
  } finally {
    if (filled) await dropPostgresSchema(filled.url);
  }
}

/** Recomputes every projection of `store` from its log and replaces the stored ones, in one transaction. */
export async function rebuildPostgresProjections(store: PostgresEventStore, url: string, onProgress?: Progress): Promise<ProjectionReport> {
  let filled: { schema: string; url: string; entries: number } | undefined;
  try {
    const { head, differences } = await store.rebuildProjections(async (h) => {
      filled = await fillScratch(store, url, h, onProgress);
      return filled.schema;
    });
    return { head, entries: filled?.entries ?? 0, differences };
  } finally {
    if (filled) await dropPostgresSchema(filled.url);
  }
}
