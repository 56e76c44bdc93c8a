/**
 * API-key rotation, over HTTP and from the CLI: a new secret under the same name and role, the old
 * one refused from the next request, the rotation in the audit log with both key ids and no secret.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openIdentityStore } from '../../src/main.js';
import { authenticateKey } from '../../src/identity/identity-service.js';
import { cli, cliJson, tempDb } from '../helpers/cli.js';
import type { TestApi } from '../helpers/http.js';
import { receive, testApi } from '../helpers/http.js';

describe('access: API-key rotation over HTTP', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await testApi();
  });
  afterAll(async () => t.close());

  const create = async (name: string) =>
    (await t.app.inject({ method: 'POST', url: '/api/v1/keys', headers: t.keys.admin, payload: { name, role: 'operator' } })).json() as { id: string; secret: string };

  it('gives a new secret that works with the same role; the old one is refused at once', async () => {
    const old = await create('scanner-7');
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: { authorization: `Bearer ${old.secret}` }, payload: receive('K1') })).statusCode).toBe(201);
    const r = await t.app.inject({ method: 'POST', url: '/api/v1/keys/scanner-7/rotate', headers: t.keys.admin });
    expect(r.statusCode, r.body).toBe(201);
    const body = r.json() as { id: string; name: string; role: string; status: string; secret: string; previous: { id: string; status: string; revokedAt: string } };
    expect(body).toMatchObject({ name: 'scanner-7', role: 'operator', status: 'active', previous: { id: old.id, status: 'revoked' } });
    expect(body.id).not.toBe(old.id);
    expect(body.secret).toMatch(new RegExp(`^llk_${body.id}_[A-Za-z0-9_-]{43}$`));
    const before = await t.store.headSeq();
    const refused = await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: { authorization: `Bearer ${old.secret}` }, payload: receive('K2') });
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ code: 'AUTH_FAILED', detail: expect.stringContaining('revoked') });
    expect(await t.store.headSeq()).toBe(before);
    const fresh = await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: { authorization: `Bearer ${body.secret}` }, payload: receive('K3') });
    expect(fresh.statusCode, fresh.body).toBe(201);
    // the event is attributed to the same name as before the rotation
    const events = (await t.app.inject({ url: `/api/v1/lots/${encodeURIComponent('urn:lotline:lot:RAW:K3')}/events`, headers: t.keys.auditor })).body;
    expect(events).toContain('key:scanner-7');
    const audit = (await t.app.inject({ url: '/api/v1/audit?limit=1000', headers: t.keys.auditor })).json() as { entries: { action: string; target: string; details?: Record<string, unknown> }[] };
    const entry = audit.entries.find((e) => e.action === 'key.rotate');
    expect(entry).toMatchObject({ target: 'key:scanner-7', details: { id: body.id, previousId: old.id } });
    expect(JSON.stringify(audit)).not.toContain(body.secret.slice(22));
  });

  it('a name without an active key is 404 NOT_FOUND, and nothing changes', async () => {
    await create('gone');
    await t.app.inject({ method: 'DELETE', url: '/api/v1/keys/gone', headers: t.keys.admin });
    const keys = await t.identity.listKeys();
    for (const name of ['gone', 'never-was']) {
      const r = await t.app.inject({ method: 'POST', url: `/api/v1/keys/${name}/rotate`, headers: t.keys.admin });
      expect(r.statusCode).toBe(404);
      expect(r.json()).toMatchObject({ code: 'NOT_FOUND', detail: expect.stringContaining(name) });
    }
    expect(await t.identity.listKeys()).toEqual(keys);
  });

  it('only an admin may rotate (a key may not rotate itself into a new secret)', async () => {
    const keys = await t.identity.listKeys();
    const r = await t.app.inject({ method: 'POST', url: '/api/v1/keys/operator-key/rotate', headers: t.keys.operator });
    expect(r.statusCode).toBe(403);
    expect(r.json()).toMatchObject({ code: 'FORBIDDEN' });
    expect(await t.identity.listKeys()).toEqual(keys);
  });
});

describe('access: lotline key rotate', () => {
  it('prints the new secret once on stdout; the old secret stops working; --json has the new id', async () => {
    const db = tempDb();
    const created = await cli('key', 'create', 'erp', '--role', 'quality', '--db', db);
    const old = created.stdout.trim();
    const r = await cli('key', 'rotate', 'erp', '--db', db);
    expect(r.code, r.stderr).toBe(0);
    const secret = r.stdout.trim();
    expect(secret).toMatch(/^llk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(secret).not.toBe(old);
    expect(r.stderr).toContain('the old secret no longer works');
    expect(r.stderr).not.toContain(secret);
    const again = await cliJson<{ id: string; name: string; secret: string }>('key', 'rotate', 'erp', '--db', db);
    expect(again).toMatchObject({ name: 'erp', role: 'quality', status: 'active' });
    const id = await openIdentityStore(db);
    try {
      await expect(authenticateKey(id, old)).rejects.toMatchObject({ code: 'AUTH_FAILED' });
      await expect(authenticateKey(id, secret)).rejects.toMatchObject({ code: 'AUTH_FAILED' });
      await expect(authenticateKey(id, again.secret)).resolves.toMatchObject({ name: 'erp', role: 'quality' });
      expect((await id.listAudit(0, 10)).map((a) => a.action)).toEqual(['key.create', 'key.rotate', 'key.rotate']);
    } finally {
      await id.close();
    }
  });

  it('an unknown name exits 1 with NOT_FOUND; no NAME is a usage error (exit 2)', async () => {
    const db = tempDb();
    const r = await cli('key', 'rotate', 'nope', '--db', db);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('NOT_FOUND: no active API key named "nope"');
    const u = await cli('key', 'rotate', '--db', db);
    expect(u.code).toBe(2);
    expect(u.stderr).toContain("'lotline key rotate' needs a NAME");
  });
});
