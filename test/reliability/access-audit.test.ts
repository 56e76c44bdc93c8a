/**
 * Refused attempts in the audit trail: failed logins, and 401/403 on changes (and 403 on reads),
 * with who (from what was presented), what (method and path, the refusal's code), from where and
 * when, and no secret. An auditor reads them in the audit trail report.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { REFUSALS_PER_MINUTE } from '../../src/server/refusal-audit.js';
import { SESSION_COOKIE } from '../../src/server/constants.js';
import type { TestApi } from '../helpers/http.js';
import { PASSWORD, receive, testApi, user } from '../helpers/http.js';

interface Entry {
  readonly seq: number;
  readonly time: string;
  readonly actor: string;
  readonly origin: string | null;
  readonly action: string;
  readonly target: string;
  readonly details?: Record<string, unknown>;
}

describe('access: refused attempts in the audit trail', () => {
  let t: TestApi;
  let secrets: string[];
  let olive: string;
  beforeAll(async () => {
    t = await testApi();
    await user(t.identity, 'olive', 'operator');
    const r = await t.app.inject({ method: 'POST', url: '/api/v1/session', payload: { name: 'olive', password: PASSWORD } });
    olive = (r.headers['set-cookie'] as string).split(';')[0]!.split('=')[1]!;
    secrets = [PASSWORD, olive, ...Object.values(t.keys).map((k) => k.authorization.slice(7))];
  });
  afterAll(async () => t.close());
  afterEach(() => void vi.useRealTimers());

  const entriesAfter = async (seq: number): Promise<Entry[]> => (await t.identity.listAudit(seq, 10_000)) as Entry[];
  const lastSeq = async (): Promise<number> => (await t.identity.listAudit(0, 100_000)).at(-1)?.seq ?? 0;

  it('a role refusal (403) names the key, the route, the code and the client address, and stores nothing else', async () => {
    const since = await lastSeq();
    const head = await t.store.headSeq();
    const r = await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: t.keys.auditor, payload: receive('NO'), remoteAddress: '10.1.2.3' });
    expect(r.statusCode).toBe(403);
    expect(await t.store.headSeq()).toBe(head);
    const entries = await entriesAfter(since);
    expect(entries).toMatchObject([
      { actor: 'key:auditor-key', origin: '10.1.2.3', action: 'access.refused', target: 'POST /api/v1/events', details: { code: 'FORBIDDEN', status: 403, credentials: expect.stringMatching(/^API key [0-9a-f]{16}$/) } },
    ]);
    expect(Date.now() - Date.parse(entries[0]!.time)).toBeLessThan(60_000);
  });

  it('401 on a change: no credentials, an unknown key, a revoked key, an ended session; each says what was presented', async () => {
    const since = await lastSeq();
    const created = (await t.app.inject({ method: 'POST', url: '/api/v1/keys', headers: t.keys.admin, payload: { name: 'old-scanner', role: 'operator' } })).json() as { id: string; secret: string };
    await t.app.inject({ method: 'DELETE', url: '/api/v1/keys/old-scanner', headers: t.keys.admin });
    const unknown = 'llk_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    secrets.push(created.secret, unknown.slice(22));
    const tries = [
      {},
      { authorization: `Bearer ${unknown}` },
      { authorization: `Bearer ${created.secret}` },
      { authorization: 'Basic b2xpdmU6cGFzc3dvcmQ=' },
    ];
    for (const headers of tries) expect((await t.app.inject({ method: 'POST', url: '/api/v1/holds', headers, payload: { lots: ['urn:lotline:lot:RAW:A'], reason: 'x' } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'PATCH', url: '/api/v1/users/olive', cookies: { [SESSION_COOKIE]: 'ended-or-never-was' }, payload: { role: 'admin' } })).statusCode).toBe(401);
    const refused = (await entriesAfter(since)).filter((e) => e.action === 'access.refused');
    expect(refused.map((e) => [e.actor, e.target, e.details?.['code'], e.details?.['credentials']])).toEqual([
      ['anonymous', 'POST /api/v1/holds', 'AUTH_REQUIRED', 'none'],
      ['anonymous', 'POST /api/v1/holds', 'AUTH_FAILED', 'unknown API key 0123456789abcdef'],
      ['key:old-scanner', 'POST /api/v1/holds', 'AUTH_FAILED', `API key ${created.id} (revoked)`],
      ['anonymous', 'POST /api/v1/holds', 'AUTH_FAILED', 'an Authorization header that is not "Bearer" (Basic)'],
      ['anonymous', 'PATCH /api/v1/users/olive', 'AUTH_FAILED', 'an unknown or ended session'],
    ]);
  });

  it("a signed-in user's 403, a cross-site change and a failed login are there too; anonymous reads are not", async () => {
    const since = await lastSeq();
    await t.app.inject({ method: 'PUT', url: '/api/v1/master-data/parties/Mill', cookies: { [SESSION_COOKIE]: olive }, payload: { name: 'Mill', roles: ['supplier'] } });
    await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }, cookies: { [SESSION_COOKIE]: olive }, payload: receive('X') });
    await t.app.inject({ method: 'POST', url: '/api/v1/session', payload: { name: 'olive', password: 'a wrong guess at it' } });
    await t.app.inject({ url: '/api/v1/lots?query=A' });
    await t.app.inject({ url: '/api/v1/audit', headers: t.keys.operator });
    const got = (await entriesAfter(since)).map((e) => [e.actor, e.action, e.target, e.details?.['code'] ?? null]);
    expect(got).toEqual([
      ['user:olive', 'access.refused', 'PUT /api/v1/master-data/parties/Mill', 'FORBIDDEN'],
      ['user:olive', 'access.refused', 'POST /api/v1/events', 'CSRF_REFUSED'],
      ['user:olive', 'session.login_failed', 'user:olive', null],
      ['key:operator-key', 'access.refused', 'GET /api/v1/audit', 'FORBIDDEN'],
    ]);
  });

  it('an auditor reads the refusals in the audit trail report (JSON and CSV), by user too; no secret is in it', async () => {
    const r = await t.app.inject({ url: '/api/v1/reports/audit?format=json', headers: t.keys.auditor });
    expect(r.statusCode, r.body).toBe(200);
    const records = (r.json() as { records: { kind: string; action: string; actor: string; origin: string; subject: string; details: string; time: string }[] }).records;
    const refused = records.filter((x) => x.action === 'access.refused');
    expect(refused.length).toBeGreaterThanOrEqual(9);
    expect(refused).toContainEqual(expect.objectContaining({ kind: 'identity', actor: 'key:auditor-key', origin: '10.1.2.3', subject: 'POST /api/v1/events', details: expect.stringContaining('code: FORBIDDEN') }));
    expect(records.filter((x) => x.action === 'session.login_failed')).toContainEqual(expect.objectContaining({ actor: 'user:olive', subject: 'user:olive' }));
    const byOlive = (await t.app.inject({ url: '/api/v1/reports/audit?format=json&user=olive', headers: t.keys.auditor })).json() as { records: { action: string; details: string }[] };
    expect(byOlive.records.filter((x) => x.action === 'access.refused').map((x) => /code: (\w+)/.exec(x.details)?.[1])).toEqual(['FORBIDDEN', 'CSRF_REFUSED']);
    const csv = await t.app.inject({ url: '/api/v1/reports/audit?format=csv', headers: t.keys.auditor });
    expect(csv.body).toContain('access.refused');
    for (const text of [r.body, csv.body, JSON.stringify(await t.identity.listAudit(0, 100_000))]) {
      for (const s of secrets) expect(text).not.toContain(s);
    }
    // an operator may not read it, and that refusal is itself recorded
    expect((await t.app.inject({ url: '/api/v1/reports/audit', headers: t.keys.operator })).statusCode).toBe(403);
    expect((await t.identity.listAudit(0, 100_000)).at(-1)).toMatchObject({ action: 'access.refused', target: 'GET /api/v1/reports/audit' });
  });

  it(`a flood from one address writes at most ${REFUSALS_PER_MINUTE} entries a minute; the next entry says how many were not written`, async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2031-01-01T10:00:00Z'));
    const since = await lastSeq();
    for (let i = 0; i < REFUSALS_PER_MINUTE + 12; i++) {
      const r = await t.app.inject({ method: 'POST', url: '/api/v1/events', payload: receive('F'), remoteAddress: '10.9.9.9' });
      expect(r.statusCode).toBe(401);
    }
    // another address is not held back by the flood
    await t.app.inject({ method: 'POST', url: '/api/v1/events', payload: receive('F'), remoteAddress: '10.9.9.10' });
    expect((await entriesAfter(since)).map((e) => e.origin)).toEqual([...Array<string>(REFUSALS_PER_MINUTE).fill('10.9.9.9'), '10.9.9.10']);
    vi.setSystemTime(new Date('2031-01-01T10:01:00Z'));
    const next = await lastSeq();
    await t.app.inject({ method: 'POST', url: '/api/v1/events', payload: receive('F'), remoteAddress: '10.9.9.9' });
    expect(await entriesAfter(next)).toMatchObject([{ origin: '10.9.9.9', details: { code: 'AUTH_REQUIRED', notWritten: 12 } }]);
  });
});
