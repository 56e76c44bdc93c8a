/** The scan-station store in PostgreSQL (`pg`): the same port as the SQLite adapter, its own tables and migration key in `meta`. */
import pg from 'pg';
import { LotlineError } from '../../../domain/errors.js';
import type { SavedStationState, StationRecord, StationRow, StationStore } from '../station-store.js';
import { stationParams, toStation } from '../station-store.js';
import { PG_STATION_MIGRATIONS, PG_STATION_VERSION_KEY } from './postgres-station-migrations.js';

/** Serialises migrations of concurrent servers starting on one database. */
const MIGRATION_LOCK = 7_413_922;

/** Opens (and migrates) the station store at a postgres:// URL, in `schema` when given. */
export async function openPostgresStationStore(url: string, options: { schema?: string } = {}): Promise<PostgresStationStore> {
  if (options.schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(options.schema)) {
    throw new LotlineError('USAGE', `the schema name ${JSON.stringify(options.schema)} must be lower-case letters, digits and _`);
  }
  const pool = new pg.Pool({ connectionString: url, max: 4, ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}) });
  const client = await pool.connect().catch(async (e: unknown) => {
    await pool.end();
    throw new LotlineError('STORE_UNAVAILABLE', `cannot open the station store in PostgreSQL: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  });
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    if (options.schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${options.schema}`);
    await client.query('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    const current = Number((await client.query<{ value: string }>('SELECT value FROM meta WHERE key = $1', [PG_STATION_VERSION_KEY])).rows[0]?.value ?? 0);
    if (current > PG_STATION_MIGRATIONS.length) {
      throw new LotlineError('STORE_SCHEMA_TOO_NEW', `this database has station schema version ${current}, newer than this Lotline knows (${PG_STATION_MIGRATIONS.length}); upgrade Lotline`);
    }
    for (let v = current; v < PG_STATION_MIGRATIONS.length; v++) await client.query(PG_STATION_MIGRATIONS[v]!);
    await client.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value', [PG_STATION_VERSION_KEY, String(PG_STATION_MIGRATIONS.length)]);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK');
    client.release();
    await pool.end();
    if (e instanceof LotlineError) throw e;
    throw new LotlineError('STORE_UNAVAILABLE', `cannot open the station store in PostgreSQL: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  client.release();
  return new PostgresStationStore(pool);
}

export class PostgresStationStore implements StationStore {
  constructor(private readonly pool: pg.Pool) {}

  async insertStation(station: StationRecord): Promise<void> {
    try {
      await this.pool.query('INSERT INTO scan_stations (id, site, line, role, defaults, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)', stationParams(station));
    } catch (e) {
      if ((e as { code?: unknown }).code === '23505') throw new LotlineError('STATION_EXISTS', `a station named ${JSON.stringify(station.id)} already exists; remove it first or choose another id`, { cause: e });
      throw e;
    }
  }

  async getStation(id: string): Promise<StationRecord | undefined> {
    const r = (await this.pool.query<StationRow>('SELECT * FROM scan_stations WHERE id = $1', [id])).rows[0];
    return r ? toStation(r) : undefined;
  }

  async listStations(): Promise<StationRecord[]> {
    return (await this.pool.query<StationRow>('SELECT * FROM scan_stations ORDER BY id')).rows.map(toStation);
  }

  async updateStation(s: StationRecord): Promise<boolean> {
    return ((await this.pool.query('UPDATE scan_stations SET site = $1, line = $2, role = $3, defaults = $4 WHERE id = $5', [s.site, s.line, s.role, JSON.stringify(s.defaults), s.id])).rowCount ?? 0) > 0;
  }

  async removeStation(id: string): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM scan_stations WHERE id = $1', [id])).rowCount ?? 0) > 0;
  }

  async readState(id: string): Promise<SavedStationState | undefined> {
    const r = (await this.pool.query<{ version: string; state: string }>('SELECT version, state FROM scan_station_state WHERE station_id = $1', [id])).rows[0];
    return r ? { version: Number(r.version), state: JSON.parse(r.state) as unknown } : undefined;
  }

  async writeState(id: string, state: unknown, expected: number): Promise<boolean> {
    const json = JSON.stringify(state);
    const r =
      expected === 0
        ? await this.pool.query('INSERT INTO scan_station_state (station_id, version, state) VALUES ($1, 1, $2) ON CONFLICT (station_id) DO NOTHING', [id, json])
        : await this.pool.query('UPDATE scan_station_state SET version = version + 1, state = $1 WHERE station_id = $2 AND version = $3', [json, id, expected]);
    return (r.rowCount ?? 0) > 0;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
