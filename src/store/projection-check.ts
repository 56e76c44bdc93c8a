/**
 * Comparing stored projections with projections recomputed from the log (`lotline rebuild
 * --check`). The recomputed ones live in a scratch store of the same engine (a temporary SQLite
 * file attached to the connection, or a temporary PostgreSQL schema), filled by copying the log
 * into it: `appendRecorded` projects every entry from its logged body, exactly as a copy of the
 * database does.
 *
 * Rows are compared by what they mean, not by their generated ids: a node by (kind, item, code),
 * a transformation by its key, a flow or an object row by its event, node and values. PostgreSQL
 * numbers nodes with a sequence that a rolled-back capture leaves gaps in, so equal projections
 * may have different ids. Rows are compared as multisets (each distinct row with its count), so a
 * row stored twice is a difference.
 *
 * Everything is bounded by the log position `head` the scratch store was filled up to, so that a
 * check runs beside a live server: rows of later events are left out, a void by a later error
 * declaration counts as not yet made, and a node or transformation first named after `head` is left
 * out too (one never named at all is kept: it is a difference).
 */
import type { LogEntry } from './event-store.js';
import type { EventStore } from './event-store.js';

/** The tables derived from the log, in the order a rebuild fills them. */
export const PROJECTION_TABLES = ['nodes', 'transformations', 'events', 'flows', 'event_objects', 'event_terms'] as const;
export type ProjectionTable = (typeof PROJECTION_TABLES)[number];

/** One table's differences: rows recomputed from the log but not stored (missing), stored but not recomputed (extra). */
export interface TableDifference {
  readonly table: ProjectionTable;
  readonly missing: number;
  readonly extra: number;
  /** A few of the differing rows, as compared (ids replaced by what they name; `n` is how many times the row occurs). */
  readonly samples: readonly { readonly side: 'missing' | 'extra'; readonly row: Readonly<Record<string, unknown>> }[];
}

export interface ProjectionReport {
  /** The log position the comparison (or rebuild) covers: every entry up to it. */
  readonly head: number;
  /** Log entries read. */
  readonly entries: number;
  /** Tables whose stored rows differ from the recomputed ones (empty when they agree). */
  readonly differences: readonly TableDifference[];
}

/** Called after each page of log entries: how many are done, of how many. */
export type Progress = (done: number, total: number) => void;

/** Rows of differing tables shown per side. */
export const SAMPLES = 5;
/** Log entries copied per scratch transaction. */
const PAGE = 5000;

/**
 * The rows of one projection table as compared, for the tables under `prefix` (`main.`, a
 * quoted schema and a dot, or '' for the connection's own), up to log position `head`.
 * Plain SQL that SQLite and PostgreSQL both run.
 */
