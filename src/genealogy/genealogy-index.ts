/**
 * The in-memory genealogy index of DESIGN.md §3: every flow of the store (input or output of a
 * transformation) in typed arrays, with adjacency by node and by transformation, kept current by
 * applying the log from the last position it saw. It answers the two lookups a trace expands
 * with (flows of nodes, flows of transformations) without a database round trip, and holds
 * beside it (event-index.ts) the events, object rows and nodes a full answer reads, so that a
 * trace asks the store for its root and the head position only. The visibility rules (as-of, time window, error
 * declarations) are untouched: each flow keeps its log position, event time and void position.
 */
import type { EventStore, FlowRow } from '../store/event-store.js';
import type { Csr } from './columns.js';
import { buildCsr, Column, nextEpoch, pushTo } from './columns.js';
import { EventIndex } from './event-index.js';
import type { ReachedSet } from './reach-set.js';
import type { Direction, TraceGraph, TraceReads } from './trace-graph.js';
import type { Visibility } from './visibility.js';

/** Log positions read per store call while building or catching up. */
const FEED_CHUNK = 50_000;

/**
 * Flow rows the index keeps for later traces, at most (about 100 bytes each on the heap). Past
 * it the cache starts again empty: a server that has answered many large traces would otherwise
 * hold one object per flow, which every full garbage collection walks.
 */
export const ROW_CACHE_LIMIT = 1 << 18;

export class GenealogyIndex {
  private count = 0;
  private readonly t = new Column((n) => new Int32Array(n));
  private readonly node = new Column((n) => new Int32Array(n));
  /** 0 = in, 1 = out. */
  private readonly dir = new Column((n) => new Uint8Array(n));
  private readonly seq = new Column((n) => new Int32Array(n));
  private readonly eventMs = new Column((n) => new Float64Array(n));
  /** 0 = not voided (log positions start at 1). */
  private readonly voidSeq = new Column((n) => new Int32Array(n));
  /** NaN = no quantity. */
  private readonly quantity = new Column((n) => new Float64Array(n));
  /** Index into `uoms`, −1 = no unit. */
  private readonly uom = new Column((n) => new Int32Array(n));
  private readonly uoms: string[] = [];
  /**
   * Flow rows already handed out, one slot per flow (kept dense so that it stays a fast array):
   * rows are immutable, so a trace allocates nothing for a flow an earlier trace returned.
   */
  private readonly rows: (FlowRow | undefined)[] = [];
  /** Rows in `rows` (at most `rowCacheLimit`). */
  private rowsCached = 0;
  /** The most flow rows kept for later traces (ROW_CACHE_LIMIT unless set). */
  rowCacheLimit = ROW_CACHE_LIMIT;
  private readonly uomIds = new Map<string, number>();

  /** Flows [0, compacted) are in the CSRs; later ones in the small maps below until the next compaction. */
  private compacted = 0;
  private byNodeIn: Csr = { offsets: new Int32Array(2), flows: new Int32Array(0) };
  private byNodeOut: Csr = { offsets: new Int32Array(2), flows: new Int32Array(0) };
  private byT: Csr = { offsets: new Int32Array(2), flows: new Int32Array(0) };
  private nodeSize = 0;
  private tSize = 0;
  private readonly recentByNodeIn = new Map<number, number[]>();
  private readonly recentByNodeOut = new Map<number, number[]>();
  private readonly recentByT = new Map<number, number[]>();

  /** Stamps of the expansion that last reached a node or transformation (see expand). */
  private nodeMark = new Int32Array(0);
  private tMark = new Int32Array(0);
  private epoch = 0;

  /** One past the largest node and transformation id a flow names (the recent ones included). */
  private nodeLimit = 0;
  private tLimit = 0;
  /**
   * Scratch of `reach`, kept between calls so that a set trace allocates nothing per node: marks
   * stamped with the call's number, and the breadth-first queue with each entry's depth.
   */
  private reachNodeMark = new Int32Array(0);
  private reachTMark = new Int32Array(0);
  private reachQueue = new Int32Array(0);
  private reachDepth = new Int32Array(0);
  private reachEpoch = 0;

