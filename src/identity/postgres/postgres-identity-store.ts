/**
 * The identity store in PostgreSQL (`pg`): the same port as the SQLite adapter, its own tables and
 * migration list. Every change of a user or key is written in one transaction with its audit entry.
 */
import pg from 'pg';
import { LotlineError } from '../../domain/errors.js';
import type { AuditEntry, AuditInput, IdentityStore, KeyRecord, SessionRecord, UserChange, UserRecord } from '../identity-store.js';
import type { KeyRow, UserRow } from '../identity-rows.js';
import { toKey, toUser } from '../identity-rows.js';
import { migratePgTrack } from '../../store/postgres/migration-track.js';
import { PG_IDENTITY_MIGRATIONS } from './postgres-identity-migrations.js';
import type { Queryable } from '../../store/postgres/pg-transaction.js';
import { inTransaction } from '../../store/postgres/pg-transaction.js';


/** Serialises migrations of concurrent servers starting on one database. */
const MIGRATION_LOCK = 7_413_921;

export interface PostgresIdentityOptions {
  /** A schema to work in (created if missing); default: the connection's search_path. */
  readonly schema?: string;
}

/** Opens (and migrates) the identity store at a postgres:// URL. */
export async function openPostgresIdentityStore(url: string, options: PostgresIdentityOptions = {}): Promise<PostgresIdentityStore> {
  if (options.schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(options.schema)) {
    throw new LotlineError('USAGE', `the schema name ${JSON.stringify(options.schema)} must be lower-case letters, digits and _`);
  }
  const pool = new pg.Pool({ connectionString: url, max: 4, ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}) });
  try {
    await migrate(pool, options.schema);
  } catch (e) {
    await pool.end();
    if (e instanceof LotlineError) throw e;
    throw new LotlineError('STORE_UNAVAILABLE', `cannot open the identity store in PostgreSQL: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return new PostgresIdentityStore(pool);
}

function migrate(pool: pg.Pool, schema: string | undefined): Promise<void> {
  return migratePgTrack(pool, schema, { lock: MIGRATION_LOCK, metaTable: 'identity_meta', migrations: PG_IDENTITY_MIGRATIONS, what: 'identity' });
}

function isUniqueViolation(e: unknown): boolean {
  return (e as { code?: unknown }).code === '23505';
}

export class PostgresIdentityStore implements IdentityStore {
  constructor(private readonly pool: pg.Pool) {}


  private audit(c: Queryable, a: AuditInput): Promise<unknown> {
    return c.query('INSERT INTO identity_audit (time, actor, origin, action, target, details) VALUES ($1, $2, $3, $4, $5, $6)', [
      new Date().toISOString(),
      a.actor,
      a.origin,
      a.action,
      a.target,
      a.details ? JSON.stringify(a.details) : null,
    ]);
  }

  async userCount(): Promise<number> {
    return Number((await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM identity_users')).rows[0]!.n);
  }

  async getUser(name: string): Promise<UserRecord | undefined> {
    const r = (await this.pool.query<UserRow>('SELECT * FROM identity_users WHERE name = $1', [name])).rows[0];
    return r && toUser(r);
  }

  async listUsers(): Promise<UserRecord[]> {
    return (await this.pool.query<UserRow>('SELECT * FROM identity_users ORDER BY name')).rows.map(toUser);
  }

  async insertUser(u: UserRecord, audit: AuditInput): Promise<void> {
    try {
      await inTransaction(this.pool, async (c) => {
        await c.query('INSERT INTO identity_users (name, role, full_name, password_hash, created_at, failed_logins, locked_until, disabled) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
          u.name,
          u.role,
          u.fullName,
          u.passwordHash,
          u.createdAt,
          u.failedLogins,
          u.lockedUntil,
          u.disabled,
        ]);
        await this.audit(c, audit);
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
    if (change.disabled !== undefined) columns.push(['disabled', change.disabled]);
    await inTransaction(this.pool, async (c) => {
      if (columns.length > 0) {
        await c.query(`UPDATE identity_users SET ${columns.map(([col], i) => `${col} = $${i + 1}`).join(', ')} WHERE name = $${columns.length + 1}`, [...columns.map(([, v]) => v), name]);
      }
      if (audit) await this.audit(c, audit);
    });
  }

  async insertKey(k: KeyRecord, audit: AuditInput): Promise<void> {
    try {
      await inTransaction(this.pool, async (c) => {
        await insertKeyRow(c, k);
        await this.audit(c, audit);
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new LotlineError('IDENTITY_EXISTS', `an active API key named ${JSON.stringify(k.name)} already exists; revoke it first or choose another name`, { cause: e });
      throw e;
    }
  }

  async getKey(id: string): Promise<KeyRecord | undefined> {
    const r = (await this.pool.query<KeyRow>('SELECT * FROM identity_keys WHERE id = $1', [id])).rows[0];
    return r && toKey(r);
  }

  async listKeys(): Promise<KeyRecord[]> {
    return (await this.pool.query<KeyRow>('SELECT * FROM identity_keys ORDER BY created_at DESC, id')).rows.map(toKey);
  }

  async revokeKey(id: string, time: string, audit: AuditInput): Promise<void> {
    await inTransaction(this.pool, async (c) => {
      await c.query('UPDATE identity_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [time, id]);
      await this.audit(c, audit);
    });
  }

  async rotateKey(oldId: string, time: string, k: KeyRecord, audit: AuditInput): Promise<void> {
    await inTransaction(this.pool, async (c) => {
      // Revoked first: the index allows one active key per name.
      const revoked = await c.query('UPDATE identity_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [time, oldId]);
      if (revoked.rowCount !== 1) throw new LotlineError('NOT_FOUND', `the API key ${oldId} is not active any more (revoked meanwhile?); nothing changed`);
      await insertKeyRow(c, k);
      await this.audit(c, audit);
    });
  }

  async insertSession(s: SessionRecord): Promise<void> {
    await this.pool.query('INSERT INTO identity_sessions (token_hash, user_name, created_at, last_seen_at) VALUES ($1, $2, $3, $4)', [s.tokenHash, s.userName, s.createdAt, s.lastSeenAt]);
  }

  async getSession(tokenHash: string): Promise<SessionRecord | undefined> {
    const r = (await this.pool.query<{ token_hash: string; user_name: string; created_at: string; last_seen_at: string }>('SELECT * FROM identity_sessions WHERE token_hash = $1', [tokenHash])).rows[0];
    return r && { tokenHash: r.token_hash, userName: r.user_name, createdAt: r.created_at, lastSeenAt: r.last_seen_at };
  }

  async touchSession(tokenHash: string, time: string): Promise<void> {
    await this.pool.query('UPDATE identity_sessions SET last_seen_at = $1 WHERE token_hash = $2', [time, tokenHash]);
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.pool.query('DELETE FROM identity_sessions WHERE token_hash = $1', [tokenHash]);
  }

  async deleteSessionsOf(userName: string): Promise<void> {
    await this.pool.query('DELETE FROM identity_sessions WHERE user_name = $1', [userName]);
  }

  async appendAudit(entry: AuditInput): Promise<void> {
    await this.audit(this.pool, entry);
  }

  async listAudit(afterSeq: number, limit: number): Promise<AuditEntry[]> {
    const rows = (
      await this.pool.query<{ seq: string; time: string; actor: string; origin: string | null; action: string; target: string; details: string | null }>(
        'SELECT * FROM identity_audit WHERE seq > $1 ORDER BY seq LIMIT $2',
        [afterSeq, Math.max(0, Math.floor(limit))],
      )
    ).rows;
    return rows.map((r) => ({
      seq: Number(r.seq),
      time: r.time,
      actor: r.actor,
      origin: r.origin,
      action: r.action,
      target: r.target,
      ...(r.details ? { details: JSON.parse(r.details) as Record<string, unknown> } : {}),
    }));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** One API key's row, inside the caller's transaction (a new key, or the new secret of a rotated one). */
async function insertKeyRow(c: Queryable, k: KeyRecord): Promise<void> {
  await c.query('INSERT INTO identity_keys (id, name, role, secret_hash, created_at, created_by, expires_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
    k.id,
    k.name,
    k.role,
    k.secretHash,
    k.createdAt,
    k.createdBy,
    k.expiresAt,
    k.revokedAt,
  ]);
}
