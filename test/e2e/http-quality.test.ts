/**
 * Holds, hold violations, signed releases and the exceptions workflow, end to end through the
 * HTTP API on a real port: a held lot consumed raises a critical exception and a live alert;
 * releases need the signer's password, the role quality, and (four-eyes) a second signer; a
 * signature copied onto another release is refused; a missing link resolved after the fact shows
 * as retroactive in the trace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDb } from '../helpers/cli.js';
import type { TestApi } from '../helpers/http.js';
import { PASSWORD, produce, receive, testApi, user } from '../helpers/http.js';
import type { SseMessage } from '../helpers/sse.js';
import { readSse as readMessages } from '../helpers/sse.js';

type Json = Record<string, unknown>;
const LOT_A = 'urn:lotline:lot:RAW:A';

interface Client {
  readonly base: string;
  post(path: string, body: unknown, headers: Record<string, string>): Promise<Response>;
  get(path: string, headers: Record<string, string>): Promise<Response>;
  /** Signs `name` in and returns the cookie header. */
  signIn(name: string): Promise<Record<string, string>>;
}

async function client(t: TestApi): Promise<Client> {
  const base = `${await t.app.listen({ port: 0, host: '127.0.0.1' })}/api/v1`;
  const post = (path: string, body: unknown, headers: Record<string, string>) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return {
    base,
    post,
    get: (path, headers) => fetch(`${base}${path}`, { headers }),
    signIn: async (name) => {
      const r = await post('/session', { name, password: PASSWORD }, {});
      expect(r.status).toBe(200);
      return { cookie: r.headers.get('set-cookie')!.split(';')[0]! };
    },
  };
}

/** The data of the SSE messages of one kind, read until `until` holds. */
async function readSse(res: Response, kind: string, until: (msgs: Json[]) => boolean): Promise<Json[]> {
  const pick = (m: readonly SseMessage[]): Json[] => m.filter((x) => x.event === kind).map((x) => x.data);
  return pick(await readMessages(res, (m) => until(pick(m))));
}

/** 2 kg of the held lot A consumed after the hold (09:30). */
const useOfA = {
  cmd: 'produce',
  id: 'urn:uuid:00000000-0000-4000-8000-0000000000a2',
  time: '2026-05-04T10:00:00+02:00',
  inputs: [{ item: 'RAW', lot: 'A', quantity: 2, uom: 'KGM' }],
  outputs: [{ item: 'FG', lot: 'Y', quantity: 2, uom: 'KGM' }],
};

const lotState = async (c: Client, t: TestApi, ref: string) => (await (await c.get(`/lots/${encodeURIComponent(ref)}`, t.keys.auditor)).json()) as Json;

