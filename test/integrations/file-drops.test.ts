import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appendAtomically } from '../../src/capture/capture-events.js';
import { parseCsv } from '../../src/integrations/file-drops/csv.js';
import { readDate, compileDateFormat } from '../../src/integrations/file-drops/dates.js';
import { compileMapping, loadMapping } from '../../src/integrations/file-drops/mapping.js';
import { DropWatcher } from '../../src/integrations/file-drops/watch-dir.js';
import type { IntegrationStore } from '../../src/integrations/integration-store.js';
import { SqliteIntegrationStore } from '../../src/integrations/sqlite/sqlite-integration-store.js';
import type { EventStore } from '../../src/store/event-store.js';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';
import { tempDb } from '../helpers/cli.js';
import { DYNAMICS_ROWS, wall, writeXlsx } from '../helpers/xlsx.js';

const EXAMPLES = new URL('../../docs/integrations/examples/', import.meta.url).pathname;

const open: { store: EventStore; integrations: IntegrationStore }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.integrations.close();
    await o.store.close();
  }
});

async function setup(mappingFile: string): Promise<{ dir: string; store: EventStore; integrations: IntegrationStore; watcher: DropWatcher }> {
  const db = tempDb();
  const store = openSqliteStore(db);
  const integrations = new SqliteIntegrationStore(db);
  open.push({ store, integrations });
  const dir = mkdtempSync(join(tmpdir(), 'lotline-drop-'));
  const mapping = await loadMapping(join(EXAMPLES, mappingFile));
  const watcher = new DropWatcher({ dir, mapping, integrations, append: (events, source) => appendAtomically(store, source, events, 'events', { actor: 'test' }) });
  return { dir, store, integrations, watcher };
}

