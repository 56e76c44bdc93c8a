/**
 * SQLite schema migrations, applied in order inside one transaction each; `meta.schema_version`
 * records the last one applied. A database newer than this code is refused, never downgraded.
 */
export const SQLITE_MIGRATIONS: readonly string[] = [
  /* 1: the append-only log, its projections, and the guards that keep the log append-only. */ `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

  CREATE TABLE log (
    seq         INTEGER PRIMARY KEY,
    entry_kind  TEXT NOT NULL CHECK (entry_kind IN ('event', 'declaration')),
    event_id    TEXT NOT NULL,
    record_time TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    body        TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
  );
  -- idempotency: one event and at most one declaration per eventID
  CREATE UNIQUE INDEX log_by_event_id ON log (event_id, entry_kind);
  -- "as known at": the last position recorded before a time
  CREATE INDEX log_by_record_time ON log (record_time);
  CREATE TRIGGER log_refuses_update BEFORE UPDATE ON log
    BEGIN SELECT RAISE(ABORT, 'STORE_APPEND_ONLY: the event log is append-only; correct an event with an error declaration'); END;
  CREATE TRIGGER log_refuses_delete BEFORE DELETE ON log
    BEGIN SELECT RAISE(ABORT, 'STORE_APPEND_ONLY: the event log is append-only; correct an event with an error declaration'); END;

  CREATE TABLE nodes (
    id   INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    item TEXT NOT NULL,
    code TEXT NOT NULL
  );
  CREATE UNIQUE INDEX nodes_by_ref ON nodes (kind, item, code);
  -- lot search by code across items
  CREATE INDEX nodes_by_code ON nodes (code);

  CREATE TABLE transformations (
    id  INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE
  );

  CREATE TABLE events (
    seq          INTEGER PRIMARY KEY,
    -- looked up through log_by_event_id: a second index on random ids would double the write cost
    event_id     TEXT NOT NULL,
    type         TEXT NOT NULL,
    action       TEXT,
    biz_step     TEXT,
    disposition  TEXT,
    event_time   TEXT NOT NULL,
    event_ms     INTEGER NOT NULL,
    record_time  TEXT NOT NULL,
    read_point   TEXT,
    biz_location TEXT,
    source       TEXT,
    destination  TEXT,
    t_id         INTEGER,
    void_seq     INTEGER,
    persistent_set   TEXT,
    persistent_unset TEXT
  );

  CREATE TABLE flows (
    t_id     INTEGER NOT NULL,
    node_id  INTEGER NOT NULL,
    dir      TEXT NOT NULL CHECK (dir IN ('in', 'out')),
    quantity REAL,
    uom      TEXT,
    seq      INTEGER NOT NULL,
    via_unit INTEGER
  );
  -- trace expansion from a frontier of nodes, and back from transformations
  CREATE INDEX flows_by_node ON flows (node_id, dir);
  CREATE INDEX flows_by_transformation ON flows (t_id, dir);

  CREATE TABLE event_objects (
    seq      INTEGER NOT NULL,
    node_id  INTEGER NOT NULL,
    role     TEXT NOT NULL,
    quantity REAL,
    uom      TEXT
  );
  -- a lot's history (lot state, shipments, receipts) and an event's objects
  CREATE INDEX event_objects_by_node ON event_objects (node_id, seq);
  CREATE INDEX event_objects_by_event ON event_objects (seq);
  `,
  /* 2: who recorded each log entry and from where (21 CFR Part 11 audit trail). */ `
  ALTER TABLE log ADD COLUMN actor TEXT;
  ALTER TABLE log ADD COLUMN origin TEXT;
  `,
  /* 3: order and document numbers and parties of each event, for search (filled from the log by the adapter, see event-terms.ts). */ `
  CREATE TABLE event_terms (
    term  TEXT NOT NULL,
    seq   INTEGER NOT NULL,
    kind  TEXT NOT NULL CHECK (kind IN ('document', 'party')),
    value TEXT NOT NULL
  );
  -- search by an order number or a party name, or their beginning: one index range
  CREATE INDEX event_terms_by_term ON event_terms (term, seq);
  `,
];
