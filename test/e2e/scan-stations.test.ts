/**
 * Raw scanner strings through POST /api/v1/scan build the same genealogy as the equivalent EPCIS
 * document (test/fixtures/scan/plant-day.jsonld, written by hand), and every refusal says why.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { importFile } from '../../src/capture/import-file.js';
import { trace } from '../../src/genealogy/trace.js';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';
import type { EventStore } from '../../src/store/event-store.js';
import type { TestApi } from '../helpers/http.js';
import { testApi } from '../helpers/http.js';

const GS = '\u001d';
const FIXTURE = new URL('../fixtures/scan/plant-day.jsonld', import.meta.url).pathname;

let t: TestApi | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function scan(api: TestApi, station: string, barcode: string | undefined, role: 'operator' | 'quality' = 'operator') {
  const res = await api.app.inject({ method: 'POST', url: '/api/v1/scan', headers: api.keys[role], payload: barcode === undefined ? { station, action: 'cancel' } : { station, barcode } });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> };
}

async function addStation(api: TestApi, body: Record<string, unknown>): Promise<void> {
  const res = await api.app.inject({ method: 'POST', url: '/api/v1/stations', headers: api.keys.admin, payload: body });
  expect(res.statusCode, res.body).toBe(201);
}

async function plantStations(api: TestApi): Promise<void> {
  await addStation(api, { id: 'RCV-1', site: '0614141000012', role: 'receiving' });
  await addStation(api, { id: 'MIX-1', site: '0614141000012', line: 'L1', role: 'production', defaults: { outputItem: '09520123456788' } });
  await addStation(api, { id: 'PACK-1', site: '0614141000012', role: 'packing' });
  await addStation(api, { id: 'SHIP-1', site: '0614141000012', role: 'shipping' });
}

/** Traces without what differs by construction (event ids, times, log positions). */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(shape);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).filter(([k]) => !['eventId', 'time', 'asOfSeq', 'recordTime', 'eventTime'].includes(k)).map(([k, x]) => [k, shape(x)]));
}

async function answers(store: EventStore) {
  const refs = [
    { kind: 'lot', item: '09501101020917', lot: 'F-1' },
    { kind: 'lot', item: '09506000134352', lot: 'S-9' },
    { kind: 'lot', item: '09520123456788', lot: 'B-1' },
  ] as const;
  const out: unknown[] = [];
  for (const r of refs) out.push(shape(await trace(store, r, 'forward')), shape(await trace(store, r, 'backward')));
  return out;
}