describe('holds, violations and signed releases', () => {
  let t: TestApi;
  let c: Client;
  beforeAll(async () => {
    t = await testApi({ db: tempDb(), streamPollMs: 50 });
    c = await client(t);
    await user(t.identity, 'quinn', 'quality');
    await user(t.identity, 'olga', 'operator');
    await user(t.identity, 'ada', 'admin');
    expect((await c.post('/events', [receive('A'), receive('B'), produce('urn:uuid:00000000-0000-4000-8000-0000000000a1', 'A', 'X')], t.keys.operator)).status).toBe(201);
  });
  afterAll(async () => t.close());

  it('holds a lot with its descendants as one holding event, and both show as held', async () => {
    const r = await c.post('/holds', { lots: [LOT_A], descendants: true, reason: 'supplier notice', reference: 'SN-12', time: '2026-05-04T09:30:00+02:00' }, t.keys.quality);
    expect(r.status).toBe(201);
    const body = (await r.json()) as { eventId: string; lots: Json[] };
    expect(body.lots).toEqual([{ item: 'RAW', lot: 'A' }, { item: 'FG', lot: 'X' }]);
    const ev = (await (await c.get(`/events/${encodeURIComponent(body.eventId)}`, t.keys.auditor)).json()) as { event: Json; epcis: Json };
    expect(ev.event).toMatchObject({ type: 'ObjectEvent', bizStep: 'holding', disposition: 'non_sellable_other', recordedBy: 'key:quality-key' });
    expect(ev.epcis).toMatchObject({ 'lotline:reason': 'supplier notice', 'lotline:reference': 'SN-12' });
    expect(await lotState(c, t, LOT_A)).toMatchObject({ status: 'on_hold', hold: { eventId: body.eventId, reason: 'supplier notice' } });
    expect(await lotState(c, t, 'urn:lotline:lot:FG:X')).toMatchObject({ status: 'on_hold' });
  });

  it('refuses a hold by an operator, of an unknown lot, or without a reason, naming the field', async () => {
    expect(await (await c.post('/holds', { lots: [LOT_A], reason: 'x' }, t.keys.operator)).json()).toMatchObject({ code: 'FORBIDDEN' });
    expect(await (await c.post('/holds', { lots: ['urn:lotline:lot:RAW:NOPE'], reason: 'x' }, t.keys.quality)).json()).toMatchObject({ code: 'LOT_NOT_FOUND' });
    expect(await (await c.post('/holds', { lots: [LOT_A] }, t.keys.quality)).json()).toMatchObject({ code: 'INPUT_INVALID', issues: [{ path: '$.reason' }] });
    expect(await (await c.post('/holds', { lots: ['not a ref at all'], reason: 'x' }, t.keys.quality)).json()).toMatchObject({ issues: [{ path: '$.lots[0]' }] });
  });

  it('records a held lot consumed all the same, and raises a critical exception and a live alert at once', async () => {
    const stream = await fetch(`${c.base}/stream?ref=${encodeURIComponent(LOT_A)}`, { headers: t.keys.auditor });
    const r = await c.post('/events', useOfA, t.keys.operator);
    expect(r.status).toBe(201);
    const [alert] = await readSse(stream, 'alert', (m) => m.length >= 1);
    expect(alert).toMatchObject({ kind: 'exception.opened', severity: 'critical', exception: { ruleId: 'held-lot-used', subject: { kind: 'lot', ref: LOT_A }, state: 'open' } });
    const list = (await (await c.get(`/exceptions?lot=${encodeURIComponent(LOT_A)}&rule=held-lot-used`, t.keys.auditor)).json()) as { exceptions: Json[] };
    expect(list.exceptions).toHaveLength(1);
    expect(list.exceptions[0]).toMatchObject({ severity: 'critical', state: 'open', eventIds: [expect.any(String), 'urn:uuid:00000000-0000-4000-8000-0000000000a2'] });
    expect(list.exceptions[0]!['dueAt']).not.toBeNull();
    // The same event sent again is a duplicate: no second exception.
    await c.post('/events', useOfA, t.keys.operator);
    expect(((await (await c.get('/exceptions?rule=held-lot-used', t.keys.auditor)).json()) as { exceptions: Json[] }).exceptions).toHaveLength(1);
    // A lot not on hold consumed raises nothing.
    await c.post('/events', produce('urn:uuid:00000000-0000-4000-8000-0000000000a3', 'B', 'Z'), t.keys.operator);
    expect(((await (await c.get(`/exceptions?lot=${encodeURIComponent('urn:lotline:lot:RAW:B')}`, t.keys.auditor)).json()) as { exceptions: Json[] }).exceptions).toEqual([]);
  });

  it('checks EPCIS documents sent to the capture route too: a held lot shipped raises a critical exception', async () => {
    const doc = {
      '@context': ['https://ref.gs1.org/standards/epcis/epcis-context.jsonld'],
      type: 'EPCISDocument',
      schemaVersion: '2.0',
      creationDate: '2026-05-04T12:00:00Z',
      epcisBody: {
        eventList: [
          {
            type: 'ObjectEvent',
            eventTime: '2026-05-04T12:00:00+02:00',
            eventTimeZoneOffset: '+02:00',
            action: 'OBSERVE',
            bizStep: 'shipping',
            disposition: 'in_transit',
            epcList: [],
            quantityList: [{ epcClass: 'urn:lotline:lot:FG:X', quantity: 1, uom: 'KGM' }],
          },
        ],
      },
    };
    const r = await c.post('/epcis/capture', doc, t.keys.operator);
    expect(r.status).toBe(202);
    const job = (await (await c.get(new URL(r.headers.get('location')!, c.base).pathname.replace('/api/v1', ''), t.keys.auditor)).json()) as Json;
    expect(job).toMatchObject({ success: true, stored: 1 });
    const list = (await (await c.get(`/exceptions?lot=${encodeURIComponent('urn:lotline:lot:FG:X')}`, t.keys.auditor)).json()) as { exceptions: Json[] };
    expect(list.exceptions).toMatchObject([{ ruleId: 'held-lot-used', severity: 'critical', explanation: expect.stringMatching(/was shipped .* while on hold/) }]);
  });

  it('refuses to sign for an API key, an operator, an admin, and a wrong password (which counts towards the lock)', async () => {
    const req = { lots: [LOT_A], decision: 'release', meaning: 'released after retest', password: PASSWORD };
    expect(await (await c.post('/releases', req, t.keys.quality)).json()).toMatchObject({ code: 'SIGNATURE_REFUSED', status: 403 });
    expect(await (await c.post('/releases', req, await c.signIn('olga'))).json()).toMatchObject({ code: 'FORBIDDEN' });
    expect(await (await c.post('/releases', req, await c.signIn('ada'))).json()).toMatchObject({ code: 'FORBIDDEN' });
    const quinn = await c.signIn('quinn');
    const wrong = await c.post('/releases', { ...req, password: 'not the password' }, quinn);
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ code: 'AUTH_FAILED' });
    expect((await t.identity.getUser('quinn'))!.failedLogins).toBe(1);
    expect(await (await c.post('/releases', { ...req, meaning: '' }, quinn)).json()).toMatchObject({ code: 'INPUT_INVALID', issues: [{ path: '$.meaning' }] });
    expect(await lotState(c, t, LOT_A)).toMatchObject({ status: 'on_hold' });
  });

  let released: { eventId: string; signatures: Json[] };
  it('releases with a signature that shows printed name, time with zone and meaning, bound to the event and the hold', async () => {
    const quinn = await c.signIn('quinn');
    const hold = ((await lotState(c, t, LOT_A))['hold'] as Json)['eventId'];
    const r = await c.post('/releases', { lots: [LOT_A], decision: 'release', meaning: 'released after retest', password: PASSWORD }, quinn);
    expect(r.status).toBe(201);
    released = (await r.json()) as typeof released;
    expect(released.signatures).toEqual([
      { signer: 'quinn', printedName: 'Quinn Tester', meaning: 'released after retest', signedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+00:00$/), method: 'password', holdEventIds: [hold], hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
    ]);
    expect((await t.identity.getUser('quinn'))!.failedLogins).toBe(0);
    expect(await lotState(c, t, LOT_A)).toMatchObject({ status: 'released', hold: null });
    // FG X was held by the same event and is still held: the release named only A.
    expect(await lotState(c, t, 'urn:lotline:lot:FG:X')).toMatchObject({ status: 'on_hold' });
    const ev = (await (await c.get(`/events/${encodeURIComponent(released.eventId)}`, t.keys.auditor)).json()) as { epcis: Json };
    expect(ev.epcis).toMatchObject({ 'lotline:signatures': released.signatures, 'lotline:endsHolds': [hold], 'lotline:decision': 'release' });
    expect(await (await c.get(`/events/${encodeURIComponent(released.eventId)}/signatures`, t.keys.auditor)).json()).toMatchObject({ signed: true, valid: true, signatures: [{ signer: 'quinn', valid: true }] });
    // Nothing left to release.
    expect(await (await c.post('/releases', { lots: [LOT_A], decision: 'release', meaning: 'again', password: PASSWORD }, quinn)).json()).toMatchObject({ code: 'LOT_NOT_HELD', status: 409 });
  });

  it('refuses a signature copied onto another release, and stores nothing', async () => {
    const holdX = ((await lotState(c, t, 'urn:lotline:lot:FG:X'))['hold'] as Json)['eventId'];
    const forged = {
      type: 'ObjectEvent',
      '@context': [{ lotline: 'https://lotline.dev/ns/epcis/' }],
      eventTime: '2026-05-05T10:00:00+02:00',
      eventTimeZoneOffset: '+02:00',
      action: 'OBSERVE',
      epcList: [],
      quantityList: [{ epcClass: 'urn:lotline:lot:FG:X' }],
      bizStep: 'inspecting',
      disposition: 'available',
      'lotline:release': true,
      'lotline:endsHolds': [holdX],
      'lotline:signatures': released.signatures,
    };
    const r = await c.post('/events', forged, t.keys.quality);
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({ code: 'SIGNATURE_INVALID', issues: [{ path: '$.lotline:signatures' }] });
    expect(await lotState(c, t, 'urn:lotline:lot:FG:X')).toMatchObject({ status: 'on_hold' });
    // The hold ids copied too: the hash still does not match the other event.
    const copiedHolds = { ...forged, 'lotline:endsHolds': released.signatures[0]!['holdEventIds'] };
    expect(await (await c.post('/events', copiedHolds, t.keys.quality)).json()).toMatchObject({ code: 'SIGNATURE_INVALID', detail: expect.stringMatching(/hash does not match/) });
  });

  it('rejects a held lot with a signature: the lot is destroyed', async () => {
    const r = await c.post('/releases', { lots: ['urn:lotline:lot:FG:X'], decision: 'reject', meaning: 'rejected', password: PASSWORD }, await c.signIn('quinn'));
    expect(r.status).toBe(201);
    expect(await lotState(c, t, 'urn:lotline:lot:FG:X')).toMatchObject({ status: 'destroyed' });
  });
});

