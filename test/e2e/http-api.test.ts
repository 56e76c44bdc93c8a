/**
 * The API as a client sees it, over a real port (fetch) and through inject: capture (atomic,
 * idempotent, attributed), lots, traces equal to the CLI's, paging, sessions, every error status
 * with its problem+json body, the live stream, and `lotline serve` shutting down on SIGTERM.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';
import { cli, cliJson, tempDb } from '../helpers/cli.js';
import type { TestApi } from '../helpers/http.js';
import { PASSWORD, produce, receive, testApi, user } from '../helpers/http.js';
import { serveProcess } from '../helpers/serve.js';
import type { SseMessage } from '../helpers/sse.js';
import { readSse } from '../helpers/sse.js';
import { load } from '../helpers/store.js';

type Json = Record<string, unknown>;

async function listen(t: TestApi): Promise<string> {
  return t.app.listen({ port: 0, host: '127.0.0.1' });
}

describe('over a real port', () => {
  let t: TestApi;
  let base: string;
  let db: string;
  beforeAll(async () => {
    db = tempDb();
    t = await testApi({ db });
    base = `${await listen(t)}/api/v1`;
  });
  afterAll(async () => t.close());

  const post = (path: string, body: unknown, headers: Record<string, string> = t.keys.quality) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const get = (path: string, headers: Record<string, string> = t.keys.auditor) => fetch(`${base}${path}`, { headers });

  it('captures an array atomically; a retry answers the original positions and record times', async () => {
    const batch = [receive('A', { supplierLot: 'SUP-77' }), produce('urn:uuid:00000000-0000-4000-8000-00000000a001', 'A', 'X')];
    const first = await post('/events', batch, t.keys.operator);
    expect(first.status).toBe(201);
    const a = (await first.json()) as { results: Json[]; stored: number };
    expect(a.stored).toBe(2);
    const again = await post('/events', batch, t.keys.operator);
    expect(again.status).toBe(200);
    const b = (await again.json()) as { results: Json[]; duplicates: number };
    expect(b.duplicates).toBe(2);
    expect(b.results.map((r) => [r['eventId'], r['seq'], r['recordTime'], r['status']])).toEqual(a.results.map((r) => [r['eventId'], r['seq'], r['recordTime'], 'duplicate']));
  });

  it('records who captured each event and from where', async () => {
    const ev = (await (await get(`/events/${encodeURIComponent('urn:uuid:00000000-0000-4000-8000-00000000a001')}`)).json()) as { event: Json; epcis: Json };
    expect(ev.event).toMatchObject({ recordedBy: 'key:operator-key', recordedFrom: '127.0.0.1', type: 'TransformationEvent' });
    expect(ev.epcis['eventID']).toBe('urn:uuid:00000000-0000-4000-8000-00000000a001');
  });

  it('refuses a whole array when one entry is bad, naming each bad field by its path', async () => {
    const head = await t.store.headSeq();
    const r = await post('/events', [receive('OK-1'), { cmd: 'receive', time: '2026-05-04', lots: [{ item: 'RAW', lot: 'B', uom: 'kilos' }], from: 'Mill' }]);
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const p = (await r.json()) as { code: string; issues: { path: string; reason: string }[]; detail: string };
    expect(p.code).toBe('NATIVE_INVALID_FIELD');
    expect(p.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['$[1].lots[0].uom']));
    expect(p.detail).toContain('Nothing from this request was stored');
    expect(await t.store.headSeq()).toBe(head);
  });

  it('answers 409 for an eventID stored with other content, and stores nothing of the request', async () => {
    const head = await t.store.headSeq();
    const r = await post('/events', [receive('C-1'), produce('urn:uuid:00000000-0000-4000-8000-00000000a001', 'A', 'OTHER')]);
    expect(r.status).toBe(409);
    const p = (await r.json()) as Json;
    expect(p).toMatchObject({ code: 'EVENT_ID_CONFLICT', status: 409, issues: [{ path: '$[1].eventID', index: 1 }] });
    expect(await t.store.headSeq()).toBe(head);
    const single = await post('/events', produce('urn:uuid:00000000-0000-4000-8000-00000000a001', 'A', 'OTHER'));
    expect(((await single.json()) as { issues: { path: string }[] }).issues[0]!.path).toBe('$.eventID');
  });

  it('gives the same trace JSON as the CLI on the same database', async () => {
    for (const direction of ['forward', 'backward'] as const) {
      const lot = direction === 'forward' ? 'A' : 'X';
      const item = direction === 'forward' ? 'RAW' : 'FG';
      const http = await (await get(`/trace/${direction}?item=${item}&lot=${lot}`)).json();
      expect(http).toEqual(await cliJson('trace', direction, '--item', item, '--lot', lot, '--db', db));
      expect((http as { lots: unknown[] }).lots).toHaveLength(2);
    }
    const withDepth = (await (await get('/trace/forward?ref=urn%3Alotline%3Alot%3ARAW%3AA&maxDepth=0')).json()) as { lots: unknown[] };
    expect(withDepth.lots).toHaveLength(1);
  });

  it('finds lots by code, supplier lot and item, and answers lot state and its audit trail page by page', async () => {
    const found = (await (await get('/lots?query=SUP-77')).json()) as { lots: { ref: string }[] };
    expect(found.lots.map((l) => l.ref)).toEqual(['urn:lotline:lot:RAW:A']);
    expect(((await (await get('/lots?query=FG')).json()) as { lots: unknown[] }).lots).toHaveLength(1);
    const state = (await (await get(`/lots/${encodeURIComponent('urn:lotline:lot:RAW:A')}`)).json()) as Json;
    expect(state).toMatchObject({ ref: { item: 'RAW', lot: 'A' }, supplierLots: ['SUP-77'] });
    await post('/events', { cmd: 'move', time: '2026-05-04T12:00:00+02:00', lots: [{ item: 'RAW', lot: 'A' }], to: 'Cold store' }, t.keys.operator);
    const p1 = (await (await get(`/lots/${encodeURIComponent('urn:lotline:lot:RAW:A')}/events?limit=2`)).json()) as { events: Json[]; next: number | null };
    expect(p1.events.map((e) => e['type'])).toEqual(['ObjectEvent', 'TransformationEvent']);
    expect(p1.events[0]).toMatchObject({ role: 'object', recordedBy: 'key:operator-key' });
    expect(p1.next).not.toBeNull();
    const p2 = (await (await get(`/lots/${encodeURIComponent('urn:lotline:lot:RAW:A')}/events?limit=2&after=${p1.next}`)).json()) as { events: Json[]; next: number | null };
    expect(p2.events.map((e) => e['bizStep'])).toEqual(['storing']);
    expect(p2.next).toBeNull();
  });

  it('answers 404 with a problem body for an unknown lot, event and route', async () => {
    const lot = await get(`/lots/${encodeURIComponent('urn:lotline:lot:RAW:NOPE')}`);
    expect(lot.status).toBe(404);
    expect(await lot.json()).toMatchObject({ code: 'LOT_NOT_FOUND', type: 'urn:lotline:error:LOT_NOT_FOUND', title: 'Not Found', instance: expect.stringContaining('/api/v1/lots/') });
    expect(await (await get('/events/urn%3Auuid%3Anope')).json()).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    expect(await (await get('/no-such-thing')).json()).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    expect((await get('/trace/forward?item=RAW&lot=NOPE')).status).toBe(404);
  });

  it('answers 400 naming the parameter for bad queries and identifiers', async () => {
    expect(await (await get('/lots/x/events?limit=abc')).json()).toMatchObject({ code: 'INPUT_INVALID', issues: [{ path: 'query.limit' }] });
    expect(await (await get('/trace/forward?item=RAW&lot=A&from=yesterday')).json()).toMatchObject({ code: 'INPUT_INVALID', issues: [{ path: 'query.from' }] });
    expect(await (await get('/trace/forward?item=RAW')).json()).toMatchObject({ code: 'INPUT_INVALID', issues: [{ path: 'query.lot' }] });
    expect(await (await get('/trace/forward?gtin=04012345123457&lot=A')).json()).toMatchObject({ code: 'ID_BAD_CHECK_DIGIT', status: 400, issues: [{ path: 'query.gtin' }] });
    expect(await (await get('/lots/LOT7')).json()).toMatchObject({ code: 'ID_UNKNOWN_FORM', issues: [{ path: 'path.ref' }] });
    expect(await (await get('/lots?query=A&bogus=1')).json()).toMatchObject({ code: 'INPUT_INVALID', issues: [{ path: 'query', reason: 'unknown field "bogus"' }] });
  });

  it('answers 415 for a body that is not JSON and 400 for broken JSON', async () => {
    const plain = await fetch(`${base}/events`, { method: 'POST', headers: { ...t.keys.operator, 'content-type': 'text/plain' }, body: 'receive A' });
    expect(plain.status).toBe(415);
    expect(await plain.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    const form = await fetch(`${base}/events`, { method: 'POST', headers: t.keys.operator, body: new URLSearchParams({ cmd: 'receive' }) });
    expect(form.status).toBe(415);
    const none = await fetch(`${base}/events`, { method: 'POST', headers: t.keys.operator });
    expect(none.status).toBe(415);
    const scalar = await fetch(`${base}/events`, { method: 'POST', headers: { ...t.keys.operator, 'content-type': 'application/json' }, body: '"receive"' });
    expect(await scalar.json()).toMatchObject({ code: 'INPUT_INVALID', issues: [{ path: '$', reason: 'the body must be a JSON object (one native command or EPCIS event) or an array of them' }] });
    const broken = await fetch(`${base}/events`, { method: 'POST', headers: { ...t.keys.operator, 'content-type': 'application/json' }, body: '{"cmd": ' });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ code: 'INPUT_NOT_JSON', issues: [{ path: '$' }] });
  });

  it('answers 401 for a bad key and a malformed Authorization header', async () => {
    const bad = await get('/session', { authorization: 'Bearer llk_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ code: 'AUTH_FAILED', detail: 'the API key is not valid' });
    expect(await (await get('/session', { authorization: 'Basic YTpi' })).json()).toMatchObject({ code: 'AUTH_FAILED', status: 401 });
    expect(await (await get('/session', {})).json()).toMatchObject({ code: 'AUTH_REQUIRED', status: 401 });
  });

  it('signs a user in with an HTTP-only, SameSite=Strict cookie, and out again', async () => {
    await user(t.identity, 'claire', 'quality');
    const r = await post('/session', { name: 'claire', password: PASSWORD }, {});
    expect(r.status).toBe(200);
    const cookie = r.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^lotline_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const jar = { cookie: cookie.split(';')[0]! };
    expect(await (await get('/session', jar)).json()).toMatchObject({ kind: 'user', name: 'claire', role: 'quality', actor: 'user:claire' });
    const held = await post('/events', { cmd: 'hold', time: '2026-05-04T13:00:00+02:00', lots: [{ item: 'RAW', lot: 'A' }], reason: 'swab' }, jar);
    expect(held.status).toBe(201);
    const id = ((await held.json()) as { results: { eventId: string }[] }).results[0]!.eventId;
    expect(((await (await get(`/events/${encodeURIComponent(id)}`)).json()) as { event: Json }).event['recordedBy']).toBe('user:claire');
    expect((await fetch(`${base}/session`, { method: 'DELETE', headers: jar })).status).toBe(204);
    expect(await (await get('/session', jar)).json()).toMatchObject({ code: 'AUTH_FAILED', status: 401 });
    const wrong = await post('/session', { name: 'claire', password: 'not the password' }, {});
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
  });
});

describe('limits and lockout', () => {
  it('answers 413 over --max-body and stores nothing', async () => {
    const t = await testApi({ maxBodyBytes: 512 });
    try {
      const big = Array.from({ length: 20 }, (_, i) => receive(`L${i}`));
      const r = await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: t.keys.operator, payload: big });
      expect(r.statusCode).toBe(413);
      expect(r.json()).toMatchObject({ code: 'INPUT_TOO_LARGE', detail: expect.stringContaining('512 byte limit') });
      expect(await t.store.headSeq()).toBe(0);
    } finally {
      await t.close();
    }
  });

  it('answers 429 with Retry-After when a key exceeds its rate, and other keys are not affected', async () => {
    const t = await testApi({ rateLimit: { perSecond: 1, burst: 2 } });
    try {
      const hit = () => t.app.inject({ url: '/api/v1/session', headers: t.keys.operator });
      expect((await hit()).statusCode).toBe(200);
      expect((await hit()).statusCode).toBe(200);
      const r = await hit();
      expect(r.statusCode).toBe(429);
      expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(r.json()).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
      expect((await t.app.inject({ url: '/api/v1/session', headers: t.keys.auditor })).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('answers 423 after repeated failed logins, even with the right password', async () => {
    const t = await testApi({ policy: { maxFailedLogins: 2, lockMs: 60_000, sessionIdleMs: 60_000, sessionMaxMs: 60_000 } });
    try {
      await user(t.identity, 'dan', 'operator');
      const attempt = (password: string) => t.app.inject({ method: 'POST', url: '/api/v1/session', payload: { name: 'dan', password } });
      expect((await attempt('wrong password 1')).statusCode).toBe(401);
      const locked = await attempt('wrong password 2');
      expect(locked.statusCode).toBe(423);
      expect(locked.json()).toMatchObject({ code: 'ACCOUNT_LOCKED', title: 'Locked' });
      expect((await attempt(PASSWORD)).statusCode).toBe(423);
      const unlock = await t.app.inject({ method: 'PATCH', url: '/api/v1/users/dan', headers: t.keys.admin, payload: { unlock: true } });
      expect(unlock.json()).toMatchObject({ locked: false });
      expect((await attempt(PASSWORD)).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('without any account lets anyone read and refuses every write with SETUP_REQUIRED, saying how to create one', async () => {
    const t = await testApi({ accounts: false });
    try {
      await load(t.store, [receive('A')]);
      expect((await t.app.inject({ url: '/api/v1/lots?query=A' })).json()).toMatchObject({ lots: [{ ref: 'urn:lotline:lot:RAW:A' }] });
      const w = await t.app.inject({ method: 'POST', url: '/api/v1/events', payload: receive('B') });
      expect(w.statusCode).toBe(403);
      expect(w.json()).toMatchObject({ code: 'SETUP_REQUIRED', detail: expect.stringContaining('lotline user add NAME --role admin') });
      expect(await t.store.headSeq()).toBe(1);
      expect((await t.app.inject({ method: 'POST', url: '/api/v1/users', payload: { name: 'x', role: 'admin', password: PASSWORD } })).statusCode).toBe(403);
      expect(await t.identity.userCount()).toBe(0);
    } finally {
      await t.close();
    }
  });

  it('answers 409 for a taken user or key name, and 400 naming the field for a weak password', async () => {
    const t = await testApi();
    try {
      const add = (name: string, password = PASSWORD) => t.app.inject({ method: 'POST', url: '/api/v1/users', headers: t.keys.admin, payload: { name, role: 'operator', password } });
      expect((await add('erin')).statusCode).toBe(201);
      expect((await add('erin')).json()).toMatchObject({ code: 'IDENTITY_EXISTS', status: 409 });
      expect((await add('frank', 'short')).json()).toMatchObject({ code: 'INPUT_INVALID', issues: [{ path: '$.password' }] });
      expect((await t.app.inject({ method: 'POST', url: '/api/v1/keys', headers: t.keys.admin, payload: { name: 'operator-key', role: 'operator' } })).json()).toMatchObject({ code: 'IDENTITY_EXISTS' });
      const audit = (await t.app.inject({ url: '/api/v1/audit', headers: t.keys.auditor })).json() as { entries: { action: string; actor: string; origin: string }[] };
      expect(audit.entries.filter((e) => e.action === 'user.add')).toEqual([expect.objectContaining({ actor: 'key:admin-key', origin: '127.0.0.1', action: 'user.add' })]);
    } finally {
      await t.close();
    }
  });
});

/** Reads the event messages (with a log position) of a stream until `until` is satisfied. */
async function readEvents(res: Response, until: (msgs: { id: string; data: Json }[]) => boolean): Promise<{ id: string; data: Json }[]> {
  const events = (m: SseMessage[]) => m.filter((x) => x.id !== undefined).map((x) => ({ id: x.id!, data: x.data }));
  return events(await readSse(res, (m) => until(events(m))));
}