describe('file drops', () => {
  it('imports the SAP-style CSV once its size has settled, with zoned times, decimal commas and mapped units; moves it to processed/', async () => {
    const { dir, store, watcher } = await setup('sap-goods-receipts.yaml');
    copyFileSync(join(EXAMPLES, 'sap-goods-receipts.csv'), join(dir, 'gr-0504.csv'));
    expect(await watcher.poll()).toEqual([]); // first sight: maybe still being written
    const [r] = await watcher.poll();
    expect(r).toMatchObject({ outcome: 'processed', rows: 3, events: 3, stored: 3 });
    expect(readdirSync(join(dir, 'processed'))).toEqual(['gr-0504.csv']);
    expect(existsSync(join(dir, 'gr-0504.csv'))).toBe(false);
    const rows = await store.queryEvents({ limit: 10 });
    expect(rows.map((e) => e.eventTime)).toEqual(['2026-05-04T07:45:00+02:00', '2026-05-04T08:10:00+02:00', '2026-05-04T09:30:00+02:00']);
    const bodies = await store.eventBodies(rows.map((e) => e.seq));
    const first = bodies.get(rows[0]!.seq)!;
    expect(first['eventTimeZoneOffset']).toBe('+02:00');
    expect(first['quantityList']).toEqual([{ epcClass: 'urn:lotline:lot:FLOUR-T55:F-0504', quantity: 1200.5, uom: 'KGM' }]);
    expect(first['bizLocation']).toEqual({ id: 'urn:lotline:loc:HAMBURG-PLANT' });
    expect(JSON.stringify(bodies.get(rows[2]!.seq))).toContain('"uom":"LTR"');
  });

  it('a NetSuite-style export with bad rows lands not at all: failed/ with a report naming each row, column, value and reason', async () => {
    const { dir, store, watcher } = await setup('netsuite-work-orders.yaml');
    const good = readFileSync(join(EXAMPLES, 'netsuite-work-orders.csv'), 'utf8');
    const bad = good
      .replace('WO-1001,05/04/2026 10:00,Component,SUGAR,S-0504,120,kg,', 'WO-1001,05/04/2026 10:00,Component,SUGAR,S-0504,12O,kg,')
      .replace('WO-1002,05/04/2026 14:30,Component,OIL-RAPE', 'WO-1002,13/04/2026 14:30,Scrap,OIL-RAPE')
      .replace('D-0504,35,kg', 'D-0504,35,bags');
    writeFileSync(join(dir, 'wo.csv'), bad);
    writeFileSync(join(dir, 'wo.csv.done'), '');
    const [r] = await watcher.poll(); // the marker says the file is complete: no second poll needed
    expect(r?.outcome).toBe('failed');
    expect(await store.headSeq()).toBe(0);
    expect(readdirSync(join(dir, 'failed')).sort()).toEqual(['wo.csv', 'wo.csv.errors.csv']);
    expect(existsSync(join(dir, 'wo.csv.done'))).toBe(false);
    const report = readFileSync(join(dir, 'failed', 'wo.csv.errors.csv'), 'utf8');
    expect(report.split('\r\n')[0]).toBe('row,column,value,reason');
    expect(r!.issues).toEqual([
      { row: 3, column: 'Quantity', value: '12O', reason: '"12O" is not a number' },
      { row: 5, column: 'Build Date', value: '13/04/2026 14:30', reason: '"13/04/2026 14:30" is not a real date and time (format MM/DD/YYYY HH:mm)' },
      { row: 5, column: 'Line Type', value: 'Scrap', reason: '"Scrap" is not a role: map it to input or output (lines.role.map)' },
    ]);
    expect(report).toContain('3,Quantity,12O,"""12O"" is not a number"');
  });

  it('a bad unit found by the native command path is reported on its row and column', async () => {
    const { dir, store, watcher } = await setup('netsuite-work-orders.yaml');
    const good = readFileSync(join(EXAMPLES, 'netsuite-work-orders.csv'), 'utf8');
    writeFileSync(join(dir, 'wo.csv'), good.replace('D-0504,35,kg', 'D-0504,35,bags'));
    writeFileSync(join(dir, 'wo.csv.done'), '');
    const [r] = await watcher.poll();
    expect(r?.outcome).toBe('failed');
    expect(r!.issues).toEqual([{ row: 6, column: 'Units', value: 'bags', reason: expect.stringContaining('UN/CEFACT Rec. 20') }]);
    expect(await store.headSeq()).toBe(0);
  });

  it('the good NetSuite export becomes one production event per work order, inputs and outputs linked', async () => {
    const { dir, store, watcher } = await setup('netsuite-work-orders.yaml');
    copyFileSync(join(EXAMPLES, 'netsuite-work-orders.csv'), join(dir, 'wo.csv'));
    writeFileSync(join(dir, 'wo.csv.done'), '');
    const [r] = await watcher.poll();
    expect(r).toMatchObject({ outcome: 'processed', rows: 5, events: 2, stored: 2 });
    const rows = await store.queryEvents({ limit: 10 });
    const bodies = await store.eventBodies(rows.map((e) => e.seq));
    const wo1 = bodies.get(rows[0]!.seq)!;
    expect(wo1['type']).toBe('TransformationEvent');
    expect(wo1['eventTime']).toBe('2026-05-04T10:00:00-05:00');
    expect(wo1['inputQuantityList']).toEqual([
      { epcClass: 'urn:lotline:lot:FLOUR-T55:F-0504', quantity: 1000.5, uom: 'KGM' },
      { epcClass: 'urn:lotline:lot:SUGAR:S-0504', quantity: 120, uom: 'KGM' },
    ]);
    expect(wo1['outputQuantityList']).toEqual([{ epcClass: 'urn:lotline:lot:BREAD-MIX:BM-0504', quantity: 1100, uom: 'KGM' }]);
    expect(wo1['lotline:line']).toBe('LINE-1');
    expect(bodies.get(rows[1]!.seq)!['lotline:line']).toBe('LINE-2');
  });

  it('reads the Dynamics-style XLSX (date cells in plant time); the same content dropped again is not imported twice', async () => {
    const { dir, store, watcher } = await setup('dynamics-packing-slips.yaml');
    copyFileSync(join(EXAMPLES, 'dynamics-packing-slips.xlsx'), join(dir, 'slips.xlsx'));
    writeFileSync(join(dir, 'slips.xlsx.done'), '');
    const [r] = await watcher.poll();
    expect(r).toMatchObject({ outcome: 'processed', rows: 3, events: 2, stored: 2 });
    const rows = await store.queryEvents({ limit: 10 });
    const bodies = await store.eventBodies(rows.map((e) => e.seq));
    const slip = bodies.get(rows[0]!.seq)!;
    expect(slip['eventTime']).toBe('2026-05-06T16:20:00+01:00');
    expect(slip['quantityList']).toHaveLength(2);
    expect(slip['lotline:carrier'] ?? JSON.stringify(slip)).toContain('DHL');
    expect(JSON.stringify(bodies.get(rows[1]!.seq))).toContain('OWN-FLEET');

    copyFileSync(join(EXAMPLES, 'dynamics-packing-slips.xlsx'), join(dir, 'slips-again.xlsx'));
    writeFileSync(join(dir, 'slips-again.xlsx.done'), '');
    const [again] = await watcher.poll();
    expect(again).toMatchObject({ outcome: 'duplicate', error: expect.stringContaining('as slips.xlsx') });
    expect(await store.headSeq()).toBe(2);
    expect(readdirSync(join(dir, 'processed')).sort()).toEqual(['slips-again.xlsx', 'slips.xlsx']);
  });

  it('an XLSX with a bad row fails whole, with the spreadsheet row number', async () => {
    const { dir, store, watcher } = await setup('dynamics-packing-slips.yaml');
    const rows = DYNAMICS_ROWS.map((r) => [...r]);
    rows[3]![2] = null; // no customer on the second packing slip
    rows[2]![8] = 'twenty';
    await writeXlsx(join(dir, 'bad.xlsx'), 'Packing slip lines', rows);
    writeFileSync(join(dir, 'bad.xlsx.done'), '');
    const [r] = await watcher.poll();
    expect(r?.outcome).toBe('failed');
    expect(r!.issues).toEqual([
      { row: 3, column: 'Quantity', value: 'twenty', reason: '"twenty" is not a number' },
      { row: 4, column: 'Customer account', value: '', reason: '"to" is required' },
    ]);
    expect(await store.headSeq()).toBe(0);
  });

  it('a file still growing is left alone until it settles; an empty file is never read', async () => {
    const { dir, store, watcher } = await setup('sap-goods-receipts.yaml');
    const full = readFileSync(join(EXAMPLES, 'sap-goods-receipts.csv'), 'utf8');
    writeFileSync(join(dir, 'gr.csv'), full.slice(0, 200));
    writeFileSync(join(dir, 'empty.csv'), '');
    expect(await watcher.poll()).toEqual([]);
    writeFileSync(join(dir, 'gr.csv'), full); // the ERP wrote the rest
    expect(await watcher.poll()).toEqual([]);
    expect(await store.headSeq()).toBe(0);
    const [r] = await watcher.poll();
    expect(r).toMatchObject({ file: 'gr.csv', outcome: 'processed', events: 3 });
    expect(existsSync(join(dir, 'empty.csv'))).toBe(true);
  });

  it('a file missing a mapped column fails with the header named', async () => {
    const { dir, watcher } = await setup('sap-goods-receipts.yaml');
    writeFileSync(join(dir, 'gr.csv'), 'Material;Batch\nX;Y\n');
    writeFileSync(join(dir, 'gr.csv.done'), '');
    const [r] = await watcher.poll();
    expect(r?.outcome).toBe('failed');
    expect(r!.issues[0]).toMatchObject({ row: 1, column: 'Posting Date', reason: expect.stringContaining('the header has no column "Posting Date"') });
  });
});

