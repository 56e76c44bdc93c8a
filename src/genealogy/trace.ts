/**
 * Forward and backward traces (DESIGN.md §2). The graph is bipartite: objects (lots,
 * serials) and transformations; a transformation links every input to every output, and
 * events sharing a transformationID are one transformation. Expansion is level by level with
 * batched lookups, which gives shortest depths and runs the same on every store.
 */
import { normalizeCbv } from '../domain/cbv.js';
import { LotlineError } from '../domain/errors.js';
import type { ObjectRef } from '../domain/identifiers/object-ref.js';
import { refLabel } from '../domain/identifiers/object-ref.js';
import type { EventStore, FlowRow } from '../store/event-store.js';
import { inBase, sumInBase } from './quantity.js';
import { collectMovements } from './movements.js';
import type { Movement } from './movements.js';
import type { Visibility } from './visibility.js';
import { isVisible } from './visibility.js';

export type Direction = 'forward' | 'backward';

export interface TraceOptions {
  /** Only nodes up to this many transformation steps from the root are listed. */
  readonly maxDepth?: number;
  /** Event-time window: events before `from` or at/after `to` do not count (ISO date-times). */
  readonly from?: string;
  readonly to?: string;
  /** Answer as Lotline knew it at this record time (ISO date-time). */
  readonly asOf?: string;
  /** Stop after this many nodes (the result says `truncated`). */
  readonly maxNodes?: number;
}

/** An object as the trace contract writes it: item plus lot or serial. */
export type RefJson = { item: string; lot: string } | { item: string; serial: string };

export interface TraceLot {
  readonly item: string;
  readonly lot?: string;
  readonly serial?: string;
  readonly depth: number;
  /** Forward: the fraction of this node's content that comes from the root. Backward: the fraction of the root's content that comes from this node. Null when unknown. */
  readonly share: number | null;
}

export interface TraceLink {
  readonly from: RefJson;
  readonly to: RefJson;
  readonly eventId: string;
  readonly quantity: number | null;
  readonly uom: string | null;
}

export interface TraceGap {
  readonly type: 'class_only';
  readonly item: string;
  readonly eventId: string;
  readonly role: 'input' | 'output';
}

export interface TraceResult {
  readonly direction: Direction;
  readonly root: RefJson;
  readonly lots: TraceLot[];
  readonly links: TraceLink[];
  readonly shipments: Movement[];
  readonly receipts: Movement[];
  readonly truncated: boolean;
  /** Data errors: groups of lots that are, by the records, their own ancestors. */
  readonly cycles: RefJson[][];
  /** Class-only references (GTIN without lot) met on the way: the chain is broken there. */
  readonly gaps: TraceGap[];
  /** Events that would have linked these lots but were declared erroneous, with their corrections. */
  readonly corrections: TraceCorrection[];
  /** The log position the answer reflects. */
  readonly asOfSeq: number;
}

export interface TraceCorrection {
  readonly eventId: string;
  readonly declarationTime: string | null;
  readonly reason: string | null;
  readonly correctiveEventIds: readonly string[];
}

export const DEFAULT_MAX_NODES = 2_000_000;

export function refJson(ref: ObjectRef): RefJson {
  switch (ref.kind) {
    case 'lot':
      return { item: ref.item, lot: ref.lot };
    case 'serial':
      return { item: ref.item, serial: ref.serial };
    case 'other':
      return { item: '', serial: ref.uri };
    case 'class':
      return { item: ref.item, lot: '' };
    case 'unit':
      return { item: ref.scheme, serial: ref.id };
  }
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})$/;

/** A query time: a date (midnight UTC) or a date-time with offset; never the machine's own time zone, which a report must not depend on. */
function toMs(value: string | undefined, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  const ms = DATE_ONLY.test(value) ? Date.parse(`${value}T00:00:00Z`) : DATE_TIME_WITH_OFFSET.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) {
    throw new LotlineError('USAGE', `the ${field} time must be a date (2026-05-04, midnight UTC) or a date-time with offset (2026-05-04T10:00:00+02:00); got ${JSON.stringify(value)}`);
  }
  return ms;
}

