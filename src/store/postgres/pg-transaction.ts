/**
 * One transaction on a pooled PostgreSQL connection, for the side stores (identity, quality,
 * integrations): BEGIN, the work, COMMIT — or ROLLBACK and the error — and the connection back.
 */
import type pg from 'pg';

/** The part of a pg client the side stores use, so that the driver's types stay out of their ports. */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
}

export async function inTransaction<T>(pool: pg.Pool, fn: (c: Queryable) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const out = await fn(client);
    await client.query('COMMIT');
    return out;
  } catch (e) {
    await client.query('ROLLBACK');
    throw e;
  } finally {
    client.release();
  }
}