describe('mappings', () => {
  const base = { kind: 'receive', time_zone: 'UTC', event: { time: 'Date', from: 'Vendor' }, lines: { item: 'Item', lot: 'Lot' } };
  it('the shipped examples are valid', async () => {
    for (const f of ['sap-goods-receipts.yaml', 'netsuite-work-orders.yaml', 'dynamics-packing-slips.yaml']) await expect(loadMapping(join(EXAMPLES, f))).resolves.toBeDefined();
  });
  it('name every bad key', () => {
    let caught: unknown;
    try {
      compileMapping({ ...base, time_zone: 'Mars/Olympus', colour: 1, event: { time: { column: 'Date', value: 'x' }, carrier: 'C' }, date_format: 'HH:mm' }, 'm.yaml');
    } catch (e) {
      caught = e;
    }
    expect(caught).toMatchObject({ code: 'MAPPING_INVALID', issues: [{ path: '$', reason: expect.stringContaining('"colour"') }] });
    try {
      compileMapping({ ...base, time_zone: 'Mars/Olympus', event: { time: { column: 'Date', value: 'x' }, carrier: 'C' }, date_format: 'HH:mm' }, 'm.yaml');
    } catch (e) {
      caught = e;
    }
    expect((caught as { issues: { path: string }[] }).issues.map((i) => i.path)).toEqual(['$.time_zone', '$.date_format', '$.event.time', '$.event.carrier', '$.event.from']);
  });
  it('a missing or non-YAML mapping file is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lotline-map-'));
    writeFileSync(join(dir, 'm.yaml'), 'kind: [receive\n');
    await expect(loadMapping(join(dir, 'm.yaml'))).rejects.toMatchObject({ code: 'MAPPING_INVALID', message: expect.stringContaining('not valid YAML') });
    await expect(loadMapping(join(dir, 'none.yaml'))).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
  });
});

describe('CSV and dates', () => {
  it('reads RFC 4180 quoting, a BOM, CRLF, semicolons and line breaks inside quotes', () => {
    const text = '\uFEFFa;b;c\r\n"x;1";"say ""hi""";"two\nlines"\r\n\r\n;;\r\n';
    expect(parseCsv(text, 't.csv')).toEqual([
      { line: 1, cells: ['a', 'b', 'c'] },
      { line: 2, cells: ['x;1', 'say "hi"', 'two\nlines'] },
      { line: 5, cells: ['', '', ''] },
    ]);
  });
  it('refuses an unclosed quote with its line', () => {
    expect(() => parseCsv('a,b\n"x,y\n', 't.csv')).toThrow(/line 2: a quoted field is never closed/);
  });
  it('reads dates in a zone, summer time included, and refuses impossible ones', () => {
    const f = compileDateFormat('DD.MM.YYYY HH:mm');
    expect(readDate('15.01.2026 08:00', f, 'Europe/Berlin')).toEqual({ time: '2026-01-15T08:00:00+01:00' });
    expect(readDate('15.07.2026 08:00', f, 'Europe/Berlin')).toEqual({ time: '2026-07-15T08:00:00+02:00' });
    expect(readDate('15.07.2026 08:00', f, '-03:30')).toEqual({ time: '2026-07-15T08:00:00-03:30' });
    expect(readDate('31.02.2026 08:00', f, 'UTC')).toEqual({ reason: expect.stringContaining('not a real date') });
    expect(readDate('2026-02-01', f, 'UTC')).toEqual({ reason: 'is not a date in the format DD.MM.YYYY HH:mm' });
    expect(readDate('2026-07-15T08:00:00', f, 'America/Chicago', true)).toEqual({ time: '2026-07-15T08:00:00-05:00' });
    void wall;
  });
});