  /** Events, object rows and nodes, for the rest of a trace answer (shipments, receipts, links). */
  readonly records = new EventIndex();

  /** The last log position applied. */
  appliedSeq = 0;

  /** Builds the index from everything the store holds. */
  static async build(store: EventStore): Promise<GenealogyIndex> {
    const index = new GenealogyIndex();
    await index.catchUp(store, await store.headSeq());
    index.compact();
    index.records.settle();
    return index;
  }

  /** Applies the log up to `upToSeq`: new flows are added, newly declared events voided. */
  async catchUp(store: EventStore, upToSeq: number): Promise<void> {
    const from = this.appliedSeq;
    if (from >= upToSeq) return;
    for (let after = from; after < upToSeq; ) {
      const to = Math.min(upToSeq, after + FEED_CHUNK);
      const flows = await store.flowsRecorded(after, to);
      for (const c of this.columns()) c.ensure(this.count + flows.length);
      for (const f of flows) this.add(f);
      await this.records.apply(store, after, to);
      await this.records.ensureNodes(store, flows.map((f) => f.node));
      after = to;
    }
    // flows come with their events' void state as stored now; declarations logged in the range
    // void flows applied by an earlier catch-up (one call: a declaration needs its event's flows in)
    const voided = await store.voidedBetween(from, upToSeq);
    for (const v of voided) this.void(v.seq, v.voidSeq);
    await this.records.applyVoided(store, voided);
    this.appliedSeq = upToSeq;
    // a few thousand flows in maps are fine; beyond a quarter of the index, rebuild the arrays
    if (this.count - this.compacted > Math.max(4096, this.compacted / 4)) this.compact();
  }

  /** Flow entries held. */
  get size(): number {
    return this.count;
  }

  private columns(): Column<Int32Array | Float64Array | Uint8Array>[] {
    return [this.t, this.node, this.dir, this.seq, this.eventMs, this.voidSeq, this.quantity, this.uom];
  }

  /** Bytes held: the typed arrays (columns and adjacency) and the slots of the row cache (not the rows in it, at most ROW_CACHE_LIMIT). */
  get bytes(): number {
    const cols = this.columns().reduce((s, c) => s + c.data.byteLength, 0);
    const csr = [this.byNodeIn, this.byNodeOut, this.byT].reduce((s, c) => s + c.offsets.byteLength + c.flows.byteLength, 0);
    return cols + csr + this.nodeMark.byteLength + this.tMark.byteLength + 8 * this.rows.length;
  }

  private add(f: FlowRow): void {
    // capacity was reserved for the whole chunk by catchUp
    const i = this.count++;
    this.t.data[i] = f.t;
    this.node.data[i] = f.node;
    this.dir.data[i] = f.dir === 'in' ? 0 : 1;
    this.seq.data[i] = f.seq;
    this.eventMs.data[i] = f.eventMs;
    this.voidSeq.data[i] = f.voidSeq ?? 0;
    this.quantity.data[i] = f.quantity ?? NaN;
    let u = -1;
    if (f.uom !== null) {
      u = this.uomIds.get(f.uom) ?? -1;
      if (u < 0) {
        u = this.uoms.push(f.uom) - 1;
        this.uomIds.set(f.uom, u);
      }
    }
    this.uom.data[i] = u;
    if (f.node >= this.nodeLimit) this.nodeLimit = f.node + 1;
    if (f.t >= this.tLimit) this.tLimit = f.t + 1;
    this.rows.push(undefined);
    pushTo(f.dir === 'in' ? this.recentByNodeIn : this.recentByNodeOut, f.node, i);
    pushTo(this.recentByT, f.t, i);
  }