describe('four-eyes releases', () => {
  let t: TestApi;
  let c: Client;
  beforeAll(async () => {
    t = await testApi({ db: tempDb(), signaturesRequired: 2 });
    c = await client(t);
    await user(t.identity, 'quinn', 'quality');
    await user(t.identity, 'ruth', 'quality');
    await c.post('/events', receive('A'), t.keys.operator);
    await c.post('/holds', { lots: [LOT_A], reason: 'swab positive' }, t.keys.quality);
  });
  afterAll(async () => t.close());

  it('keeps the first signature pending until a second quality user signs, and refuses the same signer twice', async () => {
    const req = { lots: [LOT_A], decision: 'release', meaning: 'released after retest', password: PASSWORD };
    const quinn = await c.signIn('quinn');
    const first = await c.post('/releases', req, quinn);
    expect(first.status).toBe(202);
    expect(await first.json()).toMatchObject({ status: 'pending', required: 2, signatures: [{ signer: 'quinn' }] });
    expect(await lotState(c, t, LOT_A)).toMatchObject({ status: 'on_hold' });
    expect(await (await c.post('/releases', req, quinn)).json()).toMatchObject({ code: 'SIGNATURE_REFUSED' });
    const second = await c.post('/releases', { ...req, meaning: 'approved' }, await c.signIn('ruth'));
    expect(second.status).toBe(201);
    const done = (await second.json()) as { eventId: string; signatures: Json[] };
    expect(done.signatures.map((s) => [s['signer'], s['printedName'], s['meaning']])).toEqual([
      ['quinn', 'Quinn Tester', 'released after retest'],
      ['ruth', 'Ruth Tester', 'approved'],
    ]);
    expect(await lotState(c, t, LOT_A)).toMatchObject({ status: 'released' });
    expect(await (await c.get(`/events/${encodeURIComponent(done.eventId)}/signatures`, t.keys.auditor)).json()).toMatchObject({ valid: true, signatures: [{ valid: true }, { valid: true }] });
    expect(await t.quality.getPending((await import('../../src/quality/release.js')).decisionKey('release', [{ kind: 'lot', item: 'RAW', lot: 'A' }]))).toBeUndefined();
  });
});

