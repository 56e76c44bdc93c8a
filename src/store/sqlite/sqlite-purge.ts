/**
 * Purging the oldest part of a SQLite event log when its retention period has ended, and the
 * purge records that prove it. A purge removes a *prefix* of the log (every entry up to one
 * position, all recorded before the purge date) with its projections, in one transaction, and
 * writes a purge record holding the hash of the last entry removed: the chain checkpoint from
 * which `verify` starts. Purge records are append-only and never purged themselves.
 *
 * The retention check (domain/retention.ts) is the caller's; this module only does what it is told.
 */
import type Database from 'better-sqlite3';
import { LotlineError } from '../../domain/errors.js';
import { openSideTables } from './open-side-tables.js';

export const RETENTION_VERSION_KEY = 'retention_schema_version';

export const RETENTION_MIGRATIONS: readonly string[] = [
  /* 1: the purge records: who purged what range of which record type, when, under which rule; never updated or deleted. */ `
  CREATE TABLE retention_purges (
    id                INTEGER PRIMARY KEY,
    purged_at         TEXT NOT NULL,
    actor             TEXT NOT NULL,
    origin            TEXT,
    record_type       TEXT NOT NULL,
    before            TEXT NOT NULL,
    regulation        TEXT NOT NULL,
    keep              TEXT NOT NULL,
    policy_version    TEXT NOT NULL,
    policy_sha256     TEXT,
    first_seq         INTEGER NOT NULL,
    last_seq          INTEGER NOT NULL,
    first_record_time TEXT NOT NULL,
    last_record_time  TEXT NOT NULL,
    events            INTEGER NOT NULL,
    declarations      INTEGER NOT NULL,
    -- the hash of log entry last_seq: the first entry kept links to it, and verify starts from it
    checkpoint_hash   TEXT NOT NULL,
    head_seq          INTEGER NOT NULL,
    head_hash         TEXT NOT NULL
  );
  -- verify looks the checkpoint up by the position before the first entry kept
  CREATE INDEX retention_purges_by_last_seq ON retention_purges (last_seq);
  CREATE TRIGGER retention_purges_refuse_update BEFORE UPDATE ON retention_purges
    BEGIN SELECT RAISE(ABORT, 'STORE_APPEND_ONLY: purge records are never changed'); END;
  CREATE TRIGGER retention_purges_refuse_delete BEFORE DELETE ON retention_purges
    BEGIN SELECT RAISE(ABORT, 'STORE_APPEND_ONLY: purge records are never deleted'); END;
  `,
];

/** What a purge of the log before a date removes (or would remove). */
export interface LogPurgePlan {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly firstRecordTime: string;
  readonly lastRecordTime: string;
  readonly events: number;
  readonly declarations: number;
  /** The hash of entry `lastSeq`. */
  readonly checkpointHash: string;
  readonly headSeq: number;
  readonly headHash: string;
  /** Entries that stay. */
  readonly kept: number;
}

/** Who purges, under which rule: stored with the purge. */
export interface PurgeAuthority {
  readonly purgedAt: string;
  readonly actor: string;
  readonly origin: string | null;
  readonly before: string;
  readonly regulation: string;
  readonly keep: string;
  readonly policyVersion: string;
  readonly policySha256: string | null;
}

export interface PurgeRecord extends PurgeAuthority, Omit<LogPurgePlan, 'kept'> {
  readonly id: number;
  readonly recordType: string;
}

function open(path: string): Database.Database {
  return openSideTables(path, 'retention', RETENTION_VERSION_KEY, RETENTION_MIGRATIONS);
}

