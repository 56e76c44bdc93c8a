/**
 * The FSMA 204 sortable spreadsheet against the hand-built salad plant: every row and KDE value
 * known in advance, the missing-KDE summary, the filters, and the XLSX read back with exceljs
 * (sheets, one header row, no merged cells, typed numbers and dates, an auto-filter). On SQLite
 * and PostgreSQL alike.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fsma204Report } from '../../src/reports/fsma204/fsma204-report.js';
import { fsma204Report } from '../../src/reports/fsma204/fsma204-report.js';
import { fsma204Csv, fsma204Xlsx, MISSING_SHEET } from '../../src/reports/fsma204/fsma204-files.js';
import type { EventStore } from '../../src/store/event-store.js';
import { load } from '../helpers/store.js';
import { LotlineError } from '../../src/domain/errors.js';
import type { ErrorCode } from '../../src/domain/errors.js';
import { SALAD, SALAD_GTIN, saladStore, STORE_KINDS } from './salad-plant.js';

async function expectLotlineError(p: Promise<unknown>, code: ErrorCode, message: RegExp): Promise<void> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(LotlineError);
  expect((e as LotlineError).code).toBe(code);
  expect((e as LotlineError).message).toMatch(message);
}

const day = (iso: string): Date => new Date(`${iso}T00:00:00Z`);
const rowsOf = (r: Fsma204Report, cte: string) => r.sheets.find((s) => s.sheet.cte === cte)!.rows;

for (const kind of STORE_KINDS) {
  describe.skipIf(kind.skip !== undefined)(`FSMA 204 report on ${kind.name}${kind.skip ? ` (skipped: ${kind.skip})` : ''}`, () => {
    let store: EventStore;
    let report: Fsma204Report;
    beforeAll(async () => {
      store = await saladStore(kind);
      report = await fsma204Report(store);
    });
    afterAll(async () => store?.close());

    it('initial packing: the packed lot, its farm, where the code was assigned', () => {
      expect(rowsOf(report, 'initial_packing')).toEqual([
        {
          tlc: 'CU-3',
          productDescription: 'Cucumbers, field grown, 10 kg carton',
          quantity: 80,
          uom: 'KGM',
          harvestLocation: 'Sunny Farms Field 4',
          tlcSource: 'Plant 1 / Packhouse',
          date: day('2026-05-30'),
          referenceDocumentType: null,
          referenceDocumentNumber: null,
          productId: 'RM-CUKE',
          eventTime: '2026-05-30T06:00:00-07:00',
          eventId: 'urn:uuid:5a1ad000-0000-4000-8000-000000000009',
          missingKdes: 'Reference document type; Reference document number',
        },
      ]);
    });

    it('receiving: one row per lot received, the previous source with its GLN, both reference documents', () => {
      const rows = rowsOf(report, 'receiving');
      expect(rows).toHaveLength(2);
      expect(rows[0]).toEqual({
        tlc: 'LET-1',
        quantity: 500,
        uom: 'KGM',
        productDescription: 'Romaine lettuce, whole heads, 20 kg crate',
        previousSource: 'Sunny Farms, GLN 0614141000012',
        receivedAt: 'Plant 1 / Goods in',
        date: day('2026-06-01'),
        tlcSource: 'Sunny Farms packhouse, 1 Field Rd, Salinas CA',
        referenceDocumentType: 'Purchase order; Despatch advice',
        referenceDocumentNumber: 'PO-100; DA-7',
        productId: 'RM-LETTUCE',
        logisticUnit: null,
        eventTime: '2026-06-01T07:00:00-07:00',
        eventId: 'urn:uuid:5a1ad000-0000-4000-8000-000000000001',
        missingKdes: null,
      });
      expect(rows[1]).toMatchObject({ tlc: 'TOM-7', quantity: 200, uom: 'KGM', productDescription: null, previousSource: 'Red Acres', tlcSource: null, referenceDocumentType: 'Purchase order', referenceDocumentNumber: 'PO-101' });
      expect(rows[1]!['missingKdes']).toBe('Product description; Location description for the traceability lot code source, or traceability lot code source reference');
    });

    it('transformation: one row per input lot, the class-only input with an empty TLC, the new lot with its source and order', () => {
      const rows = rowsOf(report, 'transformation');
      expect(rows.map((r) => [r['inputTlc'], r['inputProductId'], r['inputQuantity'], r['inputUom'], r['inputProductDescription']])).toEqual([
        [null, '00614141000203', 5, 'KGM', null],
        ['LET-1', 'RM-LETTUCE', 120, 'KGM', 'Romaine lettuce, whole heads, 20 kg crate'],
        ['TOM-7', 'RM-TOMATO', 30, 'KGM', null],
      ]);
      for (const r of rows) {
        expect(r).toMatchObject({
          tlc: 'SAL-1',
          productId: SALAD_GTIN,
          productDescription: 'Garden salad mix, 250 g bag',
          quantity: 150,
          uom: 'KGM',
          tlcSource: 'Plant 1 / Line 1',
          date: day('2026-06-01'),
          referenceDocumentType: 'Production order',
          referenceDocumentNumber: 'WO-9',
        });
      }
      expect(rows[0]!['missingKdes']).toBe('Traceability lot code of the food used in transformation; Product description of the food used in transformation');
      expect(rows[1]!['missingKdes']).toBeNull();
    });

    it('shipping: the pallet ships the lot it held, dated in the event’s own time zone; the voided shipment is absent', () => {
      const rows = rowsOf(report, 'shipping');
      expect(rows).toHaveLength(2);
      expect(rows[0]).toMatchObject({
        tlc: 'SAL-1',
        quantity: 100,
        uom: 'KGM',
        productDescription: 'Garden salad mix, 250 g bag',
        subsequentRecipient: 'Fresh Mart, Fresh Mart DC, 100 Depot Way, Reno NV',
        shipFrom: 'Plant 1 / Dispatch',
        // 23:30 at -07:00 is 06:30 UTC the next day: FDA gets the plant's date
        date: day('2026-06-02'),
        tlcSource: 'Plant 1 / Line 1',
        referenceDocumentType: 'Purchase order',
        referenceDocumentNumber: 'SO-55',
        logisticUnit: '106141410000000019',
        missingKdes: null,
      });
      expect(rows[1]).toMatchObject({ tlc: 'SAL-1', quantity: 50, subsequentRecipient: 'Corner Deli', date: day('2026-06-03'), logisticUnit: null, referenceDocumentType: null, missingKdes: 'Reference document type; Reference document number' });
      expect(rows.some((r) => r['quantity'] === 999)).toBe(false);
    });

    it('summarises the missing KDEs per CTE, with the lots that lack them', () => {
      expect(report.missing.map((m) => [m.sheet, m.kde, m.rows, m.tlcs])).toEqual([
        ['Initial packing', 'Reference document type', 1, ['CU-3']],
        ['Initial packing', 'Reference document number', 1, ['CU-3']],
        ['Receiving', 'Product description', 1, ['TOM-7']],
        ['Receiving', 'Location description for the traceability lot code source, or traceability lot code source reference', 1, ['TOM-7']],
        ['Transformation', 'Traceability lot code of the food used in transformation', 1, ['SAL-1']],
        ['Transformation', 'Product description of the food used in transformation', 2, ['SAL-1']],
        ['Shipping', 'Reference document type', 1, ['SAL-1']],
        ['Shipping', 'Reference document number', 1, ['SAL-1']],
      ]);
    });

    it('filters by traceability lot code (any identifier form), product and event-time window', async () => {
      const count = (r: Fsma204Report) => Object.fromEntries(r.sheets.map((s) => [s.sheet.cte, s.rows.length]));
      expect(count(await fsma204Report(store, { tlcs: ['TOM-7'] }))).toEqual({ initial_packing: 0, receiving: 1, transformation: 1, shipping: 0 });
      expect(rowsOf(await fsma204Report(store, { tlcs: ['TOM-7'] }), 'transformation')[0]).toMatchObject({ inputTlc: 'TOM-7', tlc: 'SAL-1' });
      expect(count(await fsma204Report(store, { tlcs: [SALAD] }))).toEqual({ initial_packing: 0, receiving: 0, transformation: 3, shipping: 2 });
      expect(count(await fsma204Report(store, { item: SALAD_GTIN }))).toEqual({ initial_packing: 0, receiving: 0, transformation: 3, shipping: 2 });
      expect(count(await fsma204Report(store, { tlcs: ['SAL-1', 'CU-3'] }))).toEqual({ initial_packing: 1, receiving: 0, transformation: 3, shipping: 2 });
      expect(count(await fsma204Report(store, { from: '2026-06-02', to: '2026-06-04' }))).toEqual({ initial_packing: 0, receiving: 0, transformation: 0, shipping: 2 });
      // a traced report: the lettuce and every lot it went into, with their records
      expect(count(await fsma204Report(store, { tlcs: ['LET-1'], trace: 'forward' }))).toEqual({ initial_packing: 0, receiving: 1, transformation: 3, shipping: 2 });
      expect(count(await fsma204Report(store, { tlcs: ['SAL-1'], trace: 'backward' }))).toEqual({ initial_packing: 0, receiving: 2, transformation: 3, shipping: 2 });
      // the window cuts rows, not what the rows know: the lot made before the window still has its origin
      expect(rowsOf(await fsma204Report(store, { from: '2026-06-02' }), 'shipping')[0]).toMatchObject({ tlcSource: 'Plant 1 / Line 1', productDescription: 'Garden salad mix, 250 g bag' });
    });

    it('answers as known at a record time: before the error declaration, the wrong shipment is a row', async () => {
      const extra = await kind.open();
      try {
        const commands = (await import('./salad-plant.js')).saladCommands();
        await load(extra, commands.slice(0, -1));
        const before = new Date(Date.now() + 1000).toISOString();
        await new Promise((r) => setTimeout(r, 1100));
        await load(extra, commands.slice(-1));
        expect(rowsOf(await fsma204Report(extra, { asOf: before }), 'shipping').map((r) => r['quantity'])).toEqual([100, 50, 999]);
        expect(rowsOf(await fsma204Report(extra), 'shipping').map((r) => r['quantity'])).toEqual([100, 50]);
      } finally {
        await extra.close();
      }
    });

    it('refuses unknown lots and products, and bad times, naming what is wrong', async () => {
      await expectLotlineError(fsma204Report(store, { tlcs: ['NOPE-1'] }), 'LOT_NOT_FOUND', /NOPE-1/);
      await expectLotlineError(fsma204Report(store, { tlcs: ['LET-1'], item: 'RM-TOMATO' }), 'LOT_NOT_FOUND', /LET-1.*RM-TOMATO/);
      await expectLotlineError(fsma204Report(store, { item: 'NO-SUCH-ITEM' }), 'LOT_NOT_FOUND', /NO-SUCH-ITEM/);
      await expectLotlineError(fsma204Report(store, { from: '2026-13-45' }), 'USAGE', /from/);
      await expectLotlineError(fsma204Report(store, { tlcs: [' '] }), 'USAGE', /empty/);
      await expectLotlineError(fsma204Report(store, { item: 'RM-TOMATO', trace: 'forward' }), 'USAGE', /traceability lot codes/);
    });
  });
}

describe('FSMA 204 files', () => {
  let report: Fsma204Report;
  beforeAll(async () => {
    const store = await saladStore(STORE_KINDS[0]!);
    report = await fsma204Report(store);
    await store.close();
  });

  it('XLSX: one sheet per CTE and the missing-KDE sheet, one header row in the regulation’s words, no merged cells, typed cells, an auto-filter', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await fsma204Xlsx(report)) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Initial packing', 'Receiving', 'Transformation', 'Shipping', MISSING_SHEET]);
    const shipping = wb.getWorksheet('Shipping')!;
    const header = (shipping.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(0, 10)).toEqual([
      'Traceability lot code',
      'Quantity',
      'Unit of measure',
      'Product description',
      'Location description for the immediate subsequent recipient (other than a transporter)',
      'Location description for the location from which you shipped the food',
      'Date you shipped the food',
      'Location description for the traceability lot code source, or traceability lot code source reference',
      'Reference document type',
      'Reference document number',
    ]);
    expect(shipping.rowCount).toBe(3);
    for (const ws of wb.worksheets) {
      expect(Object.keys((ws as unknown as { _merges: object })._merges)).toEqual([]);
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    }
    expect(shipping.autoFilter).toBeDefined();
    const first = shipping.getRow(2);
    expect(first.getCell(1).value).toBe('SAL-1');
    expect(first.getCell(2).value).toBe(100);
    expect(first.getCell(7).value).toEqual(day('2026-06-02'));
    expect(first.getCell(7).type).toBe(ExcelJS.ValueType.Date);
    expect(first.getCell(7).numFmt).toBe('yyyy-mm-dd');
    const missing = wb.getWorksheet(MISSING_SHEET)!;
    expect((missing.getRow(1).values as unknown[]).slice(1)).toEqual(['Critical tracking event', 'Key data element', 'Rows lacking it', 'Traceability lot codes of those rows (first 20)']);
    expect(missing.rowCount).toBe(1 + report.missing.length);
    expect((missing.getRow(7).values as unknown[]).slice(1)).toEqual(['Transformation', 'Product description of the food used in transformation', 2, 'SAL-1']);
  });

  it('CSV: one header row, the CTE first and the missing KDEs last, one line per row, quoted where needed', () => {
    const lines = fsma204Csv(report).trimEnd().split('\r\n');
    expect(lines).toHaveLength(1 + 8);
    const header = lines[0]!.split(',');
    expect(header[0]).toBe('Critical tracking event');
    expect(header[header.length - 1]).toBe('Missing KDEs');
    expect(lines.filter((l) => l.startsWith('Shipping,'))).toHaveLength(2);
    expect(lines[2]).toContain('"Sunny Farms, GLN 0614141000012"');
    expect(lines[2]).toContain(',2026-06-01,');
  });

  it('CSV: a code that a spreadsheet would run as a formula is written as text', async () => {
    const store = await STORE_KINDS[0]!.open();
    await load(store, [{ cmd: 'receive', time: '2026-06-01T08:00:00Z', lots: [{ item: 'X', lot: '=HYPERLINK("http://evil")', quantity: 1, uom: 'KGM' }], from: '@Supplier', po: '+1' }]);
    const csv = fsma204Csv(await fsma204Report(store));
    await store.close();
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(csv).toContain(",'@Supplier,");
    expect(csv).toContain(",'+1,");
  });
});
