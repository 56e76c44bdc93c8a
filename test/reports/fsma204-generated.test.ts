/**
 * The FSMA 204 spreadsheet of a generated plant (bench/plant, 8 days of the `small` preset: 4,379
 * events, 2,131 lots) must stay what it was before the report was made fast: the CSV byte for byte
 * and the XLSX cell for cell (read back with exceljs), against digests taken from the first
 * implementation (exceljs in memory, a store query per step) before it was replaced. Both on the
 * store straight and through the in-memory genealogy index, as the CLI and the service read it.
 * The salad plant (fsma204.test.ts) checks what the content means; this checks that it did not move.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESETS } from '../../bench/plant/presets.js';
import { writePlant } from '../../bench/plant/write-plant.js';
import { importFile } from '../../src/capture/import-file.js';
import { GenealogyIndex, withGenealogyIndex } from '../../src/genealogy/genealogy-index.js';
import type { Fsma204Filter } from '../../src/reports/fsma204/fsma204-report.js';
import { fsma204Report } from '../../src/reports/fsma204/fsma204-report.js';
import { fsma204Csv, fsma204Xlsx } from '../../src/reports/fsma204/fsma204-files.js';
import type { EventStore } from '../../src/store/event-store.js';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';

/** Filters and the digests of their files as the first implementation wrote them. */
const CASES: { name: string; filter: Fsma204Filter; rows: string; csv: string; xlsx: string }[] = [
  { name: 'every record', filter: {}, 
    rows: '0/798/8460/3554',
    csv: '9837fd70af33f0bf4c15f6eaecc45dcd3942112421ed556fef38a871eb4b6e0a',
    xlsx: '10d69991229e5166c90accd698fbcb67009c4861715d24cfd734f5931354d324',
   },
  // the raw lot that reaches the most lots (602 nodes), with its item
  { name: 'forward from the widest raw lot', filter: { tlcs: ['S0001-1-1'], item: '16141411000584', trace: 'forward' }, 
    rows: '0/1/3864/2596',
    csv: '5f891e53537f17638c54fe4a161f7c2d4931541ed4e774e2650c217469ea9b96',
    xlsx: '1eb90c5132e205c54b557d545ec5061402250c87df5008ec16ada4fbfcb18ee8',
   },
  // a finished lot with 432 ancestors, by its code alone
  { name: 'backward from a finished lot', filter: { tlcs: ['L1-0008-4-037'], trace: 'backward' }, 
    rows: '0/318/4434/40',
    csv: '89274894e4e754f44bbef3a06a09d81d8ce697c6c217bf004154e57bf5e3826e',
    xlsx: '98699c5fe05b09aed4b4596006eec62c29a62c1f01dd451a4ef1f4b41708f22d',
   },
  { name: 'one raw item in a window', filter: { item: 'RM-0076', from: '2026-01-07', to: '2026-01-10T12:00:00+01:00' }, 
    rows: '0/2/61/0',
    csv: '7b43008bb2739e4c8d5691b35d9db1dfbf8b8e4f4e7225837583ea5fe1de6af2',
    xlsx: '2262ebc3444c5a17fc8e4f7deb59eb18e91b37687735a8990ffe7756cccd3684',
   },
  { name: 'forward within a window', filter: { tlcs: ['R0004-1-2'], item: 'RM-0076', trace: 'forward', from: '2026-01-06', to: '2026-01-09' }, 
    rows: '0/1/754/0',
    csv: 'c27b8843a6c8395ec2f903017abe24b0055a028655df467dbc8d1389bf6456cf',
    xlsx: '9c19c5dcd8fe688f6dd0920c0da6e334812141b176192c7b3893f58d63cadb6e',
   },
];

const sha = (b: string | Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Every sheet's name and cell values, dates as ISO text, in a form that hashes. */
async function xlsxContent(bytes: Buffer): Promise<string> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  const out: unknown[] = [];
  wb.eachSheet((ws) => {
    const rows: unknown[] = [];
    ws.eachRow({ includeEmpty: true }, (row) => rows.push((row.values as unknown[]).map((v) => (v instanceof Date ? v.toISOString() : (v ?? null)))));
    out.push({ name: ws.name, autoFilter: ws.autoFilter, rows });
  });
  return JSON.stringify(out);
}

describe('FSMA 204 spreadsheet of a generated plant, against the first implementation', () => {
  let dir: string;
  let plain: EventStore;
  let indexed: EventStore;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lotline-fsma-gen-'));
    const plant = await writePlant({ ...PRESETS.small, days: 8 }, join(dir, 'plant'), 'ndjson');
    plain = openSqliteStore(join(dir, 'plant.db'));
    await importFile(plain, plant.files[0]!);
    indexed = withGenealogyIndex(plain, await GenealogyIndex.build(plain));
  }, 120_000);
  afterAll(async () => {
    await plain?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const c of CASES) {
    it(`${c.name}: the same rows, CSV bytes and XLSX cells, on the store and through the index`, async () => {
      for (const store of [plain, indexed]) {
        const report = await fsma204Report(store, c.filter);
        const rows = report.sheets.map((s) => s.rows.length).join('/');
        const csv = sha(fsma204Csv(report));
        const xlsx = sha(await xlsxContent(await fsma204Xlsx(report)));
        expect({ rows, csv, xlsx }).toEqual({ rows: c.rows, csv: c.csv, xlsx: c.xlsx });
      }
    }, 120_000);
  }
});
