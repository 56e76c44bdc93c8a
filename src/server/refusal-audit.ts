/**
 * Refused attempts in the administrative audit log (and so in the audit trail report): a change
 * refused for missing, wrong or insufficient credentials, or as a cross-site request, and any
 * request refused for its role. Who is named from what was presented, never with a secret: the
 * key's name (or the public id of an unknown key), the session's user. Failed logins are audited
 * by the login itself (`session.login_failed`, `user.lock`).
 */
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { ErrorCode } from '../domain/errors.js';
import type { IdentityStore } from '../identity/identity-store.js';
import { sha256Hex } from '../identity/secrets.js';
import { API_PREFIX, SESSION_COOKIE } from './constants.js';

const REFUSALS: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['AUTH_REQUIRED', 'AUTH_FAILED', 'FORBIDDEN', 'CSRF_REFUSED', 'SETUP_REQUIRED']);
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Entries per client address and minute by default; beyond, refusals are counted and the next entry says how many were not written. */
export const REFUSALS_PER_MINUTE = 30;

/** Whether this refusal is audited here (and not by the login, or at all). */
export function isAuditedRefusal(method: string, url: string, code: ErrorCode): boolean {
  if (!REFUSALS.has(code)) return false;
  const path = url.split('?')[0];
  // A wrong password or a locked account is audited by the login itself, with the failure count.
  if (path === `${API_PREFIX}/session` && method === 'POST' && code !== 'CSRF_REFUSED') return false;
  return WRITES.has(method) || code === 'FORBIDDEN';
}

/** Who presented what, in words fit for the audit log: `key:NAME`, `user:NAME`, `anonymous`, … */
async function whoPresented(identity: IdentityStore, req: FastifyRequest): Promise<{ actor: string; credentials: string }> {
  const auth = req.headers.authorization;
  const headerKey = req.headers['x-api-key'];
  const presented = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : typeof headerKey === 'string' ? headerKey.trim() : undefined;
  if (auth !== undefined && !auth.startsWith('Bearer ')) return { actor: 'anonymous', credentials: `an Authorization header that is not "Bearer" (${auth.split(' ')[0]!.slice(0, 20)})` };
  if (presented !== undefined) {
    // The id is the key's public part (it is in listings); the secret after it is never kept.
    const id = /^llk_([0-9a-f]{16})_/.exec(presented)?.[1];
    const key = id !== undefined ? await identity.getKey(id) : undefined;
    if (key) return { actor: `key:${key.name}`, credentials: key.revokedAt !== null ? `API key ${key.id} (revoked)` : `API key ${key.id}` };
    return { actor: 'anonymous', credentials: id !== undefined ? `unknown API key ${id}` : 'a malformed API key' };
  }
  const cookie = req.cookies[SESSION_COOKIE];
  if (cookie !== undefined) {
    const session = await identity.getSession(sha256Hex(cookie));
    return session ? { actor: `user:${session.userName}`, credentials: 'session' } : { actor: 'anonymous', credentials: 'an unknown or ended session' };
  }
  return { actor: 'anonymous', credentials: 'none' };
}

export class RefusalAudit {
  private readonly minutes = new Map<string, { minute: number; written: number; skipped: number }>();

  constructor(
    private readonly identity: IdentityStore,
    private readonly log: FastifyBaseLogger,
    private readonly perMinute: number = REFUSALS_PER_MINUTE,
  ) {}

  /** Writes the refusal to the audit log when it is one to audit; never throws (the refusal is answered anyway). */
  async record(req: FastifyRequest, code: ErrorCode, status: number): Promise<void> {
    if (!isAuditedRefusal(req.method, req.url, code)) return;
    const origin = req.ip;
    const minute = Math.floor(Date.now() / 60_000);
    let m = this.minutes.get(origin);
    if (!m || m.minute !== minute) {
      if (this.minutes.size > 10_000) this.minutes.clear();
      m = { minute, written: 0, skipped: m?.skipped ?? 0 };
      this.minutes.set(origin, m);
    }
    // A flood of refusals from one address must not flood the log: the excess is counted.
    if (m.written >= this.perMinute) {
      m.skipped++;
      return;
    }
    m.written++;
    const skipped = m.skipped;
    m.skipped = 0;
    try {
      const who = await whoPresented(this.identity, req);
      const path = req.url.split('?')[0]!;
      await this.identity.appendAudit({
        actor: who.actor,
        origin,
        action: 'access.refused',
        target: `${req.method} ${path}`,
        details: { code, status, credentials: who.credentials, ...(skipped > 0 ? { notWritten: skipped } : {}) },
      });
    } catch (e) {
      this.log.error({ err: e, code }, 'could not write a refused attempt to the audit log');
    }
  }
}