describe('scan stations over HTTP', () => {
  it('a day of raw scans builds the same genealogy as the equivalent EPCIS document', async () => {
    t = await testApi();
    await plantStations(t);

    // Receiving: a supplier label without PO or supplier: the station asks for both.
    let r = await scan(t, 'RCV-1', `]C10109501101020917${'10'}F-1${GS}3102002500`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'accepted', understood: 'Received 09501101020917 / F-1, 25 KGM', next: 'Scan the PO number' });
    r = await scan(t, 'RCV-1', 'PO-77');
    expect(r.body).toMatchObject({ status: 'accepted', understood: 'PO PO-77', next: 'Scan the supplier (GLN) or type its name' });
    r = await scan(t, 'RCV-1', ']C14120614141123452');
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ status: 'completed', next: 'Scan the supplier label' });
    // A label with PO (400) and supplier (412) makes the receipt at once (bracketed, as a keyboard wedge types it).
    r = await scan(t, 'RCV-1', '(01)09506000134352(10)S-9(3102)001000(400)PO-78(412)0614141123452');
    expect(r.status).toBe(201);

    // Production: inputs (quantities from AI 3102), then the output label.
    r = await scan(t, 'MIX-1', '(01)09501101020917(10)F-1(3102)002000');
    expect(r.body).toMatchObject({ status: 'accepted', understood: 'Input 09501101020917 / F-1, 20 KGM', next: 'Scan the next input, or the output label' });
    r = await scan(t, 'MIX-1', `]d2010950600013435210S-9${GS}3102000500`);
    expect(r.body).toMatchObject({ status: 'accepted', sequence: ['09501101020917 / F-1, 20 KGM', '09506000134352 / S-9, 5 KGM'] });
    r = await scan(t, 'MIX-1', 'https://id.gs1.org/01/09520123456788/10/B-1?3102=002500');
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ status: 'completed', understood: 'Output 09520123456788 / B-1, 25 KGM from 2 input(s)' });

    // Packing: the batch, then the SSCC closes the pallet.
    r = await scan(t, 'PACK-1', '(01)09520123456788(10)B-1(3102)002500');
    expect(r.body).toMatchObject({ status: 'accepted', next: 'Scan the next lot, or the SSCC label to close' });
    r = await scan(t, 'PACK-1', ']C100106141412345678908');
    expect(r.status).toBe(201);

    // Shipping: the pallet (its label names the ship-to GLN), then the order number.
    r = await scan(t, 'SHIP-1', ']C100106141412345678908' + '4100614141123452');
    expect(r.body).toMatchObject({ status: 'accepted', understood: 'Ship SSCC 106141412345678908' });
    r = await scan(t, 'SHIP-1', 'SO-1');
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ status: 'completed', understood: 'Order SO-1: 1 item(s) shipped to 0614141123452' });

    // Every event made from scans is an ordinary EPCIS event, attributed to the caller.
    const events = await t.store.queryEvents({ limit: 100 });
    expect(events.map((e) => [e.type, e.bizStep, e.recordedBy])).toEqual([
      ['ObjectEvent', 'receiving', 'key:operator-key'],
      ['ObjectEvent', 'receiving', 'key:operator-key'],
      ['TransformationEvent', 'creating_class_instance', 'key:operator-key'],
      ['AggregationEvent', 'packing', 'key:operator-key'],
      ['ObjectEvent', 'shipping', 'key:operator-key'],
    ]);

    const fromDocument = openSqliteStore(':memory:');
    try {
      await importFile(fromDocument, FIXTURE, { context: { actor: 'cli:test', origin: 'cli@test' } });
      expect(await answers(t.store)).toEqual(await answers(fromDocument));
    } finally {
      await fromDocument.close();
    }
  });

  it('refuses what does not fit, saying why, and changes nothing', async () => {
    t = await testApi();
    await plantStations(t);
    await addStation(t, { id: 'MIX-2', site: 'Plant 1', role: 'production', defaults: { outputItem: 'DOUGH', items: ['FLOUR', '09501101020917'], quantity: 5, uom: 'KGM' } });
    const post = (body: Record<string, unknown>) => t!.app.inject({ method: 'POST', url: '/api/v1/events', headers: t!.keys.quality, payload: body });
    expect((await post({ cmd: 'receive', time: '2026-05-04T07:00:00+02:00', from: 'Mill', lots: [{ item: 'FLOUR', lot: 'F-1', quantity: 10, uom: 'KGM' }, { item: 'FLOUR', lot: 'F-2', quantity: 10, uom: 'KGM' }, { item: 'SUGAR', lot: 'S-1', quantity: 10, uom: 'KGM' }] })).statusCode).toBe(201);
    expect((await post({ cmd: 'hold', time: '2026-05-04T07:30:00+02:00', lots: [{ item: 'FLOUR', lot: 'F-2' }], reason: 'lab' })).statusCode).toBe(201);
    expect((await post({ cmd: 'produce', time: '2026-05-04T08:00:00+02:00', inputs: [{ item: 'FLOUR', lot: 'F-1', quantity: 10, uom: 'KGM' }], outputs: [{ item: 'DOUGH', lot: 'D-0', quantity: 10, uom: 'KGM' }] })).statusCode).toBe(201);

    const refused = async (station: string, barcode: string, ...words: string[]) => {
      const r = await scan(t!, station, barcode);
      expect(r.status, JSON.stringify(r.body)).toBe(422);
      expect(r.body['code']).toBe('SCAN_REFUSED');
      for (const w of words) expect(r.body['detail']).toContain(w);
    };
    await refused('MIX-2', 'urn:lotline:lot:FLOUR:F-9', 'FLOUR / F-9', 'unknown lot');
    await refused('MIX-2', 'urn:lotline:lot:FLOUR:F-2', 'on hold');
    await refused('MIX-2', 'urn:lotline:lot:FLOUR:F-1', 'already consumed');
    await refused('MIX-2', 'urn:lotline:lot:SUGAR:S-1', 'wrong item');
    await refused('MIX-2', 'D-1', 'scan the inputs first');
    await refused('PACK-1', ']C100106141412345678908', 'scan the lots to pack first');
    await refused('SHIP-1', 'SO-1', 'scan the pallets or lots to ship first');
    await refused('SHIP-1', ']C100106141412345678908', 'unknown pallet');
    await refused('RCV-1', 'PO-1', 'names no lot');

    // Plain lot codes at a station that makes one item: the default quantity fills in.
    expect((await t.store.stats()).events).toBe(3);
    const ok = await scan(t, 'MIX-2', 'urn:lotline:lot:FLOUR:F-3');
    expect(ok.status).toBe(422); // F-3 was never received
    await post({ cmd: 'receive', time: '2026-05-04T07:00:00+02:00', from: 'Mill', lots: [{ item: 'FLOUR', lot: 'F-3', quantity: 10, uom: 'KGM' }] });
    expect((await scan(t, 'MIX-2', 'urn:lotline:lot:FLOUR:F-3')).body).toMatchObject({ understood: 'Input FLOUR / F-3, 5 KGM' });
    await refused('MIX-2', 'urn:lotline:lot:FLOUR:F-3', 'already scanned');
    const done = await scan(t, 'MIX-2', 'D-1');
    expect(done).toMatchObject({ status: 201, body: { understood: 'Output DOUGH / D-1, 5 KGM from 1 input(s)' } });

    // Unreadable barcodes name the AI, the position and the reason; unknown stations are 404.
    const bad = await scan(t, 'MIX-1', ']C10109501101020918');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'ID_BAD_CHECK_DIGIT' });
    expect(bad.body['detail']).toContain('AI (01) GTIN at position 2');
    expect((await scan(t, 'NOPE', 'X')).body).toMatchObject({ code: 'STATION_NOT_FOUND' });
    const missing = await t.app.inject({ method: 'POST', url: '/api/v1/scan', headers: t.keys.operator, payload: { station: 'MIX-1' } });
    expect(missing.json()).toMatchObject({ code: 'INPUT_INVALID', issues: [{ path: '$.barcode' }] });
  });

  it('cancel drops the sequence; only admins manage stations; an auditor may not scan', async () => {
    t = await testApi();
    await plantStations(t);
    await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: t.keys.operator, payload: { cmd: 'receive', time: '2026-05-04T07:00:00+02:00', from: 'Mill', lots: [{ gtin: '09501101020917', lot: 'F-1', quantity: 10, uom: 'KGM' }] } });
    expect((await scan(t, 'MIX-1', '(01)09501101020917(10)F-1')).body).toMatchObject({ status: 'accepted' });
    expect((await scan(t, 'MIX-1', undefined)).body).toMatchObject({ status: 'cancelled', next: 'Scan an input lot', sequence: [] });
    expect((await scan(t, 'MIX-1', '(01)09520123456788(10)B-1')).body).toMatchObject({ code: 'SCAN_REFUSED' });
    expect((await scan(t, 'MIX-1', 'CANCEL')).body).toMatchObject({ status: 'cancelled' });

    const asOperator = await t.app.inject({ method: 'POST', url: '/api/v1/stations', headers: t.keys.operator, payload: { id: 'X', site: 'P', role: 'packing' } });
    expect(asOperator.json()).toMatchObject({ code: 'FORBIDDEN' });
    const auditorScan = await t.app.inject({ method: 'POST', url: '/api/v1/scan', headers: t.keys.auditor, payload: { station: 'MIX-1', barcode: 'X' } });
    expect(auditorScan.json()).toMatchObject({ code: 'FORBIDDEN' });
    const dup = await t.app.inject({ method: 'POST', url: '/api/v1/stations', headers: t.keys.admin, payload: { id: 'MIX-1', site: 'P', role: 'packing' } });
    expect(dup.statusCode).toBe(409);
    const badRole = await t.app.inject({ method: 'POST', url: '/api/v1/stations', headers: t.keys.admin, payload: { id: 'Y', site: 'P', role: 'weighing', defaults: { outputItem: '09520123456789' } } });
    expect(badRole.json()).toMatchObject({ code: 'INPUT_INVALID', issues: [{ path: '$.role' }] });
    const badGtin = await t.app.inject({ method: 'POST', url: '/api/v1/stations', headers: t.keys.admin, payload: { id: 'Y', site: 'P', role: 'production', defaults: { outputItem: '09520123456789' } } });
    expect(badGtin.json()).toMatchObject({ code: 'ID_BAD_CHECK_DIGIT', issues: [{ path: '$.defaults.outputItem' }] });
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/stations', headers: t.keys.auditor });
    expect(list.json().stations.map((s: { id: string }) => s.id)).toEqual(['MIX-1', 'PACK-1', 'RCV-1', 'SHIP-1']);
    expect((await t.app.inject({ method: 'DELETE', url: '/api/v1/stations/PACK-1', headers: t.keys.admin })).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'DELETE', url: '/api/v1/stations/PACK-1', headers: t.keys.admin })).json()).toMatchObject({ code: 'STATION_NOT_FOUND' });
  });

  it('a restart in the middle of a sequence loses nothing; a completed sequence whose event was not stored is stored once', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'lotline-scan-')), 'plant.db');
    t = await testApi({ db });
    await plantStations(t);
    await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: t.keys.operator, payload: { cmd: 'receive', time: '2026-05-04T07:00:00+02:00', from: 'Mill', lots: [{ gtin: '09501101020917', lot: 'F-1', quantity: 10, uom: 'KGM' }] } });
    await scan(t, 'MIX-1', '(01)09501101020917(10)F-1(3102)001000');
    const keys = t.keys;
    await t.close();

    t = { ...(await testApi({ db, accounts: false })), keys }; // the same keys, on the reopened file

    const state = await t.app.inject({ method: 'GET', url: '/api/v1/stations/MIX-1', headers: t.keys.operator });
    expect(state.json()).toMatchObject({ expects: 'Scan the next input, or the output label', sequence: ['09501101020917 / F-1, 10 KGM'] });

    // A crash between saving the completed sequence and storing its event: the outbox is replayed once.
    const saved = (await t.stations.readState('MIX-1'))!;
    const pendingId = 'urn:uuid:00000000-0000-4000-8000-00000000abcd';
    const command = { cmd: 'produce', time: '2026-05-04T09:00:00Z', id: pendingId, location: 'Plant 1', inputs: [{ ref: 'https://id.gs1.org/01/09501101020917/10/F-1', quantity: 10, uom: 'KGM' }], outputs: [{ ref: 'https://id.gs1.org/01/09520123456788/10/B-0', quantity: 10, uom: 'KGM' }] };
    expect(await t.stations.writeState('MIX-1', { ...(saved.state as object), items: [], pending: { id: pendingId, command } }, saved.version)).toBe(true);
    const before = (await t.store.stats()).events;
    // The next scan (even a cancel) stores it first: a completed sequence is never dropped.
    expect((await scan(t, 'MIX-1', 'CANCEL')).body).toMatchObject({ status: 'cancelled' });
    expect((await t.store.stats()).events).toBe(before + 1);
    expect(await t.store.eventById(pendingId)).toBeDefined();
    // Had it been stored before the crash, storing it again is a duplicate, not a second event.
    expect(await t.stations.writeState('MIX-1', { items: [], recent: [], completed: 0, pending: { id: pendingId, command } }, (await t.stations.readState('MIX-1'))!.version)).toBe(true);
    await scan(t, 'MIX-1', 'CANCEL');
    expect((await t.store.stats()).events).toBe(before + 1);
    // a stale writer loses: the version moved on
    expect(await t.stations.writeState('MIX-1', {}, saved.version)).toBe(false);
  });
});
