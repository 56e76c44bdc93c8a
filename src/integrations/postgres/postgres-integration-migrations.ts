/**
 * The integration tables in PostgreSQL (file-drop hashes, webhook subscriptions and outbox),
 * versioned apart from the event store's schema: their own key in `meta`.
 */
export const PG_INTEGRATION_MIGRATIONS: readonly string[] = [
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
