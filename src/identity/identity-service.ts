/**
 * The identity use cases: accounts, logins with lockout, browser sessions with an idle timeout,
 * and API keys (shown once, stored as digests). Functions over the IdentityStore port; the
 * HTTP server and the CLI call the same ones.
 */
import { LotlineError } from '../domain/errors.js';
import type { AuditInput, IdentityStore, KeyRecord, UserRecord } from './identity-store.js';
import type { Role } from './roles.js';
import { isRole, ROLES } from './roles.js';
import { decoyHash, hashPassword, MIN_PASSWORD_LENGTH, randomHex, randomToken, sameDigest, sha256Hex, verifyPassword } from './secrets.js';

/** Who is acting: a signed-in user or an API key. `actor` is what the audit trail records. */
export interface Principal {
  /** `anonymous`: a server with no account yet lets anyone read, and nobody write. */
  readonly kind: 'user' | 'key' | 'anonymous';
  readonly name: string;
  readonly role: Role;
  /** `user:NAME` or `key:NAME`. */
  readonly actor: string;
  /** For keys: the public id (rate limits are per key). */
  readonly keyId?: string;
}

/** Who makes an administrative change and from where (the CLI passes `cli:OS-USER`, `cli@HOST`). */
export interface ChangeContext {
  readonly actor: string;
  readonly origin?: string | null;
}

export interface IdentityPolicy {
  /** Failed logins in a row before the account locks. */
  readonly maxFailedLogins: number;
  readonly lockMs: number;
  /** A session unused this long is over. */
  readonly sessionIdleMs: number;
  /** A session is over this long after login, used or not. */
  readonly sessionMaxMs: number;
}

export const DEFAULT_POLICY: IdentityPolicy = {
  maxFailedLogins: 5,
  lockMs: 15 * 60_000,
  sessionIdleMs: 30 * 60_000,
  sessionMaxMs: 12 * 3600_000,
};

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

function invalid(path: string, reason: string): LotlineError {
  return new LotlineError('INPUT_INVALID', `${path.replace(/^\$\./, '')} ${reason}`, { issues: [{ path, reason }] });
}

export function checkName(name: string, path = '$.name'): string {
  if (!NAME.test(name)) throw invalid(path, 'must be 1 to 64 letters, digits, ".", "_", "@" or "-", starting with a letter or digit');
  return name;
}

export function checkRole(role: unknown, path = '$.role'): Role {
  if (!isRole(role)) throw invalid(path, `must be one of ${ROLES.join(', ')}${role === undefined ? '' : ` (got ${JSON.stringify(role)})`}`);
  return role;
}

export function checkPassword(password: string, path = '$.password'): string {
  if (password.length < MIN_PASSWORD_LENGTH) throw invalid(path, `must be at least ${MIN_PASSWORD_LENGTH} characters long`);
  if (password.length > 1024) throw invalid(path, 'must be at most 1024 characters long');
  return password;
}

/**
 * A full name as printed with signatures: what a person reads as a name, trimmed, inner spaces
 * single. Control characters are refused (they would break the printed record).
 */
export function checkFullName(fullName: string, path = '$.fullName'): string {
  const v = fullName.trim().replace(/\s+/g, ' ');
  if (v === '') throw invalid(path, 'must not be empty: give the person\'s full name, e.g. "Jane Q. Doe"');
  if (v.length > 200) throw invalid(path, 'must be at most 200 characters long');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(v)) throw invalid(path, 'must not contain control characters');
  return v;
}

const audit = (by: ChangeContext, action: string, target: string, details?: Record<string, unknown>): AuditInput => ({
  actor: by.actor,
  origin: by.origin ?? null,
  action,
  target,
  ...(details ? { details } : {}),
});

/** The public view of a user (no hash). */
export function userView(u: UserRecord, now = Date.now()) {
  return { name: u.name, role: u.role, fullName: u.fullName, createdAt: u.createdAt, disabled: u.disabled, locked: u.lockedUntil !== null && Date.parse(u.lockedUntil) > now, lockedUntil: u.lockedUntil };
}

