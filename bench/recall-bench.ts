/**
 * Report timings for `npm run bench`: the recall scope of a raw lot reaching about 10,000 lots
 * (DESIGN.md §5: "recall scope … for that lot < 1 s"), through the in-memory genealogy index (the
 * server) and straight from SQL (a one-shot `lotline recall`). Master data is empty here: the
 * view is three empty maps, and names come from the identifiers.
 */
import { recallScope } from '../src/genealogy/recall-scope.js';
import type { ObjectRef } from '../src/domain/identifiers/object-ref.js';
import { EMPTY_MASTER_DATA } from '../src/masterdata/master-data-view.js';
import { defaultQualityConfig } from '../src/quality/quality-config.js';
import { GAP_RULE_IDS } from '../src/quality/rules/index.js';
import { runMockRecall } from '../src/reports/mock-recall/mock-recall.js';
import type { EventStore } from '../src/store/event-store.js';
import type { CsrGraph } from './harness/csr-graph.js';
import { summarize, timed } from './harness/stats.js';
import type { Summary } from './harness/stats.js';

export interface RecallBenchInput {
  readonly store: EventStore;
  readonly indexed: EventStore;
  readonly csr: CsrGraph;
  readonly refs: readonly (ObjectRef | undefined)[];
  /** Node ids of raw lots. */
  readonly raws: readonly number[];
  readonly repeats: number;
  /** Lots the chosen start lot should reach. */
  readonly target?: number;
  /** False: no mock recall (a quick run). */
  readonly mockRecall?: boolean;
}

export interface RecallBenchResult {
  readonly lot: string;
  readonly reached: number;
  readonly affected: number;
  readonly onHandLots: number;
  readonly shipments: number;
  readonly customers: number;
  readonly indexed: Summary;
  /** CPU time (user + system, process.cpuUsage) of each indexed call: on the shared machine, the figure to judge by. */
  readonly indexedCpu: Summary;
  readonly sql: Summary;
  /** The mock recall of the same lot through the index (trace both ways, reconcile, gap rules on the traced lots), once: wall and CPU ms. */
  readonly mockRecall?: { readonly ms: number; readonly cpuMs: number; readonly lots: number; readonly gaps: number };
}

async function withCpu<T>(f: () => Promise<T>): Promise<{ ms: number; cpuMs: number; value: T }> {
  const c = process.cpuUsage();
  const t = await timed(f);
  const u = process.cpuUsage(c);
  return { ...t, cpuMs: (u.user + u.system) / 1000 };
}

export async function benchRecall(input: RecallBenchInput): Promise<RecallBenchResult> {
  const target = input.target ?? 10_000;
  // the raw lot whose forward reach is closest to the target (an even sample of at most 20,000 raw lots)
  const stride = Math.max(1, Math.ceil(input.raws.length / 20_000));
  let best = { id: input.raws[0]!, n: -1 };
  for (let i = 0; i < input.raws.length; i += stride) {
    const id = input.raws[i]!;
    const n = input.csr.reachCount(id, 'forward');
    if (best.n < 0 || Math.abs(n - target) < Math.abs(best.n - target)) best = { id, n };
  }
  const ref = input.refs[best.id]!;
  const run = (store: EventStore) => recallScope(store, EMPTY_MASTER_DATA, { lots: [ref] });
  const first = await run(input.indexed);
  const indexed: number[] = [];
  const indexedCpu: number[] = [];
  const sql: number[] = [];
  for (let k = 0; k < input.repeats; k++) {
    const t = await withCpu(() => run(input.indexed));
    indexed.push(t.ms);
    indexedCpu.push(t.cpuMs);
    sql.push((await timed(() => run(input.store))).ms);
  }
  const mock = input.mockRecall === false ? undefined : await withCpu(() => runMockRecall(input.indexed, ref, { runBy: 'bench', quality: defaultQualityConfig(GAP_RULE_IDS) }));
  return {
    lot: ref.kind === 'lot' ? `${ref.item} / ${ref.lot}` : JSON.stringify(ref),
    reached: best.n,
    affected: first.lots.length,
    onHandLots: first.onHand.reduce((n, l) => n + l.lots.length, 0),
    shipments: first.shipments.length,
    customers: first.customers.length,
    indexed: summarize(indexed),
    indexedCpu: summarize(indexedCpu),
    ...(mock ? { mockRecall: { ms: mock.ms, cpuMs: mock.cpuMs, lots: mock.value.reconciliation.length, gaps: mock.value.gaps.length } } : {}),
    sql: summarize(sql),
  };
}