/** Resolves the options into the visibility rule of the query. */
export async function visibilityFor(store: EventStore, options: TraceOptions): Promise<Visibility> {
  let maxSeq = await store.headSeq();
  if (options.asOf !== undefined) {
    const ms = toMs(options.asOf, 'as-of', 0);
    maxSeq = await store.seqAt(new Date(ms).toISOString());
  }
  return { maxSeq, fromMs: toMs(options.from, 'from', -8.64e15), toMs: toMs(options.to, 'to', 8.64e15) };
}

interface Graph {
  depth: Map<number, number>;
  /** Flows of reached nodes that an error declaration known at the time took out. */
  voided: FlowRow[];
  /** Transformation → its visible flows. */
  tFlows: Map<number, FlowRow[]>;
  truncated: boolean;
}

async function expand(store: EventStore, root: number, direction: Direction, vis: Visibility, maxNodes: number): Promise<Graph> {
  const depth = new Map<number, number>([[root, 0]]);
  const tFlows = new Map<number, FlowRow[]>();
  const voided: FlowRow[] = [];
  // forward: a node is consumed ('in') into transformations, which produce ('out') the next level
  const via = direction === 'forward' ? 'in' : 'out';
  const next = direction === 'forward' ? 'out' : 'in';
  let frontier = [root];
  let truncated = false;
  while (frontier.length > 0 && !truncated) {
    const tDepth = new Map<number, number>();
    for (const f of await store.flowsOfNodes(frontier, via)) {
      if (f.voidSeq !== null && f.voidSeq <= vis.maxSeq && f.seq <= vis.maxSeq) voided.push(f);
      if (!isVisible(vis, f) || tFlows.has(f.t) || tDepth.has(f.t)) continue;
      tDepth.set(f.t, depth.get(f.node)!);
    }
    if (tDepth.size === 0) break;
    for (const t of tDepth.keys()) tFlows.set(t, []);
    const level: number[] = [];
    for (const f of await store.flowsOfTransformations([...tDepth.keys()])) {
      if (!isVisible(vis, f)) continue;
      tFlows.get(f.t)!.push(f);
      if (f.dir === next && !depth.has(f.node)) {
        if (depth.size >= maxNodes) {
          truncated = true;
          break;
        }
        depth.set(f.node, tDepth.get(f.t)! + 1);
        level.push(f.node);
      }
    }
    frontier = level;
  }
  return { depth, tFlows, truncated, voided };
}

/** Weighted mean of shares; equal shares need no weights; otherwise null when a weight is unknown. */
function weightedShare(parts: readonly { share: number | null; quantity: number | null; uom: string | null }[]): number | null {
  if (parts.length === 0) return null;
  const first = parts[0]!.share;
  if (first !== null && parts.every((p) => p.share === first)) return first;
  if (parts.some((p) => p.share === null)) return null;
  const total = sumInBase(parts);
  if (total === null || total.value <= 0) return null;
  let acc = 0;
  for (const p of parts) acc += p.share! * inBase(p.quantity, p.uom)!.value;
  return clamp(acc / total.value);
}

function clamp(x: number): number {
  // Floating-point sums may land a hair outside [0, 1].
  return Math.min(1, Math.max(0, x));
}