describe('live stream', () => {
  it('sends newly stored events that match the filter, including those written by another process, and resumes with Last-Event-ID', async () => {
    const db = tempDb();
    const t = await testApi({ db, streamPollMs: 50 });
    try {
      const base = `${await listen(t)}/api/v1`;
      await load(t.store, [receive('OLD')]);
      const res = await fetch(`${base}/stream?item=FG`, { headers: t.keys.auditor });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const post = (body: unknown) => fetch(`${base}/events`, { method: 'POST', headers: { ...t.keys.operator, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      await post(receive('NEW'));
      await post(produce('urn:uuid:00000000-0000-4000-8000-00000000b001', 'NEW', 'FG-1'));
      // Another process (here: a second connection to the same file) writes; the stream polls the log.
      const other = openSqliteStore(db, { create: false });
      await load(other, [produce('urn:uuid:00000000-0000-4000-8000-00000000b002', 'NEW', 'FG-2')]);
      await other.close();
      const msgs = await readEvents(res, (m) => m.length >= 2);
      expect(msgs.map((m) => m.data['eventId'])).toEqual(['urn:uuid:00000000-0000-4000-8000-00000000b001', 'urn:uuid:00000000-0000-4000-8000-00000000b002']);
      expect(msgs[0]!.data).toMatchObject({ recordedBy: 'key:operator-key', objects: expect.arrayContaining([expect.objectContaining({ item: 'FG', lot: 'FG-1', role: 'output' })]) });
      expect(msgs[1]!.data['recordedBy']).toBeNull();
      // Resuming after the first message sends the second again, and nothing before it.
      const resumed = await fetch(`${base}/stream?item=FG`, { headers: { ...t.keys.auditor, 'last-event-id': msgs[0]!.id } });
      expect((await readEvents(resumed, (m) => m.length >= 1)).map((m) => m.id)).toEqual([msgs[1]!.id]);
      const everything = await fetch(`${base}/stream?since=0`, { headers: t.keys.auditor });
      expect((await readEvents(everything, (m) => m.length >= 4)).map((m) => Number(m.id))).toEqual([1, 2, 3, 4]);
      const here = await fetch(`${base}/stream?location=${encodeURIComponent('Goods in')}`, { headers: t.keys.auditor });
      await post(receive('ELSEWHERE', { location: 'Dock 2' }));
      await post(receive('HERE', { location: 'Goods in' }));
      const located = await readEvents(here, (m) => m.length >= 1);
      expect(located[0]!.data).toMatchObject({ readPoint: 'urn:lotline:loc:Goods%20in', objects: [expect.objectContaining({ lot: 'HERE' })] });
      const bad = await fetch(`${base}/stream`, { headers: { ...t.keys.auditor, 'last-event-id': 'yesterday' } });
      expect(bad.status).toBe(400);
      expect((await fetch(`${base}/stream`)).status).toBe(401);
    } finally {
      await t.close();
    }
  });

  it('does not keep the server from closing', async () => {
    const t = await testApi();
    const base = `${await listen(t)}/api/v1`;
    const res = await fetch(`${base}/stream`, { headers: t.keys.auditor });
    expect(res.status).toBe(200);
    await t.close();
    expect((await readEvents(res, () => false)).length).toBe(0);
  });
});

describe('lotline serve', () => {
  it('loads the demo plant into an empty database (saying so), serves it, and stops cleanly on SIGTERM', async () => {
    const db = tempDb();
    const server = await serveProcess(['--demo', '--db', db]);
    const url = server.url;
    expect(server.log()).toMatch(/loaded the demo plant \(\d+ events\)/);
    expect(server.log()).toMatch(/no user and no API key yet/);
    const lots = (await (await fetch(`${url}/api/v1/lots?query=RM-EGG-LIQ`)).json()) as { lots: unknown[] };
    expect(lots.lots.length).toBeGreaterThan(0);
    const docs = await fetch(`${url}/api/v1/docs`);
    expect(await docs.text()).toContain('Lotline API reference');
    // An account made while the server runs takes effect at once; its key never reaches the log.
    const key = (await cli('key', 'create', 'logger-test', '--role', 'operator', '--db', db)).stdout.trim();
    const captured = await fetch(`${url}/api/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(receive('LOGGED')) });
    expect(captured.status).toBe(201);
    expect((await fetch(`${url}/api/v1/lots?query=LOGGED`)).status).toBe(401);
    // Requests in flight when SIGTERM arrives finish: each answered 201 is stored, none is half-written.
    const inFlight = Array.from({ length: 40 }, (_, i) =>
      fetch(`${url}/api/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(receive(`TERM-${i}`)) }).then(
        async (r) => (r.status === 503 ? ((await r.json()) as { code: string }).code : r.status),
        () => 'refused',
      ),
    );
    await Promise.race(inFlight);
    const stopped = server.stop();
    const statuses = await Promise.all(inFlight);
    expect(await stopped).toBe(0);
    // Late requests on open connections are refused with a problem body, and store nothing.
    expect(statuses.filter((s) => s !== 201 && s !== 'refused' && s !== 'SHUTTING_DOWN')).toEqual([]);
    expect(statuses).toContain(201);
    expect(server.log()).toMatch(/stopped/);
    expect(server.log()).toContain('"statusCode":201');
    expect(server.log()).not.toContain(key.slice(4));
    expect(server.log()).not.toMatch(/llk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}/);
    const store = openSqliteStore(db, { create: false });
    expect(await store.verify()).toMatchObject({ ok: true });
    const stored = (await store.searchNodes('TERM-', 100)).length;
    expect(stored).toBe(statuses.filter((s) => s === 201).length);
    await store.close();
  });
});
