import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { captureEvent } from '../../src/capture/captured-event.js';
import { SqliteIntegrationStore } from '../../src/integrations/sqlite/sqlite-integration-store.js';
import { backoffMs, WebhookDispatcher } from '../../src/integrations/webhooks/dispatcher.js';
import { sign, verifySignature } from '../../src/integrations/webhooks/signing.js';
import { createSubscription } from '../../src/integrations/webhooks/subscriptions.js';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';
import { tempDb } from '../helpers/cli.js';
import type { TestApi } from '../helpers/http.js';
import { receive, testApi } from '../helpers/http.js';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A real HTTP receiver on localhost; `answer` decides each status (or hangs with 0). */
async function receiver(answer: (n: number) => number = () => 200): Promise<{ url: string; got: Received[]; close(): Promise<void> }> {
  const got: Received[] = [];
  const hanging: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      const status = answer(got.length);
      if (status === 0) hanging.push(res);
      else res.writeHead(status).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    got,
    close: async () => {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function setup(webhooks = {}): Promise<TestApi> {
  const t = await testApi({ integrations: true, webhooks: { pollMs: 30, baseDelayMs: 20, maxDelayMs: 80, maxAttempts: 3, timeoutMs: 3000, ...webhooks } });
  cleanup.push(() => t.close());
  t.app.api.webhooks!.start();
  return t;
}

async function subscribe(t: TestApi, body: object): Promise<{ id: string; secret: string }> {
  const r = await t.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: t.keys.admin, payload: body });
  expect(r.statusCode).toBe(201);
  return r.json();
}

async function capture(t: TestApi, body: object): Promise<void> {
  const r = await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: t.keys.operator, payload: body });
  expect(r.statusCode).toBeLessThan(300);
}

describe('outbound webhooks', () => {
  it('a receiver on localhost gets a signed delivery of each stored event', async () => {
    const rx = await receiver();
    cleanup.push(rx.close);
    const t = await setup();
    const { secret, id } = await subscribe(t, { url: rx.url });
    expect(secret).toMatch(/^whsec_/);
    await capture(t, receive('L1'));
    await until('a delivery', () => rx.got.length === 1);
    const { headers, body } = rx.got[0]!;
    expect(verifySignature(secret, String(headers['lotline-timestamp']), body, String(headers['lotline-signature']))).toBe(true);
    expect(verifySignature('another secret!!', String(headers['lotline-timestamp']), body, String(headers['lotline-signature']))).toBe(false);
    expect(verifySignature(secret, String(headers['lotline-timestamp']), body.replace('L1', 'L2'), String(headers['lotline-signature']))).toBe(false);
    const msg = JSON.parse(body) as { id: string; type: string; subscription: string; data: { eventType: string; objects: { item: string; lot: string }[]; epcis: { eventID: string } } };
    expect(msg).toMatchObject({ type: 'event', subscription: id, data: { eventType: 'ObjectEvent', objects: [{ item: 'RAW', lot: 'L1' }] } });
    expect(headers['lotline-delivery']).toBe(msg.id);
    // the list shows no secret
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/webhooks', headers: t.keys.admin });
    expect(JSON.stringify(list.json())).not.toContain(secret);
  });

  it('retries after failures with the same signed body, and records the delivery', async () => {
    const rx = await receiver((n) => (n <= 2 ? 500 : 200));
    cleanup.push(rx.close);
    const t = await setup({ maxAttempts: 5 });
    await subscribe(t, { url: rx.url });
    await capture(t, receive('L1'));
    await until('three attempts', () => rx.got.length === 3);
    expect(new Set(rx.got.map((g) => g.body)).size).toBe(1);
    expect(new Set(rx.got.map((g) => g.headers['lotline-delivery'])).size).toBe(1);
    await until('delivered', async () => (await t.integrations!.listDeliveries('delivered', 10)).length === 1);
    const [d] = await t.integrations!.listDeliveries('delivered', 10);
    expect(d).toMatchObject({ attempts: 3, lastError: null });
  });

  it('after repeated failures the delivery is a dead letter, listed by the API and replayable', async () => {
    let ok = false;
    const rx = await receiver(() => (ok ? 200 : 503));
    cleanup.push(rx.close);
    const t = await setup({ maxAttempts: 3 });
    await subscribe(t, { url: rx.url });
    await capture(t, receive('L1'));
    await until('a dead letter', async () => (await t.integrations!.listDeliveries('dead', 10)).length === 1);
    expect(rx.got).toHaveLength(3);
    const dead = await t.app.inject({ method: 'GET', url: '/api/v1/webhook-deliveries?status=dead', headers: t.keys.admin });
    const [letter] = dead.json().deliveries as { id: string; attempts: number; lastError: string; body: { type: string } }[];
    expect(letter).toMatchObject({ attempts: 3, lastError: 'HTTP 503 Service Unavailable', body: { type: 'event' } });
    ok = true;
    const replay = await t.app.inject({ method: 'POST', url: `/api/v1/webhook-deliveries/${letter!.id}/replay`, headers: t.keys.admin });
    expect(replay.json()).toMatchObject({ status: 'pending', attempts: 0 });
    await until('the replayed delivery', async () => (await t.integrations!.getDelivery(letter!.id))?.status === 'delivered');
    expect(rx.got).toHaveLength(4);
    const again = await t.app.inject({ method: 'POST', url: `/api/v1/webhook-deliveries/${letter!.id}/replay`, headers: t.keys.admin });
    expect(again.statusCode).toBe(404);
    expect(again.json().detail).toContain('is delivered, not dead');
  });

  it('filters by business step, item and site; notifications reach only the subscriptions that list their kind', async () => {
    const rx = await receiver();
    cleanup.push(rx.close);
    const t = await setup();
    await subscribe(t, { url: `${rx.url}?shipping`, filter: { bizSteps: ['shipping'] } });
    await subscribe(t, { url: `${rx.url}?raw`, filter: { items: ['RAW'], sites: ['DOCK-1'] } });
    await subscribe(t, { url: `${rx.url}?alerts`, types: ['quality.alert'] });
    await capture(t, receive('L1', { location: 'DOCK-1' }));
    await capture(t, receive('L2', { location: 'DOCK-2' }));
    expect(await t.app.api.notify('quality.alert', { lot: 'L1', reason: 'metal detected' })).toBe(1);
    await until('two deliveries', () => rx.got.length === 2);
    await t.app.api.webhooks!.runOnce();
    expect(rx.got).toHaveLength(2);
    const byUrl = Object.fromEntries(rx.got.map((g) => [JSON.parse(g.body).type as string, JSON.parse(g.body) as { data: { objects?: { lot: string }[]; reason?: string } }]));
    expect(byUrl['event']!.data.objects![0]!.lot).toBe('L1');
    expect(byUrl['quality.alert']!.data.reason).toBe('metal detected');
  });

  it('quality alerts go out as notifications: a held lot consumed reaches an exception.opened subscription, signed', async () => {
    const rx = await receiver();
    cleanup.push(rx.close);
    const t = await setup();
    const sub = await subscribe(t, { url: rx.url, types: ['exception.opened'] });
    await capture(t, receive('A'));
    const hold = await t.app.inject({ method: 'POST', url: '/api/v1/holds', headers: t.keys.quality, payload: { lots: ['urn:lotline:lot:RAW:A'], reason: 'supplier notice', time: '2026-05-04T09:30:00+02:00' } });
    expect(hold.statusCode).toBe(201);
    expect(rx.got).toHaveLength(0); // a hold alone is no alert
    await capture(t, {
      cmd: 'produce',
      time: '2026-05-04T10:00:00+02:00',
      inputs: [{ item: 'RAW', lot: 'A', quantity: 2, uom: 'KGM' }],
      outputs: [{ item: 'FG', lot: 'Y', quantity: 2, uom: 'KGM' }],
    });
    await until('the alert delivery', () => rx.got.length === 1);
    const got = rx.got[0]!;
    const body = JSON.parse(got.body) as { type: string; data: { kind: string; severity: string; exception: { ruleId: string; subject: { ref: string } } } };
    expect(body.type).toBe('exception.opened');
    expect(body.data).toMatchObject({ kind: 'exception.opened', severity: 'critical', exception: { ruleId: 'held-lot-used', subject: { ref: 'urn:lotline:lot:RAW:A' } } });
    const ts = String(got.headers['lotline-timestamp']);
    expect(verifySignature(sub.secret, ts, got.body, String(got.headers['lotline-signature']))).toBe(true);
  });

  it('capture never waits for a receiver that hangs', async () => {
    const rx = await receiver(() => 0);
    cleanup.push(rx.close);
    const t = await setup({ timeoutMs: 60_000 });
    await subscribe(t, { url: rx.url });
    await capture(t, receive('L1'));
    await until('the hanging delivery', () => rx.got.length === 1);
    await capture(t, receive('L2')); // answered while the first delivery is still open
    expect(await t.store.headSeq()).toBe(2);
  });

  it('admin only; every bad field is named', async () => {
    const t = await setup();
    const op = await t.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: t.keys.operator, payload: { url: 'http://x' } });
    expect(op.statusCode).toBe(403);
    const bad = await t.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: t.keys.admin, payload: { url: 'ftp://x', secret: 'short', types: ['Event!'] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues.map((i: { path: string }) => i.path)).toEqual(['$.url', '$.secret', '$.types[0]']);
    const missing = await t.app.inject({ method: 'PATCH', url: '/api/v1/webhooks/wh_nope', headers: t.keys.admin, payload: { active: false } });
    expect(missing.statusCode).toBe(404);
  });
});