export function normalizedRows(table: ProjectionTable, prefix: string, head: number): string {
  const h = Math.floor(head);
  const t = (name: string) => `${prefix}${name}`;
  switch (table) {
    case 'nodes':
      return `SELECT n.kind, n.item, n.code, count(*) AS n FROM ${t('nodes')} n
                LEFT JOIN (SELECT node_id, min(seq) AS first FROM ${t('event_objects')} GROUP BY node_id) f ON f.node_id = n.id
               WHERE f.first IS NULL OR f.first <= ${h}
               GROUP BY n.kind, n.item, n.code`;
    case 'transformations':
      return `SELECT x.key, count(*) AS n FROM ${t('transformations')} x
                LEFT JOIN (SELECT t_id, min(seq) AS first FROM ${t('events')} WHERE t_id IS NOT NULL GROUP BY t_id) f ON f.t_id = x.id
               WHERE f.first IS NULL OR f.first <= ${h}
               GROUP BY x.key`;
    case 'events':
      return `SELECT e.seq, e.event_id, e.type, e.action, e.biz_step, e.disposition, e.event_time, e.event_ms, e.record_time,
                     e.read_point, e.biz_location, e.source, e.destination, x.key AS transformation,
                     CASE WHEN e.void_seq <= ${h} THEN e.void_seq END AS void_seq, e.persistent_set, e.persistent_unset, count(*) AS n
                FROM ${t('events')} e LEFT JOIN ${t('transformations')} x ON x.id = e.t_id
               WHERE e.seq <= ${h}
               GROUP BY e.seq, e.event_id, e.type, e.action, e.biz_step, e.disposition, e.event_time, e.event_ms, e.record_time,
                     e.read_point, e.biz_location, e.source, e.destination, x.key, CASE WHEN e.void_seq <= ${h} THEN e.void_seq END,
                     e.persistent_set, e.persistent_unset`;
    case 'flows':
      return `SELECT f.seq, x.key AS transformation, o.kind, o.item, o.code, f.dir, f.quantity, f.uom,
                     u.kind AS unit_kind, u.item AS unit_item, u.code AS unit_code, count(*) AS n
                FROM ${t('flows')} f LEFT JOIN ${t('transformations')} x ON x.id = f.t_id
                LEFT JOIN ${t('nodes')} o ON o.id = f.node_id LEFT JOIN ${t('nodes')} u ON u.id = f.via_unit
               WHERE f.seq <= ${h}
               GROUP BY f.seq, x.key, o.kind, o.item, o.code, f.dir, f.quantity, f.uom, u.kind, u.item, u.code`;
    case 'event_objects':
      return `SELECT b.seq, o.kind, o.item, o.code, b.role, b.quantity, b.uom, count(*) AS n
                FROM ${t('event_objects')} b LEFT JOIN ${t('nodes')} o ON o.id = b.node_id
               WHERE b.seq <= ${h}
               GROUP BY b.seq, o.kind, o.item, o.code, b.role, b.quantity, b.uom`;
    case 'event_terms':
      return `SELECT seq, term, kind, value, count(*) AS n FROM ${t('event_terms')} WHERE seq <= ${h} GROUP BY seq, term, kind, value`;
  }
}

/** Runs one query on the connection that sees both the stored and the scratch tables. */
export type QueryRows = (sql: string) => Promise<Record<string, unknown>[]>;

/** Compares every projection table under `stored` with the same table under `scratch`. */
export async function compareProjections(query: QueryRows, stored: string, scratch: string, head: number): Promise<TableDifference[]> {
  const out: TableDifference[] = [];
  for (const table of PROJECTION_TABLES) {
    const a = normalizedRows(table, stored, head);
    const b = normalizedRows(table, scratch, head);
    const side = async (kind: 'missing' | 'extra', from: string, minus: string) => {
      const diff = `SELECT * FROM (${from}) p EXCEPT SELECT * FROM (${minus}) q`;
      const count = Number((await query(`SELECT count(*) AS c FROM (${diff}) d`))[0]?.['c'] ?? 0);
      const rows = count === 0 ? [] : await query(`SELECT * FROM (${diff}) d ORDER BY 1 LIMIT ${SAMPLES}`);
      return { count, samples: rows.map((row) => ({ side: kind, row })) };
    };
    const missing = await side('missing', b, a);
    const extra = await side('extra', a, b);
    if (missing.count > 0 || extra.count > 0) out.push({ table, missing: missing.count, extra: extra.count, samples: [...missing.samples, ...extra.samples] });
  }
  return out;
}

/**
 * Copies the log of `source` up to `head` into the empty `scratch` store, which projects every
 * entry as it goes (and checks the hash chain: a broken one stops with CHAIN_BROKEN).
 * Returns the number of entries copied.
 */
export async function copyLogInto(source: EventStore, scratch: EventStore, head: number, onProgress?: Progress): Promise<number> {
  let after = 0;
  let done = 0;
  while (after < head) {
    const page: LogEntry[] = await source.readLog(after, Math.min(PAGE, head - after));
    if (page.length === 0) break;
    const session = await scratch.beginCapture();
    try {
      await session.appendRecorded(page);
      await session.commit();
    } catch (e) {
      await session.rollback();
      throw e;
    }
    after = page[page.length - 1]!.seq;
    done += page.length;
    onProgress?.(done, head);
  }
  return done;
}
