/**
 * The scan-station tables in PostgreSQL, versioned apart from the event store's schema by their
 * own key in `meta` (`station_schema_version`).
 */
export const PG_STATION_VERSION_KEY = 'station_schema_version';

export const PG_STATION_MIGRATIONS: readonly string[] = [
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
    version    BIGINT NOT NULL,
    state      TEXT NOT NULL
  );
  `,
];
