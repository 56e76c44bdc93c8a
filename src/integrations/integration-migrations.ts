/**
 * The integration tables' migrations (file-drop hashes, webhook subscriptions, outbox and log
 * cursor), the same for both stores, in the event store's database but versioned apart: their own
 * key in `meta`, so that neither list of migrations has to know the other.
 */
export const INTEGRATION_VERSION_KEY = 'integration_schema_version';

/** The migrations in PostgreSQL's types; SQLite's are derived from them (below). */
const MIGRATIONS: readonly string[] = [
  /* 1: imported file hashes; webhook subscriptions, the delivery outbox and the log cursor. */ `
  CREATE TABLE integration_files (
    sha256       TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    processed_at TEXT NOT NULL,
    events       INTEGER NOT NULL
  );
  CREATE TABLE webhook_subscriptions (
    id         TEXT PRIMARY KEY,
    url        TEXT NOT NULL,
    secret     TEXT NOT NULL,
    types      TEXT NOT NULL,
    filter     TEXT NOT NULL,
    active     BOOLEAN NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
  );
  CREATE TABLE webhook_outbox (
    n               BIGSERIAL PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    subscription_id TEXT NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    body            TEXT NOT NULL,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms BIGINT NOT NULL,
    last_error      TEXT,
    created_at      TEXT NOT NULL,
    delivered_at    TEXT
  );
  -- the delivery loop's question: what is due now
  CREATE INDEX webhook_outbox_due ON webhook_outbox (status, next_attempt_ms);
  CREATE INDEX webhook_outbox_by_subscription ON webhook_outbox (subscription_id);
  CREATE TABLE webhook_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  `,
];

/** SQLite spells the same tables with its own types: INTEGER for booleans, 64-bit numbers and row ids. */
export function integrationMigrations(dialect: 'postgresql' | 'sqlite'): readonly string[] {
  if (dialect === 'postgresql') return MIGRATIONS;
  return MIGRATIONS.map((sql) => sql.replace(/BIGSERIAL PRIMARY KEY/g, 'INTEGER PRIMARY KEY').replace(/\bBIGINT\b/g, 'INTEGER').replace(/\bBOOLEAN\b/g, 'INTEGER'));
}
