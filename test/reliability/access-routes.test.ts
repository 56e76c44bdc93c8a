/**
 * Route by route, from the OpenAPI document the server serves: every operation in it must be in
 * the table below (and every row of the table in it), and each is then called by every role, with
 * an API key and with a browser session, and with no credentials. A refused call is exactly
 * 401 AUTH_REQUIRED (nobody) or 403 FORBIDDEN (a role), stores nothing, and is in the audit log
 * when it is a change or a 403; an allowed one passes authorization (whatever its body then earns).
 *
 * The table is written by hand, from docs/api.md#roles, not derived from ROLE_PERMISSIONS or from
 * the routes: a route whose permission changes, or a new route, fails here until a person says who
 * may call it. (test/e2e/http-roles.test.ts calls the same routes with real bodies.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/identity/roles.js';
import { ROLES } from '../../src/identity/roles.js';
import type { TestApi } from '../helpers/http.js';
import { PASSWORD, testApi, user } from '../helpers/http.js';

const O: Role = 'operator';
const Q: Role = 'quality';
const A: Role = 'auditor';
const D: Role = 'admin';
const ALL = [O, Q, A, D] as const;

/** Who may call each operation: `public` (anyone, no credentials needed) or the roles that may. */
const TABLE: Readonly<Record<string, 'public' | readonly Role[]>> = {
  'POST /api/v1/session': 'public',
  'GET /api/v1/session': ALL,
  'DELETE /api/v1/session': 'public',
  'GET /api/v1/users': [A, D],
  'POST /api/v1/users': [D],
  'PATCH /api/v1/users/{name}': [D],
  'GET /api/v1/keys': [A, D],
  'POST /api/v1/keys': [D],
  'DELETE /api/v1/keys/{name}': [D],
  'POST /api/v1/keys/{name}/rotate': [D],
  'GET /api/v1/audit': [A, D],
  'POST /api/v1/events': [O, Q],
  'GET /api/v1/events/{id}': ALL,
  'GET /api/v1/lots': ALL,
  'GET /api/v1/lots/{ref}': ALL,
  'GET /api/v1/lots/{ref}/events': ALL,
  'GET /api/v1/trace/forward': ALL,
  'GET /api/v1/trace/backward': ALL,
  'GET /api/v1/search': ALL,
  'POST /api/v1/epcis/capture': [O, Q],
  'GET /api/v1/epcis/capture/{captureID}': ALL,
  'GET /api/v1/epcis/events': ALL,
  'GET /api/v1/reports/fsma204': ALL,
  'GET /api/v1/reports/epcis': ALL,
  'GET /api/v1/reports/dossier': ALL,
  'GET /api/v1/stream': ALL,
  'POST /api/v1/scan': [O, Q],
  'GET /api/v1/stations': ALL,
  'POST /api/v1/stations': [D],
  'GET /api/v1/stations/{id}': ALL,
  'PUT /api/v1/stations/{id}': [D],
  'DELETE /api/v1/stations/{id}': [D],
  'GET /api/v1/quality/completeness': ALL,
  'GET /api/v1/quality/gaps': ALL,
  'GET /api/v1/quality/config': ALL,
  'POST /api/v1/holds': [Q],
  'GET /api/v1/holds': ALL,
  'POST /api/v1/releases': [Q],
  'GET /api/v1/events/{id}/signatures': ALL,
  'GET /api/v1/exceptions': ALL,
  'GET /api/v1/exceptions/{id}': ALL,
  'POST /api/v1/exceptions/{id}/acknowledge': [O, Q],
  'POST /api/v1/exceptions/{id}/assign': [O, Q],
  'POST /api/v1/exceptions/{id}/resolve': [O, Q],
  'POST /api/v1/exceptions/{id}/dismiss': [Q],
  'POST /api/v1/lots/status': ALL,
  'GET /api/v1/webhooks': [D],
  'POST /api/v1/webhooks': [D],
  'GET /api/v1/webhooks/{id}': [D],
  'PATCH /api/v1/webhooks/{id}': [D],
  'DELETE /api/v1/webhooks/{id}': [D],
  'GET /api/v1/webhook-deliveries': [D],
  'POST /api/v1/webhook-deliveries/{id}/replay': [D],
  'POST /api/v1/mock-recalls': [Q],
  'GET /api/v1/mock-recalls': ALL,
  'GET /api/v1/mock-recalls/{id}': ALL,
  'GET /api/v1/reports/audit': [A, D],
  'GET /api/v1/reports/supplier': ALL,
  'GET /api/v1/master-data/{kind}': ALL,
  'GET /api/v1/master-data/{kind}/{id}': ALL,
  'PUT /api/v1/master-data/{kind}/{id}': [Q, D],
  'GET /api/v1/master-data/{kind}/{id}/history': ALL,
  'POST /api/v1/master-data/{kind}/import': [Q, D],
  'POST /api/v1/master-data/import': [Q, D],
  'POST /api/v1/recalls': [Q],
  'GET /api/v1/recalls': ALL,
  'GET /api/v1/recalls/{id}': ALL,
  'GET /api/v1/recalls/{id}/notification.csv': ALL,
  'POST /api/v1/recalls/{id}/holds': [Q],
  'GET /api/v1/openapi.json': 'public',
  'GET /api/v1/docs': 'public',
};

