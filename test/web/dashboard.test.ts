/**
 * The live dashboard, search by order and customer, the event timeline with process data, and the
 * batch lot-status route, in Chromium against a real server (demo plant + the README walk):
 * an event captured through the API appears on the open dashboard without a reload; a hold placed
 * through the API appears in its holds list; SO-2026-701 and "FreshMart" find the walk's pallet and
 * the customer's shipments; the dough's page shows who made it (Claire Martin) and a demo batch
 * its process parameters; POST /lots/status answers many lots at once and refuses too many.
 */
import type { AddressInfo, Socket } from 'node:net';
import { connect, createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../src/store/event-store.js';
import type { LotState } from '../../src/genealogy/lot-state.js';
import { lotState } from '../../src/genealogy/lot-state.js';
import { NO_BROWSER, useBrowserSession } from './web-app.js';

const BUTTER = { kind: 'lot', item: '13012345001011', lot: 'ND-7' } as const;

describe.skipIf(NO_BROWSER !== undefined)(`live dashboard, order search and timeline in the browser${NO_BROWSER ? ` (skipped: ${NO_BROWSER})` : ''}`, () => {
  const s = useBrowserSession({ signInAs: 'qa' });
  const post = async (path: string, body: unknown, role: 'quality' | 'operator' | 'auditor' = 'quality') => {
    const r = await fetch(`${s.app.url}/api/v1${path}`, { method: 'POST', headers: { ...s.app.t.keys[role], 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };

  it('links the dashboard from the menu, and connects to the live stream', async () => {
    await s.page.goto(s.app.url);
    await s.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
    await s.page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    await s.page.getByRole('status').getByText('Live: connected.').waitFor();
    // the search stays one click away: the box is at the top of the page
    expect(await s.page.getByRole('combobox').count()).toBe(1);
  });

  it('shows an event captured through the API as it is stored, without a reload, with its lot, place and operator', async () => {
    const marker = await s.page.evaluate(() => performance.timeOrigin);
    const answer = await post('/events', { cmd: 'receive', time: '2026-05-06T06:00:00+02:00', lots: [{ item: 'SUGAR', lot: 'SG-LIVE-1', quantity: 500, uom: 'KGM' }], from: 'Sucrerie du Nord', po: 'PO-LIVE-9', location: 'Goods in', operator: 'Marc Leroy' }, 'operator');
    expect(answer.status).toBe(201);
    const item = s.page.locator('.live-event').filter({ hasText: 'SUGAR / SG-LIVE-1' });
    await item.waitFor();
    const text = await item.textContent();
    expect(text).toContain('receiving');
    expect(text).toContain('Goods in');
    expect(text).toContain('from Sucrerie du Nord');
    expect(text).toContain('Marc Leroy');
    // the same page, not a reload
    expect(await s.page.evaluate(() => performance.timeOrigin)).toBe(marker);
    await item.getByRole('link', { name: 'SUGAR / SG-LIVE-1' }).waitFor();
    expect(((await lotState(s.app.t.store, { kind: 'lot', item: 'SUGAR', lot: 'SG-LIVE-1' })) as LotState).onHand).toEqual({ quantity: 500, uom: 'KGM' });
  });

  it('shows a hold placed through the API in the holds list, and the route lists it', async () => {
    const holds = s.page.locator('.dash-holds');
    expect(await holds.getByRole('link', { name: '13012345001011 / ND-7' }).count()).toBe(0);
    const placed = await post('/holds', { lots: [{ gtin: '13012345001011', lot: 'ND-7' }], reason: 'Dashboard test: temperature excursion' });
    expect(placed.status).toBe(201);
    await holds.getByRole('link', { name: '13012345001011 / ND-7' }).waitFor();
    expect(await holds.locator('li').filter({ hasText: 'ND-7' }).textContent()).toContain('Dashboard test: temperature excursion');
    const r = await fetch(`${s.app.url}/api/v1/holds`, { headers: s.app.t.keys.auditor });
    const body = (await r.json()) as { total: number; lots: { ref: string; reason: string | null }[] };
    expect(body.lots.find((l) => l.ref === 'urn:lotline:lot:13012345001011:ND-7')).toMatchObject({ reason: 'Dashboard test: temperature excursion' });
    expect(body.total).toBe(body.lots.length);
    expect(((await lotState(s.app.t.store, BUTTER)) as LotState).status).toBe('on_hold');
    // an auditor may read the holds list but not place a hold: nothing stored
    const refused = await post('/holds', { lots: [{ item: 'SUGAR', lot: 'SG-LIVE-1' }], reason: 'not allowed' }, 'auditor');
    expect(refused.status).toBe(403);
    expect(((await lotState(s.app.t.store, { kind: 'lot', item: 'SUGAR', lot: 'SG-LIVE-1' })) as LotState).status).toBe('released');
  });

  it('counts the unfinished exceptions by severity, each a link to the inbox filtered by it', async () => {
    const critical = s.page.locator('[data-severity=critical]');
    await critical.waitFor();
    const open = (await (await fetch(`${s.app.url}/api/v1/exceptions?state=open&limit=10000`, { headers: s.app.t.keys.auditor })).json()) as { exceptions: { severity: string }[] };
    const ack = (await (await fetch(`${s.app.url}/api/v1/exceptions?state=acknowledged&limit=10000`, { headers: s.app.t.keys.auditor })).json()) as { exceptions: { severity: string }[] };
    const want = [...open.exceptions, ...ack.exceptions].filter((e) => e.severity === 'warning').length;
    expect(await s.page.locator('[data-severity=warning] strong').textContent()).toBe(String(want));
    const completeness = s.page.locator('.dash-completeness');
    await completeness.waitFor();
    expect(await completeness.getByRole('img').count()).toBe(2);
    await critical.click();
    await s.page.getByRole('heading', { level: 1, name: 'Exceptions' }).waitFor();
    expect(await s.page.locator('#ex-severity').inputValue()).toBe('critical');
  });

  it('says when the stream is lost, and comes back by itself', async () => {
    // The browser talks to the server through a TCP relay whose connections the test cuts: a real network drop.
    const target = new URL(s.app.url);
    const sockets = new Set<Socket>();
    const relay = createServer((client) => {
      const upstream = connect(Number(target.port), target.hostname);
      for (const sock of [client, upstream]) {
        sockets.add(sock);
        sock.on('close', () => sockets.delete(sock));
        sock.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((done) => relay.listen(0, '127.0.0.1', done));
    try {
      const port = (relay.address() as AddressInfo).port;
      // the session cookie is the host's, whatever the port
      await s.page.goto(`http://127.0.0.1:${port}/dashboard`);
      await s.page.getByRole('status').getByText('Live: connected.').waitFor();
      for (const sock of sockets) sock.destroy();
      await s.page.getByRole('status').getByText(/^Disconnected from the live stream/).waitFor();
      await s.page.getByRole('status').getByText('Live: connected.').waitFor({ timeout: 20_000 });
      const answer = await post('/events', { cmd: 'move', time: '2026-05-06T07:00:00+02:00', lots: [{ item: 'SUGAR', lot: 'SG-LIVE-1' }], to: 'Dry store' }, 'operator');
      expect(answer.status).toBe(201);
      await s.page.locator('.live-event').filter({ hasText: 'storing' }).filter({ hasText: 'SG-LIVE-1' }).waitFor();
    } finally {
      for (const sock of sockets) sock.destroy();
      await new Promise((done) => relay.close(done));
    }
  });

  it('finds the walk’s pallet by its sales order, grouped under the order, and opens it', async () => {
    await s.page.goto(s.app.url);
    const box = s.page.getByRole('combobox');
    await box.fill('SO-2026-701');
    const group = s.page.getByRole('group', { name: 'Order SO-2026-701', exact: true });
    await group.waitFor();
    expect(await group.getByRole('option').allTextContents()).toEqual(['unit SSCC 006141419990000019 shipped 2026-05-05 to FreshMart DC South']);
    await group.getByRole('option').first().click();
    await s.page.getByRole('heading', { level: 1, name: /006141419990000019/ }).waitFor();
    expect(decodeURIComponent(new URL(s.page.url()).pathname)).toBe('/lots/urn:lotline:unit:sscc:006141419990000019');
  });

  it('finds the customer’s shipments by typing its name', async () => {
    await s.page.goto(s.app.url);
    await s.page.getByRole('combobox').fill('FreshMart');
    await s.page.getByRole('group', { name: /^Customer FreshMart/ }).first().waitFor();
    const groups = await s.page.locator('.search-group-name').allTextContents();
    expect(groups.length).toBeGreaterThan(0);
    for (const g of groups) expect(g).toMatch(/^Customer FreshMart DC (North|South)$/);
    const options = await s.page.getByRole('option').allTextContents();
    for (const o of options) expect(o).toMatch(/shipped \d{4}-\d{2}-\d{2} to FreshMart/);
  });

  it('shows each event’s operator, order and process parameters in the lot’s timeline', async () => {
    await s.page.goto(`${s.app.url}/lots/${encodeURIComponent('urn:lotline:lot:DOUGH:D-0504-1')}`);
    await s.page.getByRole('heading', { level: 2, name: /^Events/ }).waitFor();
    const produced = s.page.locator('.timeline li').filter({ hasText: 'produced' }).first();
    await produced.locator('dl').waitFor();
    expect(await produced.locator('dt').allTextContents()).toContain('Operator');
    expect(await produced.locator('dd').allTextContents()).toContain('Claire Martin');
    const biscuits = s.page.locator('.timeline li').filter({ hasText: 'used as input' }).first();
    expect(await biscuits.locator('dd').allTextContents()).toContain('MO-2026-101');

    // a demo batch recorded with its process parameters
    let entry: LogEntry | undefined;
    for (let after = 0; !entry; ) {
      const page = await s.app.t.store.readLog(after, 1000);
      expect(page.length, 'a demo batch with parameters').toBeGreaterThan(0);
      entry = page.find((e) => e.body.includes('"lotline:parameters"') && e.body.includes('"outputQuantityList"'));
      after = page[page.length - 1]!.seq;
    }
    const body = JSON.parse(entry.body) as { outputQuantityList: { epcClass: string }[]; 'lotline:parameters': Record<string, number | string>; 'lotline:equipment'?: string };
    await s.page.goto(`${s.app.url}/lots/${encodeURIComponent(body.outputQuantityList[0]!.epcClass)}`);
    await s.page.getByRole('heading', { level: 2, name: /^Events/ }).waitFor();
    const batch = s.page.locator(`.timeline li[data-event-id="${entry.eventId}"]`);
    await batch.locator('dl').waitFor();
    const terms = await batch.locator('dt').allTextContents();
    const values = await batch.locator('dd').allTextContents();
    for (const [k, v] of Object.entries(body['lotline:parameters'])) {
      expect(terms).toContain(k);
      expect(values).toContain(String(v));
    }
    if (body['lotline:equipment']) expect(values).toContain(body['lotline:equipment']);
  });

  it('answers the statuses of many lots in one request, in order, and refuses too many or a bad ref naming it', async () => {
    const refs = ['urn:lotline:lot:13012345001011:ND-7', 'urn:lotline:lot:FLOUR-T55:F-0504', 'urn:lotline:lot:NOPE:NOPE', 'urn:lotline:unit:sscc:006141419990000019'];
    const ok = await post('/lots/status', { refs }, 'auditor');
    expect(ok.status).toBe(200);
    expect((ok.body['statuses'] as { ref: string; status: string }[]).map((x) => [x.ref, x.status])).toEqual([
      [refs[0], 'on_hold'],
      [refs[1], 'released'],
      [refs[2], 'unknown'],
      [refs[3], 'unit'],
    ]);
    const many = await post('/lots/status', { refs: Array.from({ length: 1001 }, (_, i) => `urn:lotline:lot:X:${i}`) }, 'auditor');
    expect(many.status).toBe(400);
    expect(JSON.stringify(many.body)).toMatch(/more than 1000 lots/);
    const bad = await post('/lots/status', { refs: [refs[0], 'not an identifier at all ('] }, 'auditor');
    expect(bad.status).toBe(400);
    expect((bad.body['issues'] as { path: string }[])[0]!.path).toBe('$.refs[1]');
    const none = await post('/lots/status', { refs: [] }, 'auditor');
    expect(none.status).toBe(400);
  });
});
