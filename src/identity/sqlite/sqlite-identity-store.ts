/**
 * The identity store in SQLite: its own connection to the same file as the event store (or a
 * file of its own), its own tables and migration list. better-sqlite3 is synchronous, so each
 * method body is one transaction at most.
 */
import type Database from 'better-sqlite3';
import { LotlineError } from '../../domain/errors.js';
import type { AuditEntry, AuditInput, IdentityStore, KeyRecord, SessionRecord, UserChange, UserRecord } from '../identity-store.js';
import type { KeyRow, UserRow } from '../identity-rows.js';
import { toKey, toUser } from '../identity-rows.js';
import { IDENTITY_MIGRATIONS, IDENTITY_VERSION_KEY } from './identity-migrations.js';
import { openSideTables } from '../../store/sqlite/open-side-tables.js';

function isUniqueViolation(e: unknown): boolean {
  return typeof (e as { code?: unknown }).code === 'string' && (e as { code: string }).code.startsWith('SQLITE_CONSTRAINT');
}

export class SqliteIdentityStore implements IdentityStore {
  private readonly db: Database.Database;
  /** Prepared once: every authenticated request looks up a key or a session. */
  private readonly statements = new Map<string, Database.Statement>();

  private st(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) this.statements.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  constructor(path: string, busyTimeoutMs = 15_000) {
    this.db = openSideTables(path, 'identity', IDENTITY_VERSION_KEY, IDENTITY_MIGRATIONS, busyTimeoutMs);
  }

  private audit(a: AuditInput): void {
    this
      .st('INSERT INTO identity_audit (time, actor, origin, action, target, details) VALUES (?, ?, ?, ?, ?, ?)')
      .run(new Date().toISOString(), a.actor, a.origin, a.action, a.target, a.details ? JSON.stringify(a.details) : null);
  }

  private tx(fn: () => void): void {
    this.db.transaction(fn).immediate();
  }

  async userCount(): Promise<number> {
    return (this.st('SELECT count(*) AS n FROM identity_users').get() as { n: number }).n;
  }

  async getUser(name: string): Promise<UserRecord | undefined> {
    const r = this.st('SELECT * FROM identity_users WHERE name = ?').get(name) as UserRow | undefined;
    return r && toUser(r);
  }

  async listUsers(): Promise<UserRecord[]> {
    return (this.st('SELECT * FROM identity_users ORDER BY name').all() as UserRow[]).map(toUser);
  }

