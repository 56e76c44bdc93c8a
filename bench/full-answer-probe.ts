/**
 * `npx tsx --expose-gc bench/full-answer-probe.ts DB [--rounds N] [--heap-lots N] [--digests FILE]`:
 * what a full trace answer costs for the raw lots that reach the most. Builds the genealogy index
 * of an imported plant, ranks raw lots by what they reach forward, traces the top 10 forward
 * `rounds` times and prints wall and CPU time per answer with the GC pauses inside them. Then
 * answers the top `heap-lots` (default 100) once each and prints the heap after a forced full
 * collection (what the index keeps for later answers), beside the heap before. `--digests FILE`
 * writes one SHA-256 of each answer's JSON per lot, so two builds of the code can be compared
 * byte for byte.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { GenealogyIndex, withGenealogyIndex } from '../src/genealogy/genealogy-index.js';
import { trace } from '../src/genealogy/trace.js';
import { refFromColumns } from '../src/domain/identifiers/object-ref.js';
import { openStore } from '../src/main.js';
import { csrFromFlows } from './harness/csr-graph.js';
import { visibleFlows } from './harness/sqlite-cte.js';
import { fmtMs, percentile, summarize } from './harness/stats.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { rounds: { type: 'string' }, 'heap-lots': { type: 'string' }, digests: { type: 'string' } },
});
const db = positionals[0]!;
const rounds = Number(values.rounds ?? 5);
const heapLots = Number(values['heap-lots'] ?? 100);
const gc = (globalThis as { gc?: () => void }).gc;
const mib = (b: number): string => (b / 1048576).toFixed(1);

const gcs: { start: number; end: number }[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcs.push({ start: e.startTime, end: e.startTime + e.duration });
}).observe({ entryTypes: ['gc'] });

const store = await openStore(db, { create: false });
const raw = new Database(db, { readonly: true });
const csr = csrFromFlows(visibleFlows(raw));
const index = await GenealogyIndex.build(store);
const indexed = withGenealogyIndex(store, index);
const raws = raw.prepare("SELECT id, item, code FROM nodes WHERE kind = 'lot' AND id IN (SELECT node_id FROM flows WHERE dir = 'in') AND id NOT IN (SELECT node_id FROM flows WHERE dir = 'out')").all() as { id: number; item: string; code: string }[];
raw.close();
const ranked = raws.map((r) => ({ ...r, n: csr.reachCount(r.id, 'forward') })).sort((a, b) => b.n - a.n);
const top = ranked.slice(0, 10);
gc?.();
const heap0 = process.memoryUsage().heapUsed;
console.log(`heap after build ${mib(heap0)} MiB; top 10 of ${raws.length} raw lots reach ${top[9]!.n}–${top[0]!.n} nodes; load ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}`);

const digests: string[] = [];
const calls: { wall: number; cpu: number; start: number; end: number }[] = [];
for (let k = 0; k < rounds; k++) {
  for (const x of top) {
    const c0 = process.cpuUsage();
    const start = performance.now();
    const answer = await trace(indexed, refFromColumns('lot', x.item, x.code), 'forward');
    const end = performance.now();
    const c = process.cpuUsage(c0);
    calls.push({ wall: end - start, cpu: (c.user + c.system) / 1000, start, end });
    if (k === 0) digests.push(`${x.item} ${x.code} ${answer.lots.length} ${createHash('sha256').update(JSON.stringify(answer)).digest('hex')}`);
  }
}
await new Promise((r) => setTimeout(r, 200));
const wall = summarize(calls.map((c) => c.wall));
const cpu = calls.map((c) => c.cpu);
const gcIn = calls.map((c) => gcs.reduce((s, g) => s + Math.max(0, Math.min(c.end, g.end) - Math.max(c.start, g.start)), 0));
console.log(
  `full answer, top 10 forward, ${calls.length} calls: wall p50 ${fmtMs(wall.p50)} / p99 ${fmtMs(wall.p99)} ms; CPU p50 ${fmtMs(percentile(cpu, 50))} / p99 ${fmtMs(percentile(cpu, 99))} ms; GC inside ${fmtMs(gcIn.reduce((a, b) => a + b, 0))} of ${fmtMs(calls.reduce((a, c) => a + c.wall, 0))} ms`,
);
if (values.digests) writeFileSync(values.digests, `${digests.join('\n')}\n`);

for (const x of ranked.slice(0, heapLots)) await trace(indexed, refFromColumns('lot', x.item, x.code), 'forward');
gc?.();
const heap1 = process.memoryUsage().heapUsed;
const cached = (index as unknown as { rows?: unknown[] }).rows?.filter((r) => r !== undefined).length ?? 0; // works on the code before `cachedRows` too
console.log(`heap after answering the top ${heapLots} raw lots: ${mib(heap1)} MiB (+${mib(heap1 - heap0)} MiB over the built index; flow rows cached ${cached} of ${index.size}); load ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}`);
await store.close();