  /** Marks the flows of event `seq` voided at `voidSeq` (flows are held in log order). */
  private void(seq: number, voidSeq: number): void {
    const s = this.seq.data;
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid]! < seq) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.count && s[i] === seq; i++) {
      if (this.voidSeq.data[i] !== 0) continue;
      this.voidSeq.data[i] = voidSeq;
      if (this.rows[i] !== undefined) this.rowsCached--;
      this.rows[i] = undefined;
    }
  }

  private compact(): void {
    let maxNode = 0;
    let maxT = 0;
    for (let i = 0; i < this.count; i++) {
      if (this.node.data[i]! > maxNode) maxNode = this.node.data[i]!;
      if (this.t.data[i]! > maxT) maxT = this.t.data[i]!;
    }
    this.nodeSize = maxNode + 1;
    this.tSize = maxT + 1;
    const dir = this.dir.data;
    this.byNodeIn = buildCsr(this.node.data, this.count, this.nodeSize, (i) => dir[i] === 0);
    this.byNodeOut = buildCsr(this.node.data, this.count, this.nodeSize, (i) => dir[i] === 1);
    this.byT = buildCsr(this.t.data, this.count, this.tSize, () => true);
    this.nodeMark = new Int32Array(this.nodeSize);
    this.tMark = new Int32Array(this.tSize);
    this.epoch = 0;
    this.compacted = this.count;
    for (const c of this.columns()) c.trim(this.count);
    this.recentByNodeIn.clear();
    this.recentByNodeOut.clear();
    this.recentByT.clear();
  }

  private row(i: number): FlowRow {
    let r = this.rows[i];
    if (r === undefined) {
      if (this.rowsCached >= this.rowCacheLimit) {
        this.rows.fill(undefined);
        this.rowsCached = 0;
      }
      r = this.rows[i] = this.makeRow(i);
      this.rowsCached++;
    }
    return r;
  }

  /** Flow rows held for later traces (at most `rowCacheLimit`). */
  get cachedRows(): number {
    return this.rowsCached;
  }

  private makeRow(i: number): FlowRow {
    const q = this.quantity.data[i]!;
    const u = this.uom.data[i]!;
    const v = this.voidSeq.data[i]!;
    return {
      t: this.t.data[i]!,
      node: this.node.data[i]!,
      dir: this.dir.data[i] === 0 ? 'in' : 'out',
      quantity: Number.isNaN(q) ? null : q,
      uom: u < 0 ? null : this.uoms[u]!,
      seq: this.seq.data[i]!,
      eventMs: this.eventMs.data[i]!,
      voidSeq: v === 0 ? null : v,
    };
  }

  private collect(ids: readonly number[], csr: Csr, size: number, recent: Map<number, number[]>): FlowRow[] {
    const out: FlowRow[] = [];
    const { offsets, flows } = csr;
    for (const id of ids) {
      if (id >= 0 && id < size) for (let k = offsets[id]!, e = offsets[id + 1]!; k < e; k++) out.push(this.row(flows[k]!));
      const more = recent.get(id);
      if (more) for (const i of more) out.push(this.row(i));
    }
    return out;
  }

  /**
   * What `expand` in trace-graph.ts computes through `flowsOfNodes` and `flowsOfTransformations`,
   * step for step and in the same order, but reading the columns directly: a flow becomes a
   * FlowRow object only when the answer keeps it.
   */
  expand(root: number, direction: Direction, vis: Visibility, maxNodes: number): TraceGraph {
    const depth = new Map<number, number>([[root, 0]]);
    const tFlows = new Map<number, FlowRow[]>();
    const voided: FlowRow[] = [];
    const seq = this.seq.data;
    const voidSeq = this.voidSeq.data;
    const eventMs = this.eventMs.data;
    const tCol = this.t.data;
    const nodeCol = this.node.data;
    const dirCol = this.dir.data;
    const { maxSeq, fromMs, toMs } = vis;
    const isVoided = (i: number): boolean => voidSeq[i] !== 0 && voidSeq[i]! <= maxSeq && seq[i]! <= maxSeq;
    const isVisible = (i: number): boolean => seq[i]! <= maxSeq && (voidSeq[i] === 0 || voidSeq[i]! > maxSeq) && eventMs[i]! >= fromMs && eventMs[i]! < toMs;
    // "seen" marks in typed arrays, stamped with this expansion's number: the Maps are the answer,
    // the marks only spare a lookup in them (ids beyond the arrays, added since, use the Maps)
    const epoch = (this.epoch = nextEpoch(this.epoch, [this.nodeMark, this.tMark]));
    const nodeMark = this.nodeMark;
    const tMark = this.tMark;
    const seenNode = (n: number): boolean => (n < nodeMark.length ? nodeMark[n] === epoch : depth.has(n));
    const seenT = (t: number): boolean => (t < tMark.length ? tMark[t] === epoch : tFlows.has(t));
    if (root < nodeMark.length) nodeMark[root] = epoch;
    // forward: a node is consumed ('in', 0) into transformations, which produce ('out', 1) the next level
    const [byNode, recentByNode] = direction === 'forward' ? [this.byNodeIn, this.recentByNodeIn] : [this.byNodeOut, this.recentByNodeOut];
    const next = direction === 'forward' ? 1 : 0;
    let frontier = [root];
    // every node of a frontier has the same depth: the expansion goes level by level
    let d = 0;
    let truncated = false;
    // the per-flow steps are made once per expansion, not once per node (a closure per call was garbage)
    let ts: number[] = [];
    let tRows: FlowRow[][] = [];
    let level: number[] = [];
    let rows: FlowRow[] = [];
    const nodeFlow = (i: number): void => {
      if (isVoided(i)) voided.push(this.row(i));
      const t = tCol[i]!;
      if (!isVisible(i) || seenT(t)) return;
      if (t < tMark.length) tMark[t] = epoch;
      const list: FlowRow[] = [];
      tFlows.set(t, list);
      ts.push(t);
      tRows.push(list);
    };
    const tFlow = (i: number): boolean => {
      if (isVoided(i)) voided.push(this.row(i));
      if (!isVisible(i)) return true;
      rows.push(this.row(i));
      const node = nodeCol[i]!;
      if (dirCol[i] === next && !seenNode(node)) {
        if (depth.size >= maxNodes) {
          truncated = true;
          return false;
        }
        if (node < nodeMark.length) nodeMark[node] = epoch;
        depth.set(node, d + 1);
        level.push(node);
      }
      return true;
    };
    const { offsets: nOff, flows: nFlows } = byNode;
    const { offsets: tOff, flows: tFl } = this.byT;
    const nodeSize = this.nodeSize;
    const tSize = this.tSize;
    const recentByT = this.recentByT;
    while (frontier.length > 0 && !truncated) {
      ts = [];
      tRows = [];
      for (const n of frontier) {
        if (n >= 0 && n < nodeSize) for (let k = nOff[n]!, e = nOff[n + 1]!; k < e; k++) nodeFlow(nFlows[k]!);
        const more = recentByNode.size > 0 ? recentByNode.get(n) : undefined;
        if (more) for (const i of more) nodeFlow(i);
      }
      if (ts.length === 0) break;
      level = [];
      for (let k = 0; k < ts.length && !truncated; k++) {
        const t = ts[k]!;
        rows = tRows[k]!;
        if (t >= 0 && t < tSize) for (let j = tOff[t]!, e = tOff[t + 1]!; j < e && tFlow(tFl[j]!); j++);
        const more = !truncated && recentByT.size > 0 ? recentByT.get(t) : undefined;
        if (more) for (const i of more) if (!tFlow(i)) break;
      }
      frontier = level;
      d++;
    }
    return { depth, tFlows, truncated, voided };
  }

  /**
   * The set `expand` reaches, with the same depths and the same truncation, without the flows:
   * the queue is processed in the order expand reads its levels (the flows of each node, each new
   * transformation's flows at once), so the nodes come out in the order expand inserts them.
   * Nothing is allocated per node or flow; only the two result arrays.
   */
  reach(root: number, direction: Direction, vis: Visibility, maxNodes: number): ReachedSet {
    const nSize = Math.max(this.nodeLimit, root + 1);
    if (this.reachNodeMark.length < nSize) {
      const n = nSize + (nSize >> 3) + 16;
      this.reachNodeMark = new Int32Array(n);
      this.reachQueue = new Int32Array(n);
      this.reachDepth = new Int32Array(n);
      this.reachEpoch = 0;
      this.reachTMark.fill(0);
    }
    if (this.reachTMark.length < this.tLimit) {
      this.reachTMark = new Int32Array(this.tLimit + (this.tLimit >> 3) + 16);
      this.reachNodeMark.fill(0);
      this.reachEpoch = 0;
    }
    const epoch = (this.reachEpoch = nextEpoch(this.reachEpoch, [this.reachNodeMark, this.reachTMark]));
    const nodeMark = this.reachNodeMark;
    const tMark = this.reachTMark;
    const queue = this.reachQueue;
    const qDepth = this.reachDepth;
    const seq = this.seq.data;
    const voidSeq = this.voidSeq.data;
    const eventMs = this.eventMs.data;
    const tCol = this.t.data;
    const nodeCol = this.node.data;
    const dirCol = this.dir.data;
    const { maxSeq, fromMs, toMs } = vis;
    // forward: a node is consumed ('in', 0) into transformations, which produce ('out', 1) the next level
    const forward = direction === 'forward';
    const { offsets: nOff, flows: nFlows } = forward ? this.byNodeIn : this.byNodeOut;
    const recentByNode = forward ? this.recentByNodeIn : this.recentByNodeOut;
    const next = forward ? 1 : 0;
    const { offsets: tOff, flows: tFl } = this.byT;
    const recentByT = this.recentByT;
    const nodeSize = this.nodeSize;
    const tSize = this.tSize;
    queue[0] = root;
    qDepth[0] = 0;
    nodeMark[root] = epoch;
    let tail = 1;
    let truncated = false;
    // one transformation's flows: its unseen outputs (inputs, backward) join the queue at depth d + 1
    const scanT = (t: number, d: number): void => {
      const more = recentByT.size > 0 ? recentByT.get(t) : undefined;
      const inCsr = t < tSize;
      for (let j = inCsr ? tOff[t]! : 0, e = inCsr ? tOff[t + 1]! : 0, r = 0; ; j++) {
        let i: number;
        if (j < e) i = tFl[j]!;
        else if (more && r < more.length) i = more[r++]!;
        else return;
        if (dirCol[i] !== next) continue;
        const node = nodeCol[i]!;
        if (nodeMark[node] === epoch) continue;
        if (seq[i]! > maxSeq || (voidSeq[i] !== 0 && voidSeq[i]! <= maxSeq) || eventMs[i]! < fromMs || eventMs[i]! >= toMs) continue;
        if (tail >= maxNodes) {
          truncated = true;
          return;
        }
        nodeMark[node] = epoch;
        queue[tail] = node;
        qDepth[tail++] = d + 1;
      }
    };
    for (let head = 0; head < tail && !truncated; head++) {
      const n = queue[head]!;
      const d = qDepth[head]!;
      const more = recentByNode.size > 0 ? recentByNode.get(n) : undefined;
      const inCsr = n < nodeSize;
      for (let k = inCsr ? nOff[n]! : 0, e = inCsr ? nOff[n + 1]! : 0, r = 0; !truncated; k++) {
        let i: number;
        if (k < e) i = nFlows[k]!;
        else if (more && r < more.length) i = more[r++]!;
        else break;
        const t = tCol[i]!;
        if (tMark[t] === epoch) continue;
        if (seq[i]! > maxSeq || (voidSeq[i] !== 0 && voidSeq[i]! <= maxSeq) || eventMs[i]! < fromMs || eventMs[i]! >= toMs) continue;
        tMark[t] = epoch;
        scanT(t, d);
      }
    }
    return { nodes: queue.slice(0, tail), depths: qDepth.slice(0, tail), truncated };
  }

  /** As EventStore.flowsOfNodes, from memory. */
  flowsOfNodes(nodeIds: readonly number[], dir: 'in' | 'out'): FlowRow[] {
    return dir === 'in' ? this.collect(nodeIds, this.byNodeIn, this.nodeSize, this.recentByNodeIn) : this.collect(nodeIds, this.byNodeOut, this.nodeSize, this.recentByNodeOut);
  }

  /** As EventStore.flowsOfTransformations, from memory. */
  flowsOfTransformations(tIds: readonly number[]): FlowRow[] {
    return this.collect(tIds, this.byT, this.tSize, this.recentByT);
  }

  // ── reports reading the columns in place (src/reports/fsma204/fsma204-columns.ts) ──

  /**
   * Calls `f` with the log position of every flow of every transformation that these nodes went
   * into or came out of (voided or not: the caller filters), from the columns without rows.
   */
  transformationSeqsOfNodes(nodeIds: Iterable<number>, f: (seq: number) => void): void {
    const ts = new Set<number>();
    for (const id of nodeIds) {
      for (const [csr, recent] of [
        [this.byNodeIn, this.recentByNodeIn],
        [this.byNodeOut, this.recentByNodeOut],
      ] as const) {
        if (id >= 0 && id < this.nodeSize) for (let k = csr.offsets[id]!, e = csr.offsets[id + 1]!; k < e; k++) ts.add(this.t.data[csr.flows[k]!]!);
        const more = recent.get(id);
        if (more) for (const i of more) ts.add(this.t.data[i]!);
      }
    }
    const { offsets, flows } = this.byT;
    const seq = this.seq.data;
    for (const t of ts) {
      if (t >= 0 && t < this.tSize) for (let k = offsets[t]!, e = offsets[t + 1]!; k < e; k++) f(seq[flows[k]!]!);
      const more = this.recentByT.get(t);
      if (more) for (const i of more) f(seq[i]!);
    }
  }
}

