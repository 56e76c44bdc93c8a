/**
 * A migration track of its own in a shared PostgreSQL schema: the identity and quality tables each
 * keep their version in their own meta table, so that no migration list has to know another.
 */
import type pg from 'pg';
import { LotlineError } from '../../domain/errors.js';

export interface PgTrack {
  /** The advisory lock that serialises servers starting together on one database. */
  readonly lock: number;
  /** `identity_meta`, `quality_meta`. */
  readonly metaTable: string;
  readonly migrations: readonly string[];
  /** For messages: `identity`, `quality`. */
  readonly what: string;
}

/** Brings the track up to date in one transaction (creating `schema` first when given); refuses a newer one. */
export async function migratePgTrack(pool: pg.Pool, schema: string | undefined, track: PgTrack): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [track.lock]);
    // Under the lock: two servers starting together would otherwise race on CREATE SCHEMA IF NOT EXISTS.
    if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${track.metaTable} (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
    const row = await client.query<{ value: string }>(`SELECT value FROM ${track.metaTable} WHERE key = 'schema_version'`);
    const current = Number(row.rows[0]?.value ?? 0);
    if (current > track.migrations.length) {
      throw new LotlineError('STORE_SCHEMA_TOO_NEW', `this database has ${track.what} schema version ${current}, newer than this Lotline knows (${track.migrations.length}); upgrade Lotline`);
    }
    for (let v = current; v < track.migrations.length; v++) await client.query(track.migrations[v]!);
    await client.query(`INSERT INTO ${track.metaTable} (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [String(track.migrations.length)]);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK');
    throw e;
  } finally {
    client.release();
  }
}