/** A value for each path parameter: names nothing that exists, so an allowed call changes nothing either. */
const PARAM: Readonly<Record<string, string>> = { name: 'no-such-name', id: 'no-such-id', ref: 'urn:lotline:lot:RAW:NO-SUCH', captureID: 'no-such-job', kind: 'parties' };
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const REFUSAL_CODES = ['AUTH_REQUIRED', 'AUTH_FAILED', 'FORBIDDEN', 'SETUP_REQUIRED', 'CSRF_REFUSED'];

type Who = { role: Role; via: 'key' | 'session' } | { role: null; via: 'nothing' };
const WHO: readonly Who[] = [...ROLES.flatMap((role) => [{ role, via: 'key' as const }, { role, via: 'session' as const }]), { role: null, via: 'nothing' }];
const label = (w: Who): string => (w.role === null ? 'no credentials' : `${w.role} (${w.via})`);

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly hasBody: boolean;
  readonly permission: string;
}

describe('access: every operation of the OpenAPI document, every role, with a key, a session and nothing', () => {
  let t: TestApi;
  let base: string;
  let operations: Operation[] = [];
  const sessions = {} as Record<Role, string>;

  const signIn = async (role: Role): Promise<void> => {
    const r = await fetch(`${base}/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: `${role}-person`, password: PASSWORD }) });
    expect(r.status).toBe(200);
    sessions[role] = r.headers.get('set-cookie')!.split(';')[0]!;
  };

  beforeAll(async () => {
    // A rate limit high enough that ~70 calls per key in a row are never throttled (429 would hide the answer).
    // Every refusal of this one address is audited (no flood limit), so that each can be checked.
    t = await testApi({ integrations: true, rateLimit: { perSecond: 1_000_000, burst: 1_000_000 }, refusalsPerMinute: 1_000_000 });
    for (const role of ROLES) await user(t.identity, `${role}-person`, role);
    base = `${await t.app.listen({ port: 0, host: '127.0.0.1' })}/api/v1`;
    for (const role of ROLES) await signIn(role);
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as { paths: Record<string, Record<string, { 'x-lotline-permission': string; requestBody?: unknown }>> };
    operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([m, op]) => ({ method: m.toUpperCase(), path, hasBody: op.requestBody !== undefined, permission: op['x-lotline-permission'] })));
  });
  afterAll(async () => t.close());

  const state = async () => ({
    head: await t.store.headSeq(),
    users: (await t.identity.listUsers()).map((u) => `${u.name}:${u.role}:${u.disabled}:${u.passwordHash}`),
    keys: (await t.identity.listKeys()).map((k) => `${k.id}:${k.revokedAt}`),
    stations: (await t.stations.listStations()).map((s) => JSON.stringify(s)),
    webhooks: (await t.integrations!.listSubscriptions()).map((w) => `${w.id}:${w.active}`),
    masterData: (await Promise.all((['items', 'parties', 'locations'] as const).map((k) => t.masterData.list(k)))).flat().map((r) => `${r.key}:${r.version}`),
    recalls: (await t.masterData.listRecalls({ limit: 1000 })).map((r) => r.id),
    exceptions: (await t.quality.queryExceptions({ limit: 1000 })).map((x) => `${x.id}:${x.state}`),
  });

  it('the table and the document list the same operations, and the document marks as public exactly the public ones', () => {
    const inDoc = operations.map((o) => `${o.method} ${o.path}`);
    expect(inDoc.length).toBeGreaterThan(60);
    expect(inDoc.filter((op) => TABLE[op] === undefined), 'operations the table does not say who may call').toEqual([]);
    expect(Object.keys(TABLE).filter((op) => !inDoc.includes(op)), 'rows of the table the document does not have').toEqual([]);
    expect(operations.filter((o) => o.permission === 'public').map((o) => `${o.method} ${o.path}`).sort()).toEqual(
      Object.entries(TABLE)
        .filter(([, who]) => who === 'public')
        .map(([op]) => op)
        .sort(),
    );
  });

  for (const who of WHO) {
    it(`${label(who)}: every operation answers as the table says`, async () => {
      const wrong: string[] = [];
      let allowedCount = 0;
      let refusedCount = 0;
      for (const op of operations) {
        const key = `${op.method} ${op.path}`;
        const row = TABLE[key];
        if (row === undefined) continue; // reported by the test above
        const allowed = row === 'public' || (who.role !== null && row.includes(who.role));
        const url = base.replace(/\/api\/v1$/, '') + op.path.replace(/\{([^}]+)\}/g, (_m, p: string) => encodeURIComponent(PARAM[p] ?? 'x'));
        const headers: Record<string, string> = op.hasBody ? { 'content-type': 'application/json' } : {};
        if (who.via === 'key') headers['authorization'] = t.keys[who.role].authorization;
        if (who.via === 'session') headers['cookie'] = sessions[who.role];
        const before = allowed ? undefined : await state();
        const auditBefore = (await t.identity.listAudit(0, 1_000_000)).at(-1)?.seq ?? 0;
        const ac = new AbortController();
        const r = await fetch(url, { method: op.method, headers, ...(op.hasBody ? { body: '{}' } : {}), signal: ac.signal });
        // The live stream never ends: its status and head are the answer.
        const body = op.path.endsWith('/stream') && r.status === 200 ? (ac.abort(), '') : await r.text();
        const code = r.headers.get('content-type')?.startsWith('application/problem+json') ? (JSON.parse(body) as { code: string }).code : null;
        if (allowed) {
          allowedCount++;
          if (code !== null && REFUSAL_CODES.includes(code)) wrong.push(`${key}: should pass authorization, got ${r.status} ${code}`);
        } else {
          refusedCount++;
          const expected = who.role === null ? [401, 'AUTH_REQUIRED'] : [403, 'FORBIDDEN'];
          if (r.status !== expected[0] || code !== expected[1]) wrong.push(`${key}: expected ${expected.join(' ')}, got ${r.status} ${code ?? body.slice(0, 80)}`);
          const after = await state();
          if (JSON.stringify(after) !== JSON.stringify(before)) wrong.push(`${key}: a refused call changed the stored state`);
          const audit = await t.identity.listAudit(auditBefore, 10);
          const shouldAudit = WRITES.has(op.method) || expected[0] === 403;
          const got = audit.map((a) => `${a.action} ${a.target} ${String(a.details?.['code'])}`);
          const want = shouldAudit ? [`access.refused ${op.method} ${new URL(url).pathname} ${expected[1]}`] : [];
          if (JSON.stringify(got) !== JSON.stringify(want)) wrong.push(`${key}: audit log got ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
        }
        // Signing out ends the session this loop uses: sign in again.
        if (key === 'DELETE /api/v1/session' && who.via === 'session') await signIn(who.role);
      }
      expect(wrong).toEqual([]);
      expect(allowedCount + refusedCount).toBe(operations.length);
      // The table is not trivially all-allowed or all-refused for anyone.
      expect(refusedCount).toBeGreaterThan(who.role === 'quality' ? 10 : 5);
      expect(allowedCount).toBeGreaterThanOrEqual(3);
    });
  }
});