/** Forward shares in topological order; nodes on or behind a cycle stay null. */
function forwardShares(root: number, g: Graph, producedBy: Map<number, FlowRow[]>): Map<number, number | null> {
  const share = new Map<number, number | null>([[root, 1]]);
  const tShare = new Map<number, number | null>();
  // pending counts: a transformation waits for its reached inputs, a node for its reached producers
  const tWait = new Map<number, number>();
  const nodeWait = new Map<number, number>();
  const consumers = new Map<number, number[]>();
  for (const [t, flows] of g.tFlows) {
    const ins = new Set(flows.filter((f) => f.dir === 'in' && g.depth.has(f.node)).map((f) => f.node));
    tWait.set(t, ins.size);
    for (const n of ins) {
      let list = consumers.get(n);
      if (!list) consumers.set(n, (list = []));
      list.push(t);
    }
    for (const n of new Set(flows.filter((f) => f.dir === 'out').map((f) => f.node))) {
      if (n !== root) nodeWait.set(n, (nodeWait.get(n) ?? 0) + 1);
    }
  }
  const ready: number[] = [root];
  while (ready.length > 0) {
    const n = ready.pop()!;
    for (const t of consumers.get(n) ?? []) {
      const left = tWait.get(t)! - 1;
      tWait.set(t, left);
      if (left > 0) continue;
      const flows = g.tFlows.get(t)!;
      const ins = flows.filter((f) => f.dir === 'in');
      const s = weightedShare(ins.map((f) => ({ share: share.get(f.node) ?? (g.depth.has(f.node) ? null : 0), quantity: f.quantity, uom: f.uom })));
      tShare.set(t, s);
      for (const o of new Set(flows.filter((f) => f.dir === 'out').map((f) => f.node))) {
        if (o === root) continue;
        const w = nodeWait.get(o)! - 1;
        nodeWait.set(o, w);
        if (w > 0) continue;
        // every event that produced o counts, including those the root did not reach (share 0)
        const producers = producedBy.get(o) ?? [];
        share.set(o, weightedShare(producers.map((p) => ({ share: tShare.get(p.t) ?? (g.tFlows.has(p.t) ? null : 0), quantity: p.quantity, uom: p.uom }))));
        ready.push(o);
      }
    }
  }
  return share;
}

/** Backward shares (the adjoint of the forward rule): the fraction of the root's content from each ancestor. */
function backwardShares(root: number, g: Graph): Map<number, number | null> {
  const contrib = new Map<number, number | null>([[root, 1]]);
  const tContrib = new Map<number, number | null>();
  const producers = new Map<number, FlowRow[]>();
  const consumersWait = new Map<number, number>();
  const tWait = new Map<number, number>();
  for (const [t, flows] of g.tFlows) {
    const outs = new Set(flows.filter((f) => f.dir === 'out' && g.depth.has(f.node)).map((f) => f.node));
    tWait.set(t, outs.size);
    for (const f of flows) {
      if (f.dir === 'out') {
        let list = producers.get(f.node);
        if (!list) producers.set(f.node, (list = []));
        list.push(f);
      }
    }
    for (const n of new Set(flows.filter((f) => f.dir === 'in').map((f) => f.node))) if (n !== root) consumersWait.set(n, (consumersWait.get(n) ?? 0) + 1);
  }
  const addTo = (acc: number | null | undefined, x: number | null): number | null => (acc === undefined ? x : acc === null || x === null ? null : acc + x);
  const ready: number[] = [root];
  const tAcc = new Map<number, number | null>();
  const nAcc = new Map<number, number | null>();
  while (ready.length > 0) {
    const o = ready.pop()!;
    const c = contrib.get(o)!;
    const prods = producers.get(o) ?? [];
    const byT = new Map<number, FlowRow[]>();
    for (const p of prods) {
      let l = byT.get(p.t);
      if (!l) byT.set(p.t, (l = []));
      l.push(p);
    }
    const total = byT.size > 1 ? sumInBase(prods) : null;
    for (const [t, outFlows] of byT) {
      let w: number | null;
      if (byT.size === 1) w = 1;
      else if (total === null || total.value <= 0) w = null;
      else w = outFlows.reduce((a, f) => a + inBase(f.quantity, f.uom)!.value, 0) / total.value;
      tAcc.set(t, addTo(tAcc.get(t), c === 0 ? 0 : c === null || w === null ? null : c * w));
      const left = tWait.get(t)! - 1;
      tWait.set(t, left);
      if (left > 0) continue;
      const ct = tAcc.get(t)!;
      tContrib.set(t, ct);
      const ins = g.tFlows.get(t)!.filter((f) => f.dir === 'in');
      const inNodes = new Set(ins.map((f) => f.node));
      const inTotal = inNodes.size > 1 ? sumInBase(ins) : null;
      for (const i of inNodes) {
        if (i === root) continue;
        let wi: number | null;
        if (inNodes.size === 1) wi = 1;
        else if (inTotal === null || inTotal.value <= 0) wi = null;
        else wi = ins.filter((f) => f.node === i).reduce((a, f) => a + inBase(f.quantity, f.uom)!.value, 0) / inTotal.value;
        nAcc.set(i, addTo(nAcc.get(i), ct === 0 ? 0 : ct === null || wi === null ? null : ct * wi));
        const waiting = consumersWait.get(i)! - 1;
        consumersWait.set(i, waiting);
        if (waiting === 0) {
          const v = nAcc.get(i)!;
          contrib.set(i, v === null ? null : clamp(v));
          ready.push(i);
        }
      }
    }
  }
  return contrib;
}

