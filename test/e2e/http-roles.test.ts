/**
 * The role table: every route, every role, and no credentials at all. Each role can do exactly
 * what docs/api.md#roles says and nothing more; a refused request stores nothing.
 * The expected table is written out by hand here, not derived from ROLE_PERMISSIONS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/identity/roles.js';
import { ROLES } from '../../src/identity/roles.js';
import type { TestApi } from '../helpers/http.js';
import { receive, testApi } from '../helpers/http.js';

type Who = Role | 'nobody';
const O = 'operator';
const Q = 'quality';
const A = 'auditor';
const D = 'admin';
const EVERYONE: readonly Role[] = [O, Q, A, D];

const epcisDoc = (bizStep: string, disposition: string, lot: string) => ({
  '@context': ['https://ref.gs1.org/standards/epcis/epcis-context.jsonld'],
  type: 'EPCISDocument',
  schemaVersion: '2.0',
  creationDate: '2026-05-04T10:00:00Z',
  epcisBody: {
    eventList: [
      {
        type: 'ObjectEvent',
        eventTime: '2026-05-04T10:00:00+02:00',
        eventTimeZoneOffset: '+02:00',
        action: 'OBSERVE',
        bizStep,
        disposition,
        epcList: [],
        quantityList: [{ epcClass: `urn:epc:class:lgtin:4012345.012345.${lot}`, quantity: 1, uom: 'KGM' }],
      },
    ],
  },
});

interface Case {
  readonly name: string;
  readonly allowed: readonly Role[];
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly url: string | ((who: Who) => string);
  readonly body?: (who: Who) => unknown;
}

const lotA = encodeURIComponent('urn:lotline:lot:RAW:A');
let eventId = '';
let captureId = '';
let webhookId = '';
let deadId = '';
const webhookVictims: Record<string, string> = {};

const CASES: readonly Case[] = [
  { name: 'who am I', allowed: EVERYONE, method: 'GET', url: '/api/v1/session' },
  { name: 'search lots', allowed: EVERYONE, method: 'GET', url: '/api/v1/lots?query=A' },
  { name: 'search as you type', allowed: EVERYONE, method: 'GET', url: '/api/v1/search?q=A' },
  { name: 'lot state', allowed: EVERYONE, method: 'GET', url: `/api/v1/lots/${lotA}` },
  { name: 'lot audit trail', allowed: EVERYONE, method: 'GET', url: `/api/v1/lots/${lotA}/events` },
  { name: 'statuses of many lots', allowed: EVERYONE, method: 'POST', url: '/api/v1/lots/status', body: () => ({ refs: ['urn:lotline:lot:RAW:A'] }) },
  { name: 'lots on hold now', allowed: EVERYONE, method: 'GET', url: '/api/v1/holds' },
  { name: 'trace forward', allowed: EVERYONE, method: 'GET', url: '/api/v1/trace/forward?item=RAW&lot=A' },
  { name: 'trace backward', allowed: EVERYONE, method: 'GET', url: '/api/v1/trace/backward?item=RAW&lot=A' },
  { name: 'one event', allowed: EVERYONE, method: 'GET', url: () => `/api/v1/events/${encodeURIComponent(eventId)}` },
  { name: 'EPCIS query', allowed: EVERYONE, method: 'GET', url: '/api/v1/epcis/events' },
  { name: 'FSMA 204 spreadsheet', allowed: EVERYONE, method: 'GET', url: '/api/v1/reports/fsma204?tlc=A' },
  { name: 'EPCIS export', allowed: EVERYONE, method: 'GET', url: '/api/v1/reports/epcis?EQ_bizStep=receiving' },
  { name: 'genealogy dossier', allowed: EVERYONE, method: 'GET', url: '/api/v1/reports/dossier?lot=urn:lotline:lot:RAW:A&format=html' },
  { name: 'audit trail', allowed: [A, D], method: 'GET', url: '/api/v1/reports/audit?item=RAW&lot=A' },
  { name: 'supplier report', allowed: EVERYONE, method: 'GET', url: '/api/v1/reports/supplier?supplier=Mill' },
  { name: 'run a mock recall', allowed: [Q], method: 'POST', url: '/api/v1/mock-recalls', body: () => ({ item: 'RAW', lot: 'A' }) },
  { name: 'mock recalls run', allowed: EVERYONE, method: 'GET', url: '/api/v1/mock-recalls' },
  { name: 'one mock recall', allowed: EVERYONE, method: 'GET', url: '/api/v1/mock-recalls/1' },
  { name: 'EPCIS capture job', allowed: EVERYONE, method: 'GET', url: () => `/api/v1/epcis/capture/${captureId}` },
  { name: 'completeness', allowed: EVERYONE, method: 'GET', url: '/api/v1/quality/completeness' },
  { name: 'gap rules (dry run)', allowed: EVERYONE, method: 'GET', url: '/api/v1/quality/gaps' },
  { name: 'quality configuration', allowed: EVERYONE, method: 'GET', url: '/api/v1/quality/config' },
  { name: 'capture a receipt', allowed: [O, Q], method: 'POST', url: '/api/v1/events', body: (who) => receive(`R-${who}`) },
  { name: 'capture a hold', allowed: [Q], method: 'POST', url: '/api/v1/events', body: (who) => ({ cmd: 'hold', time: '2026-05-04T10:00:00+02:00', lots: [{ item: 'RAW', lot: `H-${who}` }], reason: 'swab' }) },
  { name: 'capture a release', allowed: [Q], method: 'POST', url: '/api/v1/events', body: (who) => ({ cmd: 'release', time: '2026-05-04T11:00:00+02:00', lots: [{ item: 'RAW', lot: `H-${who}` }] }) },
  { name: 'capture a destruction', allowed: [Q], method: 'POST', url: '/api/v1/events', body: (who) => ({ cmd: 'destroy', time: '2026-05-04T11:00:00+02:00', lots: [{ item: 'RAW', lot: `X-${who}` }], reason: 'mould' }) },
  {
    name: 'a receipt and a hold together',
    allowed: [Q],
    method: 'POST',
    url: '/api/v1/events',
    body: (who) => [receive(`RH-${who}`), { cmd: 'hold', time: '2026-05-04T10:00:00+02:00', lots: [{ item: 'RAW', lot: `RH-${who}` }], reason: 'swab' }],
  },
  { name: 'EPCIS capture of a receipt', allowed: [O, Q], method: 'POST', url: '/api/v1/epcis/capture', body: (who) => epcisDoc('receiving', 'in_progress', `E-${who}`) },
  { name: 'EPCIS capture of a hold', allowed: [Q], method: 'POST', url: '/api/v1/epcis/capture', body: (who) => epcisDoc('holding', 'non_sellable_other', `EH-${who}`) },
  { name: 'list users', allowed: [A, D], method: 'GET', url: '/api/v1/users' },
  { name: 'add a user', allowed: [D], method: 'POST', url: '/api/v1/users', body: (who) => ({ name: `u-${who}`, role: 'operator', password: 'a long enough password' }) },
  { name: 'change a user', allowed: [D], method: 'PATCH', url: '/api/v1/users/target', body: () => ({ role: 'quality' }) },
  { name: 'list keys', allowed: [A, D], method: 'GET', url: '/api/v1/keys' },
  { name: 'create a key', allowed: [D], method: 'POST', url: '/api/v1/keys', body: (who) => ({ name: `k-${who}`, role: 'operator' }) },
  { name: 'revoke a key', allowed: [D], method: 'DELETE', url: (who) => `/api/v1/keys/victim-${who}` },
  { name: 'rotate a key', allowed: [D], method: 'POST', url: (who) => `/api/v1/keys/rotated-${who}/rotate` },
  { name: 'administrative audit log', allowed: [A, D], method: 'GET', url: '/api/v1/audit' },
  { name: 'scan at a station', allowed: [O, Q], method: 'POST', url: '/api/v1/scan', body: () => ({ station: 'ROLES-SCAN', action: 'cancel' }) },
  { name: 'list stations', allowed: EVERYONE, method: 'GET', url: '/api/v1/stations' },
  { name: 'one station', allowed: EVERYONE, method: 'GET', url: '/api/v1/stations/ROLES-SCAN' },
  { name: 'add a station', allowed: [D], method: 'POST', url: '/api/v1/stations', body: (who) => ({ id: `st-${who}`, site: 'Plant 1', role: 'packing' }) },
  { name: 'change a station', allowed: [D], method: 'PUT', url: '/api/v1/stations/ROLES-SCAN', body: () => ({ site: 'Plant 1', line: 'L9', role: 'production' }) },
  { name: 'remove a station', allowed: [D], method: 'DELETE', url: (who) => `/api/v1/stations/victim-${who}` },
  { name: 'list webhooks', allowed: [D], method: 'GET', url: '/api/v1/webhooks' },
  { name: 'subscribe a webhook', allowed: [D], method: 'POST', url: '/api/v1/webhooks', body: (who) => ({ url: `http://127.0.0.1:9/${who}` }) },
  { name: 'one webhook', allowed: [D], method: 'GET', url: () => `/api/v1/webhooks/${webhookId}` },
  { name: 'change a webhook', allowed: [D], method: 'PATCH', url: () => `/api/v1/webhooks/${webhookId}`, body: () => ({ active: false }) },
  { name: 'delete a webhook', allowed: [D], method: 'DELETE', url: (who) => `/api/v1/webhooks/${webhookVictims[who]}` },
  { name: 'webhook dead letters', allowed: [D], method: 'GET', url: '/api/v1/webhook-deliveries?status=dead' },
  { name: 'replay a dead letter', allowed: [D], method: 'POST', url: () => `/api/v1/webhook-deliveries/${deadId}/replay` },
  { name: 'hold lots', allowed: [Q], method: 'POST', url: '/api/v1/holds', body: () => ({ lots: ['urn:lotline:lot:RAW:A'], reason: 'swab' }) },
  { name: 'verify signatures', allowed: EVERYONE, method: 'GET', url: () => `/api/v1/events/${encodeURIComponent(eventId)}/signatures` },
  { name: 'list exceptions', allowed: EVERYONE, method: 'GET', url: '/api/v1/exceptions?state=open' },
  { name: 'one exception', allowed: EVERYONE, method: 'GET', url: () => `/api/v1/exceptions/${exceptionIds['read']}` },
  { name: 'acknowledge an exception', allowed: [O, Q], method: 'POST', url: (who) => `/api/v1/exceptions/${exceptionIds[`ack-${who}`]}/acknowledge`, body: () => ({}) },
  { name: 'assign an exception', allowed: [O, Q], method: 'POST', url: () => `/api/v1/exceptions/${exceptionIds['read']}/assign`, body: () => ({ owner: 'sam' }) },
  { name: 'resolve an exception', allowed: [O, Q], method: 'POST', url: (who) => `/api/v1/exceptions/${exceptionIds[`resolve-${who}`]}/resolve`, body: () => ({ note: 'done' }) },
  { name: 'dismiss an exception', allowed: [Q], method: 'POST', url: (who) => `/api/v1/exceptions/${exceptionIds[`dismiss-${who}`]}/dismiss`, body: () => ({ reason: 'not a problem' }) },
  { name: 'list master data', allowed: EVERYONE, method: 'GET', url: '/api/v1/master-data/parties?search=mill' },
  { name: 'one master-data record', allowed: EVERYONE, method: 'GET', url: '/api/v1/master-data/parties/Mill' },
  { name: 'master-data history', allowed: EVERYONE, method: 'GET', url: '/api/v1/master-data/parties/Mill/history' },
  { name: 'put a master-data record', allowed: [Q, D], method: 'PUT', url: '/api/v1/master-data/parties/Mill', body: (who) => ({ name: `Mill (${who})`, roles: ['supplier'] }) },
  { name: 'import master data of one kind', allowed: [Q, D], method: 'POST', url: '/api/v1/master-data/items/import', body: (who) => [{ id: `ITEM-${who}`, description: 'x' }] },
  { name: 'import master data', allowed: [Q, D], method: 'POST', url: '/api/v1/master-data/import', body: (who) => ({ items: [{ id: `ITEM2-${who}`, description: 'x' }] }) },
  { name: 'compute a recall', allowed: [Q], method: 'POST', url: '/api/v1/recalls', body: () => ({ lots: ['urn:lotline:lot:RAW:A'] }) },
  { name: 'list recalls', allowed: EVERYONE, method: 'GET', url: '/api/v1/recalls' },
  { name: 'one recall', allowed: EVERYONE, method: 'GET', url: () => `/api/v1/recalls/${recallId}` },
  { name: 'recall notification list', allowed: EVERYONE, method: 'GET', url: () => `/api/v1/recalls/${recallId}/notification.csv` },
  { name: 'hold a recall', allowed: [Q], method: 'POST', url: () => `/api/v1/recalls/${recallId}/holds`, body: () => ({ reason: 'recall' }) },
];
const exceptionIds: Record<string, number> = {};
let recallId = '';

describe('role table', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await testApi({ integrations: true });
    const r = await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: t.keys.operator, payload: receive('A') });
    eventId = (r.json() as { results: { eventId: string }[] }).results[0]!.eventId;
    const job = await t.app.inject({ method: 'POST', url: '/api/v1/epcis/capture', headers: t.keys.operator, payload: epcisDoc('receiving', 'in_progress', 'J') });
    captureId = (job.json() as { captureID: string }).captureID;
    const admin = t.keys.admin;
    await t.app.inject({ method: 'POST', url: '/api/v1/users', headers: admin, payload: { name: 'target', role: 'operator', password: 'a long enough password' } });
    for (const who of [...ROLES, 'nobody']) await t.app.inject({ method: 'POST', url: '/api/v1/keys', headers: admin, payload: { name: `victim-${who}`, role: 'operator' } });
    for (const who of [...ROLES, 'nobody']) await t.app.inject({ method: 'POST', url: '/api/v1/keys', headers: admin, payload: { name: `rotated-${who}`, role: 'operator' } });
    for (const id of ['ROLES-SCAN', ...[...ROLES, 'nobody'].map((who) => `victim-${who}`)]) await t.app.inject({ method: 'POST', url: '/api/v1/stations', headers: admin, payload: { id, site: 'Plant 1', role: 'production' } });
    webhookId = ((await t.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: admin, payload: { url: 'http://127.0.0.1:9/target' } })).json() as { id: string }).id;
    for (const who of [...ROLES, 'nobody']) {
      webhookVictims[who] = ((await t.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: admin, payload: { url: `http://127.0.0.1:9/victim-${who}` } })).json() as { id: string }).id;
    }
    deadId = 'dead-letter-1';
    await t.integrations!.enqueue([{ id: deadId, subscriptionId: webhookId, kind: 'event', body: '{}' }], Date.now());
    await t.integrations!.markFailed(deadId, 8, 'HTTP 500', null);
    const keys = ['read', ...[...ROLES, 'nobody'].flatMap((who) => [`ack-${who}`, `resolve-${who}`, `dismiss-${who}`])];
    const opened = await t.quality.report(
      keys.map((key) => ({ ruleId: 'test', severity: 'info', subject: { kind: 'lot', ref: 'urn:lotline:lot:RAW:A' }, key, explanation: 'x', eventIds: [], site: null, line: null, detectedAt: '2026-05-04T10:00:00.000Z' })),
      () => null,
      'test',
    );
    for (const e of opened) exceptionIds[e.key] = e.id;
    await t.app.inject({ method: 'PUT', url: '/api/v1/master-data/parties/Mill', headers: t.keys.quality, payload: { name: 'Mill', roles: ['supplier'] } });
    recallId = ((await t.app.inject({ method: 'POST', url: '/api/v1/recalls', headers: t.keys.quality, payload: { lots: ['urn:lotline:lot:RAW:A'] } })).json() as { id: string }).id;
  });
  afterAll(async () => t.close());

  const snapshot = async () => ({
    head: await t.store.headSeq(),
    users: (await t.identity.listUsers()).map((u) => `${u.name}:${u.role}`),
    keys: (await t.identity.listKeys()).map((k) => `${k.id}:${k.name}:${k.revokedAt === null}`),
    stations: (await t.stations.listStations()).map((s) => s.id),
    webhooks: (await t.integrations!.listSubscriptions()).map((w) => `${w.url}:${w.active}`),
    dead: (await t.integrations!.listDeliveries('dead', 10)).map((d) => d.id),
    masterData: [...(await t.masterData.list('parties')), ...(await t.masterData.list('items'))].map((r) => `${r.key}:${r.version}`),
    recalls: (await t.masterData.listRecalls({ limit: 1000 })).map((r) => r.id),
  });

  for (const c of CASES) {
    for (const who of [...ROLES, 'nobody'] as Who[]) {
      const allowed = who !== 'nobody' && c.allowed.includes(who);
      it(`${c.name}: ${who} ${allowed ? 'may' : 'may not'}`, async () => {
        const before = await snapshot();
        const url = typeof c.url === 'function' ? c.url(who) : c.url;
        const r = await t.app.inject({
          method: c.method,
          url,
          headers: who === 'nobody' ? {} : t.keys[who],
          ...(c.body ? { payload: c.body(who) as object } : {}),
        });
        if (allowed) {
          expect(r.statusCode, r.body).toBeLessThan(300);
        } else {
          expect(r.statusCode, r.body).toBe(who === 'nobody' ? 401 : 403);
          expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
          expect(r.json()).toMatchObject({ code: who === 'nobody' ? 'AUTH_REQUIRED' : 'FORBIDDEN', status: r.statusCode });
          expect(await snapshot()).toEqual(before);
        }
      });
    }
  }

  it('covers every route of the API (the reference and sign-in are public; the stream is in http-api.test.ts)', async () => {
    const doc = (await t.app.inject({ url: '/api/v1/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    const covered = new Set(
      CASES.map((c) => `${c.method} ${(typeof c.url === 'function' ? c.url('operator') : c.url).split('?')[0]!.replace(lotA, '{ref}').replace(/\/events\/[^/]+\/signatures$/, '/events/{id}/signatures').replace(/\/events\/[^/]+$/, '/events/{id}').replace(/\/exceptions\/\d+/, '/exceptions/{id}').replace(/\/capture\/[0-9a-f]+$/, '/capture/{captureID}').replace(/\/users\/target$/, '/users/{name}').replace(/\/keys\/victim-operator$/, '/keys/{name}').replace(/\/keys\/rotated-operator\/rotate$/, '/keys/{name}/rotate').replace(/\/webhooks\/wh_[0-9a-f]+$/, '/webhooks/{id}').replace(/\/webhook-deliveries\/[^/]+\/replay$/, '/webhook-deliveries/{id}/replay').replace(/\/stations\/[^/]+$/, '/stations/{id}').replace(/\/mock-recalls\/\d+$/, '/mock-recalls/{id}').replace(/\/master-data\/(items|parties|locations)/, '/master-data/{kind}').replace(/\/master-data\/\{kind\}\/(?!import$)[^/]+/, '/master-data/{kind}/{id}').replace(/\/recalls\/RC-[^/]+/, '/recalls/{id}')}`),
    );
    // Signing needs a signed-in person, not a key: POST /releases is covered in http-quality.test.ts.
    const publicOrElsewhere = ['POST /api/v1/session', 'DELETE /api/v1/session', 'GET /api/v1/openapi.json', 'GET /api/v1/docs', 'GET /api/v1/stream', 'POST /api/v1/releases'];
    expect(routes.filter((r) => !covered.has(r) && !publicOrElsewhere.includes(r))).toEqual([]);
  });
});
