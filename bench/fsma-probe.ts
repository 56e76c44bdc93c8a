/**
 * `npx tsx bench/fsma-probe.ts DB ITEM LOT [--repeats N] [--store]`: one lot's FSMA 204 report
 * (traced forward), built and written as CSV and XLSX N times, with wall and CPU time per step
 * and a digest of the CSV (to check that a change keeps the content). Through the genealogy
 * index, as the server builds it, unless `--store` (the one-shot CLI's reads). Run with
 * `node --cpu-prof --import tsx` to see where the time goes; the `reports` section of
 * `npm run bench` times the widest lots of a whole preset the same way.
 */
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { GenealogyIndex, withGenealogyIndex } from '../src/genealogy/genealogy-index.js';
import { openStore } from '../src/main.js';
import { fsma204CsvChunks, fsma204XlsxStream } from '../src/reports/fsma204/fsma204-files.js';
import { fsma204Report } from '../src/reports/fsma204/fsma204-report.js';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { repeats: { type: 'string' }, store: { type: 'boolean' } } });
const [db, item, lot] = positionals;
if (db === undefined || item === undefined || lot === undefined) {
  console.error('usage: npx tsx bench/fsma-probe.ts DB ITEM LOT [--repeats N] [--store]');
  process.exit(2);
}
const store = await openStore(db, { create: false });
const t0 = performance.now();
const reads = values.store ? store : withGenealogyIndex(store, await GenealogyIndex.build(store));
console.log(values.store ? 'straight from the store' : `index built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const cpuMs = (c: NodeJS.CpuUsage): number => (c.user + c.system) / 1000;
for (let k = 0; k < Number(values.repeats ?? 3); k++) {
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  const report = await fsma204Report(reads, { tlcs: [lot], item, trace: 'forward' });
  const c1 = cpuMs(process.cpuUsage(c0));
  const w1 = performance.now();
  // the files as the server and the CLI send them: the pieces, never joined
  const csv = [...fsma204CsvChunks(report)];
  const c2 = cpuMs(process.cpuUsage(c0));
  const w2 = performance.now();
  let xlsxBytes = 0;
  for await (const piece of fsma204XlsxStream(report)) xlsxBytes += piece.length;
  const c3 = cpuMs(process.cpuUsage(c0));
  const w3 = performance.now();
  const rows = report.sheets.reduce((n, s) => n + s.rows.length, 0);
  const hash = createHash('sha256');
  for (const piece of csv) hash.update(piece);
  const digest = hash.digest('hex').slice(0, 16);
  console.log(
    `rows ${rows}  build ${(w1 - w0).toFixed(0)} ms (CPU ${c1.toFixed(0)})  CSV ${(w2 - w1).toFixed(0)} ms (CPU ${(c2 - c1).toFixed(0)})  XLSX ${(w3 - w2).toFixed(0)} ms (CPU ${(c3 - c2).toFixed(0)})  CSV sha256 ${digest}…  XLSX ${xlsxBytes} bytes`,
  );
}
await store.close();
