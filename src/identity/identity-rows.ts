/**
 * The user and key rows both identity adapters read (same columns in SQLite and PostgreSQL), and
 * their mapping onto the port's records: one place, so the adapters cannot drift.
 */
import type { KeyRecord, UserRecord } from './identity-store.js';
import type { Role } from './roles.js';

export interface UserRow {
  name: string;
  role: string;
  full_name: string | null;
  password_hash: string;
  created_at: string;
  failed_logins: number;
  locked_until: string | null;
  /** SQLite stores 0/1, PostgreSQL a boolean. */
  disabled: boolean | number;
}

export interface KeyRow {
  id: string;
  name: string;
  role: string;
  secret_hash: string;
  created_at: string;
  created_by: string;
  expires_at: string | null;
  revoked_at: string | null;
}

export const toUser = (r: UserRow): UserRecord => ({
  name: r.name,
  role: r.role as Role,
  fullName: r.full_name,
  passwordHash: r.password_hash,
  createdAt: r.created_at,
  failedLogins: r.failed_logins,
  lockedUntil: r.locked_until,
  disabled: r.disabled === true || r.disabled === 1,
});

export const toKey = (r: KeyRow): KeyRecord => ({
  id: r.id,
  name: r.name,
  role: r.role as Role,
  secretHash: r.secret_hash,
  createdAt: r.created_at,
  createdBy: r.created_by,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
});
