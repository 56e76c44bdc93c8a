/**
 * The master-data and recall tables, written once for both engines: only the types of generated
 * ids differ (each engine's append-only triggers sit in its own migration list).
 */
export function masterDataTables(d: { readonly serial: string; readonly bigint: string }): string {
  return `
  CREATE TABLE master_data (
    kind       TEXT NOT NULL,
    key        TEXT NOT NULL,
    data       TEXT NOT NULL,
    search     TEXT NOT NULL,
    version    ${d.bigint} NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (kind, key)
  );
  CREATE TABLE master_data_history (
    seq        ${d.serial} PRIMARY KEY,
    kind       TEXT NOT NULL,
    key        TEXT NOT NULL,
    version    ${d.bigint} NOT NULL,
    data       TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
  );
  -- "every version of this record"
  CREATE INDEX master_data_history_by_record ON master_data_history (kind, key, seq);
  CREATE TABLE recalls (
    id          TEXT PRIMARY KEY,
    computed_at TEXT NOT NULL,
    computed_by TEXT NOT NULL,
    as_of_seq   ${d.bigint} NOT NULL,
    request     TEXT NOT NULL,
    summary     TEXT NOT NULL,
    scope       TEXT NOT NULL
  );
  -- the recall list, newest first
  CREATE INDEX recalls_by_time ON recalls (computed_at);
  CREATE TABLE recall_actions (
    seq       ${d.serial} PRIMARY KEY,
    recall_id TEXT NOT NULL REFERENCES recalls (id),
    time      TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    details   TEXT NOT NULL
  );
  CREATE INDEX recall_actions_by_recall ON recall_actions (recall_id, seq);
  `;
}
