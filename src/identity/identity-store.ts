/**
 * The identity port: users, browser sessions, API keys and the administrative audit log.
 * Secrets never reach it in clear: passwords arrive as argon2 hashes, session tokens and key
 * secrets as SHA-256 digests. Every change of a user or key is written together with its audit entry.
 */
import type { Role } from './roles.js';

export interface UserRecord {
  readonly name: string;
  readonly role: Role;
  /** The signer's full name, printed with each electronic signature (21 CFR 11.50); null until set. */
  readonly fullName: string | null;
  /** argon2id PHC string. */
  readonly passwordHash: string;
  readonly createdAt: string;
  readonly failedLogins: number;
  /** Logins are refused until this instant (ISO), after too many failures. */
  readonly lockedUntil: string | null;
  readonly disabled: boolean;
}

export interface KeyRecord {
  /** Public part of the key, shown in listings: `llk_<id>_…`. */
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  /** SHA-256 (hex) of the secret part. */
  readonly secretHash: string;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
}

export interface SessionRecord {
  /** SHA-256 (hex) of the cookie's token. */
  readonly tokenHash: string;
  readonly userName: string;
  readonly createdAt: string;
  readonly lastSeenAt: string;
}

/** One administrative change: who, from where, what, on what. */
export interface AuditInput {
  readonly actor: string;
  readonly origin: string | null;
  /** `user.add`, `user.change`, `user.unlock`, `user.lock`, `key.create`, `key.revoke`, `key.rotate`, `session.login`, `session.login_failed`, `access.refused`. */
  readonly action: string;
  readonly target: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface AuditEntry extends AuditInput {
  readonly seq: number;
  readonly time: string;
}

export type UserChange = Partial<Pick<UserRecord, 'role' | 'fullName' | 'passwordHash' | 'failedLogins' | 'lockedUntil' | 'disabled'>>;

export interface IdentityStore {
  /** How many users exist (a server with none refuses writes). */
  userCount(): Promise<number>;
  /** The user of that name, if any. */
  getUser(name: string): Promise<UserRecord | undefined>;
  /** Every user, by name. */
  listUsers(): Promise<UserRecord[]>;
  /** Adds a user; IDENTITY_EXISTS when the name is taken. */
  insertUser(user: UserRecord, audit: AuditInput): Promise<void>;
  /** Changes a user's fields (audit: null for bookkeeping such as a failed-login count, which is audited by its caller). */
  updateUser(name: string, change: UserChange, audit: AuditInput | null): Promise<void>;
  /** Adds a key; IDENTITY_EXISTS when an active key has the name. */
  insertKey(key: KeyRecord, audit: AuditInput): Promise<void>;
  /** The key with this public id. */
  getKey(id: string): Promise<KeyRecord | undefined>;
  /** Every key, revoked ones included, newest first. */
  listKeys(): Promise<KeyRecord[]>;
  /** Marks a key revoked at `time`. */
  revokeKey(id: string, time: string, audit: AuditInput): Promise<void>;
  /** Revokes the key `oldId` at `time` and adds `next` (same name) in one transaction: never both keys active, never none. */
  rotateKey(oldId: string, time: string, next: KeyRecord, audit: AuditInput): Promise<void>;
  /** Stores a new session. */
  insertSession(session: SessionRecord): Promise<void>;
  /** The session with this token digest. */
  getSession(tokenHash: string): Promise<SessionRecord | undefined>;
  /** Records activity on a session (idle timeout). */
  touchSession(tokenHash: string, time: string): Promise<void>;
  /** Ends one session. */
  deleteSession(tokenHash: string): Promise<void>;
  /** Ends every session of a user (password or role change, disabling). */
  deleteSessionsOf(userName: string): Promise<void>;
  /** Writes an audit entry on its own (logins). */
  appendAudit(entry: AuditInput): Promise<void>;
  /** Audit entries after `afterSeq`, oldest first, at most `limit`. */
  listAudit(afterSeq: number, limit: number): Promise<AuditEntry[]>;
  /** Releases the connection. */
  close(): Promise<void>;
}