/** What a store backed by the index serves from memory to a trace. */
interface Indexed {
  readonly expand: (root: number, direction: Direction, vis: Visibility, maxNodes: number) => Promise<TraceGraph>;
  readonly reach: (root: number, direction: Direction, vis: Visibility, maxNodes: number) => Promise<ReachedSet>;
  readonly reads: (vis: Visibility) => TraceReads;
}

const INDEXED = new WeakMap<EventStore, Indexed>();

/** The index-backed expansion of a store made by `withGenealogyIndex`, if it is one. */
export function indexedExpand(store: EventStore): Indexed['expand'] | undefined {
  return INDEXED.get(store)?.expand;
}

/** The index-backed set trace of a store made by `withGenealogyIndex`, if it is one. */
export function indexedReach(store: EventStore): Indexed['reach'] | undefined {
  return INDEXED.get(store)?.reach;
}

/**
 * Where a trace reads the rest of its answer once `vis` is known: from memory when the store is
 * backed by an index that has applied the log up to `vis.maxSeq` (it was brought current when
 * the head position was read), else from the store itself.
 */
export function traceReads(store: EventStore, vis: Visibility): TraceReads {
  return INDEXED.get(store)?.reads(vis) ?? store;
}

/**
 * The store with traces served from an in-memory index. The index catches up with the log each
 * time the head position is read — which every trace does first — and after each capture this
 * process commits, so a trace right after a capture (here or in another process) sees it.
 */
