/**
 * Forward and backward traces (DESIGN.md §2) and their JSON contract. The graph is bipartite:
 * objects (lots, serials) and transformations; a transformation links every input to every
 * output, and events sharing a transformationID are one transformation.
 */
import { normalizeCbv } from '../domain/cbv.js';
import { LotlineError } from '../domain/errors.js';
import type { ObjectRef } from '../domain/identifiers/object-ref.js';
import { refLabel } from '../domain/identifiers/object-ref.js';
import { lotlineUri } from '../domain/identifiers/lotline-uri.js';
import { RETROACTIVE_LINK_BIZ_STEP } from '../domain/lotline-vocabulary.js';
import type { EventStore, FlowRow } from '../store/event-store.js';
import { downstreamOf, findCycles } from './cycles.js';
import { collectMovements } from './movements.js';
import { backwardShares, forwardShareWithin, forwardShares } from './shares.js';
import type { Direction, EventHead, TraceReads } from './trace-graph.js';
import { traceReads } from './genealogy-index.js';
import { expand } from './trace-graph.js';
import type { Movement } from './movements.js';
import type { Visibility } from './visibility.js';
import { isVisible } from './visibility.js';

export type { Direction } from './trace-graph.js';

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
  /** Present only on a link recorded after the fact to close a gap (`lotline:retroactive`): who confirmed it, when, for which exception. */
  readonly retroactive?: Readonly<Record<string, unknown>>;
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
export function toMs(value: string | undefined, field: string, fallback: number): number {
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

function refOrderKey(r: RefJson): string {
  return `${r.item}\u0000${'lot' in r ? r.lot : r.serial}`;
}

function compareRef(a: RefJson, b: RefJson): number {
  const ka = refOrderKey(a);
  const kb = refOrderKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const TRACEABLE = new Set(['lot', 'serial', 'other']);

/** Traces from `root` in one direction. */
export async function trace(store: EventStore, rootRef: ObjectRef, direction: Direction, options: TraceOptions = {}): Promise<TraceResult> {
  if (rootRef.kind === 'class') {
    throw new LotlineError('USAGE', `${refLabel(rootRef)} is a class-only reference (a GTIN without lot or serial): it cannot be traced; give the lot or serial`);
  }
  if (rootRef.kind === 'unit') {
    const hint = `lotline lot '${rootRef.scheme === 'sscc' ? `(00)${rootRef.id}` : lotlineUri(rootRef)}'`;
    throw new LotlineError('USAGE', `${refLabel(rootRef)} is a logistic unit: trace the lots it holds (${hint} lists them)`);
  }
  if (options.maxDepth !== undefined && (!Number.isInteger(options.maxDepth) || options.maxDepth < 0)) {
    throw new LotlineError('USAGE', `maxDepth must be a whole number ≥ 0 (got ${options.maxDepth})`);
  }
  const found = await store.findNodes([rootRef]);
  const rootNode = [...found.values()][0];
  if (!rootNode) throw new LotlineError('LOT_NOT_FOUND', `no event names ${refLabel(rootRef)}: check the item and the lot code`);
  const vis = await visibilityFor(store, options);
  // A root whose every event was declared erroneous still answers: alone, with the corrections that say why.
  if (options.asOf !== undefined && !(await store.eventObjectsOfNodes([rootNode.id])).some((r) => r.seq <= vis.maxSeq)) {
    throw new LotlineError('LOT_NOT_FOUND', `${refLabel(rootRef)} was not yet known at ${options.asOf}: its first event was recorded later`);
  }
  const g = await expand(store, rootNode.id, direction, vis, options.maxNodes ?? DEFAULT_MAX_NODES);
  const reads = traceReads(store, vis);

  let shares: Map<number, number | null>;
  if (direction === 'forward') {
    const producedBy = new Map<number, FlowRow[]>();
    for (const f of await reads.flowsOfNodes([...g.depth.keys()], 'out')) {
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
  const cyclic = findCycles(g, direction);
  // Shares on a cycle, or behind one, have no meaning: null, except the root's own 1.
  for (const id of downstreamOf(cyclic.flat(), g, direction)) if (id !== rootNode.id) shares.set(id, null);

  const nodeRows = await reads.nodesById([...g.depth.keys()]);
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
  // one contract object and one order key per node, shared by its lot entry and all its links
  const jsonOf = new Map<number, RefJson>();
  const keyOf = new Map<number, string>();
  const nodeJson = (id: number): RefJson => {
    let r = jsonOf.get(id);
    if (r === undefined) {
      r = refJson(refs.get(id)!);
      jsonOf.set(id, r);
      keyOf.set(id, refOrderKey(r));
    }
    return r;
  };
  const sortedLots: { id: number; ref: RefJson; key: string; depth: number }[] = [];
  for (const id of listed) {
    const ref = nodeJson(id);
    sortedLots.push({ id, ref, key: keyOf.get(id)!, depth: g.depth.get(id)! });
  }
  // keys made once per lot, not in every comparison
  sortedLots.sort((a, b) => a.depth - b.depth || cmpStr(a.key, b.key));
  const lots: TraceLot[] = sortedLots.map(({ id, ref, depth }) => ({ ...ref, depth, share: shares.get(id) ?? null }));

  const seqs = new Set<number>();
  for (const flows of g.tFlows.values()) for (const f of flows) seqs.add(f.seq);
  const eventRows: readonly EventHead[] = reads.eventHeads ? await reads.eventHeads([...seqs]) : await reads.eventsBySeq([...seqs]);
  const eventIds = new Map(eventRows.map((e) => [e.seq, e.eventId]));

  // inputs the trace did not expand (class-only references, other lots of a batch) still need their refs for gaps
  const unseen = new Set<number>();
  for (const flows of g.tFlows.values()) for (const f of flows) if (!refs.has(f.node)) unseen.add(f.node);
  for (const n of await reads.nodesById([...unseen])) refs.set(n.id, n.ref);

  const links: TraceLink[] = [];
  // the lots of each link, by position in `links`, for the sort
  const linkFrom: number[] = [];
  const linkTo: number[] = [];
  const gaps: TraceGap[] = [];
  const seenGap = new Set<string>();
  const ins: FlowRow[] = [];
  const outs: number[] = [];
  // per transformation: input flows kept, by lot; output lots kept
  const insOf = new Map<number, FlowRow[]>();
  const outSeen = new Set<number>();
  for (const flows of g.tFlows.values()) {
    // A link is one input flow to one output lot of the same transformation, once per input lot,
    // event (one event is in one transformation, and event ids are unique), quantity and unit:
    // the listed inputs and outputs are made distinct first, so their product has no repeats.
    ins.length = 0;
    outs.length = 0;
    insOf.clear();
    outSeen.clear();
    for (const f of flows) {
      const ref = refs.get(f.node);
      if (ref?.kind === 'class') {
        const key = `${f.node}|${f.seq}|${f.dir}`;
        if (!seenGap.has(key)) {
          seenGap.add(key);
          gaps.push({ type: 'class_only', item: ref.item, eventId: eventIds.get(f.seq)!, role: f.dir === 'in' ? 'input' : 'output' });
        }
      }
      if (!listed.has(f.node)) continue;
      if (f.dir === 'in') {
        let same = insOf.get(f.node);
        if (same === undefined) insOf.set(f.node, (same = []));
        if (same.some((i) => i.seq === f.seq && i.quantity === f.quantity && i.uom === f.uom)) continue;
        same.push(f);
        ins.push(f);
      } else if (!outSeen.has(f.node)) {
        outSeen.add(f.node);
        outs.push(f.node);
      }
    }
    for (const i of ins) {
      const from = nodeJson(i.node);
      const eventId = eventIds.get(i.seq)!;
      for (const o of outs) {
        links.push({ from, to: nodeJson(o), eventId, quantity: i.quantity, uom: i.uom });
        linkFrom.push(i.node);
        linkTo.push(o);
      }
    }
  }
  await markRetroactive(reads, links, eventRows.filter((e) => e.bizStep === RETROACTIVE_LINK_BIZ_STEP));
  // nodes ranked by their order key (equal keys, equal rank): links then compare by integers
  const ranked = [...jsonOf.keys()].sort((a, b) => cmpStr(keyOf.get(a)!, keyOf.get(b)!));
  const rank = new Map<number, number>();
  for (let k = 0, r = 0; k < ranked.length; k++) {
    if (k > 0 && keyOf.get(ranked[k]!) !== keyOf.get(ranked[k - 1]!)) r++;
    rank.set(ranked[k]!, r);
  }
  const fromRank = linkFrom.map((n) => rank.get(n)!);
  const toRank = linkTo.map((n) => rank.get(n)!);
  const order = links.map((_, k) => k);
  order.sort((a, b) => fromRank[a]! - fromRank[b]! || toRank[a]! - toRank[b]! || cmpStr(links[a]!.eventId, links[b]!.eventId));
  const sortedLinks = order.map((k) => links[k]!);
  gaps.sort((a, b) => (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : a.item < b.item ? -1 : 1));

  const { shipments, receipts } = await collectMovements(reads, [...listed], refs, vis, { carried: false });
  const cycles = cyclic
    .map((c) => c.filter((id) => refs.has(id)).map((id) => refJson(refs.get(id)!)).sort(compareRef))
    .filter((c) => c.length > 0);

  const corrections = await correctionsOf(reads, g.voided);
  return {
    direction,
    root: refJson(rootRef),
    lots,
    links: sortedLinks,
    shipments,
    receipts,
    truncated,
    cycles,
    gaps,
    corrections,
    asOfSeq: vis.maxSeq,
  };
}

/** Marks the links made by corrective events that record a missing link after the fact. */
async function markRetroactive(store: TraceReads, links: TraceLink[], corrective: readonly EventHead[]): Promise<void> {
  // Only the events of the retroactive-linking step are read: a trace without them costs nothing more.
  if (links.length === 0 || corrective.length === 0) return;
  const ids = new Map(corrective.map((e) => [e.seq, e.eventId]));
  const marks = new Map<string, Readonly<Record<string, unknown>>>();
  for (const [seq, body] of await store.eventBodies([...ids.keys()])) {
    const r = body['lotline:retroactive'];
    marks.set(ids.get(seq)!, typeof r === 'object' && r !== null ? (r as Record<string, unknown>) : {});
  }
  if (marks.size === 0) return;
  for (const [i, l] of links.entries()) {
    const r = marks.get(l.eventId);
    if (r) links[i] = { ...l, retroactive: r };
  }
}

/** The error declarations behind voided flows, read from the declarations themselves. */
async function correctionsOf(store: TraceReads, voided: readonly FlowRow[]): Promise<TraceCorrection[]> {
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