/**
 * The forward share of `from` in `to`, computed inside a backward-traced graph (which holds
 * every producer of every node in it, so the forward rule has all it needs).
 */
function forwardShareWithin(from: number, to: number, g: Graph): number | null {
  const consumers = new Map<number, number[]>();
  const producedBy = new Map<number, FlowRow[]>();
  for (const [t, flows] of g.tFlows) {
    for (const f of flows) {
      const into = f.dir === 'in' ? consumers : null;
      if (into) {
        let l = into.get(f.node);
        if (!l) into.set(f.node, (l = []));
        l.push(t);
      } else {
        let l = producedBy.get(f.node);
        if (!l) producedBy.set(f.node, (l = []));
        l.push(f);
      }
    }
  }
  const depth = new Map<number, number>([[from, 0]]);
  const tFlows = new Map<number, FlowRow[]>();
  for (let frontier = [from]; frontier.length > 0; ) {
    const next: number[] = [];
    for (const n of frontier) {
      for (const t of consumers.get(n) ?? []) {
        if (tFlows.has(t)) continue;
        const flows = g.tFlows.get(t)!;
        tFlows.set(t, flows);
        for (const f of flows) {
          if (f.dir === 'out' && !depth.has(f.node)) {
            depth.set(f.node, depth.get(n)! + 1);
            next.push(f.node);
          }
        }
      }
    }
    frontier = next;
  }
  if (!depth.has(to)) return null;
  return forwardShares(from, { depth, tFlows, truncated: false, voided: [] }, producedBy).get(to) ?? null;
}

