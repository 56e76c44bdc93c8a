/**
 * Report timings on the loaded plant (issue 8: "recall and FSMA timings for the plant preset,
 * target under 1 s for a lot reaching 10,000 lots"). The FSMA 204 spreadsheet of the raw lots
 * that reach the most lots forward — the suspect-ingredient request FDA makes — built and written
 * as CSV and as XLSX, through the in-memory genealogy index (the service) and straight from the
 * store (the `lotline report` command). Both must give the same CSV bytes, else the run fails.
 */
import { createHash } from 'node:crypto';
import { resourceUsage } from 'node:process';
import type { ObjectRef } from '../src/domain/identifiers/object-ref.js';
import type { Fsma204Filter } from '../src/reports/fsma204/fsma204-report.js';
import { fsma204Report } from '../src/reports/fsma204/fsma204-report.js';
import { fsma204Csv, fsma204Xlsx } from '../src/reports/fsma204/fsma204-files.js';
import type { EventStore } from '../src/store/event-store.js';
import type { CsrGraph } from './harness/csr-graph.js';
import type { Summary } from './harness/stats.js';
import { summarize, timed } from './harness/stats.js';

export interface ReportsBenchInput {
  /** The store whose traces and reads go through the in-memory index (what `lotline serve` holds). */
  readonly indexed: EventStore;
  /** The same store without it (what a one-shot `lotline report` opens). */
  readonly plain: EventStore;
  readonly csr: CsrGraph;
  readonly refs: readonly (ObjectRef | undefined)[];
  /** Node ids of the raw lots. */
  readonly raws: readonly number[];
  readonly quick: boolean;
}

/** One lot's FSMA report, timed. */
export interface FsmaLotTiming {
  readonly item: string;
  readonly lot: string;
  /** Nodes reached forward (typed-array BFS), the lot itself included. */
  readonly reached: number;
  readonly rows: number;
  readonly csvBytes: number;
  readonly xlsxBytes: number;
  /** Milliseconds per repeat, through the index: building the report, writing CSV, writing XLSX. */
  readonly build: number[];
  readonly csv: number[];
  readonly xlsx: number[];
  /** CPU milliseconds of this process for the same steps (user + system): on a shared machine the wall time counts the other processes too. */
  readonly buildCpu: number[];
  readonly csvCpu: number[];
  readonly xlsxCpu: number[];
  /** Building the report straight from the store, once (the first call, as the CLI makes it). */
  readonly storeBuild: number;
}

export interface FsmaBenchResult {
  readonly lots: FsmaLotTiming[];
  /** Over every lot and repeat: report + CSV, report + XLSX, through the index. */
  readonly csvTotal: Summary;
  readonly xlsxTotal: Summary;
  /** The same totals in CPU time of this process. */
  readonly csvTotalCpu: Summary;
  readonly xlsxTotalCpu: Summary;
  readonly storeBuild: Summary;
  /** Growth of the process's peak RSS while the section ran, and the live heap after one report. */
  readonly peakRssGrowthMiB: number;
  readonly heapAfterReportMiB: number;
  /** Why the largest lot measured reaches fewer than 10,000 lots, when it does. */
  readonly note?: string;
  readonly failures: string[];
}

/** Wall and CPU milliseconds of `f`. */
async function measured<T>(f: () => Promise<T> | T): Promise<{ ms: number; cpu: number; value: T }> {
  const c0 = process.cpuUsage();
  const t = await timed(f);
  const c = process.cpuUsage(c0);
  return { ...t, cpu: (c.user + c.system) / 1000 };
}

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

/** The `n` raw lots that reach the most nodes forward, the widest first, and the one reaching nearest 10,000 when some reach more. */
export function widestRawLots(csr: CsrGraph, raws: readonly number[], n: number): { id: number; reached: number }[] {
  const all = raws.map((id) => ({ id, reached: csr.reachCount(id, 'forward') })).sort((a, b) => b.reached - a.reached);
  const top = all.slice(0, n);
  if ((top[0]?.reached ?? 0) > 10_000) {
    const near = all.reduce((best, x) => (Math.abs(x.reached - 10_000) < Math.abs(best.reached - 10_000) ? x : best));
    if (!top.includes(near)) top.push(near);
  }
  return top;
}

export async function measureFsma204(input: ReportsBenchInput): Promise<FsmaBenchResult> {
  const peakBefore = resourceUsage().maxRSS;
  const top = widestRawLots(input.csr, input.raws, input.quick ? 2 : 5);
  const repeats = input.quick ? 1 : 3;
  const failures: string[] = [];
  const lots: FsmaLotTiming[] = [];
  let heapAfterReportMiB = 0;
  for (const { id, reached } of top) {
    const ref = input.refs[id];
    if (ref?.kind !== 'lot') continue;
    const filter: Fsma204Filter = { tlcs: [ref.lot], item: ref.item, trace: 'forward' };
    const fromStore = await timed(() => fsma204Report(input.plain, filter));
    const build: number[] = [];
    const csv: number[] = [];
    const xlsx: number[] = [];
    const buildCpu: number[] = [];
    const csvCpu: number[] = [];
    const xlsxCpu: number[] = [];
    let csvText = '';
    let xlsxBytes = 0;
    let rows = 0;
    for (let k = 0; k < repeats; k++) {
      const r = await measured(() => fsma204Report(input.indexed, filter));
      if (k === 0) heapAfterReportMiB = Math.max(heapAfterReportMiB, process.memoryUsage().heapUsed / 1048576);
      const c = await measured(() => fsma204Csv(r.value));
      const x = await measured(() => fsma204Xlsx(r.value));
      build.push(r.ms);
      csv.push(c.ms);
      xlsx.push(x.ms);
      buildCpu.push(r.cpu);
      csvCpu.push(c.cpu);
      xlsxCpu.push(x.cpu);
      csvText = c.value;
      xlsxBytes = x.value.length;
      rows = r.value.sheets.reduce((n, s) => n + s.rows.length, 0);
    }
    if (sha(fsma204Csv(fromStore.value)) !== sha(csvText)) failures.push(`FSMA 204 report of ${ref.item} / ${ref.lot}: the index and the store give different CSV files`);
    lots.push({ item: ref.item, lot: ref.lot, reached, rows, csvBytes: Buffer.byteLength(csvText), xlsxBytes, build, csv, xlsx, buildCpu, csvCpu, xlsxCpu, storeBuild: fromStore.ms });
  }
  const widest = top[0]?.reached ?? 0;
  return {
    lots,
    csvTotal: summarize(lots.flatMap((l) => l.build.map((b, i) => b + l.csv[i]!))),
    xlsxTotal: summarize(lots.flatMap((l) => l.build.map((b, i) => b + l.xlsx[i]!))),
    csvTotalCpu: summarize(lots.flatMap((l) => l.buildCpu.map((b, i) => b + l.csvCpu[i]!))),
    xlsxTotalCpu: summarize(lots.flatMap((l) => l.buildCpu.map((b, i) => b + l.xlsxCpu[i]!))),
    storeBuild: summarize(lots.map((l) => l.storeBuild)),
    peakRssGrowthMiB: (resourceUsage().maxRSS - peakBefore) / 1024,
    heapAfterReportMiB,
    ...(widest < 10_000 ? { note: `no raw lot of this plant reaches 10,000 lots: the widest reaches ${widest.toLocaleString('en-US')} nodes, so the widest are measured` } : {}),
    failures,
  };
}