/** The public view of a key (no secret, no digest). */
export function keyView(k: KeyRecord, now = Date.now()) {
  const status = k.revokedAt !== null ? 'revoked' : k.expiresAt !== null && Date.parse(k.expiresAt) <= now ? 'expired' : 'active';
  return { id: k.id, name: k.name, role: k.role, createdAt: k.createdAt, createdBy: k.createdBy, expiresAt: k.expiresAt, revokedAt: k.revokedAt, status };
}

export async function addUser(store: IdentityStore, input: { name: string; role: unknown; password: string; fullName?: string | undefined }, by: ChangeContext): Promise<UserRecord> {
  const name = checkName(input.name);
  const role = checkRole(input.role);
  const fullName = input.fullName === undefined ? null : checkFullName(input.fullName);
  checkPassword(input.password);
  const user: UserRecord = { name, role, fullName, passwordHash: await hashPassword(input.password), createdAt: new Date().toISOString(), failedLogins: 0, lockedUntil: null, disabled: false };
  await store.insertUser(user, audit(by, 'user.add', `user:${name}`, { role, ...(fullName !== null ? { fullName } : {}) }));
  return user;
}

export async function changeUser(
  store: IdentityStore,
  name: string,
  change: { role?: unknown; fullName?: string | undefined; password?: string | undefined; disabled?: boolean | undefined; unlock?: boolean | undefined },
  by: ChangeContext,
): Promise<UserRecord> {
  const user = await store.getUser(name);
  if (!user) throw new LotlineError('NOT_FOUND', `no user named ${JSON.stringify(name)}`);
  const role = change.role === undefined ? undefined : checkRole(change.role);
  // Signatures already made keep the name they were signed with (it is inside the signed event).
  const fullName = change.fullName === undefined ? undefined : checkFullName(change.fullName);
  const passwordHash = change.password === undefined ? undefined : await hashPassword(checkPassword(change.password));
  const unlock = change.unlock === true ? { failedLogins: 0, lockedUntil: null } : {};
  await store.updateUser(
    name,
    { ...(role !== undefined ? { role } : {}), ...(fullName !== undefined ? { fullName } : {}), ...(passwordHash !== undefined ? { passwordHash } : {}), ...(change.disabled !== undefined ? { disabled: change.disabled } : {}), ...unlock },
    audit(by, 'user.change', `user:${name}`, {
      ...(role !== undefined ? { role } : {}),
      ...(fullName !== undefined ? { fullName: { from: user.fullName, to: fullName } } : {}),
      ...(passwordHash !== undefined ? { password: 'changed' } : {}),
      ...(change.disabled !== undefined ? { disabled: change.disabled } : {}),
      ...(change.unlock === true ? { unlocked: true } : {}),
    }),
  );
  // A new role, a new password or a disabled account takes effect now, not at the next login.
  if (role !== undefined || passwordHash !== undefined || change.disabled === true) await store.deleteSessionsOf(name);
  return (await store.getUser(name))!;
}

/**
 * Re-authentication for an electronic signature (21 CFR Part 11 §11.200): the signer types the
 * password again. A wrong one counts towards the lock exactly like a failed login.
 */
export async function reauthenticate(store: IdentityStore, name: string, password: string, origin: string | null, policy: IdentityPolicy = DEFAULT_POLICY): Promise<UserRecord> {
  const user = await checkPasswordOf(store, name, password, origin, policy);
  await store.updateUser(name, { failedLogins: 0, lockedUntil: null }, { actor: `user:${name}`, origin, action: 'signature.reauthenticated', target: `user:${name}` });
  return user;
}

