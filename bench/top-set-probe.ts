/**
 * `npx tsx bench/top-set-probe.ts DB [--rounds N] [--skip-full]`: where the time of a top-10 set trace goes.
 * Builds the genealogy index of an imported plant, ranks raw lots by what they reach forward,
 * then traces the top 10 the way the benchmark does (a full trace between set traces, so the
 * heap holds what a busy server's would) and times the set through `expand` (the graph with its
 * flows) and through `reachSet` (the set only), beside the recursive CTE and the bare BFS. Garbage-collection pauses that fall inside each
 * timed call are summed from the engine's own GC events, so a slow call reads as "GC" or "work".
 * Run with `--cpu-prof` to see the work itself.
 */
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { GenealogyIndex, withGenealogyIndex } from '../src/genealogy/genealogy-index.js';
import { reachSet } from '../src/genealogy/reach-set.js';
import { DEFAULT_MAX_NODES, trace, visibilityFor } from '../src/genealogy/trace.js';
import { expand } from '../src/genealogy/trace-graph.js';
import { refFromColumns } from '../src/domain/identifiers/object-ref.js';
import { openStore } from '../src/main.js';
import { csrFromFlows } from './harness/csr-graph.js';
import { SqliteCte, visibleFlows } from './harness/sqlite-cte.js';
import { fmtMs, percentile, summarize } from './harness/stats.js';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { rounds: { type: 'string' }, 'skip-full': { type: 'boolean' } } });
const db = positionals[0]!;
const rounds = Number(values.rounds ?? 10);

const gcs: { start: number; end: number }[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcs.push({ start: e.startTime, end: e.startTime + e.duration });
}).observe({ entryTypes: ['gc'] });

/** Time of `f` and the GC time inside it (GC events arrive later, so they are matched afterwards). */
const windows: { kind: string; start: number; end: number; cpu: number }[] = [];
async function probe<T>(kind: string, f: () => Promise<T>): Promise<T> {
  const c0 = process.cpuUsage();
  const start = performance.now();
  const v = await f();
  const end = performance.now();
  const c = process.cpuUsage(c0);
  windows.push({ kind, start, end, cpu: (c.user + c.system) / 1000 });
  return v;
}

const store = await openStore(db, { create: false });
const raw = new Database(db, { readonly: true });
const csr = csrFromFlows(visibleFlows(raw));
const t0 = performance.now();
const index = await GenealogyIndex.build(store);
const buildSeconds = (performance.now() - t0) / 1000;
// with --expose-gc, the heap is measured after a full collection: what the index keeps, not garbage
(globalThis as { gc?: () => void }).gc?.();
const mem = process.memoryUsage();
console.log(`index built in ${buildSeconds.toFixed(1)} s: flows ${(index.bytes / 1048576).toFixed(1)} MiB, records ${(index.records.bytes / 1048576).toFixed(1)} MiB; heapUsed ${(mem.heapUsed / 1048576).toFixed(0)} MiB, array buffers ${(mem.arrayBuffers / 1048576).toFixed(0)} MiB, rss ${(mem.rss / 1048576).toFixed(0)} MiB`);
const indexed = withGenealogyIndex(store, index);
const raws = raw.prepare("SELECT id, item, code FROM nodes WHERE kind = 'lot' AND id IN (SELECT node_id FROM flows WHERE dir = 'in') AND id NOT IN (SELECT node_id FROM flows WHERE dir = 'out')").all() as { id: number; item: string; code: string }[];
const cte = new SqliteCte(raw);
const top = raws.map((r) => ({ ...r, n: csr.reachCount(r.id, 'forward') })).sort((a, b) => b.n - a.n).slice(0, 10);
console.log(`top 10 of ${raws.length} raw lots reach ${top[9]!.n}–${top[0]!.n} nodes`);

for (let k = 0; k < rounds; k++) {
  for (const x of top) {
    if (values['skip-full'] !== true) await probe('full', () => trace(indexed, refFromColumns('lot', x.item, x.code), 'forward'));
    await probe('expand', async () => expand(indexed, x.id, 'forward', await visibilityFor(indexed, {}), DEFAULT_MAX_NODES));
    await probe('reachSet', async () => reachSet(indexed, x.id, 'forward', await visibilityFor(indexed, {}), DEFAULT_MAX_NODES));
    await probe('cte', async () => cte.reach(x.id, 'forward'));
    await probe('bfs', async () => csr.reach(x.id, 'forward'));
  }
}
await new Promise((r) => setTimeout(r, 200));
for (const kind of ['expand', 'reachSet', 'cte', 'bfs', 'full']) {
  const ws = windows.filter((w) => w.kind === kind);
  if (ws.length === 0) continue;
  const total = ws.map((w) => w.end - w.start);
  const gc = ws.map((w) => gcs.reduce((s, g) => s + Math.max(0, Math.min(w.end, g.end) - Math.max(w.start, g.start)), 0));
  const withGc = gc.filter((x) => x > 0).length;
  const s = summarize(total);
  const worst = total.map((t, i) => ({ t, gc: gc[i]!, cpu: ws[i]!.cpu })).sort((a, b) => b.t - a.t).slice(0, 3);
  const cpu = summarize(ws.map((w) => w.cpu));
  console.log(`${kind}: n ${s.n}, p50 ${fmtMs(s.p50)} ms, p90 ${fmtMs(percentile(total, 90))} ms, p99 ${fmtMs(s.p99)} ms, max ${fmtMs(s.max)} ms; calls with a GC pause inside: ${withGc}; GC in them ${fmtMs(gc.reduce((a, b) => a + b, 0))} ms of ${fmtMs(total.reduce((a, b) => a + b, 0))} ms; slowest: ${worst.map((w) => `${fmtMs(w.t)} (GC ${fmtMs(w.gc)}, CPU ${fmtMs(w.cpu)})`).join(', ')}; CPU time of the process (all its threads) p50 ${fmtMs(cpu.p50)} ms, p90 ${fmtMs(percentile(ws.map((w) => w.cpu), 90))} ms, p99 ${fmtMs(cpu.p99)} ms`);
}
raw.close();
await store.close();