/** The log prefix recorded before `beforeIso`: up to the entry before the first one recorded at or after it. Null when nothing is that old. */
function plan(db: Database.Database, beforeIso: string): LogPurgePlan | null {
  const first = db.prepare('SELECT seq, record_time FROM log ORDER BY seq LIMIT 1').get() as { seq: number; record_time: string } | undefined;
  const head = db.prepare('SELECT seq, hash FROM log ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
  if (!first || !head || first.record_time >= beforeIso) return null;
  // record times never go backwards, but the cut is taken at the first entry not older than the date all the same
  const firstKept = db.prepare('SELECT min(seq) AS seq FROM log WHERE record_time >= ?').get(beforeIso) as { seq: number | null };
  const lastSeq = firstKept.seq === null ? head.seq : firstKept.seq - 1;
  const last = db.prepare('SELECT record_time, hash FROM log WHERE seq = ?').get(lastSeq) as { record_time: string; hash: string };
  const counts = db.prepare("SELECT sum(entry_kind = 'event') AS events, sum(entry_kind = 'declaration') AS declarations, count(*) AS n FROM log WHERE seq <= ?").get(lastSeq) as {
    events: number;
    declarations: number;
    n: number;
  };
  const all = (db.prepare('SELECT count(*) AS n FROM log').get() as { n: number }).n;
  return {
    firstSeq: first.seq,
    lastSeq,
    firstRecordTime: first.record_time,
    lastRecordTime: last.record_time,
    events: counts.events,
    declarations: counts.declarations,
    checkpointHash: last.hash,
    headSeq: head.seq,
    headHash: head.hash,
    kept: all - counts.n,
  };
}

/** What `purgeLogBefore` would remove now (nothing is written but the purge table, if it is new). */
export function planLogPurge(path: string, beforeIso: string): LogPurgePlan | null {
  const db = open(path);
  try {
    return plan(db, beforeIso);
  } finally {
    db.close();
  }
}

/**
 * Removes the log entries recorded before `beforeIso`, their projections, and writes the purge
 * record, in one transaction. The log's delete guard is lifted inside that transaction only.
 */
export function purgeLogBefore(path: string, beforeIso: string, authority: PurgeAuthority): PurgeRecord | null {
  const db = open(path);
  try {
    db.exec('BEGIN IMMEDIATE');
    try {
      const p = plan(db, beforeIso);
      if (p === null) {
        db.exec('ROLLBACK');
        return null;
      }
      const guard = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'log_refuses_delete'").get() as { sql: string } | undefined;
      if (!guard) throw new LotlineError('STORE_UNAVAILABLE', `the event log of ${path} has lost its append-only guard (trigger log_refuses_delete); nothing was purged — run lotline verify and investigate`);
      for (const table of ['event_terms', 'event_objects', 'flows', 'events']) db.prepare(`DELETE FROM ${table} WHERE seq <= ?`).run(p.lastSeq);
      db.exec('DROP TRIGGER log_refuses_delete');
      db.prepare('DELETE FROM log WHERE seq <= ?').run(p.lastSeq);
      db.exec(guard.sql);
      const id = db
        .prepare(
          `INSERT INTO retention_purges (purged_at, actor, origin, record_type, before, regulation, keep, policy_version, policy_sha256,
             first_seq, last_seq, first_record_time, last_record_time, events, declarations, checkpoint_hash, head_seq, head_hash)
           VALUES (?, ?, ?, 'events', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          authority.purgedAt, authority.actor, authority.origin, authority.before, authority.regulation, authority.keep, authority.policyVersion, authority.policySha256,
          p.firstSeq, p.lastSeq, p.firstRecordTime, p.lastRecordTime, p.events, p.declarations, p.checkpointHash, p.headSeq, p.headHash,
        ).lastInsertRowid;
      db.exec('COMMIT');
      return { id: Number(id), recordType: 'events', ...authority, ...p };
    } catch (e) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw e;
    }
  } finally {
    db.close();
  }
}

interface PurgeDbRow {
  id: number;
  purged_at: string;
  actor: string;
  origin: string | null;
  record_type: string;
  before: string;
  regulation: string;
  keep: string;
  policy_version: string;
  policy_sha256: string | null;
  first_seq: number;
  last_seq: number;
  first_record_time: string;
  last_record_time: string;
  events: number;
  declarations: number;
  checkpoint_hash: string;
  head_seq: number;
  head_hash: string;
}

/** Every purge made on this database, oldest first. */
export function listPurges(path: string): PurgeRecord[] {
  const db = open(path);
  try {
    return (db.prepare('SELECT * FROM retention_purges ORDER BY id').all() as PurgeDbRow[]).map((r) => ({
      id: r.id,
      recordType: r.record_type,
      purgedAt: r.purged_at,
      actor: r.actor,
      origin: r.origin,
      before: r.before,
      regulation: r.regulation,
      keep: r.keep,
      policyVersion: r.policy_version,
      policySha256: r.policy_sha256,
      firstSeq: r.first_seq,
      lastSeq: r.last_seq,
      firstRecordTime: r.first_record_time,
      lastRecordTime: r.last_record_time,
      events: r.events,
      declarations: r.declarations,
      checkpointHash: r.checkpoint_hash,
      headSeq: r.head_seq,
      headHash: r.head_hash,
      kept: 0,
    }));
  } finally {
    db.close();
  }
}