async function checkPasswordOf(store: IdentityStore, name: string, password: string, origin: string | null, policy: IdentityPolicy): Promise<UserRecord> {
  const user = await store.getUser(name);
  const now = Date.now();
  if (!user) {
    await verifyPassword(await decoyHash(), password);
    await store.appendAudit({ actor: `user:${name}`, origin, action: 'session.login_failed', target: `user:${name}`, details: { reason: 'unknown user' } });
    throw new LotlineError('AUTH_FAILED', 'wrong user name or password');
  }
  if (user.lockedUntil !== null && Date.parse(user.lockedUntil) > now) {
    throw new LotlineError('ACCOUNT_LOCKED', `the account ${name} is locked after ${policy.maxFailedLogins} failed logins until ${user.lockedUntil}; wait, or ask an administrator to unlock it ('lotline user unlock ${name}')`);
  }
  if (!(await verifyPassword(user.passwordHash, password)) || user.disabled) {
    const failed = user.failedLogins + 1;
    const lock = failed >= policy.maxFailedLogins ? new Date(now + policy.lockMs).toISOString() : null;
    await store.updateUser(name, { failedLogins: lock ? 0 : failed, lockedUntil: lock }, {
      actor: `user:${name}`,
      origin,
      action: lock ? 'user.lock' : 'session.login_failed',
      target: `user:${name}`,
      details: { failedLogins: failed, ...(user.disabled ? { reason: 'disabled' } : {}) },
    });
    if (lock) throw new LotlineError('ACCOUNT_LOCKED', `too many failed logins: the account ${name} is locked until ${lock}; wait, or ask an administrator to unlock it`);
    throw new LotlineError('AUTH_FAILED', user.disabled ? `the account ${name} is disabled; ask an administrator` : 'wrong user name or password');
  }
  return user;
}

/**
 * Checks a name and password; on success opens a session and returns its token (for the cookie).
 * Failures count towards a lock; a locked account is refused even with the right password.
 */
export async function login(
  store: IdentityStore,
  name: string,
  password: string,
  origin: string | null,
  policy: IdentityPolicy = DEFAULT_POLICY,
): Promise<{ token: string; user: UserRecord }> {
  const user = await checkPasswordOf(store, name, password, origin, policy);
  const now = Date.now();
  const token = randomToken();
  const at = new Date(now).toISOString();
  await store.insertSession({ tokenHash: sha256Hex(token), userName: name, createdAt: at, lastSeenAt: at });
  await store.updateUser(name, { failedLogins: 0, lockedUntil: null }, { actor: `user:${name}`, origin, action: 'session.login', target: `user:${name}` });
  return { token, user };
}

/** The user behind a session cookie, or AUTH_FAILED when the session is unknown, idle too long or too old. */
export async function resolveSession(store: IdentityStore, token: string, policy: IdentityPolicy = DEFAULT_POLICY): Promise<Principal> {
  const tokenHash = sha256Hex(token);
  const session = await store.getSession(tokenHash);
  if (!session) throw new LotlineError('AUTH_FAILED', 'the session is unknown or has ended; sign in again');
  const now = Date.now();
  if (now - Date.parse(session.lastSeenAt) > policy.sessionIdleMs || now - Date.parse(session.createdAt) > policy.sessionMaxMs) {
    await store.deleteSession(tokenHash);
    throw new LotlineError('AUTH_FAILED', 'the session has expired; sign in again');
  }
  const user = await store.getUser(session.userName);
  if (!user || user.disabled) {
    await store.deleteSession(tokenHash);
    throw new LotlineError('AUTH_FAILED', 'the account of this session is disabled; ask an administrator');
  }
  // One write per minute at most: the idle clock does not need millisecond precision.
  if (now - Date.parse(session.lastSeenAt) > 60_000) await store.touchSession(tokenHash, new Date(now).toISOString());
  return { kind: 'user', name: user.name, role: user.role, actor: `user:${user.name}` };
}

export async function logout(store: IdentityStore, token: string): Promise<void> {
  await store.deleteSession(sha256Hex(token));
}

const KEY_FORM = /^llk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** Creates an API key; the returned `secret` is the only time the full key is seen. */
export async function createKey(
  store: IdentityStore,
  input: { name: string; role: unknown; expiresAt?: string | null },
  by: ChangeContext,
): Promise<{ secret: string; key: KeyRecord }> {
  const name = checkName(input.name);
  const role = checkRole(input.role);
  let expiresAt: string | null = null;
  if (input.expiresAt !== undefined && input.expiresAt !== null) {
    const ms = Date.parse(input.expiresAt);
    if (!/^\d{4}-\d{2}-\d{2}/.test(input.expiresAt) || Number.isNaN(ms)) throw invalid('$.expiresAt', 'must be a date or date-time such as 2027-01-31 or 2027-01-31T18:00:00Z');
    if (ms <= Date.now()) throw invalid('$.expiresAt', 'must be in the future');
    expiresAt = new Date(ms).toISOString();
  }
  const id = randomHex(8);
  const secretPart = randomToken(32);
  const key: KeyRecord = { id, name, role, secretHash: sha256Hex(secretPart), createdAt: new Date().toISOString(), createdBy: by.actor, expiresAt, revokedAt: null };
  await store.insertKey(key, audit(by, 'key.create', `key:${name}`, { id, role, expiresAt }));
  return { secret: `llk_${id}_${secretPart}`, key };
}

