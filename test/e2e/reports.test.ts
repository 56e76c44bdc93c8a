/**
 * The reports as a user reaches them: GET /api/v1/reports/fsma204 (CSV or XLSX by format or
 * Accept) and /reports/epcis (a trace or a query) over HTTP, and `lotline report fsma204` /
 * `lotline export epcis` writing files — with bad parameters named, and nothing half-written.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, cliJson, tempDb } from '../helpers/cli.js';
import { expectSchemaValid } from '../helpers/epcis-schema.js';
import type { TestApi } from '../helpers/http.js';
import { testApi } from '../helpers/http.js';
import { load } from '../helpers/store.js';
import { SALAD, SALAD_PLANT, saladCommands, VOIDED_SHIPMENT } from '../reports/salad-plant.js';

type Json = Record<string, unknown>;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

describe('reports over HTTP', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await testApi();
    await load(t.store, saladCommands());
  });
  afterAll(async () => t.close());
  const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ url, headers: { ...t.keys.auditor, ...headers } });

  it('FSMA 204 as CSV by default, as XLSX when Accept or format asks', async () => {
    const csv = await get('/api/v1/reports/fsma204?tlc=SAL-1');
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="fsma204.csv"');
    const lines = csv.body.trimEnd().split('\r\n');
    expect(lines.map((l) => l.split(',')[0])).toEqual(['Critical tracking event', 'Transformation', 'Transformation', 'Transformation', 'Shipping', 'Shipping']);

    for (const r of [await get('/api/v1/reports/fsma204?tlc=SAL-1', { accept: XLSX }), await get('/api/v1/reports/fsma204?tlc=SAL-1&format=xlsx', { accept: 'text/csv' })]) {
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toBe(XLSX);
      expect(r.headers['content-disposition']).toBe('attachment; filename="fsma204.xlsx"');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer);
      expect(wb.getWorksheet('Shipping')!.getRow(2).getCell(1).value).toBe('SAL-1');
      expect(wb.getWorksheet('Transformation')!.rowCount).toBe(4);
    }
    // the window is in UTC (dates mean midnight UTC): the 23:30 shipment at -07:00 of 2 June is on 3 June there
    const traced = await get('/api/v1/reports/fsma204?tlc=LET-1&direction=forward');
    expect(traced.body.trimEnd().split('\r\n')).toHaveLength(1 + 1 + 3 + 2);
    const window = await get('/api/v1/reports/fsma204?from=2026-06-03&to=2026-06-04&item=10614141000019');
    expect(window.body.trimEnd().split('\r\n').map((l) => l.split(',')[0])).toEqual(['Critical tracking event', 'Shipping', 'Shipping']);
  });

  it('FSMA 204: bad parameters are 400 naming the field, unknown lots 404', async () => {
    const bad = await get('/api/v1/reports/fsma204?format=pdf');
    expect(bad.statusCode).toBe(400);
    expect((bad.json() as Json)['issues']).toMatchObject([{ path: 'query.format' }]);
    const time = await get('/api/v1/reports/fsma204?from=yesterday');
    expect(time.statusCode).toBe(400);
    expect((time.json() as Json)['issues']).toMatchObject([{ path: 'query.from' }]);
    const unknown = await get('/api/v1/reports/fsma204?tlc=NOPE');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'LOT_NOT_FOUND' });
    expect((await get('/api/v1/reports/fsma204?extra=1')).statusCode).toBe(400);
    expect((await t.app.inject({ url: '/api/v1/reports/fsma204' })).statusCode).toBe(401);
  });

  it('EPCIS export of a trace and of a query: schema-valid EPCISDocuments', async () => {
    const r = await get(`/api/v1/reports/epcis?ref=${encodeURIComponent(SALAD)}&direction=forward`);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/ld\+json/);
    const doc = r.json() as Json;
    expectSchemaValid(doc);
    const ids = (doc['epcisBody'] as { eventList: Json[] }).eventList.map((e) => e['eventID']);
    expect(ids.filter((id) => id === VOIDED_SHIPMENT)).toHaveLength(2);
    const q = (await get('/api/v1/reports/epcis?EQ_bizStep=receiving')).json() as Json;
    expectSchemaValid(q);
    expect((q['epcisBody'] as { eventList: Json[] }).eventList.map((e) => e['bizStep'])).toEqual(['receiving', 'receiving']);
    const byCodes = await get('/api/v1/reports/epcis?gtin=10614141000019&lot=SAL-1&direction=backward');
    expect(byCodes.statusCode).toBe(200);
  });

  it('EPCIS export: a trace needs a direction, and is not mixed with filters', async () => {
    const noDirection = await get(`/api/v1/reports/epcis?ref=${encodeURIComponent(SALAD)}`);
    expect(noDirection.statusCode).toBe(400);
    expect((noDirection.json() as Json)['issues']).toMatchObject([{ path: 'query.direction' }]);
    const both = await get(`/api/v1/reports/epcis?ref=${encodeURIComponent(SALAD)}&direction=forward&EQ_bizStep=shipping`);
    expect(both.statusCode).toBe(400);
    expect((both.json() as Json)['issues']).toMatchObject([{ path: 'query.EQ_bizStep' }]);
    const orphan = await get('/api/v1/reports/epcis?direction=forward');
    expect(orphan.statusCode).toBe(400);
    const badStep = await get('/api/v1/reports/epcis?EQ_bizStep=shiping');
    expect(badStep.statusCode).toBe(400);
    expect(badStep.json()).toMatchObject({ code: 'CBV_INVALID', issues: [{ path: 'query.EQ_bizStep' }] });
    expect((await get('/api/v1/reports/epcis?ref=urn%3Aepc%3Aclass%3Algtin%3A0614141.100001.NOPE&direction=forward')).statusCode).toBe(404);
  });

  it('the routes are in the OpenAPI document', async () => {
    const spec = (await t.app.inject({ url: '/api/v1/openapi.json' })).json() as { paths: Record<string, unknown> };
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/api/v1/reports/fsma204', '/api/v1/reports/epcis']));
  });
});

describe('reports from the command line', () => {
  let db: string;
  beforeAll(async () => {
    db = tempDb();
    expect((await cli('import', SALAD_PLANT, '--db', db)).code).toBe(0);
  });

  it('lotline report fsma204 writes the spreadsheet and prints the missing KDEs', async () => {
    const out = join(dirname(db), 'fsma.xlsx');
    const r = await cli('report', 'fsma204', '--db', db, '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('1 initial packing, 2 receiving, 3 transformation, 2 shipping row(s)');
    expect(r.stdout).toContain('Receiving: Product description — 1 row(s), e.g. TOM-7');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Initial packing', 'Receiving', 'Transformation', 'Shipping', 'Missing KDEs']);
    const json = await cliJson<{ rows: Json; missing: unknown[] }>('report', 'fsma204', '--db', db, '--out', join(dirname(db), 'f.csv'), '--tlc', 'LET-1', '--tlc', 'TOM-7');
    expect(json.rows).toEqual({ initial_packing: 0, receiving: 2, transformation: 2, shipping: 0 });
    expect(readFileSync(join(dirname(db), 'f.csv'), 'utf8').split('\r\n')[0]).toMatch(/^Critical tracking event,/);
    const traced = await cliJson<{ rows: Json }>('report', 'fsma204', '--db', db, '--out', join(dirname(db), 'f.csv'), '--tlc', 'TOM-7', '--direction', 'forward');
    expect(traced.rows).toEqual({ initial_packing: 0, receiving: 1, transformation: 3, shipping: 2 });
    expect((await cli('report', 'fsma204', '--db', db, '--out', join(dirname(db), 'f.csv'), '--tlc', 'TOM-7', '--direction', 'down')).code).toBe(2);
  });

  it('lotline report fsma204: usage errors, and an unwritable --out leaves nothing behind', async () => {
    expect((await cli('report', 'fsma204', '--db', db)).stderr).toContain('needs --out FILE');
    expect((await cli('report', 'fsma204', '--db', db, '--out', join(dirname(db), 'x.txt'))).code).toBe(2);
    expect((await cli('report', 'fsma204', '--db', db, '--out', join(dirname(db), 'x.txt'), '--format', 'pdf')).stderr).toContain('--format must be csv or xlsx');
    expect((await cli('report', 'recall', '--db', db, '--out', 'x.csv')).code).toBe(2);
    expect((await cli('report', 'fsma204', '--db', db, '--out', 'x.csv', '--trace', 'X')).stderr).toContain("does not take --trace");
    const missingDir = join(dirname(db), 'no-such-dir', 'f.csv');
    const r = await cli('report', 'fsma204', '--db', db, '--out', missingDir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('FILE_NOT_WRITABLE');
    // a directory as --out: the rename fails, and the bytes written aside are removed
    const before = readdirSync(dirname(db)).length;
    const dir = await cli('report', 'fsma204', '--db', db, '--out', dirname(db), '--format', 'csv');
    expect(dir.stderr).toContain('FILE_NOT_WRITABLE');
    expect(readdirSync(dirname(db))).toHaveLength(before);
  });

  it('lotline export epcis: a trace or a query to a file, re-importable into an empty database with the same trace', async () => {
    const out = join(dirname(db), 'salad.jsonld');
    const r = await cli('export', 'epcis', '--trace', SALAD, '--direction', 'backward', '--db', db, '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('8 event(s), 2 error declaration(s)');
    const doc = JSON.parse(readFileSync(out, 'utf8')) as Json;
    expectSchemaValid(doc);
    const copy = tempDb();
    expect((await cli('import', out, '--db', copy)).code).toBe(0);
    const { asOfSeq: _a, ...original } = await cliJson<Json>('trace', 'backward', SALAD, '--db', db);
    const { asOfSeq: _b, ...again } = await cliJson<Json>('trace', 'backward', SALAD, '--db', copy);
    expect(again).toEqual(original);
    const q = await cliJson<{ events: number }>('export', 'epcis', '--biz-step', 'shipping', '--from', '2026-06-03', '--db', db, '--out', join(dirname(db), 'q.jsonld'));
    // 3 June UTC: the pallet (06:30Z), Corner Deli's, and the declared one
    expect(q.events).toBe(3);
    const items = await cli('export', 'epcis', '--item', 'RM-TOMATO', '--lot', 'TOM-7', '--direction', 'forward', '--db', db, '--out', join(dirname(db), 't.jsonld'));
    expect(items.code, items.stderr).toBe(0);
  });

  it('lotline export epcis: usage errors name the flag', async () => {
    const out = join(dirname(db), 'e.jsonld');
    expect((await cli('export', 'epcis', '--trace', SALAD, '--db', db, '--out', out)).stderr).toContain('--direction forward or backward');
    expect((await cli('export', 'epcis', '--trace', SALAD, '--direction', 'up', '--db', db, '--out', out)).code).toBe(2);
    expect((await cli('export', 'epcis', '--trace', SALAD, '--direction', 'forward', '--biz-step', 'shipping', '--db', db, '--out', out)).stderr).toContain('not both');
    expect((await cli('export', 'epcis', '--biz-step', 'shiping', '--db', db, '--out', out)).stderr).toContain('CBV_INVALID: --biz-step');
    expect((await cli('export', 'epcis', '--from', 'soon', '--db', db, '--out', out)).stderr).toContain('INPUT_INVALID: --from');
    expect((await cli('export', 'xml', '--db', db, '--out', out)).code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });
});
