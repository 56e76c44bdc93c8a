/**
 * The forward part of a trace a recall needs, and nothing more: the lots a start lot reaches with
 * their node ids, depths and shares, the cycles and class-only gaps met, whether the expansion was
 * cut short. A full `trace` also builds links, retroactive marks, corrections and the lots'
 * shipments and receipts; the recall collects movements itself (with the events units carried),
 * so tracing first made it read every lot's events twice.
 */
import type { ObjectRef } from '../domain/identifiers/object-ref.js';
import type { FlowRow, NodeRow } from '../store/event-store.js';
import type { EventStore } from '../store/event-store.js';
import { downstreamOf, findCycles } from './cycles.js';
import { forwardShares } from './shares.js';
import { traceReads } from './genealogy-index.js';
import { DEFAULT_MAX_NODES, refJson, trace } from './trace.js';
import { expand } from './trace-graph.js';
import type { Visibility } from './visibility.js';
import { isVisible } from './visibility.js';

export interface ReachedLot {
  readonly id: number;
  readonly ref: ObjectRef;
  /** Transformation steps from the start lot. */
  readonly depth: number;
  /** Fraction of the lot that comes from the start lot; null when unknown (units that do not convert, a cycle). */
  readonly share: number | null;
}

export interface ForwardReach {
  readonly lots: ReachedLot[];
  readonly truncated: boolean;
  /** Lots that are their own ancestors, each cycle sorted as a trace lists it. */
  readonly cycles: ObjectRef[][];
  /** Class-only inputs or outputs of the transformations crossed, sorted by event then item. */
  readonly gaps: { readonly eventId: string; readonly item: string; readonly role: 'input' | 'output' }[];
}

/** What a trace lists: lots, serials and other identified objects (not units, not classes). */
const TRACEABLE = new Set(['lot', 'serial', 'other']);

function orderKey(ref: ObjectRef): string {
  const j = refJson(ref);
  return `${j.item}\u0000${'lot' in j ? j.lot : j.serial}`;
}

/**
 * The lots `root` reaches forward as `vis` sees them: the same lots, depths, shares, cycles and
 * gaps as `trace(store, root, 'forward')`, with node ids.
 */
export async function reachForward(store: EventStore, root: NodeRow, vis: Visibility, asOf: string | undefined): Promise<ForwardReach> {
  // a class or a unit cannot be traced: the trace refuses it with the message users know
  if (root.ref.kind === 'class' || root.ref.kind === 'unit') await trace(store, root.ref, 'forward');
  if (asOf !== undefined && !(await store.eventObjectsOfNodes([root.id])).some((r) => r.seq <= vis.maxSeq)) {
    // not yet known then: the trace says so in its own words
    await trace(store, root.ref, 'forward', { asOf });
  }
  const g = await expand(store, root.id, 'forward', vis, DEFAULT_MAX_NODES);
  const reads = traceReads(store, vis);
  const producedBy = new Map<number, FlowRow[]>();
  for (const f of await reads.flowsOfNodes([...g.depth.keys()], 'out')) {
    if (!isVisible(vis, f)) continue;
    const l = producedBy.get(f.node);
    if (l) l.push(f);
    else producedBy.set(f.node, [f]);
  }
  const shares = forwardShares(root.id, g, producedBy);
  const cyclic = findCycles(g, 'forward');
  for (const id of downstreamOf(cyclic.flat(), g, 'forward')) if (id !== root.id) shares.set(id, null);

  const refs = new Map((await reads.nodesById([...g.depth.keys()])).map((n) => [n.id, n.ref]));
  const lots: ReachedLot[] = [];
  for (const [id, depth] of g.depth) {
    const ref = refs.get(id);
    if (ref !== undefined && TRACEABLE.has(ref.kind)) lots.push({ id, ref, depth, share: shares.get(id) ?? null });
  }

  // class-only references among the flows crossed: where the chain may be broken
  const flows: FlowRow[] = [];
  for (const fs of g.tFlows.values()) for (const f of fs) flows.push(f);
  const unseen = [...new Set(flows.filter((f) => !refs.has(f.node)).map((f) => f.node))];
  for (const n of await reads.nodesById(unseen)) refs.set(n.id, n.ref);
  const classFlows = flows.filter((f) => refs.get(f.node)?.kind === 'class');
  const eventIds = new Map((await reads.eventsBySeq([...new Set(classFlows.map((f) => f.seq))])).map((e) => [e.seq, e.eventId]));
  const gaps: ForwardReach['gaps'][number][] = [];
  const seen = new Set<string>();
  for (const f of classFlows) {
    const key = `${f.node}|${f.seq}|${f.dir}`;
    if (seen.has(key)) continue;
    seen.add(key);
    gaps.push({ eventId: eventIds.get(f.seq)!, item: (refs.get(f.node) as { item: string }).item, role: f.dir === 'in' ? 'input' : 'output' });
  }
  gaps.sort((a, b) => (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : a.item < b.item ? -1 : 1));

  const cycles = cyclic
    .map((c) =>
      c
        .filter((id) => refs.has(id))
        .map((id) => refs.get(id)!)
        .sort((a, b) => {
          const ka = orderKey(a);
          const kb = orderKey(b);
          return ka < kb ? -1 : ka > kb ? 1 : 0;
        }),
    )
    .filter((c) => c.length > 0);
  return { lots, truncated: g.truncated, cycles, gaps };
}
