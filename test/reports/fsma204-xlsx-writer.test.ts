/**
 * The XLSX writer the FSMA 204 spreadsheet (and every tabular report) goes through, read back
 * with exceljs and checked as a ZIP by `unzip -t` when it is installed: text that XML must escape,
 * characters XML cannot carry, sheet names Excel refuses, numbers, dates, empty cells, an empty
 * table, many columns (AA…), and the same bytes for the same tables.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { ReportTable } from '../../src/reports/report-table.js';
import { toXlsx } from '../../src/reports/write-xlsx.js';

const TABLES: ReportTable[] = [
  {
    name: 'Lots: [raw]/*?',
    columns: [
      { key: 't', header: 'Text & <"quotes">', kind: 'text' },
      { key: 'n', header: 'Number', kind: 'number' },
      { key: 'd', header: 'Date', kind: 'date' },
    ],
    rows: [
      { t: 'A&B <C> "D"', n: 1.25, d: new Date(Date.UTC(2026, 5, 2)) },
      { t: '  padded  ', n: -3, d: null },
      { t: 'bell\u0007 and \ud83e\udd57 salad, crème', n: null, d: new Date(Date.UTC(1999, 11, 31)) },
      { t: '=SUM(A1)', n: 0, d: null },
    ],
  },
  { name: 'Empty', columns: [], rows: [] },
  { name: 'Wide', columns: Array.from({ length: 30 }, (_, i) => ({ key: `c${i}`, header: `C${i}`, kind: 'number' as const })), rows: [Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`c${i}`, i]))] },
];

async function readBack(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  return wb;
}

describe('XLSX writer', () => {
  it('writes text, numbers and dates that exceljs reads back as they were, under the sheet names Excel allows', async () => {
    const wb = await readBack(await toXlsx(TABLES, 'Plant QA'));
    expect(wb.creator).toBe('Plant QA');
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Lots   raw    ', 'Empty', 'Wide']);
    const ws = wb.worksheets[0]!;
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(['Text & <"quotes">', 'Number', 'Date']);
    expect(ws.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.autoFilter).toBe('A1:C5');
    expect(ws.rowCount).toBe(5);
    const cells = (r: number): unknown[] => [1, 2, 3].map((c) => ws.getRow(r).getCell(c).value);
    expect(cells(2)).toEqual(['A&B <C> "D"', 1.25, new Date(Date.UTC(2026, 5, 2))]);
    expect(ws.getRow(2).getCell(3).type).toBe(ExcelJS.ValueType.Date);
    expect(ws.getRow(2).getCell(3).numFmt).toBe('yyyy-mm-dd');
    expect(cells(3)).toEqual(['  padded  ', -3, null]);
    // a character XML 1.0 cannot hold becomes U+FFFD; the rest, emoji included, is kept
    expect(cells(4)).toEqual(['bell\ufffd and \ud83e\udd57 salad, crème', null, new Date(Date.UTC(1999, 11, 31))]);
    // text that looks like a formula stays text
    expect(cells(5)).toEqual(['=SUM(A1)', 0, null]);
    expect(wb.worksheets[1]!.rowCount).toBe(0);
    const wide = wb.worksheets[2]!;
    expect(wide.getRow(1).getCell(27).value).toBe('C26');
    expect(wide.getRow(2).getCell(30).value).toBe(29);
    expect(wide.autoFilter).toBe('A1:AD2');
  });

  it('gives the same bytes for the same tables, and a ZIP that unzip finds sound', async () => {
    const a = await toXlsx(TABLES);
    expect(Buffer.compare(a, await toXlsx(TABLES))).toBe(0);
    const unzip = spawnSync('unzip', ['-v'], { encoding: 'utf8' });
    if (unzip.status !== 0) return; // unzip is not installed here: exceljs reading the file above is the check
    const dir = mkdtempSync(join(tmpdir(), 'lotline-xlsx-'));
    try {
      writeFileSync(join(dir, 'a.xlsx'), a);
      const t = spawnSync('unzip', ['-t', join(dir, 'a.xlsx')], { encoding: 'utf8' });
      expect(t.stdout).toContain('No errors detected');
      expect(t.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
