/**
 * `npx tsx bench/recall-probe.ts DB ITEM LOT [--repeats N] [--store] [--mock] [--phases]`: one
 * lot's recall scope N times, with wall and CPU time per call and a SHA-256 of the answer's
 * canonical JSON (keys sorted), to check that a change keeps the content. Through the genealogy
 * index, as the server builds it, unless `--store` (the one-shot CLI's reads). `--mock` also runs
 * the mock recall of the same lot N times (its digest leaves out the start, finish and elapsed
 * time). `--phases` prints the recall's progress steps with the CPU time at each. Run with
 * `node --cpu-prof --import tsx` to see where the time goes; the `recall` section of
 * `npm run bench` times the same calls.
 */
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { GenealogyIndex, withGenealogyIndex } from '../src/genealogy/genealogy-index.js';
import { recallScope } from '../src/genealogy/recall-scope.js';
import { openStore } from '../src/main.js';
import { EMPTY_MASTER_DATA } from '../src/masterdata/master-data-view.js';
import { defaultQualityConfig } from '../src/quality/quality-config.js';
import { GAP_RULE_IDS } from '../src/quality/rules/index.js';
import { runMockRecall } from '../src/reports/mock-recall/mock-recall.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { repeats: { type: 'string' }, store: { type: 'boolean' }, mock: { type: 'boolean' }, phases: { type: 'boolean' } },
});
const [db, item, lot] = positionals;
if (db === undefined || item === undefined || lot === undefined) {
  console.error('usage: npx tsx bench/recall-probe.ts DB ITEM LOT [--repeats N] [--store] [--mock] [--phases]');
  process.exit(2);
}

/** JSON with every object's keys sorted: the same content gives the same text whatever order keys were set in. */
function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
    .join(',')}}`;
}
const digest = (v: unknown): string => createHash('sha256').update(canonical(v)).digest('hex').slice(0, 16);
const cpuMs = (c: NodeJS.CpuUsage): number => (c.user + c.system) / 1000;

const store = await openStore(db, { create: false });
const c0 = process.cpuUsage();
const t0 = performance.now();
const reads = values.store ? store : withGenealogyIndex(store, await GenealogyIndex.build(store));
console.log(values.store ? 'straight from the store' : `index built in ${((performance.now() - t0) / 1000).toFixed(1)} s (CPU ${(cpuMs(process.cpuUsage(c0)) / 1000).toFixed(1)} s)`);
const ref = { kind: 'lot' as const, item, lot };
// a fixed "now" so that the in-transit flags do not depend on the day the probe runs
const now = '2027-06-01T00:00:00Z';
for (let k = 0; k < Number(values.repeats ?? 3); k++) {
  const c = process.cpuUsage();
  const w = performance.now();
  const onProgress = values.phases
    ? (p: { step: string; done: number; total: number }) => console.log(`  ${p.step} ${p.done}/${p.total}  wall ${(performance.now() - w).toFixed(0)} ms  CPU ${cpuMs(process.cpuUsage(c)).toFixed(0)} ms`)
    : undefined;
  const scope = await recallScope(reads, EMPTY_MASTER_DATA, { lots: [ref], now }, onProgress);
  const wall = performance.now() - w;
  const cpu = cpuMs(process.cpuUsage(c));
  console.log(
    `recall: lots ${scope.lots.length}  shipments ${scope.shipments.length}  customers ${scope.customers.length}  on hand ${scope.onHand.reduce((n, l) => n + l.lots.length, 0)}  wall ${wall.toFixed(0)} ms  CPU ${cpu.toFixed(0)} ms  sha256 ${digest(scope)}…`,
  );
}
if (values.mock) {
  for (let k = 0; k < Number(values.repeats ?? 3); k++) {
    const c = process.cpuUsage();
    const w = performance.now();
    const r = await runMockRecall(reads, ref, { runBy: 'probe', quality: defaultQualityConfig(GAP_RULE_IDS), now: () => 0 });
    const wall = performance.now() - w;
    const cpu = cpuMs(process.cpuUsage(c));
    console.log(`mock recall: lots ${r.reconciliation.length}  gaps ${r.gaps.length}  wall ${wall.toFixed(0)} ms  CPU ${cpu.toFixed(0)} ms  sha256 ${digest(r)}…`);
  }
}
await store.close();
