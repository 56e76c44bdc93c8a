/**
 * `npx tsx bench/fsma-writers-probe.ts save DB ITEM LOT FILE`: builds one lot's FSMA 204 report
 * (traced forward, through the genealogy index) once and keeps it as JSON in FILE.
 * `npx tsx bench/fsma-writers-probe.ts time FILE [--repeats N]`: times the CSV and XLSX writers
 * alone on that report (wall and CPU of the process), with the CSV's digest and the XLSX's size —
 * for quick turns on the writers without the minute the index takes to build.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { GenealogyIndex, withGenealogyIndex } from '../src/genealogy/genealogy-index.js';
import { openStore } from '../src/main.js';
import { fsma204CsvChunks, fsma204XlsxStream } from '../src/reports/fsma204/fsma204-files.js';
import type { Fsma204Report } from '../src/reports/fsma204/fsma204-report.js';
import { fsma204Report } from '../src/reports/fsma204/fsma204-report.js';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { repeats: { type: 'string' } } });
const [mode, ...args] = positionals;
const DATE = '\u0000date:';

if (mode === 'save' && args.length === 4) {
  const [db, item, lot, file] = args as [string, string, string, string];
  const store = await openStore(db, { create: false });
  const reads = withGenealogyIndex(store, await GenealogyIndex.build(store));
  const report = await fsma204Report(reads, { tlcs: [lot], item, trace: 'forward' });
  // Dates as tagged strings: JSON would turn them into ISO texts the writers take for text
  const json = JSON.stringify(report, function (this: Record<string, unknown>, k, v: unknown) {
    const raw = this[k];
    return raw instanceof Date ? DATE + raw.getTime() : v;
  });
  writeFileSync(file, json);
  console.log(`${report.sheets.reduce((n, s) => n + s.rows.length, 0)} rows saved to ${file}`);
  await store.close();
} else if (mode === 'time' && args.length === 1) {
  const report = JSON.parse(readFileSync(args[0]!, 'utf8'), (_k, v: unknown) =>
    typeof v === 'string' && v.startsWith(DATE) ? new Date(Number(v.slice(DATE.length))) : v,
  ) as Fsma204Report;
  const cpuMs = (c: NodeJS.CpuUsage): number => (c.user + c.system) / 1000;
  for (let k = 0; k < Number(values.repeats ?? 3); k++) {
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    // the files as the server and the CLI send them: the pieces, never joined
    const csv = [...fsma204CsvChunks(report)];
    const c1 = cpuMs(process.cpuUsage(c0));
    const w1 = performance.now();
    let xlsxBytes = 0;
    for await (const piece of fsma204XlsxStream(report)) xlsxBytes += piece.length;
    const c2 = cpuMs(process.cpuUsage(c0));
    const w2 = performance.now();
    const hash = createHash('sha256');
    for (const piece of csv) hash.update(piece);
    const digest = hash.digest('hex').slice(0, 16);
    console.log(`CSV ${(w1 - w0).toFixed(0)} ms (CPU ${c1.toFixed(0)})  XLSX ${(w2 - w1).toFixed(0)} ms (CPU ${(c2 - c1).toFixed(0)})  CSV sha256 ${digest}…  XLSX ${xlsxBytes} bytes`);
  }
} else {
  console.error('usage: npx tsx bench/fsma-writers-probe.ts save DB ITEM LOT FILE | time FILE [--repeats N]');
  process.exit(2);
}