describe('printed names on signatures', () => {
  let t: TestApi;
  let c: Client;
  const patch = (name: string, body: unknown) =>
    fetch(`${c.base}/users/${name}`, { method: 'PATCH', headers: { 'content-type': 'application/json', ...t.keys.admin }, body: JSON.stringify(body) });
  const LOT_B = 'urn:lotline:lot:RAW:B';
  beforeAll(async () => {
    t = await testApi({ db: tempDb() });
    c = await client(t);
    await c.post('/events', [receive('A'), receive('B')], t.keys.operator);
    await c.post('/holds', { lots: [LOT_A, LOT_B], reason: 'swab positive' }, t.keys.quality);
  });
  afterAll(async () => t.close());

  it('the users API takes a full name at creation and lists it; an account without one shows null', async () => {
    const made = await c.post('/users', { name: 'jdoe', role: 'quality', password: PASSWORD, fullName: 'Jane Q. Doe' }, t.keys.admin);
    expect(made.status).toBe(201);
    expect(await made.json()).toMatchObject({ name: 'jdoe', role: 'quality', fullName: 'Jane Q. Doe' });
    expect((await c.post('/users', { name: 'noah', role: 'quality', password: PASSWORD }, t.keys.admin)).status).toBe(201);
    const bad = await c.post('/users', { name: 'eve', role: 'quality', password: PASSWORD, fullName: '   ' }, t.keys.admin);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'INPUT_INVALID', issues: [{ path: '$.fullName' }] });
    const list = (await (await c.get('/users', t.keys.auditor)).json()) as { users: Json[] };
    expect(list.users.map((u) => [u['name'], u['fullName']])).toEqual([
      ['jdoe', 'Jane Q. Doe'],
      ['noah', null],
    ]);
  });

  it('refuses a signer without a full name, says how to set it, and signs nothing', async () => {
    const r = await c.post('/releases', { lots: [LOT_A], decision: 'release', meaning: 'released after retest', password: PASSWORD }, await c.signIn('noah'));
    expect(r.status).toBe(409);
    const body = (await r.json()) as Json;
    expect(body).toMatchObject({ code: 'SIGNER_NAME_MISSING' });
    expect(body['detail']).toContain('lotline user update noah --full-name');
    expect(await lotState(c, t, LOT_A)).toMatchObject({ status: 'on_hold' });
    expect(await t.quality.getPending((await import('../../src/quality/release.js')).decisionKey('release', [{ kind: 'lot', item: 'RAW', lot: 'A' }]))).toBeUndefined();
    // The right password was typed: it does not count as a failure.
    expect((await t.identity.getUser('noah'))!.failedLogins).toBe(0);
  });

  it('prints the full name as signed: a later change of name leaves the earlier signature verifiable and unchanged', async () => {
    const empty = await patch('noah', { fullName: '' });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ code: 'INPUT_INVALID', issues: [{ path: '$.fullName' }] });
    const set = await patch('noah', { fullName: 'Noah Field' });
    expect(set.status).toBe(200);
    expect(await set.json()).toMatchObject({ name: 'noah', fullName: 'Noah Field' });

    const first = await c.post('/releases', { lots: [LOT_A], decision: 'release', meaning: 'released after retest', password: PASSWORD }, await c.signIn('noah'));
    expect(first.status).toBe(201);
    const a = (await first.json()) as { eventId: string; signatures: Json[] };
    expect(a.signatures).toMatchObject([{ signer: 'noah', printedName: 'Noah Field' }]);

    expect(await (await patch('noah', { fullName: 'Noah Field-Baker' })).json()).toMatchObject({ fullName: 'Noah Field-Baker' });
    const second = await c.post('/releases', { lots: [LOT_B], decision: 'release', meaning: 'released after retest', password: PASSWORD }, await c.signIn('noah'));
    expect(((await second.json()) as { signatures: Json[] }).signatures).toMatchObject([{ signer: 'noah', printedName: 'Noah Field-Baker' }]);

    // The first release still carries the name it was signed with, and still verifies.
    const ev = (await (await c.get(`/events/${encodeURIComponent(a.eventId)}`, t.keys.auditor)).json()) as { epcis: Json };
    expect(ev.epcis['lotline:signatures']).toEqual(a.signatures);
    expect(await (await c.get(`/events/${encodeURIComponent(a.eventId)}/signatures`, t.keys.auditor)).json()).toMatchObject({
      signed: true,
      valid: true,
      signatures: [{ signer: 'noah', printedName: 'Noah Field', valid: true }],
    });
    expect(await t.store.verify()).toMatchObject({ ok: true });
  });
});

