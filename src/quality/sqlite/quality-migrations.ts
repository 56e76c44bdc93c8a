/**
 * The quality tables' own migrations, in the same SQLite file as the event store but versioned
 * apart (`meta.quality_schema_version`), as the identity tables are.
 */
export const QUALITY_VERSION_KEY = 'quality_schema_version';

export const QUALITY_MIGRATIONS: readonly string[] = [
  /* 1: exceptions and their append-only history, the signature ledger, pending four-eyes decisions. */ `
  CREATE TABLE quality_exceptions (
    id           INTEGER PRIMARY KEY,
    key          TEXT NOT NULL UNIQUE,
    rule_id      TEXT NOT NULL,
    severity     TEXT NOT NULL,
    subject_kind TEXT NOT NULL,
    subject_ref  TEXT NOT NULL,
    explanation  TEXT NOT NULL,
    event_ids    TEXT NOT NULL,
    site         TEXT,
    line         TEXT,
    detected_at  TEXT NOT NULL,
    state        TEXT NOT NULL,
    owner        TEXT,
    due_at       TEXT,
    escalated_at TEXT,
    resolution   TEXT,
    updated_at   TEXT NOT NULL
  );
  -- the escalation sweep: unfinished exceptions by due time
  CREATE INDEX quality_exceptions_due ON quality_exceptions (due_at) WHERE state IN ('open', 'acknowledged') AND escalated_at IS NULL;
  -- "exceptions of this lot"
  CREATE INDEX quality_exceptions_subject ON quality_exceptions (subject_ref);
  CREATE TABLE quality_exception_history (
    seq          INTEGER PRIMARY KEY,
    exception_id INTEGER NOT NULL REFERENCES quality_exceptions (id),
    time         TEXT NOT NULL,
    actor        TEXT NOT NULL,
    action       TEXT NOT NULL,
    details      TEXT NOT NULL
  );
  CREATE INDEX quality_exception_history_by_exception ON quality_exception_history (exception_id, seq);
  CREATE TRIGGER quality_history_refuses_update BEFORE UPDATE ON quality_exception_history
    BEGIN SELECT RAISE(ABORT, 'STORE_APPEND_ONLY: the exception history is append-only'); END;
  CREATE TRIGGER quality_history_refuses_delete BEFORE DELETE ON quality_exception_history
    BEGIN SELECT RAISE(ABORT, 'STORE_APPEND_ONLY: the exception history is append-only'); END;
  CREATE TABLE quality_signatures (
    hash      TEXT PRIMARY KEY,
    signer    TEXT NOT NULL,
    meaning   TEXT NOT NULL,
    signed_at TEXT NOT NULL
  );
  CREATE TRIGGER quality_signatures_refuse_update BEFORE UPDATE ON quality_signatures
    BEGIN SELECT RAISE(ABORT, 'STORE_APPEND_ONLY: the signature ledger is append-only'); END;
  CREATE TRIGGER quality_signatures_refuse_delete BEFORE DELETE ON quality_signatures
    BEGIN SELECT RAISE(ABORT, 'STORE_APPEND_ONLY: the signature ledger is append-only'); END;
  CREATE TABLE quality_pending (
    key        TEXT PRIMARY KEY,
    draft      TEXT NOT NULL,
    signatures TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  `,
];
