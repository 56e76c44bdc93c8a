/**
 * SQL injection, traversal and junk in every route's path and query parameters — routes taken
 * from the OpenAPI document the server itself produces, so a new route is covered the day it is
 * added — on SQLite and on PostgreSQL: no 500, every refusal a problem body with a known code,
 * the event log unchanged (same entries, same head hash, still verifying), and no table lost.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/domain/errors.js';
import { createKey } from '../../src/identity/identity-service.js';
import type { Role } from '../../src/identity/roles.js';
import { ROLE_PERMISSIONS, ROLES } from '../../src/identity/roles.js';
import { openIdentityStore, openIntegrationStore, openMasterDataStore, openMockRecallStore, openQualityStore, openStationStore, openStore } from '../../src/main.js';
import { buildApp } from '../../src/server/app.js';
import type { EventStore } from '../../src/store/event-store.js';
import { FIXTURES, tempDb } from '../helpers/cli.js';
import { freshPgUrl, PG_URL, pgSkipReason } from '../helpers/postgres.js';
import { assertProperty, fuzzRuns, recordFigures } from './fuzz-runs.js';
import { hostileString, INJECTIONS } from './hostile-strings.js';

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly permission: string;
  readonly pathParams: string[];
  readonly queryParams: string[];
  /** Top-level fields of the JSON body, when the route takes one. */
  readonly bodyFields: string[];
}

const CLASSIC_SHORT = ["' OR 1=1 --", "'; DROP TABLE events; --", '\u2018 OR \u20181\u2019=\u20181', 'a\u0000b', '../../../../etc/passwd', '%2e%2e%2f%2e%2e%2f', '\ud800', '9'.repeat(400), '%', '_'];

/** Routes left out, each with the reason. */
const SKIPPED: Record<string, string> = {
  'GET /api/v1/stream': 'a live stream never ends, so a request with valid parameters would not return; its parameters are the trace ref parameters, fuzzed on /trace and /lots',
};

/** `encodeURIComponent`, except that a lone surrogate goes out as the invalid UTF-8 it would be. */
function enc(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return [...s].map((c) => (/[\ud800-\udfff]/.test(c) ? '%ED%A0%80' : encodeURIComponent(c))).join('');
  }
}

interface Harness {
  readonly app: Awaited<ReturnType<typeof buildApp>>;
  readonly store: EventStore;
  readonly operations: Operation[];
  readonly keys: Record<Role, string>;
  tables(): Promise<string[]>;
  close(): Promise<void>;
}

async function harness(db: string): Promise<Harness> {
  const store = await openStore(db);
  const identity = await openIdentityStore(db);
  const quality = await openQualityStore(db);
  const stations = await openStationStore(db);
  const integrations = await openIntegrationStore(db);
  const mockRecalls = await openMockRecallStore(db);
  const masterData = await openMasterDataStore(db);
  const keys = {} as Record<Role, string>;
  for (const role of ROLES) keys[role] = `Bearer ${(await createKey(identity, { name: `fuzz-${role}`, role }, { actor: 'cli:fuzz', origin: 'cli@fuzz' })).secret}`;
  const app = await buildApp({ store, identity, quality, stations, integrations, mockRecalls, masterData }, { logger: false, rateLimit: { perSecond: 1e6, burst: 1e6 } });
  const bakery = readFileSync(join(FIXTURES, 'scenarios/bakery.ndjson'), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as unknown);
  const seeded = await app.inject({ method: 'POST', url: '/api/v1/events', headers: { authorization: keys.quality, 'content-type': 'application/json' }, payload: bakery });
  expect(seeded.statusCode).toBe(201);
  const doc = (await app.inject({ url: '/api/v1/openapi.json' })).json() as {
    paths: Record<string, Record<string, { 'x-lotline-permission': string; parameters?: { name: string; in: string }[]; requestBody?: { content: Record<string, { schema?: { properties?: Record<string, unknown> } }> } }>>;
  };
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (SKIPPED[`${method.toUpperCase()} ${path}`]) continue;
      const params = op.parameters ?? [];
      const bodyFields = Object.keys(Object.values(op.requestBody?.content ?? {})[0]?.schema?.properties ?? {});
      operations.push({ method: method.toUpperCase(), path, permission: op['x-lotline-permission'], pathParams: params.filter((p) => p.in === 'path').map((p) => p.name), queryParams: params.filter((p) => p.in === 'query').map((p) => p.name), bodyFields });
    }
  }
  const tables = async (): Promise<string[]> => {
    if (db.startsWith('postgres')) {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      try {
        const schema = new URL(db).searchParams.get('schema');
        return (await client.query<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1', [schema])).rows.map((r) => r.table_name);
      } finally {
        await client.end();
      }
    }
    const raw = new Database(db, { readonly: true });
    try {
      return (raw.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    } finally {
      raw.close();
    }
  };
  return {
    app,
    store,
    operations,
    keys,
    tables,
    close: async () => {
      await app.close();
      for (const s of [masterData, mockRecalls, integrations, stations, quality, identity, store]) await s.close();
    },
  };
}

/** A role that has the permission, so the request reaches the handler instead of stopping at 403. */
function roleFor(permission: string): Role {
  if (permission === 'public') return 'auditor';
  return ROLES.find((r) => (ROLE_PERMISSIONS[r] as readonly string[]).includes(permission)) ?? 'admin';
}

function urlOf(op: Operation, value: (name: string) => string | undefined): string {
  const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => enc(value(name) ?? 'x'));
  const query = op.queryParams.flatMap((q) => {
    const v = value(q);
    return v === undefined ? [] : [`${enc(q)}=${enc(v)}`];
  });
  return query.length > 0 ? `${path}?${query.join('&')}` : path;
}