describe('exceptions workflow', () => {
  let t: TestApi;
  let c: Client;
  beforeAll(async () => {
    t = await testApi({ db: tempDb(), streamPollMs: 50, escalation: { critical: 0, warning: 3600_000, info: 3600_000 }, escalationCheckMs: 50 });
    c = await client(t);
    await c.post('/events', [receive('M1'), { cmd: 'produce', batch: 'B-7', time: '2026-05-04T09:00:00+02:00', outputs: [{ item: 'FG', lot: 'P1', quantity: 5, uom: 'KGM' }] }], t.keys.operator);
  });
  afterAll(async () => t.close());

  const missingLink = {
    ruleId: 'produced-without-inputs',
    severity: 'warning' as const,
    subject: { kind: 'lot' as const, ref: 'urn:lotline:lot:FG:P1' },
    key: 'produced-without-inputs:urn:lotline:lot:FG:P1',
    explanation: 'FG P1 was produced with no recorded inputs.',
    eventIds: [],
    site: null,
    line: 'L2',
    detectedAt: '2026-05-04T10:00:00.000Z',
  };

  it('acknowledges, resolves a missing link retroactively (visible in the trace), and keeps the whole history', async () => {
    const [opened] = await t.quality.report([missingLink], () => null, 'test');
    const id = opened!.id;
    expect(await (await c.get(`/exceptions?line=L2&state=open`, t.keys.auditor)).json()).toMatchObject({ exceptions: [{ id, ruleId: 'produced-without-inputs' }] });
    const ack = await c.post(`/exceptions/${id}/acknowledge`, { dueAt: '2099-05-05T12:00:00+02:00' }, t.keys.operator);
    expect(await ack.json()).toMatchObject({ exception: { state: 'acknowledged', owner: 'key:operator-key', dueAt: '2099-05-05T10:00:00.000Z' } });
    expect(await (await c.post(`/exceptions/${id}/acknowledge`, {}, t.keys.operator)).json()).toMatchObject({ code: 'EXCEPTION_STATE', status: 409 });
    const res = await c.post(
      `/exceptions/${id}/resolve`,
      { note: 'shift lead confirmed the flour went into batch B-7', link: { inputs: [{ lot: LOT_M1, quantity: 5, uom: 'KGM' }], batch: 'B-7', time: '2026-05-04T09:00:00+02:00' } },
      t.keys.operator,
    );
    expect(res.status).toBe(200);
    const resolved = (await res.json()) as { exception: Json; correctiveEventId: string };
    expect(resolved.exception).toMatchObject({ state: 'resolved', resolution: 'shift lead confirmed the flour went into batch B-7' });
    const tr = (await (await c.get('/trace/forward?item=RAW&lot=M1', t.keys.auditor)).json()) as { lots: Json[]; links: Json[] };
    expect(tr.lots.map((l) => l['lot'])).toEqual(['M1', 'P1']);
    expect(tr.links).toEqual([
      expect.objectContaining({ from: { item: 'RAW', lot: 'M1' }, to: { item: 'FG', lot: 'P1' }, eventId: resolved.correctiveEventId, retroactive: { exception: id, confirmedBy: 'key:operator-key', confirmedAt: expect.any(String) } }),
    ]);
    const ev = (await (await c.get(`/events/${encodeURIComponent(resolved.correctiveEventId)}`, t.keys.auditor)).json()) as { event: Json };
    expect(ev.event).toMatchObject({ type: 'TransformationEvent', recordedBy: 'key:operator-key' });
    const detail = (await (await c.get(`/exceptions/${id}`, t.keys.auditor)).json()) as { history: Json[] };
    expect(detail.history.map((h) => [h['action'], h['actor']])).toEqual([
      ['opened', 'test'],
      ['acknowledged', 'key:operator-key'],
      ['resolved', 'key:operator-key'],
    ]);
    expect(detail.history[2]!['details']).toMatchObject({ correctiveEventId: resolved.correctiveEventId, retroactive: true });
    expect(await (await c.post(`/exceptions/${id}/dismiss`, { reason: 'late' }, t.keys.quality)).json()).toMatchObject({ code: 'EXCEPTION_STATE' });
  });

  it('dismisses only with a reason and the role quality; unknown ids are NOT_FOUND', async () => {
    const [e] = await t.quality.report([{ ...missingLink, key: 'k2', subject: { kind: 'lot', ref: 'urn:lotline:lot:FG:Q' } }], () => null, 'test');
    expect(await (await c.post(`/exceptions/${e!.id}/dismiss`, { reason: 'test run' }, t.keys.operator)).json()).toMatchObject({ code: 'FORBIDDEN' });
    expect(await (await c.post(`/exceptions/${e!.id}/dismiss`, { reason: ' ' }, t.keys.quality)).json()).toMatchObject({ code: 'INPUT_INVALID', issues: [{ path: '$.reason' }] });
    expect(await (await c.post(`/exceptions/${e!.id}/dismiss`, { reason: 'trial batch, never sold' }, t.keys.quality)).json()).toMatchObject({ exception: { state: 'dismissed', resolution: 'trial batch, never sold' } });
    expect(await (await c.get('/exceptions/9999', t.keys.auditor)).json()).toMatchObject({ code: 'NOT_FOUND' });
    expect(await (await c.get('/exceptions?state=closed', t.keys.auditor)).json()).toMatchObject({ code: 'INPUT_INVALID', issues: [{ path: 'query.state' }] });
  });

  it('escalates an exception past its due time to the quality team, once, by a live alert', async () => {
    const stream = await fetch(`${c.base}/stream`, { headers: t.keys.auditor });
    await c.post('/events', receive('H1'), t.keys.operator);
    await c.post('/holds', { lots: ['urn:lotline:lot:RAW:H1'], reason: 'recall', time: '2026-05-04T11:00:00+02:00' }, t.keys.quality);
    await c.post('/events', { cmd: 'ship', time: '2026-05-04T12:00:00+02:00', lots: [{ item: 'RAW', lot: 'H1' }], to: 'Shop' }, t.keys.operator);
    const alerts = await readSse(stream, 'alert', (m) => m.some((a) => a['kind'] === 'exception.escalated'));
    expect(alerts.map((a) => [a['kind'], (a['exception'] as Json)['ruleId']])).toEqual([
      ['exception.opened', 'held-lot-used'],
      ['exception.escalated', 'held-lot-used'],
    ]);
    const id = (alerts[1]!['exception'] as Json)['id'];
    const detail = (await (await c.get(`/exceptions/${String(id)}`, t.keys.auditor)).json()) as { exception: Json; history: Json[] };
    expect(detail.exception['escalatedAt']).not.toBeNull();
    expect(detail.history.filter((h) => h['action'] === 'escalated')).toHaveLength(1);
  });
});

const LOT_M1 = 'urn:lotline:lot:RAW:M1';