describe('the outbox survives a restart', () => {
  it('deliveries queued before a stop are sent by the next process', async () => {
    const db = tempDb();
    const rx = await receiver();
    cleanup.push(rx.close);
    const store = openSqliteStore(db);
    let integrations = new SqliteIntegrationStore(db);
    await createSubscription(integrations, { url: rx.url, secret: 'a-secret-of-16-chars' }, 'test');
    const first = new WebhookDispatcher(store, integrations);
    await first.scan(); // the cursor starts at the end of the (empty) log
    const session = await store.beginCapture();
    const issues: never[] = [];
    await session.append([captureEvent({ type: 'ObjectEvent', action: 'ADD', eventTime: '2026-05-04T08:00:00+02:00', eventTimeZoneOffset: '+02:00', epcList: ['urn:lotline:serial:X:1'] }, '$', issues)!]);
    await session.commit();
    expect(await first.scan()).toBe(1);
    await integrations.close(); // "stopped" before sending
    integrations = new SqliteIntegrationStore(db);
    const second = new WebhookDispatcher(store, integrations);
    expect(await second.scan()).toBe(0); // not queued twice
    expect(await second.deliverDue()).toBe(1);
    expect(rx.got).toHaveLength(1);
    expect(rx.got[0]!.headers['lotline-signature']).toBe(sign('a-secret-of-16-chars', Number(rx.got[0]!.headers['lotline-timestamp']), rx.got[0]!.body));
    await integrations.close();
    await store.close();
  });

  it('backoff doubles from the base, is capped, and is jittered between half and all of it', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n, 1000, 5000, () => 1))).toEqual([1000, 2000, 4000, 5000]);
    expect(backoffMs(3, 1000, 5000, () => 0)).toBe(2000);
  });
});