/** The key behind a presented secret, or AUTH_FAILED (unknown, wrong, revoked or expired: said apart, the secret never echoed). */
export async function authenticateKey(store: IdentityStore, presented: string): Promise<Principal> {
  const m = KEY_FORM.exec(presented);
  if (!m) throw new LotlineError('AUTH_FAILED', 'the API key is not in the form llk_<id>_<secret>; copy it whole from `lotline key create`');
  const key = await store.getKey(m[1]!);
  if (!key || !sameDigest(key.secretHash, sha256Hex(m[2]!))) throw new LotlineError('AUTH_FAILED', 'the API key is not valid');
  if (key.revokedAt !== null) throw new LotlineError('AUTH_FAILED', `the API key ${key.name} was revoked at ${key.revokedAt}`);
  if (key.expiresAt !== null && Date.parse(key.expiresAt) <= Date.now()) throw new LotlineError('AUTH_FAILED', `the API key ${key.name} expired at ${key.expiresAt}`);
  return { kind: 'key', name: key.name, role: key.role, actor: `key:${key.name}`, keyId: key.id };
}

/** Revokes the active key with this name (or this id). */
export async function revokeKey(store: IdentityStore, nameOrId: string, by: ChangeContext): Promise<KeyRecord> {
  const keys = await store.listKeys();
  const key = keys.find((k) => k.revokedAt === null && (k.name === nameOrId || k.id === nameOrId));
  if (!key) throw new LotlineError('NOT_FOUND', `no active API key named ${JSON.stringify(nameOrId)}`);
  const at = new Date().toISOString();
  await store.revokeKey(key.id, at, audit(by, 'key.revoke', `key:${key.name}`, { id: key.id }));
  return { ...key, revokedAt: at };
}

/**
 * Rotates an API key: a new secret under the same name, role and expiry, and the old secret stops
 * working at once (no grace period: one active key per name, so that a name in the audit trail
 * means one key at a time). Install the new secret, then rotate; or create a second key under
 * another name first when the client cannot be switched at the same moment (docs/api.md).
 */
export async function rotateKey(store: IdentityStore, nameOrId: string, by: ChangeContext): Promise<{ secret: string; key: KeyRecord; previous: KeyRecord }> {
  const keys = await store.listKeys();
  const old = keys.find((k) => k.revokedAt === null && (k.name === nameOrId || k.id === nameOrId));
  if (!old) throw new LotlineError('NOT_FOUND', `no active API key named ${JSON.stringify(nameOrId)}`);
  if (old.expiresAt !== null && Date.parse(old.expiresAt) <= Date.now()) {
    // An expired key is not active: a rotation would keep its expiry, so it is refused like an unknown name.
    throw new LotlineError('NOT_FOUND', `no active API key named ${JSON.stringify(nameOrId)}: ${old.name} expired at ${old.expiresAt}; revoke it and create a new one ('lotline key revoke ${old.name}', then 'lotline key create ${old.name} --role ${old.role}')`);
  }
  const id = randomHex(8);
  const secretPart = randomToken(32);
  const at = new Date().toISOString();
  const key: KeyRecord = { id, name: old.name, role: old.role, secretHash: sha256Hex(secretPart), createdAt: at, createdBy: by.actor, expiresAt: old.expiresAt, revokedAt: null };
  await store.rotateKey(old.id, at, key, audit(by, 'key.rotate', `key:${old.name}`, { id, previousId: old.id, role: old.role, expiresAt: old.expiresAt }));
  return { secret: `llk_${id}_${secretPart}`, key, previous: { ...old, revokedAt: at } };
}
