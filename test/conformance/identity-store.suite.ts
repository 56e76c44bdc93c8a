/**
 * The identity conformance suite: the same use cases (users, logins with lockout, sessions,
 * API keys, the audit log) over every IdentityStore adapter.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { IdentityPolicy } from '../../src/identity/identity-service.js';
import { addUser, authenticateKey, changeUser, createKey, DEFAULT_POLICY, login, resolveSession, revokeKey, rotateKey } from '../../src/identity/identity-service.js';
import type { IdentityStore } from '../../src/identity/identity-store.js';

const BY = { actor: 'cli:root', origin: 'cli@host' };
const PW = 'a long enough password';

export interface IdentityStoreFactory {
  /** A new, empty identity store. */
  create(): Promise<IdentityStore>;
}

export function testIdentityStore(name: string, factory: IdentityStoreFactory): void {
  const opened: IdentityStore[] = [];
  const fresh = async (): Promise<IdentityStore> => {
    const s = await factory.create();
    opened.push(s);
    return s;
  };
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
  });

  describe(`identity store conformance: ${name}`, () => {
    describe('users', () => {
      it('stores an argon2id hash, never the password, and audits the change', async () => {
        const id = await fresh();
        await addUser(id, { name: 'alice', role: 'quality', password: PW }, BY);
        const u = (await id.getUser('alice'))!;
        expect(u.passwordHash).toMatch(/^\$argon2id\$/);
        expect(u.passwordHash).not.toContain(PW);
        expect(await id.listAudit(0, 10)).toMatchObject([{ actor: 'cli:root', origin: 'cli@host', action: 'user.add', target: 'user:alice', details: { role: 'quality' } }]);
      });

      it('refuses a bad name, role or short password, naming the field; a taken name is IDENTITY_EXISTS', async () => {
        const id = await fresh();
        await expect(addUser(id, { name: 'a b', role: 'admin', password: PW }, BY)).rejects.toMatchObject({ code: 'INPUT_INVALID', issues: [{ path: '$.name' }] });
        await expect(addUser(id, { name: 'bob', role: 'boss', password: PW }, BY)).rejects.toMatchObject({ code: 'INPUT_INVALID', issues: [{ path: '$.role' }] });
        await expect(addUser(id, { name: 'bob', role: 'admin', password: 'short' }, BY)).rejects.toMatchObject({ code: 'INPUT_INVALID', issues: [{ path: '$.password' }] });
        expect(await id.userCount()).toBe(0);
        await addUser(id, { name: 'bob', role: 'admin', password: PW }, BY);
        await expect(addUser(id, { name: 'bob', role: 'operator', password: PW }, BY)).rejects.toMatchObject({ code: 'IDENTITY_EXISTS' });
        expect((await id.getUser('bob'))!.role).toBe('admin');
      });

      it('keeps a full name given at creation, sets or changes it later with an audit entry of both values, and refuses an empty one', async () => {
        const id = await fresh();
        await addUser(id, { name: 'jdoe', role: 'quality', password: PW, fullName: '  Jane   Q. Doe ' }, BY);
        await addUser(id, { name: 'rsmith', role: 'quality', password: PW }, BY);
        expect((await id.getUser('jdoe'))!.fullName).toBe('Jane Q. Doe');
        expect((await id.getUser('rsmith'))!.fullName).toBeNull();
        expect((await id.listUsers()).map((u) => [u.name, u.fullName])).toEqual([
          ['jdoe', 'Jane Q. Doe'],
          ['rsmith', null],
        ]);
        await expect(changeUser(id, 'rsmith', { fullName: '   ' }, BY)).rejects.toMatchObject({ code: 'INPUT_INVALID', issues: [{ path: '$.fullName' }] });
        await expect(addUser(id, { name: 'tab', role: 'quality', password: PW, fullName: 'Bell\u0007Name' }, BY)).rejects.toMatchObject({ code: 'INPUT_INVALID', issues: [{ path: '$.fullName' }] });
        expect((await id.getUser('rsmith'))!.fullName).toBeNull();
        const changed = await changeUser(id, 'rsmith', { fullName: 'Robert Smith' }, BY);
        expect(changed).toMatchObject({ name: 'rsmith', role: 'quality', fullName: 'Robert Smith' });
        await changeUser(id, 'jdoe', { fullName: 'Jane Q. Roe' }, BY);
        expect((await id.getUser('jdoe'))!.fullName).toBe('Jane Q. Roe');
        const audit = await id.listAudit(0, 10);
        expect(audit.map((a) => [a.action, a.target, a.details])).toEqual([
          ['user.add', 'user:jdoe', { role: 'quality', fullName: 'Jane Q. Doe' }],
          ['user.add', 'user:rsmith', { role: 'quality' }],
          ['user.change', 'user:rsmith', { fullName: { from: null, to: 'Robert Smith' } }],
          ['user.change', 'user:jdoe', { fullName: { from: 'Jane Q. Doe', to: 'Jane Q. Roe' } }],
        ]);
      });
    });

    describe('login', () => {
      it('opens a session for the right password and refuses a wrong one or an unknown user alike', async () => {
        const id = await fresh();
        await addUser(id, { name: 'alice', role: 'operator', password: PW }, BY);
        const { token } = await login(id, 'alice', PW, '10.0.0.1');
        expect(await resolveSession(id, token)).toMatchObject({ kind: 'user', name: 'alice', role: 'operator', actor: 'user:alice' });
        await expect(login(id, 'alice', 'wrong password!', '10.0.0.1')).rejects.toMatchObject({ code: 'AUTH_FAILED', message: 'wrong user name or password' });
        await expect(login(id, 'nobody', PW, '10.0.0.1')).rejects.toMatchObject({ code: 'AUTH_FAILED', message: 'wrong user name or password' });
        const actions = (await id.listAudit(0, 10)).map((a) => [a.action, a.origin]);
        expect(actions).toEqual([
          ['user.add', 'cli@host'],
          ['session.login', '10.0.0.1'],
          ['session.login_failed', '10.0.0.1'],
          ['session.login_failed', '10.0.0.1'],
        ]);
      });

      it('locks the account after repeated failures, refuses even the right password, and an admin unlocks it', async () => {
        const id = await fresh();
        const policy: IdentityPolicy = { ...DEFAULT_POLICY, maxFailedLogins: 3 };
        await addUser(id, { name: 'alice', role: 'operator', password: PW }, BY);
        await expect(login(id, 'alice', 'wrong-1', null, policy)).rejects.toMatchObject({ code: 'AUTH_FAILED' });
        await expect(login(id, 'alice', 'wrong-2', null, policy)).rejects.toMatchObject({ code: 'AUTH_FAILED' });
        await expect(login(id, 'alice', 'wrong-3', null, policy)).rejects.toMatchObject({ code: 'ACCOUNT_LOCKED' });
        await expect(login(id, 'alice', PW, null, policy)).rejects.toMatchObject({ code: 'ACCOUNT_LOCKED' });
        expect((await id.listAudit(0, 10)).map((a) => a.action)).toContain('user.lock');
        await changeUser(id, 'alice', { unlock: true }, BY);
        await expect(login(id, 'alice', PW, null, policy)).resolves.toMatchObject({ user: { name: 'alice' } });
      });

      it('a failure before the limit is forgotten after a successful login', async () => {
        const id = await fresh();
        const policy: IdentityPolicy = { ...DEFAULT_POLICY, maxFailedLogins: 2 };
        await addUser(id, { name: 'alice', role: 'operator', password: PW }, BY);
        await expect(login(id, 'alice', 'wrong', null, policy)).rejects.toMatchObject({ code: 'AUTH_FAILED' });
        await login(id, 'alice', PW, null, policy);
        await expect(login(id, 'alice', 'wrong', null, policy)).rejects.toMatchObject({ code: 'AUTH_FAILED' });
      });
    });

    describe('sessions', () => {
      it('end after the idle timeout, after the maximum age, and when the password or role changes', async () => {
        const id = await fresh();
        await addUser(id, { name: 'alice', role: 'operator', password: PW }, BY);
        const idle = await login(id, 'alice', PW, null);
        const { sha256Hex } = await import('../../src/identity/secrets.js');
        // The clock is not waited on: the session's last activity is moved back instead.
        await id.touchSession(sha256Hex(idle.token), new Date(Date.now() - DEFAULT_POLICY.sessionIdleMs - 1000).toISOString());
        await expect(resolveSession(id, idle.token)).rejects.toMatchObject({ code: 'AUTH_FAILED', message: 'the session has expired; sign in again' });
        await expect(resolveSession(id, idle.token)).rejects.toMatchObject({ message: 'the session is unknown or has ended; sign in again' });

        const recent = await login(id, 'alice', PW, null);
        await expect(resolveSession(id, recent.token, { ...DEFAULT_POLICY, sessionMaxMs: -1 })).rejects.toMatchObject({ code: 'AUTH_FAILED' });

        const changed = await login(id, 'alice', PW, null);
        await changeUser(id, 'alice', { role: 'quality' }, BY);
        await expect(resolveSession(id, changed.token)).rejects.toMatchObject({ code: 'AUTH_FAILED' });
      });

      it('of a disabled user are refused, and so is a login', async () => {
        const id = await fresh();
        await addUser(id, { name: 'alice', role: 'operator', password: PW }, BY);
        await changeUser(id, 'alice', { disabled: true }, BY);
        await expect(login(id, 'alice', PW, null)).rejects.toMatchObject({ code: 'AUTH_FAILED', message: expect.stringContaining('disabled') });
      });
    });

    describe('API keys', () => {
      it('are shown once, stored as a digest, authenticate with their role, and stop when revoked', async () => {
        const id = await fresh();
        const { secret, key } = await createKey(id, { name: 'scanner-1', role: 'operator' }, BY);
        expect(secret).toMatch(/^llk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
        const stored = (await id.getKey(key.id))!;
        expect(stored.secretHash).toMatch(/^[0-9a-f]{64}$/);
        expect(JSON.stringify(stored)).not.toContain(secret.split('_').slice(2).join('_'));
        expect(await authenticateKey(id, secret)).toMatchObject({ kind: 'key', name: 'scanner-1', role: 'operator', actor: 'key:scanner-1', keyId: key.id });
        await expect(authenticateKey(id, `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`)).rejects.toMatchObject({ code: 'AUTH_FAILED', message: 'the API key is not valid' });
        await expect(authenticateKey(id, 'nonsense')).rejects.toMatchObject({ code: 'AUTH_FAILED' });
        await expect(createKey(id, { name: 'scanner-1', role: 'operator' }, BY)).rejects.toMatchObject({ code: 'IDENTITY_EXISTS' });
        await revokeKey(id, 'scanner-1', BY);
        await expect(authenticateKey(id, secret)).rejects.toMatchObject({ code: 'AUTH_FAILED', message: expect.stringContaining('revoked') });
        // A revoked name may be reused by a new key.
        await createKey(id, { name: 'scanner-1', role: 'operator' }, BY);
        expect((await id.listAudit(0, 10)).map((a) => a.action)).toEqual(['key.create', 'key.revoke', 'key.create']);
      });

      it('expire at their expiry, and an expiry must be a future date', async () => {
        const id = await fresh();
        await expect(createKey(id, { name: 'k', role: 'operator', expiresAt: '2020-01-01' }, BY)).rejects.toMatchObject({ code: 'INPUT_INVALID', issues: [{ path: '$.expiresAt' }] });
        await expect(createKey(id, { name: 'k', role: 'operator', expiresAt: 'tomorrow' }, BY)).rejects.toMatchObject({ code: 'INPUT_INVALID' });
        const { secret, key } = await createKey(id, { name: 'k', role: 'auditor', expiresAt: '2999-01-01' }, BY);
        expect(key.expiresAt).toBe('2999-01-01T00:00:00.000Z');
        await authenticateKey(id, secret);
        // An expired key (written as if created long ago) is refused.
        await id.insertKey({ ...key, id: 'ffffffffffffffff', name: 'old', expiresAt: '2020-01-01T00:00:00.000Z' }, { actor: 'test', origin: null, action: 'key.create', target: 'key:old' });
        await expect(authenticateKey(id, `llk_ffffffffffffffff_${secret.split('_').slice(2).join('_')}`)).rejects.toMatchObject({ code: 'AUTH_FAILED', message: expect.stringContaining('expired') });
      });

      it('rotate: a new secret with the same name, role and expiry, the old one refused at once, in one audited transaction', async () => {
        const id = await fresh();
        const first = await createKey(id, { name: 'erp', role: 'quality', expiresAt: '2999-01-01' }, BY);
        const rotated = await rotateKey(id, 'erp', { actor: 'user:root', origin: '10.0.0.1' });
        expect(rotated.secret).not.toBe(first.secret);
        expect(rotated.key).toMatchObject({ name: 'erp', role: 'quality', expiresAt: '2999-01-01T00:00:00.000Z', revokedAt: null, createdBy: 'user:root' });
        expect(rotated.key.id).not.toBe(first.key.id);
        expect(await authenticateKey(id, rotated.secret)).toMatchObject({ name: 'erp', role: 'quality', keyId: rotated.key.id });
        await expect(authenticateKey(id, first.secret)).rejects.toMatchObject({ code: 'AUTH_FAILED', message: expect.stringContaining('revoked') });
        expect((await id.listKeys()).filter((k) => k.revokedAt === null).map((k) => k.id)).toEqual([rotated.key.id]);
        const entry = (await id.listAudit(0, 10)).at(-1)!;
        expect(entry).toMatchObject({ actor: 'user:root', origin: '10.0.0.1', action: 'key.rotate', target: 'key:erp', details: { id: rotated.key.id, previousId: first.key.id } });
        expect(JSON.stringify(entry)).not.toContain(rotated.secret.split('_')[2]);
        // by id too; an unknown, revoked or expired key is NOT_FOUND and changes nothing
        await rotateKey(id, rotated.key.id, BY);
        await expect(rotateKey(id, 'nope', BY)).rejects.toMatchObject({ code: 'NOT_FOUND' });
        await expect(rotateKey(id, first.key.id, BY)).rejects.toMatchObject({ code: 'NOT_FOUND' });
        await id.insertKey({ ...first.key, id: 'eeeeeeeeeeeeeeee', name: 'stale', expiresAt: '2020-01-01T00:00:00.000Z' }, { actor: 'test', origin: null, action: 'key.create', target: 'key:stale' });
        const before = await id.listKeys();
        await expect(rotateKey(id, 'stale', BY)).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('expired') });
        // the port itself refuses to rotate a key that is no longer active, and writes nothing
        await expect(id.rotateKey(first.key.id, new Date().toISOString(), { ...first.key, id: 'dddddddddddddddd' }, { actor: 'test', origin: null, action: 'key.rotate', target: 'key:erp' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
        expect(await id.listKeys()).toEqual(before);
      });

      it('rotate: two rotations at once leave exactly one active key', async () => {
        const id = await fresh();
        await createKey(id, { name: 'line-3', role: 'operator' }, BY);
        const results = await Promise.allSettled([rotateKey(id, 'line-3', BY), rotateKey(id, 'line-3', BY)]);
        expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThanOrEqual(1);
        for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'NOT_FOUND' });
        const active = (await id.listKeys()).filter((k) => k.name === 'line-3' && k.revokedAt === null);
        expect(active).toHaveLength(1);
        const winner = results.find((r): r is PromiseFulfilledResult<Awaited<ReturnType<typeof rotateKey>>> => r.status === 'fulfilled' && r.value.key.id === active[0]!.id);
        expect(winner).toBeDefined();
      });
    });
  });
}