  async insertUser(u: UserRecord, audit: AuditInput): Promise<void> {
    try {
      this.tx(() => {
        this
          .st('INSERT INTO identity_users (name, role, full_name, password_hash, created_at, failed_logins, locked_until, disabled) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
          .run(u.name, u.role, u.fullName, u.passwordHash, u.createdAt, u.failedLogins, u.lockedUntil, u.disabled ? 1 : 0);
        this.audit(audit);
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new LotlineError('IDENTITY_EXISTS', `a user named ${JSON.stringify(u.name)} already exists; choose another name`, { cause: e });
      throw e;
    }
  }

  async updateUser(name: string, change: UserChange, audit: AuditInput | null): Promise<void> {
    const columns: [string, unknown][] = [];
    if (change.role !== undefined) columns.push(['role', change.role]);
    if (change.fullName !== undefined) columns.push(['full_name', change.fullName]);
    if (change.passwordHash !== undefined) columns.push(['password_hash', change.passwordHash]);
    if (change.failedLogins !== undefined) columns.push(['failed_logins', change.failedLogins]);
    if (change.lockedUntil !== undefined) columns.push(['locked_until', change.lockedUntil]);
    if (change.disabled !== undefined) columns.push(['disabled', change.disabled ? 1 : 0]);
    this.tx(() => {
      if (columns.length > 0) {
        this.st(`UPDATE identity_users SET ${columns.map(([c]) => `${c} = ?`).join(', ')} WHERE name = ?`).run(...columns.map(([, v]) => v), name);
      }
      if (audit) this.audit(audit);
    });
  }

  async insertKey(k: KeyRecord, audit: AuditInput): Promise<void> {
    try {
      this.tx(() => {
        this
          .st('INSERT INTO identity_keys (id, name, role, secret_hash, created_at, created_by, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
          .run(k.id, k.name, k.role, k.secretHash, k.createdAt, k.createdBy, k.expiresAt, k.revokedAt);
        this.audit(audit);
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new LotlineError('IDENTITY_EXISTS', `an active API key named ${JSON.stringify(k.name)} already exists; revoke it first or choose another name`, { cause: e });
      throw e;
    }
  }

  async getKey(id: string): Promise<KeyRecord | undefined> {
    const r = this.st('SELECT * FROM identity_keys WHERE id = ?').get(id) as KeyRow | undefined;
    return r && toKey(r);
  }

  async listKeys(): Promise<KeyRecord[]> {
    return (this.st('SELECT * FROM identity_keys ORDER BY created_at DESC, id').all() as KeyRow[]).map(toKey);
  }

  async revokeKey(id: string, time: string, audit: AuditInput): Promise<void> {
    this.tx(() => {
      this.st('UPDATE identity_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(time, id);
      this.audit(audit);
    });
  }

  async rotateKey(oldId: string, time: string, k: KeyRecord, audit: AuditInput): Promise<void> {
    this.tx(() => {
      // Revoked first: the index allows one active key per name.
      const revoked = this.st('UPDATE identity_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(time, oldId);
      if (revoked.changes !== 1) throw new LotlineError('NOT_FOUND', `the API key ${oldId} is not active any more (revoked meanwhile?); nothing changed`);
      this
        .st('INSERT INTO identity_keys (id, name, role, secret_hash, created_at, created_by, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(k.id, k.name, k.role, k.secretHash, k.createdAt, k.createdBy, k.expiresAt, k.revokedAt);
      this.audit(audit);
    });
  }

  async insertSession(s: SessionRecord): Promise<void> {
    this.st('INSERT INTO identity_sessions (token_hash, user_name, created_at, last_seen_at) VALUES (?, ?, ?, ?)').run(s.tokenHash, s.userName, s.createdAt, s.lastSeenAt);
  }

  async getSession(tokenHash: string): Promise<SessionRecord | undefined> {
    const r = this.st('SELECT * FROM identity_sessions WHERE token_hash = ?').get(tokenHash) as
      | { token_hash: string; user_name: string; created_at: string; last_seen_at: string }
      | undefined;
    return r && { tokenHash: r.token_hash, userName: r.user_name, createdAt: r.created_at, lastSeenAt: r.last_seen_at };
  }

  async touchSession(tokenHash: string, time: string): Promise<void> {
    this.st('UPDATE identity_sessions SET last_seen_at = ? WHERE token_hash = ?').run(time, tokenHash);
  }

  async deleteSession(tokenHash: string): Promise<void> {
    this.st('DELETE FROM identity_sessions WHERE token_hash = ?').run(tokenHash);
  }

  async deleteSessionsOf(userName: string): Promise<void> {
    this.st('DELETE FROM identity_sessions WHERE user_name = ?').run(userName);
  }

  async appendAudit(entry: AuditInput): Promise<void> {
    this.audit(entry);
  }

  async listAudit(afterSeq: number, limit: number): Promise<AuditEntry[]> {
    const rows = this.st('SELECT * FROM identity_audit WHERE seq > ? ORDER BY seq LIMIT ?').all(afterSeq, Math.max(0, Math.floor(limit))) as {
      seq: number;
      time: string;
      actor: string;
      origin: string | null;
      action: string;
      target: string;
      details: string | null;
    }[];
    return rows.map((r) => ({
      seq: r.seq,
      time: r.time,
      actor: r.actor,
      origin: r.origin,
      action: r.action,
      target: r.target,
      ...(r.details ? { details: JSON.parse(r.details) as Record<string, unknown> } : {}),
    }));
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
