/**
 * Master data and recalls through the HTTP API: a quality user imports the address book (CSV and
 * JSON), fixes a customer's phone (the earlier one stays in the history), computes a recall with
 * its holds in one request, reads it back with its notification CSV; bad input is refused with the
 * field and the reason, and an auditor may read but not change anything.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApi } from '../helpers/http.js';
import { testApi } from '../helpers/http.js';
import { load } from '../helpers/store.js';
import { BISCUIT, FRESHMART_GLN, RECALL_PLANT, RECALL_PLANT_MASTER_DATA } from '../recall/recall-plant.js';

type Json = Record<string, unknown>;

describe('master data and recalls over HTTP', () => {
  let t: TestApi;
  let base: string;
  const send = (method: string, path: string, headers: Record<string, string>, body?: unknown, type = 'application/json') =>
    fetch(`${base}${path}`, { method, headers: { ...headers, ...(body !== undefined ? { 'content-type': type } : {}) }, ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}) });

  beforeAll(async () => {
    t = await testApi();
    await load(t.store, RECALL_PLANT);
    base = `${await t.app.listen({ port: 0, host: '127.0.0.1' })}/api/v1`;
  });
  afterAll(async () => t.close());

  it('imports, reads, updates with history, and refuses bad records with their paths', async () => {
    const q = t.keys.quality;
    const imported = await send('POST', '/master-data/import', q, RECALL_PLANT_MASTER_DATA);
    expect(imported.status).toBe(200);
    expect(await imported.json()).toEqual({ created: 7, updated: 0, unchanged: 0 });
    const csv = await send('POST', '/master-data/locations/import', q, 'id;name;address\nFG store;Finished-goods store;Plant 1, bay 4\n', 'text/csv');
    expect(await csv.json()).toEqual({ created: 1, updated: 0, unchanged: 0 });

    // any form of the GLN finds the party
    for (const id of [FRESHMART_GLN, `urn:epc:id:pgln:0614141.00002`, `https://id.gs1.org/417/${FRESHMART_GLN}`]) {
      const r = await send('GET', `/master-data/parties/${encodeURIComponent(id)}`, t.keys.auditor);
      expect(r.status).toBe(200);
      expect(await r.json()).toMatchObject({ key: `gln:${FRESHMART_GLN}`, version: 1, data: { name: 'FreshMart Stores' } });
    }
    const put = await send('PUT', `/master-data/parties/${FRESHMART_GLN}`, q, { name: 'FreshMart Stores', roles: ['customer'], contact: 'Dana Lee', phone: '+1 555 0199', email: 'recalls@freshmart.example' });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ version: 2, updatedBy: 'key:quality-key', data: { phone: '+1 555 0199', address: null } });
    const h = (await (await send('GET', `/master-data/parties/${FRESHMART_GLN}/history`, t.keys.auditor)).json()) as { versions: { version: number; data: Json }[] };
    expect(h.versions.map((v) => [v.version, v.data['phone'], v.data['address']])).toEqual([
      [1, '+1 555 0100', '1 Market Street, Springfield'],
      [2, '+1 555 0199', null],
    ]);
    const list = (await (await send('GET', '/master-data/parties?search=stores', t.keys.auditor)).json()) as { records: { key: string }[] };
    expect(list.records.map((r) => r.key)).toEqual([`gln:${FRESHMART_GLN}`]);

    const bad = await send('PUT', '/master-data/parties/X', q, { name: '', roles: [], email: 'nope', fax: '1' });
    expect(bad.status).toBe(400);
    const problem = (await bad.json()) as { code: string; issues: { path: string; reason: string }[] };
    expect(problem.code).toBe('INPUT_INVALID');
    expect(problem.issues.map((i) => i.path).sort()).toEqual(['$', '$.email', '$.name', '$.roles']);
    expect(problem.issues.find((i) => i.path === '$')!.reason).toContain('unknown field "fax"');
    const badCsv = await send('POST', '/master-data/items/import', q, 'id,description,colour\nX,Thing,red\n', 'text/csv');
    expect(((await badCsv.json()) as { issues: { path: string }[] }).issues[0]!.path).toBe('column "colour"');
    expect((await send('GET', '/master-data/items/NOPE', t.keys.auditor)).status).toBe(404);
    expect((await send('PUT', `/master-data/parties/${FRESHMART_GLN}`, t.keys.auditor, { name: 'X', roles: ['customer'] })).status).toBe(403);
  });

  it('computes a recall, holds what is on hand in the same request, and serves it back with the notification list', async () => {
    const res = await send('POST', '/recalls', t.keys.quality, { lots: [{ item: 'FLOUR', lot: 'F1' }], transitDays: 0, hold: { reason: 'supplier notice VM-7' } });
    expect(res.status).toBe(201);
    const r = (await res.json()) as Json & { id: string; scope: Json & { onHand: { locationName: string }[]; precision: Json }; holds: { lots: Json[]; eventId: string } };
    expect(res.headers.get('location')).toBe(`/api/v1/recalls/${r.id}`);
    expect(r.computedBy).toBe('key:quality-key');
    expect(r.summary).toMatchObject({ lots: 5, onHandLots: 3, shipments: 4, customers: 3, customersWithoutContact: 1, inTransit: 0, packedNotShipped: 1, ratio: 0.727273 });
    // the location master data names the FG store
    expect(r.scope.onHand.map((l) => l.locationName)).toEqual(['Dispatch', 'Finished-goods store', 'Mixing room']);
    expect(r.holds.lots).toEqual([{ item: BISCUIT, lot: 'BC-A' }, { item: 'FLOUR', lot: 'F1' }]);

    const got = (await (await send('GET', `/recalls/${r.id}`, t.keys.auditor)).json()) as Json & { actions: Json[]; scope: Json };
    expect(got.scope).toEqual(r.scope);
    expect(got.actions).toEqual([expect.objectContaining({ action: 'holds-placed', actor: 'key:quality-key', details: expect.objectContaining({ eventId: r.holds.eventId }) })]);
    const csv = await send('GET', `/recalls/${r.id}/notification.csv`, t.keys.auditor);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = (await csv.text()).split('\r\n');
    // a phone number starting with + is written '+… so that no spreadsheet runs it as a formula
    expect(rows[1]).toBe(`FreshMart Stores,https://id.gs1.org/417/${FRESHMART_GLN},Dana Lee,'+1 555 0199,recalls@freshmart.example,,${BISCUIT} / BC-A; ${BISCUIT} / BC-B,1360 EA,920 EA,2,2026-05-05T07:00:00+02:00,2026-05-07T10:00:00+02:00`);
    const lot = (await (await send('GET', `/lots/${encodeURIComponent('urn:lotline:lot:FLOUR:F1')}`, t.keys.auditor)).json()) as Json;
    expect(lot).toMatchObject({ status: 'on_hold', hold: { reason: 'supplier notice VM-7' } });
    const list = (await (await send('GET', '/recalls', t.keys.auditor)).json()) as { recalls: { id: string }[] };
    expect(list.recalls.map((x) => x.id)).toContain(r.id);
    // a second hold finds nothing left to hold
    expect(await (await send('POST', `/recalls/${r.id}/holds`, t.keys.quality, { reason: 'again' })).json()).toEqual({ eventId: null, seq: null, lots: [] });
  });

  it('refuses bad starts with the field and the reason, and unknown recalls with RECALL_NOT_FOUND', async () => {
    const cases: [unknown, number, string][] = [
      [{}, 400, 'a recall needs a start'],
      [{ lots: ['LOT7'] }, 400, '$.lots[0]'],
      [{ supplier: 'Valley Mills', from: '4 May' }, 400, 'must be a date'],
      [{ supplier: 'Nobody' }, 404, 'no lot was received from Nobody'],
      [{ lots: [{ item: 'FLOUR', lot: 'F1' }], supplier: 'Valley Mills' }, 400, 'not both'],
      [{ item: 'FLOUR', hold: { reason: 'x', time: '2026-05-04' } }, 400, 'date-time with offset'],
      [{ item: 'FLOUR', from: '2026-02-30', to: '2026-05-01' }, 400, '{"path":"$.from","reason":"\\"from\\" is not a date on the calendar"}'],
      [{ item: 'FLOUR', from: '2026-05-08', to: '2026-05-01' }, 400, '{"path":"$.to","reason":"\\"to\\" must be after from (to is not included)"}'],
      [{ item: 'FLOUR', from: '2026-05-04T10:00:00+02:00', to: '2026-05-04T08:00:00Z' }, 400, '$.to'],
    ];
    for (const [body, status, text] of cases) {
      const r = await send('POST', '/recalls', t.keys.quality, body);
      expect([JSON.stringify(body), r.status]).toEqual([JSON.stringify(body), status]);
      expect(JSON.stringify(await r.json())).toContain(text);
    }
    expect((await send('POST', '/recalls', t.keys.operator, { item: 'FLOUR' })).status).toBe(403);
    const missing = await send('GET', '/recalls/RC-404', t.keys.auditor);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as Json)['code']).toBe('RECALL_NOT_FOUND');
  });
});