export function withGenealogyIndex(store: EventStore, index: GenealogyIndex): EventStore {
  let stale = false;
  // while this process holds a write transaction, its connection sees positions that may yet be rolled back
  let capturing = 0;
  const fresh = async (): Promise<void> => {
    if (!stale || capturing > 0) return;
    await index.catchUp(store, await store.headSeq());
    stale = false;
  };
  const indexed: EventStore = {
    beginCapture: async (context) => {
      const session = await store.beginCapture(context);
      capturing++;
      let open = true;
      const close = () => {
        if (open) capturing--;
        open = false;
      };
      return {
        append: (events) => session.append(events),
        appendRecorded: (entries) => session.appendRecorded(entries),
        commit: async () => {
          try {
            await session.commit();
          } finally {
            close();
          }
          stale = true;
        },
        rollback: async () => {
          try {
            await session.rollback();
          } finally {
            close();
          }
        },
      };
    },
    findNodes: (refs) => store.findNodes(refs),
    nodesById: (ids) => store.nodesById(ids),
    flowsOfNodes: async (ids, dir) => {
      await fresh();
      return index.flowsOfNodes(ids, dir);
    },
    flowsOfTransformations: async (ids) => {
      await fresh();
      return index.flowsOfTransformations(ids);
    },
    flowsRecorded: (a, b) => store.flowsRecorded(a, b),
    voidedBetween: (a, b) => store.voidedBetween(a, b),
    eventsRecorded: (a, b) => store.eventsRecorded(a, b),
    eventObjectsRecorded: (a, b) => store.eventObjectsRecorded(a, b),
    eventsBySeq: (seqs) => store.eventsBySeq(seqs),
    eventObjectsOfNodes: (ids) => store.eventObjectsOfNodes(ids),
    eventObjectsOfEvents: (seqs) => store.eventObjectsOfEvents(seqs),
    eventBodies: (seqs) => store.eventBodies(seqs),
    eventById: (id) => store.eventById(id),
    queryEvents: (query) => store.queryEvents(query),
    searchNodes: (text, limit) => store.searchNodes(text, limit),
    eventsByTerm: (text, limit) => store.eventsByTerm(text, limit),
    lotsOfItem: (item) => store.lotsOfItem(item),
    readLog: (afterSeq, limit) => store.readLog(afterSeq, limit),
    seqAt: (t) => store.seqAt(t),
    headSeq: async () => {
      const head = await store.headSeq();
      if (capturing > 0) return head;
      if (head > index.appliedSeq) await index.catchUp(store, head);
      stale = false;
      return head;
    },
    verify: () => store.verify(),
    stats: () => store.stats(),
    close: () => store.close(),
  };
  const records = index.records;
  const memory: TraceReads = {
    nodesById: async (ids) => records.nodesById(ids) ?? store.nodesById(ids),
    flowsOfNodes: async (ids, dir) => index.flowsOfNodes(ids, dir),
    eventsBySeq: async (seqs) => (records.covers(seqs, index.appliedSeq) ? records.eventsBySeq(seqs) : store.eventsBySeq(seqs)),
    eventHeads: async (seqs) => (records.covers(seqs, index.appliedSeq) ? records.eventHeads(seqs) : store.eventsBySeq(seqs)),
    eventObjectsOfNodes: async (ids) => records.eventObjectsOfNodes(ids),
    movementObjectsOfNodes: async (ids) => records.eventObjectsOfNodes(ids, true),
    originObjectsOfNodes: async (ids) => records.originObjectsOfNodes(ids),
    eventObjectsOfEvents: async (seqs) => (records.covers(seqs, index.appliedSeq) ? records.eventObjectsOfEvents(seqs) : store.eventObjectsOfEvents(seqs)),
    eventBodies: async (seqs) => records.declarationBodies(seqs) ?? store.eventBodies(seqs),
    shippingFacts: (seqs) => records.shippingFacts(seqs, (missing) => store.eventBodies(missing)),
    lotIdsOfItems: async (items) => records.lotIdsOfItems(items),
    lotFacts: (seqs) => records.lotFacts(seqs, (missing) => store.eventBodies(missing)),
  };
  INDEX_OF.set(indexed, index);
  INDEXED.set(indexed, {
    expand: async (root, direction, vis, maxNodes) => {
      await fresh();
      return index.expand(root, direction, vis, maxNodes);
    },
    reach: async (root, direction, vis, maxNodes) => {
      await fresh();
      return index.reach(root, direction, vis, maxNodes);
    },
    // while this process captures, or after another process did, the index may be behind: the store answers
    reads: (vis) => (capturing === 0 && !stale && index.appliedSeq >= vis.maxSeq ? memory : indexed),
  });
  return indexed;
}

// ── the index itself, for reports that read its columns in place (src/reports/fsma204/fsma204-columns.ts) ──

const INDEX_OF = new WeakMap<EventStore, GenealogyIndex>();

/**
 * The index behind a store made by `withGenealogyIndex`, when it has applied the log up to
 * `vis.maxSeq` and may answer from memory now (as `traceReads` decides); else undefined.
 */
export function currentIndex(store: EventStore, vis: Visibility): GenealogyIndex | undefined {
  const index = INDEX_OF.get(store);
  return index !== undefined && traceReads(store, vis) !== store ? index : undefined;
}
