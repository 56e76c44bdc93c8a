/**
 * Baseline (a): the recursive CTE a user would write by hand over the same flows table, the
 * best way DESIGN.md §3 knows: `UNION` (not `UNION ALL`), the recursive row is the node id
 * alone, edges indexed both ways (flows_by_node, flows_by_transformation). Flows of events
 * declared erroneous are left out, as Lotline leaves them out. The indexes are named in the
 * query: without statistics (no ANALYZE) SQLite 3.53 otherwise builds an automatic index over
 * the whole flows table for the second join on every run, hundreds of times slower.
 */
import type Database from 'better-sqlite3';

const step = {
  forward: { via: 'in', next: 'out' },
  backward: { via: 'out', next: 'in' },
} as const;

export function reachSql(direction: 'forward' | 'backward', union: 'UNION' | 'UNION ALL', select = 'SELECT node FROM reach'): string {
  const { via, next } = step[direction];
  return `WITH RECURSIVE reach(node) AS (
  SELECT ?
  ${union}
  SELECT o.node_id
    FROM reach
    JOIN flows i INDEXED BY flows_by_node ON i.node_id = reach.node AND i.dir = '${via}'
    JOIN events ei ON ei.seq = i.seq AND ei.void_seq IS NULL
    JOIN flows o INDEXED BY flows_by_transformation ON o.t_id = i.t_id AND o.dir = '${next}'
    JOIN events eo ON eo.seq = o.seq AND eo.void_seq IS NULL
)
${select}`;
}

export class SqliteCte {
  private readonly stmts: Record<string, Database.Statement>;

  constructor(db: Database.Database) {
    this.stmts = {
      forward: db.prepare(reachSql('forward', 'UNION')).pluck(),
      backward: db.prepare(reachSql('backward', 'UNION')).pluck(),
      forwardCountAll: db.prepare(reachSql('forward', 'UNION ALL', 'SELECT count(*) FROM reach')).pluck(),
      forwardCount: db.prepare(reachSql('forward', 'UNION', 'SELECT count(*) FROM reach')).pluck(),
    };
  }

  /** Node ids reachable from `root`, root included. */
  reach(root: number, direction: 'forward' | 'backward'): number[] {
    return this.stmts[direction]!.all(root) as number[];
  }

  /** Rows the recursion produces: with `UNION ALL` that is the number of paths, not of lots. */
  count(root: number, union: 'UNION' | 'UNION ALL'): number {
    return this.stmts[union === 'UNION' ? 'forwardCount' : 'forwardCountAll']!.get(root) as number;
  }
}

/** The flows Lotline's traces follow (events not declared erroneous), for the typed-array baseline. */
export function visibleFlows(db: Database.Database): IterableIterator<{ t: number; node: number; dir: 'in' | 'out' }> {
  return db.prepare('SELECT f.t_id AS t, f.node_id AS node, f.dir FROM flows f JOIN events e ON e.seq = f.seq WHERE e.void_seq IS NULL').iterate() as IterableIterator<{ t: number; node: number; dir: 'in' | 'out' }>;
}
