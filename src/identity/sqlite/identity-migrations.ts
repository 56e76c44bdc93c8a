/**
 * The identity tables' own migrations, in the same SQLite file as the event store but versioned
 * apart (`meta.identity_schema_version`), so that neither list ever has to know the other.
 */
export const IDENTITY_VERSION_KEY = 'identity_schema_version';

export const IDENTITY_MIGRATIONS: readonly string[] = [
  /* 1: users, sessions, API keys, and the append-only administrative audit log. */ `
  CREATE TABLE identity_users (
    name          TEXT PRIMARY KEY,
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TEXT,
    disabled      INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE identity_sessions (
    token_hash   TEXT PRIMARY KEY,
    user_name    TEXT NOT NULL REFERENCES identity_users (name),
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
  );
  -- ending every session of a user at a password or role change
  CREATE INDEX identity_sessions_by_user ON identity_sessions (user_name);
  CREATE TABLE identity_keys (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    expires_at  TEXT,
    revoked_at  TEXT
  );
  -- one active key per name, so that a name in the audit trail means one key at a time
  CREATE UNIQUE INDEX identity_keys_active_name ON identity_keys (name) WHERE revoked_at IS NULL;
  CREATE TABLE identity_audit (
    seq     INTEGER PRIMARY KEY,
    time    TEXT NOT NULL,
    actor   TEXT NOT NULL,
    origin  TEXT,
    action  TEXT NOT NULL,
    target  TEXT NOT NULL,
    details TEXT
  );
  CREATE TRIGGER identity_audit_refuses_update BEFORE UPDATE ON identity_audit
    BEGIN SELECT RAISE(ABORT, 'STORE_APPEND_ONLY: the administrative audit log is append-only'); END;
  CREATE TRIGGER identity_audit_refuses_delete BEFORE DELETE ON identity_audit
    BEGIN SELECT RAISE(ABORT, 'STORE_APPEND_ONLY: the administrative audit log is append-only'); END;
  `,
  /* 2: the full name printed with a user's electronic signatures (21 CFR 11.50); existing users get none until an administrator sets it. */ `
  ALTER TABLE identity_users ADD COLUMN full_name TEXT;
  `,
];
