/** The scan-station store in SQLite: its own connection to the event store's file, its own tables and migration key. */
import type Database from 'better-sqlite3';
import { LotlineError } from '../../../domain/errors.js';
import type { SavedStationState, StationRecord, StationRow, StationStore } from '../station-store.js';
import { stationParams, toStation } from '../station-store.js';
import { STATION_MIGRATIONS, STATION_VERSION_KEY } from './station-migrations.js';
import { openSideTables } from '../../../store/sqlite/open-side-tables.js';

export class SqliteStationStore implements StationStore {
  private readonly db: Database.Database;

  constructor(path: string, busyTimeoutMs = 15_000) {
    this.db = openSideTables(path, 'station', STATION_VERSION_KEY, STATION_MIGRATIONS, busyTimeoutMs);
  }

  async insertStation(station: StationRecord): Promise<void> {
    try {
      this.db.prepare('INSERT INTO scan_stations (id, site, line, role, defaults, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)').run(...stationParams(station));
    } catch (e) {
      if (String((e as { code?: unknown }).code).startsWith('SQLITE_CONSTRAINT')) throw new LotlineError('STATION_EXISTS', `a station named ${JSON.stringify(station.id)} already exists; remove it first or choose another id`, { cause: e });
      throw e;
    }
  }

  async getStation(id: string): Promise<StationRecord | undefined> {
    const r = this.db.prepare('SELECT * FROM scan_stations WHERE id = ?').get(id) as StationRow | undefined;
    return r ? toStation(r) : undefined;
  }

  async listStations(): Promise<StationRecord[]> {
    return (this.db.prepare('SELECT * FROM scan_stations ORDER BY id').all() as StationRow[]).map(toStation);
  }

  async updateStation(s: StationRecord): Promise<boolean> {
    return this.db.prepare('UPDATE scan_stations SET site = ?, line = ?, role = ?, defaults = ? WHERE id = ?').run(s.site, s.line, s.role, JSON.stringify(s.defaults), s.id).changes > 0;
  }

  async removeStation(id: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM scan_stations WHERE id = ?').run(id).changes > 0;
  }

  async readState(id: string): Promise<SavedStationState | undefined> {
    const r = this.db.prepare('SELECT version, state FROM scan_station_state WHERE station_id = ?').get(id) as { version: number; state: string } | undefined;
    return r ? { version: r.version, state: JSON.parse(r.state) as unknown } : undefined;
  }

  async writeState(id: string, state: unknown, expected: number): Promise<boolean> {
    const json = JSON.stringify(state);
    if (expected === 0) {
      return this.db.prepare('INSERT INTO scan_station_state (station_id, version, state) VALUES (?, 1, ?) ON CONFLICT (station_id) DO NOTHING').run(id, json).changes > 0;
    }
    return this.db.prepare('UPDATE scan_station_state SET version = version + 1, state = ? WHERE station_id = ? AND version = ?').run(json, id, expected).changes > 0;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
