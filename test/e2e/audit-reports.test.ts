/**
 * The auditor's reports end to end: over HTTP (mock recalls run by a quality user and read back
 * as JSON, Markdown and CSV; the audit trail only for the roles with the audit permission; the
 * supplier report in the three formats; every bad parameter named) and on the command line
 * (mock-recall, its list and show; report audit and supplier to files), over the biscuit plant.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey } from '../../src/identity/identity-service.js';
import type { IdentityStore } from '../../src/identity/identity-store.js';
import type { Role } from '../../src/identity/roles.js';
import { ROLES } from '../../src/identity/roles.js';
import { openIdentityStore, openMockRecallStore, openQualityStore, openStore } from '../../src/main.js';
import type { QualityStore } from '../../src/quality/quality-store.js';
import type { MockRecallStore } from '../../src/reports/mock-recall/mock-recall-store.js';
import { buildApp } from '../../src/server/app.js';
import type { EventStore } from '../../src/store/event-store.js';
import { cli, cliJson, tempDb } from '../helpers/cli.js';
import { BISCUIT_PLANT } from '../reports/biscuit-plant.js';

type Json = Record<string, unknown>;

describe('audit reports over HTTP', () => {
  let store: EventStore;
  let identity: IdentityStore;
  let quality: QualityStore;
  let archive: MockRecallStore;
  let app: Awaited<ReturnType<typeof buildApp>>;
  const keys = {} as Record<Role, { authorization: string }>;
  beforeAll(async () => {
    const db = tempDb();
    expect((await cli('import', BISCUIT_PLANT, '--db', db)).code).toBe(0);
    store = await openStore(db);
    identity = await openIdentityStore(db);
    quality = await openQualityStore(db);
    archive = await openMockRecallStore(db);
    for (const role of ROLES) keys[role] = { authorization: `Bearer ${(await createKey(identity, { name: `${role}-key`, role }, { actor: 'cli:test', origin: 'cli@test' })).secret}` };
    app = await buildApp({ store, identity, quality, mockRecalls: archive }, { logger: false });
  });
  afterAll(async () => {
    await app?.close();
    await archive?.close();
    await quality?.close();
    await identity?.close();
    await store?.close();
  });

  const get = (url: string, role: Role, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url: `/api/v1${url}`, headers: { ...keys[role], ...headers } });

  it('runs a mock recall for a quality user, saves it, and reads it back as JSON, Markdown and CSV', async () => {
    const r = await app.inject({ method: 'POST', url: '/api/v1/mock-recalls', headers: keys.quality, payload: { item: 'FLOUR', lot: 'F-1' } });
    expect(r.statusCode).toBe(201);
    const body = r.json<Json & { id: number }>();
    expect(body).toMatchObject({ label: 'FLOUR / F-1', runBy: 'key:quality-key', percentAccounted: 75, customers: [{ customer: 'Corner Deli', shipments: 1 }, { customer: 'FreshMart', shipments: 1 }] });
    expect(r.headers['location']).toBe(`/api/v1/mock-recalls/${body.id}`);
    const list = (await get('/mock-recalls', 'auditor')).json<{ mockRecalls: Json[] }>();
    expect(list.mockRecalls).toEqual([expect.objectContaining({ id: body.id, lot: 'FLOUR / F-1', percentAccounted: 75, unaccounted: 1, gaps: 1 })]);
    expect((await get('/mock-recalls?item=FLOUR&lot=F-2', 'auditor')).json()).toEqual({ mockRecalls: [] });
    const md = await get(`/mock-recalls/${body.id}?format=md`, 'auditor');
    expect(md.headers['content-type']).toMatch(/^text\/markdown/);
    expect(md.body).toContain(`# Mock recall no. ${body.id}: FLOUR / F-1`);
    const csv = await get(`/mock-recalls/${body.id}?format=csv`, 'operator');
    expect(csv.body.split('\r\n')[3]).toMatch(/^forward,2,BISCUIT \/ BC-1,released,EA,0,2000,0,1500,500,0,0,500,75,Dispatch,/);
    expect((await get(`/mock-recalls/${body.id}`, 'operator')).json()).toEqual(body);
  });

  it('refuses a mock recall to roles without the quality permission, and names a bad or unknown lot', async () => {
    for (const role of ['operator', 'auditor'] as const) expect((await app.inject({ method: 'POST', url: '/api/v1/mock-recalls', headers: keys[role], payload: { item: 'FLOUR', lot: 'F-1' } })).statusCode).toBe(403);
    const unknown = await app.inject({ method: 'POST', url: '/api/v1/mock-recalls', headers: keys.quality, payload: { item: 'FLOUR', lot: 'NOPE' } });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'LOT_NOT_FOUND' });
    const bad = await app.inject({ method: 'POST', url: '/api/v1/mock-recalls', headers: keys.quality, payload: { item: 'FLOUR' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'INPUT_INVALID', detail: expect.stringMatching(/^\$\.lot: /), issues: [{ path: '$.lot' }] });
    expect((await get('/mock-recalls/999', 'auditor')).json()).toMatchObject({ code: 'NOT_FOUND', issues: [{ path: 'path.id' }] });
  });

  it('gives the audit trail to auditors and admins only, as JSON, CSV or XLSX', async () => {
    for (const role of ['operator', 'quality'] as const) {
      const r = await get('/reports/audit', role);
      expect(r.statusCode).toBe(403);
      expect(r.json()).toMatchObject({ code: 'FORBIDDEN' });
    }
    const trail = (await get('/reports/audit?user=cli:test', 'auditor')).json<{ records: Json[] }>();
    expect(trail.records.map((x) => `${x['kind']} ${x['action']} ${x['subject']}`)).toEqual(ROLES.map((r) => `identity key.create key:${r}-key`));
    const byLot = (await get('/reports/audit?item=FLOUR&lot=F-1', 'admin')).json<{ records: Json[]; filter: Json }>();
    expect(byLot.filter).toMatchObject({ lot: 'FLOUR / F-1' });
    expect(byLot.records.map((x) => x['action'])).toEqual(['receiving', 'creating_class_instance', 'destroying', 'adjusting']);
    const csv = await get('/reports/audit?item=FLOUR&lot=F-1', 'auditor', { accept: 'text/csv' });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.body.split('\r\n')).toHaveLength(6);
    const xlsx = await get('/reports/audit?format=xlsx', 'auditor');
    expect(xlsx.headers['content-disposition']).toBe('attachment; filename="audit-trail.xlsx"');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(wb.getWorksheet('Audit trail')!.rowCount).toBeGreaterThan(10);
    const bad = await get('/reports/audit?from=yesterday', 'auditor');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'INPUT_INVALID', issues: [{ path: 'query.from' }] });
    expect((await get('/reports/audit?from=2026-05-02&to=2026-05-01', 'auditor')).json()).toMatchObject({ code: 'INPUT_INVALID', issues: [{ path: 'query.to' }] });
  });

  it('answers the supplier report to any reader, and 404 naming the known suppliers', async () => {
    const r = (await get('/reports/supplier?supplier=Valley%20Mills', 'operator')).json<Json>();
    expect(r).toMatchObject({ supplier: 'Valley Mills', customers: ['Corner Deli', 'FreshMart'], receipts: [expect.objectContaining({ lot: 'FLOUR / F-1', purchaseOrder: 'PO-11', supplierLot: 'VM-77' })] });
    const csv = await get('/reports/supplier?supplier=Valley%20Mills&format=csv', 'auditor');
    expect(csv.body.split('\r\n')[1]).toBe('2026-03-02,FLOUR / F-1,1000,KGM,PO-11,VM-77,BISCUIT / BC-1,FreshMart,2026-03-03,1500,EA,1111.111,0,0');
    const none = await get('/reports/supplier?supplier=Nobody', 'auditor');
    expect(none.statusCode).toBe(404);
    expect(none.json()).toMatchObject({ code: 'SUPPLIER_NOT_FOUND', detail: 'no receipt comes from "Nobody"; suppliers with receipts: Northfield Dairy, Valley Mills' });
    expect((await get('/reports/supplier', 'auditor')).json()).toMatchObject({ code: 'INPUT_INVALID', issues: [{ path: 'query.supplier' }] });
  });
});

describe('audit reports on the command line', () => {
  let db: string;
  beforeAll(async () => {
    db = tempDb();
    expect((await cli('import', BISCUIT_PLANT, '--db', db)).code).toBe(0);
  });

  it('runs a mock recall, prints the record, saves it, and lists and shows it', async () => {
    const r = await cli('mock-recall', '--item', 'BISCUIT', '--lot', 'BC-1', '--db', db);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('# Mock recall no. 1: BISCUIT / BC-1');
    expect(r.stdout).toMatch(/- Run by: cli:/);
    expect(r.stdout).toContain('| chosen | BISCUIT / BC-1 | released | EA | 0 | 2000 | 0 | 1500 | 500 | 0 | 0 | 500 | 75% | Dispatch |');
    expect(r.stderr).toContain('Saved as mock recall no. 1');
    const list = await cliJson<Json[]>('mock-recall', 'list', '--db', db);
    expect(list).toEqual([expect.objectContaining({ id: 1, lot: 'BISCUIT / BC-1', percentAccounted: 75 })]);
    const shown = await cliJson<Json>('mock-recall', 'show', '1', '--db', db);
    expect(shown).toMatchObject({ id: 1, label: 'BISCUIT / BC-1' });
    const out = join(dirname(db), 'recall.csv');
    expect((await cli('mock-recall', 'show', '1', '--out', out, '--db', db)).stdout).toContain(`${out}: mock recall no. 1 of BISCUIT / BC-1, 75% accounted for`);
    expect(readFileSync(out, 'utf8').split('\r\n')[0]).toMatch(/^Role,Depth,Lot,/);
    const missing = await cli('mock-recall', 'show', '9', '--db', db);
    expect(missing).toMatchObject({ code: 2 });
    expect(missing.stderr).toContain('no mock recall no. 9');
    const badFormat = await cli('mock-recall', '--item', 'BISCUIT', '--lot', 'BC-1', '--format', 'pdf', '--db', db);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain('--format must be md, csv, json (got "pdf")');
  });

  it('writes the audit trail and the supplier report to XLSX and CSV files', async () => {
    const xlsx = join(dirname(db), 'audit.xlsx');
    const r = await cli('report', 'audit', '--item', 'FLOUR', '--lot', 'F-1', '--out', xlsx, '--db', db);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${xlsx}: audit trail, 4 record(s) (XLSX).\n`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsx);
    expect(wb.getWorksheet('Audit trail')!.rowCount).toBe(5);
    const text = await cli('report', 'audit', '--user', 'nobody', '--db', db);
    expect(text.stdout).toMatch(/^Audit trail \(by nobody\): 0 record\(s\)/);
    const csv = join(dirname(db), 'supplier.csv');
    expect((await cli('report', 'supplier', 'Northfield', 'Dairy', '--out', csv, '--db', db)).code).toBe(0);
    expect(readFileSync(csv, 'utf8').split('\r\n')[1]).toMatch(/^2026-03-02,BUTTER \/ B-1,200,KGM,PO-12,,BISCUIT \/ BC-1,FreshMart,/);
    const unknown = await cli('report', 'supplier', 'Nobody', '--db', db);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('SUPPLIER_NOT_FOUND');
    expect((await cli('report', 'audit', '--format', 'xlsx', '--db', db)).stderr).toContain('an XLSX report needs --out FILE.xlsx');
    expect((await cli('report', 'audit', '--from', 'last week', '--db', db)).stderr).toContain('the from time must be a date');
    // each report refuses the flags of the others, which it would otherwise ignore
    expect((await cli('report', 'supplier', 'Nobody', '--item', 'FLOUR', '--lot', 'F-1', '--db', db)).stderr).toContain("'lotline report supplier' does not take --item, --lot");
    expect((await cli('report', 'fsma204', '--user', 'anne', '--out', join(dirname(db), 'x.csv'), '--db', db)).stderr).toContain("'lotline report fsma204' does not take --user");
  });
});
