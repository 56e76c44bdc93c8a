/**
 * The scan-station tables' own migrations, in the same SQLite file as the event store but
 * versioned apart (`meta.station_schema_version`), like the identity tables.
 */
export const STATION_VERSION_KEY = 'station_schema_version';

export const STATION_MIGRATIONS: readonly string[] = [
  /* 1: stations and the state of each one's scan sequence. */ `
  CREATE TABLE scan_stations (
    id         TEXT PRIMARY KEY,
    site       TEXT NOT NULL,
    line       TEXT,
    role       TEXT NOT NULL,
    defaults   TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
  );
  CREATE TABLE scan_station_state (
    station_id TEXT PRIMARY KEY REFERENCES scan_stations (id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    state      TEXT NOT NULL
  );
  `,
];
