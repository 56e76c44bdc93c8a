/**
 * The quality tables, written once for both engines: only the types of generated ids differ
 * (the append-only triggers are each engine's own and sit in its migration list).
 */
export function qualityTables(d: { readonly serial: string; readonly bigint: string }): string {
  return `
  CREATE TABLE quality_exceptions (
    id           ${d.serial} PRIMARY KEY,
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
    seq          ${d.serial} PRIMARY KEY,
    exception_id ${d.bigint} NOT NULL REFERENCES quality_exceptions (id),
    time         TEXT NOT NULL,
    actor        TEXT NOT NULL,
    action       TEXT NOT NULL,
    details      TEXT NOT NULL
  );
  CREATE INDEX quality_exception_history_by_exception ON quality_exception_history (exception_id, seq);
  CREATE TABLE quality_signatures (
    hash      TEXT PRIMARY KEY,
    signer    TEXT NOT NULL,
    meaning   TEXT NOT NULL,
    signed_at TEXT NOT NULL
  );
  CREATE TABLE quality_pending (
    key        TEXT PRIMARY KEY,
    draft      TEXT NOT NULL,
    signatures TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  `;
}
