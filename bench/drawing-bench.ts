/**
 * `npx tsx bench/drawing-bench.ts --db FILE [--db FILE…] [--sizes 100,300,1000] [--runs N] [--candidates N]`
 *
 * How long the genealogy drawing takes to lay out, by the number of boxes: for each size asked,
 * the lot of the database whose lot-page graph (backward and forward trace, suppliers and
 * customers) comes nearest that many boxes is laid out with the shared layered layout
 * (src/shared/layered-layout.ts, what the lot page and the dossier use) and with dagre (the lot
 * page's layout before it), wall time and CPU time per layout. The drawing in the browser (SVG
 * elements) is measured by test/web/genealogy-large.test.ts, which prints its figures.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { refFromColumns } from '../src/domain/identifiers/object-ref.js';
import { trace } from '../src/genealogy/trace.js';
import { openStore } from '../src/main.js';
import type { TraceResult } from '../web/src/api.js';
import type { GraphModel } from '../web/src/graph/graph-model.js';
import { buildGraphModel } from '../web/src/graph/graph-model.js';
import { layoutGraph } from '../web/src/graph/layout.js';
import { layoutGenealogy } from '../src/reports/drawing/genealogy-layout.js';
import { dagreLayoutGraph } from './harness/dagre-web-layout.js';
import { fmtMs } from './harness/stats.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string', multiple: true },
    sizes: { type: 'string', default: '100,300,1000' },
    runs: { type: 'string', default: '5' },
    candidates: { type: 'string', default: '400' },
    'dagre-max': { type: 'string', default: '1500' },
  },
});
if (!values.db?.length) {
  console.error('usage: npx tsx bench/drawing-bench.ts --db FILE [--db FILE…] [--sizes 100,300,1000] [--runs N]');
  process.exit(2);
}
const sizes = values.sizes.split(',').map(Number);
const runs = Number(values.runs);

/** Median wall and CPU milliseconds of `runs` calls. */
function measure(fn: () => unknown, n: number): { wall: number; cpu: number } {
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < n; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    walls.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1000);
  }
  const mid = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { wall: mid(walls), cpu: mid(cpus) };
}

interface Candidate {
  readonly db: string;
  readonly ref: string;
  readonly model: GraphModel;
  readonly backward: TraceResult;
  readonly forward: TraceResult;
}

const candidates: Candidate[] = [];
for (const db of values.db) {
  const store = await openStore(db, { create: false });
  const raw = new Database(db, { readonly: true });
  const rows = raw.prepare("SELECT kind, item, code FROM nodes WHERE kind = 'lot' ORDER BY random() LIMIT ?").all(Number(values.candidates)) as { kind: string; item: string; code: string }[];
  raw.close();
  for (const r of rows) {
    const ref = refFromColumns(r.kind, r.item, r.code);
    // Through JSON, as the lot page receives them.
    const [backward, forward] = (await Promise.all([trace(store, ref, 'backward'), trace(store, ref, 'forward')])).map((t) => JSON.parse(JSON.stringify(t)) as TraceResult);
    const model = buildGraphModel(backward, forward);
    candidates.push({ db, ref: `${r.item} / ${r.code}`, model, backward: backward!, forward: forward! });
  }
  await store.close();
}

console.log(`Machine: ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; ${new Date().toISOString()}`);
console.log('| boxes | links | lot (database) | layered layout: wall ms | CPU ms | dagre (before): wall ms | CPU ms | dossier layout (≤120 boxes): wall ms |');
console.log('|---:|---:|---|---:|---:|---:|---:|---:|');
for (const size of sizes) {
  const c = candidates.reduce((best, x) => (Math.abs(x.model.nodes.length - size) < Math.abs(best.model.nodes.length - size) ? x : best));
  const layered = measure(() => layoutGraph(c.model), runs);
  const dagre = c.model.nodes.length <= Number(values['dagre-max']) ? measure(() => dagreLayoutGraph(c.model), Math.min(runs, 3)) : null;
  // The dossier draws the same trace, cut to its nearest boxes: its graph, from the same traces.
  const dossier = measure(() => layoutGenealogy(dossierLikeGraph(c.model)), runs);
  console.log(
    `| ${c.model.nodes.length} | ${c.model.edges.length} | ${c.ref} (${c.db.replace(/^.*\//, '')}) | ${fmtMs(layered.wall)} | ${fmtMs(layered.cpu)} | ${dagre ? fmtMs(dagre.wall) : 'not run'} | ${dagre ? fmtMs(dagre.cpu) : ''} | ${fmtMs(dossier.wall)} |`,
  );
}

/** The lot page's model in the dossier's input form (dossierGraph needs a whole dossier's data). */
function dossierLikeGraph(m: GraphModel): Parameters<typeof layoutGenealogy>[0] {
  return {
    nodes: m.nodes.map((n) => ({ id: n.id, kind: n.kind === 'group' ? 'lot' : n.kind, lines: [n.label, n.detail], focus: n.root, distance: Math.abs(n.level), ...(n.kind === 'lot' || n.kind === 'group' ? { level: n.level } : {}) })),
    edges: m.edges.map((e) => ({ from: e.from, to: e.to, label: e.label || null, retroactive: e.retroactive })),
  };
}