async function logHead(store: EventStore): Promise<string> {
  const v = await store.verify();
  return `${v.entries}:${v.headHash}:${v.ok}`;
}

function checkAnswer(h: Harness, op: Operation, url: string, r: { statusCode: number; headers: Record<string, unknown>; body: string }): void {
  const where = `${op.method} ${url.slice(0, 200)}`;
  expect(r.statusCode, `${where} → ${r.body.slice(0, 300)}`).toBeLessThan(500);
  if (r.statusCode >= 400) {
    expect(String(r.headers['content-type']), where).toMatch(/^application\/problem\+json/);
    const p = JSON.parse(r.body) as { code: string; status: number; detail: string };
    expect(ERROR_CODES, where).toContain(p.code);
    expect(p.status, where).toBe(r.statusCode);
    // no SQL error text reaches the client
    expect(p.detail, where).not.toMatch(/SQLITE_[A-Z]|syntax error at or near|unterminated quoted string|no such column/);
  }
}

function engines(): [string, () => string, string | undefined][] {
  return [
    ['SQLite', () => tempDb(), undefined],
    ['PostgreSQL', () => freshPgUrl('fuzzroutes'), pgSkipReason()],
  ];
}

for (const [engine, makeDb, skip] of engines()) {
  describe.skipIf(skip !== undefined)(`every route, hostile path and query parameters, on ${engine}${skip ? ` (skipped: ${skip})` : ''}`, () => {
    let h: Harness;
    let head: string;
    let tables: string[];
    beforeAll(async () => {
      h = await harness(makeDb());
      head = await logHead(h.store);
      tables = await h.tables();
    }, 120_000);
    afterAll(async () => h?.close());

    it('enumerates the routes from the OpenAPI document', () => {
      expect(h.operations.length).toBeGreaterThan(60);
      expect(h.operations.some((o) => o.path === '/api/v1/trace/forward')).toBe(true);
    });

    it('the classic injection strings in every parameter of every route: no 500, log and tables unchanged', async () => {
      // the short run (CI) sends the ten that stand for the others; a long run (LOTLINE_FUZZ_RUNS ≥ 1000) sends them all
      const classic = fuzzRuns() >= 1000 ? INJECTIONS.filter((s) => s.length < 1000) : CLASSIC_SHORT;
      let requests = 0;
      const wall = performance.now();
      const cpu = process.cpuUsage();
      for (const op of h.operations) {
        // each string once in every parameter at the same time, and once in each parameter alone (with the others sensible)
        for (const s of classic) {
          const url = urlOf(op, () => s);
          const r = await h.app.inject({ method: op.method, url, headers: { authorization: h.keys[roleFor(op.permission)], ...(op.method === 'GET' || op.method === 'DELETE' ? {} : { 'content-type': 'application/json' }) }, ...(op.method === 'GET' || op.method === 'DELETE' ? {} : { payload: '{}' }) });
          checkAnswer(h, op, url, r);
          requests++;
        }
      }
      expect(requests).toBeGreaterThanOrEqual(h.operations.length * classic.length);
      const used = process.cpuUsage(cpu);
      recordFigures({ name: `classic injection sweep on ${engine}`, runs: requests, routes: h.operations.length, strings: classic.length, wallMs: Math.round(performance.now() - wall), cpuMs: Math.round((used.user + used.system) / 1000) });
      expect(await logHead(h.store)).toBe(head);
      expect(await h.tables()).toEqual(tables);
    }, 600_000);

    it('regressions: NUL in a parameter, malformed percent-encoding, a long ref in the path', async () => {
      const get = (url: string) => h.app.inject({ url, headers: { authorization: h.keys.auditor } });
      const nul = await get('/api/v1/lots/a%00b');
      expect(nul.statusCode).toBe(400);
      expect(nul.json()).toMatchObject({ code: 'INPUT_INVALID', issues: [{ path: 'path.ref' }] });
      expect((await get('/api/v1/search?q=a%00b')).json()).toMatchObject({ code: 'INPUT_INVALID', issues: [{ path: 'query.q' }] });
      for (const url of ['/api/v1/lots/%', '/api/v1/users/%ED%A0%80']) {
        const bad = await get(url);
        expect(bad.statusCode).toBe(400);
        expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(bad.json()).toMatchObject({ code: 'INPUT_INVALID', issues: [{ path: 'url' }] });
      }
      // a Digital Link with a 120-character lot is a lot Lotline looks for, not a 414 from the router
      const long = await get(`/api/v1/lots/${enc(`https://id.gs1.org/01/04012345123456/10/${'L'.repeat(120)}`)}`);
      expect(long.json()).toMatchObject({ code: 'ID_INVALID' });
      const plain = await get(`/api/v1/lots/${enc(`urn:lotline:lot:FLOUR:${'L'.repeat(300)}`)}`);
      expect(plain.json()).toMatchObject({ code: 'LOT_NOT_FOUND' });
      expect((await get(`/api/v1/lots/${'A'.repeat(5000)}`)).json()).toMatchObject({ code: 'INPUT_INVALID', issues: [{ path: 'url' }] });
      // a NUL in a body field was a 500 on PostgreSQL too (a sign-in by name)
      const login = await h.app.inject({ method: 'POST', url: '/api/v1/session', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ name: 'a\u0000b', password: 'x'.repeat(12) }) });
      expect(login.statusCode).toBe(400);
      expect(login.json()).toMatchObject({ code: 'INPUT_INVALID', issues: [{ path: '$.name' }] });
    });

    it('the same strings in every top-level field of every JSON body: no 500, log and tables unchanged', async () => {
      const classic = fuzzRuns() >= 1000 ? INJECTIONS.filter((s) => s.length < 1000) : CLASSIC_SHORT;
      const withBody = h.operations.filter((o) => o.bodyFields.length > 0);
      expect(withBody.length).toBeGreaterThan(10);
      let requests = 0;
      const wall = performance.now();
      const cpu = process.cpuUsage();
      for (const op of withBody) {
        for (const s of classic) {
          const url = urlOf(op, () => 'x');
          const r = await h.app.inject({ method: op.method, url, headers: { authorization: h.keys[roleFor(op.permission)], 'content-type': 'application/json' }, payload: JSON.stringify(Object.fromEntries(op.bodyFields.map((f) => [f, s]))) });
          checkAnswer(h, op, url, r);
          requests++;
        }
      }
      const used = process.cpuUsage(cpu);
      recordFigures({ name: `body injection sweep on ${engine}`, runs: requests, routes: withBody.length, strings: classic.length, wallMs: Math.round(performance.now() - wall), cpuMs: Math.round((used.user + used.system) / 1000) });
      expect(await logHead(h.store)).toBe(head);
      expect(await h.tables()).toEqual(tables);
    }, 600_000);

    it('random hostile values in random parameters (property)', async () => {
      const opIndex = fc.nat(h.operations.length - 1);
      await assertProperty(
        `routes on ${engine}`,
        fc.asyncProperty(opIndex, fc.dictionary(fc.constantFrom(...new Set(h.operations.flatMap((o) => [...o.pathParams, ...o.queryParams]))), hostileString, { maxKeys: 4 }), async (i, values) => {
          const op = h.operations[i]!;
          const url = urlOf(op, (name) => values[name]);
          const r = await h.app.inject({ method: op.method, url, headers: { authorization: h.keys[roleFor(op.permission)], ...(op.method === 'GET' || op.method === 'DELETE' ? {} : { 'content-type': 'application/json' }) }, ...(op.method === 'GET' || op.method === 'DELETE' ? {} : { payload: '{}' }) });
          checkAnswer(h, op, url, r);
        }),
        fuzzRuns(3),
      );
      expect(await logHead(h.store)).toBe(head);
      expect(await h.tables()).toEqual(tables);
    }, 600_000);
  });
}