/** Strongly connected components with more than one node (or a self-loop): the cycles of the reached graph. */
function findCycles(g: Graph, direction: Direction): number[][] {
  const succ = new Map<number, number[]>();
  for (const flows of g.tFlows.values()) {
    const ins = flows.filter((f) => f.dir === 'in').map((f) => f.node);
    const outs = flows.filter((f) => f.dir === 'out').map((f) => f.node);
    for (const i of ins) for (const o of outs) {
      const [a, b] = direction === 'forward' ? [i, o] : [o, i];
      if (!g.depth.has(a) || !g.depth.has(b)) continue;
      let l = succ.get(a);
      if (!l) succ.set(a, (l = []));
      l.push(b);
    }
  }
  // iterative Tarjan: deep genealogies must not overflow the call stack
  let index = 0;
  const idx = new Map<number, number>();
  const low = new Map<number, number>();
  const onStack = new Set<number>();
  const stack: number[] = [];
  const out: number[][] = [];
  for (const start of g.depth.keys()) {
    if (idx.has(start)) continue;
    const work: [number, number][] = [[start, 0]];
    idx.set(start, index);
    low.set(start, index++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const [v, i] = top;
      const next = succ.get(v) ?? [];
      if (i < next.length) {
        top[1]++;
        const w = next[i]!;
        if (!idx.has(w)) {
          idx.set(w, index);
          low.set(w, index++);
          stack.push(w);
          onStack.add(w);
          work.push([w, 0]);
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
      } else {
        work.pop();
        if (work.length > 0) {
          const parent = work[work.length - 1]![0];
          low.set(parent, Math.min(low.get(parent)!, low.get(v)!));
        }
        if (low.get(v) === idx.get(v)) {
          const comp: number[] = [];
          let w: number;
          do {
            w = stack.pop()!;
            onStack.delete(w);
            comp.push(w);
          } while (w !== v);
          if (comp.length > 1 || (succ.get(v) ?? []).includes(v)) out.push(comp);
        }
      }
    }
  }
  return out;
}

function compareRef(a: RefJson, b: RefJson): number {
  const ka = `${a.item}\u0000${'lot' in a ? a.lot : a.serial}`;
  const kb = `${b.item}\u0000${'lot' in b ? b.lot : b.serial}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

const TRACEABLE = new Set(['lot', 'serial', 'other']);

/** Traces from `root` in one direction. */
export async function trace(store: EventStore, rootRef: ObjectRef, direction: Direction, options: TraceOptions = {}): Promise<TraceResult> {
  if (rootRef.kind === 'class') {
    throw new LotlineError('USAGE', `${refLabel(rootRef)} is a class-only reference (a GTIN without lot or serial): it cannot be traced; give the lot or serial`);
  }
  if (rootRef.kind === 'unit') {
    const hint = rootRef.scheme === 'sscc' ? `lotline lot '(00)${rootRef.id}'` : `lotline lot ${JSON.stringify(refJson(rootRef).item)}`;
    throw new LotlineError('USAGE', `${refLabel(rootRef)} is a logistic unit: trace the lots it holds (${hint} lists them)`);
  }
  if (options.maxDepth !== undefined && (!Number.isInteger(options.maxDepth) || options.maxDepth < 0)) {
    throw new LotlineError('USAGE', `maxDepth must be a whole number ≥ 0 (got ${options.maxDepth})`);
  }
  const found = await store.findNodes([rootRef]);
  const rootNode = [...found.values()][0];
  if (!rootNode) throw new LotlineError('LOT_NOT_FOUND', `no event names ${refLabel(rootRef)}: check the item and the lot code`);
  const vis = await visibilityFor(store, options);
  if (options.asOf !== undefined && !(await store.eventObjectsOfNodes([rootNode.id])).some((r) => r.seq <= vis.maxSeq)) {
    throw new LotlineError('LOT_NOT_FOUND', `${refLabel(rootRef)} was not yet known at ${options.asOf}: its first event was recorded later`);
  }
  const g = await expand(store, rootNode.id, direction, vis, options.maxNodes ?? DEFAULT_MAX_NODES);

  let shares: Map<number, number | null>;
  if (direction === 'forward') {
    const producedBy = new Map<number, FlowRow[]>();
    for (const f of await store.flowsOfNodes([...g.depth.keys()], 'out')) {
      if (!isVisible(vis, f)) continue;
      let l = producedBy.get(f.node);
      if (!l) producedBy.set(f.node, (l = []));
      l.push(f);
    }
    shares = forwardShares(rootNode.id, g, producedBy);
  } else {
    shares = backwardShares(rootNode.id, g);
    // The single backward pass is linear and cannot use the rule that equal shares need no
    // quantities; where it finds no answer, the forward rule is applied from that ancestor.
    for (const [node, share] of shares) if (share === null) shares.set(node, forwardShareWithin(node, rootNode.id, g));
  }

  const nodeRows = await store.nodesById([...g.depth.keys()]);
  const refs = new Map(nodeRows.map((n) => [n.id, n.ref]));
  const maxDepth = options.maxDepth ?? Infinity;
  const listed = new Set<number>();
  let truncated = g.truncated;
  for (const [id, d] of g.depth) {
    const ref = refs.get(id)!;
    if (!TRACEABLE.has(ref.kind)) continue;
    if (d > maxDepth) {
      truncated = true;
      continue;
    }
    listed.add(id);
  }
  const lots: TraceLot[] = [...listed]
    .map((id) => ({ id, ref: refJson(refs.get(id)!), depth: g.depth.get(id)! }))
    .sort((a, b) => a.depth - b.depth || compareRef(a.ref, b.ref))
    .map(({ id, ref, depth }) => ({ ...ref, depth, share: shares.get(id) ?? null }));

  const seqs = new Set<number>();
  for (const flows of g.tFlows.values()) for (const f of flows) seqs.add(f.seq);
  const eventIds = new Map((await store.eventsBySeq([...seqs])).map((e) => [e.seq, e.eventId]));

  // inputs the trace did not expand (class-only references, other lots of a batch) still need their refs for gaps
  const unseen = new Set<number>();
  for (const flows of g.tFlows.values()) for (const f of flows) if (!refs.has(f.node)) unseen.add(f.node);
  for (const n of await store.nodesById([...unseen])) refs.set(n.id, n.ref);

  const links: TraceLink[] = [];
  const gaps: TraceGap[] = [];
  const seenLink = new Set<string>();
  const seenGap = new Set<string>();
  for (const flows of g.tFlows.values()) {
    const ins = flows.filter((f) => f.dir === 'in');
    const outs = flows.filter((f) => f.dir === 'out');
    for (const f of flows) {
      const ref = refs.get(f.node);
      if (ref?.kind === 'class') {
        const key = `${f.node}|${f.seq}|${f.dir}`;
        if (!seenGap.has(key)) {
          seenGap.add(key);
          gaps.push({ type: 'class_only', item: ref.item, eventId: eventIds.get(f.seq)!, role: f.dir === 'in' ? 'input' : 'output' });
        }
      }
    }
    for (const i of ins) {
      if (!listed.has(i.node)) continue;
      for (const o of outs) {
        if (!listed.has(o.node)) continue;
        const eventId = eventIds.get(i.seq)!;
        const key = `${i.node}|${o.node}|${eventId}|${i.quantity}|${i.uom}`;
        if (seenLink.has(key)) continue;
        seenLink.add(key);
        links.push({ from: refJson(refs.get(i.node)!), to: refJson(refs.get(o.node)!), eventId, quantity: i.quantity, uom: i.uom });
      }
    }
  }
  links.sort((a, b) => compareRef(a.from, b.from) || compareRef(a.to, b.to) || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));
  gaps.sort((a, b) => (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : a.item < b.item ? -1 : 1));

  const { shipments, receipts } = await collectMovements(store, [...listed], refs, vis);
  const cycles = findCycles(g, direction)
    .map((c) => c.filter((id) => refs.has(id)).map((id) => refJson(refs.get(id)!)).sort(compareRef))
    .filter((c) => c.length > 0);

  const corrections = await correctionsOf(store, g.voided);
  return {
    direction,
    root: refJson(rootRef),
    lots,
    links,
    shipments,
    receipts,
    truncated,
    cycles,
    gaps,
    corrections,
    asOfSeq: vis.maxSeq,
  };
}

/** The error declarations behind voided flows, read from the declarations themselves. */
async function correctionsOf(store: EventStore, voided: readonly FlowRow[]): Promise<TraceCorrection[]> {
  if (voided.length === 0) return [];
  const bySeq = new Map(voided.map((f) => [f.seq, f.voidSeq!]));
  const events = new Map((await store.eventsBySeq([...bySeq.keys()])).map((e) => [e.seq, e.eventId]));
  const declarations = await store.eventBodies([...new Set(bySeq.values())]);
  const out: TraceCorrection[] = [];
  for (const [seq, voidSeq] of bySeq) {
    const d = declarations.get(voidSeq)?.['errorDeclaration'] as Record<string, unknown> | undefined;
    const ids = d?.['correctiveEventIDs'];
    out.push({
      eventId: events.get(seq)!,
      declarationTime: typeof d?.['declarationTime'] === 'string' ? d['declarationTime'] : null,
      reason: typeof d?.['reason'] === 'string' ? bareReason(d['reason']) : null,
      correctiveEventIds: Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string') : [],
    });
  }
  return out.sort((a, b) => (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));
}

function bareReason(reason: string): string {
  try {
    return normalizeCbv('er', reason);
  } catch {
    return reason;
  }
}
