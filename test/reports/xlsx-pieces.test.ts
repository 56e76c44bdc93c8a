/**
 * A sheet larger than one piece of the XLSX writer (1 Mi characters) is deflated piece by piece
 * into one ZIP entry: the archive must still inflate to exactly the text given (CRC and size in
 * the headers right), and exceljs must read every row of such a sheet back.
 */
import { inflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { ReportTable } from '../../src/reports/report-table.js';
import { toXlsx } from '../../src/reports/write-xlsx.js';
import { zipArchive } from '../../src/reports/zip-archive.js';

/** The entries of an archive as zipArchive writes it (no data descriptors, no ZIP64), inflated. */
function unzip(zip: Buffer): Map<string, { text: string; crc: number; size: number }> {
  const out = new Map<string, { text: string; crc: number; size: number }>();
  let at = 0;
  while (zip.readUInt32LE(at) === 0x04034b50) {
    const crc = zip.readUInt32LE(at + 14);
    const packed = zip.readUInt32LE(at + 18);
    const size = zip.readUInt32LE(at + 22);
    const nameLength = zip.readUInt16LE(at + 26);
    const name = zip.subarray(at + 30, at + 30 + nameLength).toString('utf8');
    const data = inflateRawSync(zip.subarray(at + 30 + nameLength, at + 30 + nameLength + packed));
    expect(data.length).toBe(size);
    out.set(name, { text: data.toString('utf8'), crc, size });
    at += 30 + nameLength + packed;
  }
  return out;
}

describe('XLSX written in pieces', () => {
  it('inflates a file given in pieces to the same text, with the CRC of the whole', () => {
    const pieces = ['<a>', 'crème ', '', 'x'.repeat(70_000), '🥗</a>'];
    const whole = pieces.join('');
    const entries = unzip(zipArchive([{ name: 'one.xml', data: whole }, { name: 'pieces.xml', data: pieces }]));
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
});
