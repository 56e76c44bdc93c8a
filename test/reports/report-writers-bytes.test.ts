/**
 * The report writers copy cells byte by byte into large buffers and fall back to the plain
 * spelling (csvField, escapeXml) only where a cell needs quoting or escaping. These check that the
 * fast path spells every cell as the plain one does — any text (quotes, commas, line breaks,
 * would-be formulas, non-ASCII, characters XML cannot carry), any number, dates, cells larger
 * than a buffer — and that a report written to a file in pieces is there whole or not at all.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { LotlineError } from '../../src/domain/errors.js';
import { CHUNK_BYTES } from '../../src/reports/byte-chunks.js';
import type { Cell, Column, Row } from '../../src/reports/report-table.js';
import { csvChunks, csvField, toCsv } from '../../src/reports/write-csv.js';
import { writeReportFile } from '../../src/reports/write-report-file.js';
import { toXlsx } from '../../src/reports/write-xlsx.js';

const COLUMNS: Column[] = [
  { key: 'a', header: 'A, "first"', kind: 'text' },
  { key: 'b', header: 'B', kind: 'number' },
  { key: 'c', header: 'C', kind: 'date' },
];

/** Text as report cells hold it, weighted towards what needs care. */
const text = fc.oneof(
  fc.string({ unit: 'grapheme-composite', maxLength: 30 }),
  fc.string({ unit: fc.constantFrom('a', ' ', '"', ',', '\r', '\n', '=', '+', '-', '@', '\t', '.', '1', '&', '<', '>', 'é', '\u0007', '\ud83e', '\udd57'), maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
);
const number = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(-0, 2 ** 31, -(2 ** 31), 2 ** 31 - 1, 1e21, 0.1, Number.MAX_SAFE_INTEGER));
const date = fc.date({ min: new Date(Date.UTC(1900, 0, 1)), max: new Date(Date.UTC(2100, 0, 1)), noInvalidDate: true }).map((d) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())));
const cell: fc.Arbitrary<Cell> = fc.oneof(text, number, date, fc.constant(null));
const rows = fc.array(fc.record({ a: cell, b: cell, c: cell }), { maxLength: 40 });

/** The CSV as the first writer made it: one string per field, joined. */
function plainCsv(columns: readonly Column[], rs: readonly Row[]): string {
  const lines = [columns.map((c) => csvField(c.header)).join(',')];
  for (const r of rs) lines.push(columns.map((c) => csvField(r[c.key] ?? null)).join(','));
  return lines.join('\r\n') + '\r\n';
}

describe('CSV written as bytes', () => {
  it('spells every cell as csvField does', () => {
    fc.assert(
      fc.property(rows, (rs) => {
        // as bytes: a lone surrogate is U+FFFD in UTF-8 either way
        expect(Buffer.concat([...csvChunks(COLUMNS, rs)]).equals(Buffer.from(plainCsv(COLUMNS, rs), 'utf8'))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('hands out buffers of about a megabyte, and a cell larger than one whole', () => {
    const big = 'x'.repeat(CHUNK_BYTES + 200_000);
    const rs: Row[] = [...Array.from({ length: 30_000 }, (_, i) => ({ a: `lot ${i}, "quoted"`, b: i, c: null })), { a: big, b: 1.5, c: null }, { a: 'é'.repeat(CHUNK_BYTES), b: null, c: null }];
    const chunks = [...csvChunks(COLUMNS, rs)];
    expect(chunks.length).toBeGreaterThan(2);
    for (const c of chunks.slice(0, -1)) expect(c.length).toBeGreaterThanOrEqual(CHUNK_BYTES);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(plainCsv(COLUMNS, rs));
    expect(toCsv(COLUMNS, rs)).toBe(plainCsv(COLUMNS, rs));
  });
});

// What XML 1.0 cannot carry, shown as U+FFFD (the writer's rule, stated again here).
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

describe('XLSX cells written as bytes', () => {
  it('reads back every text, number and date as written (XML escapes and replacements included)', async () => {
    const samples = fc.sample(fc.record({ a: text, b: number, c: date }), { numRuns: 400, seed: 8 });
    samples.push({ a: 'A&B <C> "D" \'E\'', b: -0, c: new Date(Date.UTC(2026, 5, 2)) }, { a: '  edges\t', b: 2 ** 31, c: new Date(Date.UTC(1900, 2, 1)) });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await toXlsx([{ name: 'S', columns: COLUMNS, rows: samples }])) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    samples.forEach((s, i) => {
      const r = ws.getRow(i + 2);
      // exceljs reads an empty text cell as no value; an XML reader takes CR and CR LF for LF (as it did before the bytes)
      const want = s.a.replace(NOT_XML, '\ufffd').replace(/\r\n?/g, '\n');
      expect(r.getCell(1).value ?? '').toBe(want);
      expect(r.getCell(2).value).toBe(s.b === 0 ? 0 : s.b);
      expect(r.getCell(3).value).toEqual(s.c);
    });
  });

  it('writes a text cell larger than a buffer whole', async () => {
    const big = 'lot <' + 'y'.repeat(CHUNK_BYTES + 100_000) + '>';
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await toXlsx([{ name: 'S', columns: COLUMNS, rows: [{ a: big, b: 1, c: null }, { a: 'after', b: 2, c: null }] }])) as unknown as ArrayBuffer);
    expect(wb.worksheets[0]!.getRow(2).getCell(1).value).toBe(big);
    expect(wb.worksheets[0]!.getRow(3).getCell(1).value).toBe('after');
  });
});

describe('a report file written in pieces', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lotline-writers-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is the pieces one after another, sync or async', async () => {
    const path = join(dir, 'a.csv');
    await writeReportFile(path, csvChunks(COLUMNS, [{ a: 'x', b: 1, c: null }]));
    expect(readFileSync(path, 'utf8')).toBe('"A, ""first""",B,C\r\nx,1,\r\n');
    async function* pieces(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('one,');
      await new Promise((r) => setTimeout(r, 5));
      yield Buffer.from('two\r\n');
    }
    await writeReportFile(path, pieces());
    expect(readFileSync(path, 'utf8')).toBe('one,two\r\n');
  });

  it('leaves the old file and nothing else when the report fails half-way, and says why', async () => {
    const path = join(dir, 'b.xlsx');
    await writeReportFile(path, 'before');
    function* failing(): Generator<Uint8Array> {
      yield Buffer.alloc(CHUNK_BYTES, 65);
      throw new RangeError('Invalid time value');
    }
    await expect(writeReportFile(path, failing())).rejects.toThrow(RangeError);
    expect(readFileSync(path, 'utf8')).toBe('before');
    expect(readdirSync(dir).filter((f) => f.startsWith('b.xlsx'))).toEqual(['b.xlsx']);
  });

  it('names the file and the reason when it cannot be written', async () => {
    const path = join(dir, 'no-such-folder', 'c.csv');
    const e = await writeReportFile(path, csvChunks(COLUMNS, [])).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(LotlineError);
    expect((e as LotlineError).code).toBe('FILE_NOT_WRITABLE');
    expect((e as LotlineError).message).toContain(path);
    expect(existsSync(path)).toBe(false);
  });
});
