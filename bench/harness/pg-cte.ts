/**
 * Baseline (a) on PostgreSQL: the same hand-written recursive CTE as on SQLite (sqlite-cte.ts),
 * over the same flows table of a Lotline PostgreSQL schema: `UNION`, the recursive row is the node
 * id alone, error-declared events left out, the planner free to use flows_by_node and
 * flows_by_transformation (PostgreSQL has no INDEXED BY; the schema is ANALYZEd before timing).
 * Prepared once per direction, as an application would.
 */
import pg from 'pg';
import { parsePostgresUrl } from '../../src/store/postgres/open-postgres-store.js';

const step = {
  forward: { via: 'in', next: 'out' },
  backward: { via: 'out', next: 'in' },
} as const;

export interface PgCteOptions {
  /**
   * Follow the flows of events declared erroneous too: a wrong baseline, for the tests that prove
   * the agreement check catches one.
   */
  readonly includeVoided?: boolean;
}

export function pgReachSql(direction: 'forward' | 'backward', union: 'UNION' | 'UNION ALL', options: PgCteOptions = {}, select = 'SELECT node FROM reach'): string {
  const { via, next } = step[direction];
  const live = (e: string) => (options.includeVoided ? '' : ` AND ${e}.void_seq IS NULL`);
  return `WITH RECURSIVE reach(node) AS (
  SELECT $1::bigint
  ${union}
  SELECT o.node_id
    FROM reach
    JOIN flows i ON i.node_id = reach.node AND i.dir = '${via}'
    JOIN events ei ON ei.seq = i.seq${live('ei')}
    JOIN flows o ON o.t_id = i.t_id AND o.dir = '${next}'
    JOIN events eo ON eo.seq = o.seq${live('eo')}
)
${select}`;
}

/** A client of its own on the schema of a `postgres://…?schema=` URL, bigints as numbers. */
export async function pgClient(url: string): Promise<pg.Client> {
  const { connectionString, schema } = parsePostgresUrl(url);
  const types = new pg.TypeOverrides();
  types.setTypeParser(20, (v: string) => Number(v));
  const client = new pg.Client({ connectionString, types, application_name: 'lotline-bench' });
  await client.connect();
  await client.query(`SET search_path TO "${schema}"`);
  return client;
}

export class PgCte {
  private readonly tag: string;

  constructor(
    private readonly client: pg.Client,
    private readonly options: PgCteOptions = {},
  ) {
    this.tag = options.includeVoided ? 'all' : 'live';
  }

  /** Node ids reachable from `root`, root included. */
  async reach(root: number, direction: 'forward' | 'backward'): Promise<number[]> {
    const r = await this.client.query<{ node: number }>({ name: `bench_reach_${direction}_${this.tag}`, text: pgReachSql(direction, 'UNION', this.options), values: [root] });
    return r.rows.map((x) => x.node);
  }

  /** Rows the recursion produces: with `UNION ALL` that is the number of paths, not of lots. */
  async count(root: number, union: 'UNION' | 'UNION ALL'): Promise<number> {
    const r = await this.client.query<{ n: number }>({ name: `bench_count_${union === 'UNION' ? 'u' : 'ua'}_${this.tag}`, text: pgReachSql('forward', union, this.options, 'SELECT count(*) AS n FROM reach'), values: [root] });
    return r.rows[0]!.n;
  }
}
