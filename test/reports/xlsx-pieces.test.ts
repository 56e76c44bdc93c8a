/**
 * A sheet larger than one piece of the XLSX writer (1 Mi characters) is deflated piece by piece
 * into one ZIP entry: the archive must still inflate to exactly the text given (CRC and size in
 * the headers right), and exceljs must read every row of such a sheet back.
 */
import { crc32, inflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { ReportTable } from '../../src/reports/report-table.js';
import { toXlsx } from '../../src/reports/write-xlsx.js';
import { zipArchive } from '../../src/reports/zip-archive.js';

/**
 * The entries of an archive as zipArchive writes it (CRC and sizes in a data descriptor after each
 * file's data, no ZIP64), found through the central directory and inflated; each local header and
 * data descriptor is checked against the directory.
 */
function unzip(zip: Buffer): Map<string, { text: string; crc: number; size: number }> {
  const out = new Map<string, { text: string; crc: number; size: number }>();
  const end = zip.length - 22;
  expect(zip.readUInt32LE(end)).toBe(0x06054b50);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  for (let k = 0; k < count; k++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const flags = zip.readUInt16LE(at + 8);
    const crc = zip.readUInt32LE(at + 16);
    const packed = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    expect(flags & 0x0008).toBe(0x0008);
    expect(zip.readUInt32LE(local)).toBe(0x04034b50);
    expect(zip.readUInt16LE(local + 6)).toBe(flags);
    expect(zip.subarray(local + 30, local + 30 + nameLength).toString('utf8')).toBe(name);
    const start = local + 30 + nameLength + zip.readUInt16LE(local + 28);
    const data = inflateRawSync(zip.subarray(start, start + packed));
    expect(data.length).toBe(size);
    expect(crc32(data)).toBe(crc);
    const descriptor = start + packed;
    expect([zip.readUInt32LE(descriptor), zip.readUInt32LE(descriptor + 4), zip.readUInt32LE(descriptor + 8), zip.readUInt32LE(descriptor + 12)]).toEqual([0x08074b50, crc, packed, size]);
    out.set(name, { text: data.toString('utf8'), crc, size });
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return out;
}

describe('XLSX written in pieces', () => {
  it('inflates a file given in pieces to the same text, with the CRC of the whole', async () => {
    const pieces = ['<a>', 'crème ', '', 'x'.repeat(70_000), '🥗</a>'];
    const whole = pieces.join('');
    const entries = unzip(await zipArchive([{ name: 'one.xml', data: whole }, { name: 'pieces.xml', data: pieces }]));
    expect(entries.get('pieces.xml')!.text).toBe(whole);
    expect(entries.get('pieces.xml')!.size).toBe(Buffer.byteLength(whole));
    expect(entries.get('pieces.xml')!.crc).toBe(entries.get('one.xml')!.crc);
  });

  it('writes a sheet of several pieces that exceljs reads back row for row', async () => {
    const rows = Array.from({ length: 12_000 }, (_, i) => ({ id: `urn:uuid:${String(i).padStart(8, '0')}-event & <${i}>`, n: i * 0.5, d: new Date(Date.UTC(2026, 0, 1 + (i % 365))) }));
    const table: ReportTable = {
      name: 'Big',
      columns: [
        { key: 'id', header: 'Event', kind: 'text' },
        { key: 'n', header: 'Quantity', kind: 'number' },
        { key: 'd', header: 'Date', kind: 'date' },
      ],
      rows,
    };
    const bytes = await toXlsx([table]);
    const sheet = unzip(bytes).get('xl/worksheets/sheet1.xml')!.text;
    expect(sheet.length).toBeGreaterThan(1 << 20);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.rowCount).toBe(12_001);
    for (const i of [0, 5_000, 11_999]) {
      const r = ws.getRow(i + 2);
      expect([r.getCell(1).value, r.getCell(2).value, r.getCell(3).value]).toEqual([rows[i]!.id, rows[i]!.n, rows[i]!.d]);
    }
  });

  it('keeps white space at either end of a text (xml:space="preserve") and marks no other text', async () => {
    const table: ReportTable = { name: 'S', columns: [{ key: 't', header: 'Text', kind: 'text' }], rows: [{ t: '  padded' }, { t: 'tab\t' }, { t: 'plain lot' }, { t: '\nline' }, { t: '' }] };
    const sheet = unzip(await toXlsx([table])).get('xl/worksheets/sheet1.xml')!.text;
    const texts = [...sheet.matchAll(/<c r="A(\d+)"[^>]*><is>(<t[^>]*>)([^<]*)<\/t>/g)].map((m) => [m[1], m[2], m[3]]);
    expect(texts).toEqual([
      ['1', '<t xml:space="preserve">', 'Text'],
      ['2', '<t xml:space="preserve">', '  padded'],
      ['3', '<t xml:space="preserve">', 'tab\t'],
      ['4', '<t>', 'plain lot'],
      ['5', '<t xml:space="preserve">', '\nline'],
      ['6', '<t>', ''],
    ]);
  });
});
