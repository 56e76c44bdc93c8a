/**
 * Baseline (b): the physical-limit reference. The store's visible flows loaded once into
 * compressed sparse rows (typed arrays) of the bipartite graph lot ⇄ transformation, both
 * directions, and a breadth-first search over them. No shares, no depths kept: just the set.
 */

export interface FlowEdge {
  readonly t: number;
  readonly node: number;
  readonly dir: 'in' | 'out';
}

interface Csr {
  readonly offsets: Int32Array;
  readonly targets: Int32Array;
}

function buildCsr(size: number, pairs: Int32Array, count: number): Csr {
  const offsets = new Int32Array(size + 2);
  for (let i = 0; i < count; i++) offsets[pairs[2 * i]! + 1]!++;
  for (let i = 1; i < offsets.length; i++) offsets[i]! += offsets[i - 1]!;
  const fill = offsets.slice();
  const targets = new Int32Array(count);
  for (let i = 0; i < count; i++) targets[fill[pairs[2 * i]!]!++] = pairs[2 * i + 1]!;
  return { offsets, targets };
}

export class CsrGraph {
  /** node → transformations that consumed it; transformation → nodes it produced; and the reverse pair. */
  private readonly nodeIn: Csr;
  private readonly tOut: Csr;
  private readonly nodeOut: Csr;
  private readonly tIn: Csr;
  private readonly seenNode: Int32Array;
  private readonly seenT: Int32Array;
  private readonly queue: Int32Array;
  private epoch = 0;
  readonly edges: number;
  readonly bytes: number;

  constructor(maxNode: number, maxT: number, ins: Int32Array, insCount: number, outs: Int32Array, outsCount: number) {
    // ins/outs hold (node, t) pairs
    const swap = (pairs: Int32Array, n: number): Int32Array => {
      const s = new Int32Array(2 * n);
      for (let i = 0; i < n; i++) {
        s[2 * i] = pairs[2 * i + 1]!;
        s[2 * i + 1] = pairs[2 * i]!;
      }
      return s;
    };
    this.nodeIn = buildCsr(maxNode, ins, insCount);
    this.tIn = buildCsr(maxT, swap(ins, insCount), insCount);
    this.nodeOut = buildCsr(maxNode, outs, outsCount);
    this.tOut = buildCsr(maxT, swap(outs, outsCount), outsCount);
    this.seenNode = new Int32Array(maxNode + 1);
    this.seenT = new Int32Array(maxT + 1);
    this.queue = new Int32Array(maxNode + 1);
    this.edges = insCount + outsCount;
    this.bytes = [this.nodeIn, this.tIn, this.nodeOut, this.tOut].reduce((s, c) => s + c.offsets.byteLength + c.targets.byteLength, 0);
  }

  /** Every node reachable from `root` (root included), as a fresh array of node ids. */
  reach(root: number, direction: 'forward' | 'backward'): Int32Array {
    const [first, second] = direction === 'forward' ? [this.nodeIn, this.tOut] : [this.nodeOut, this.tIn];
    const epoch = ++this.epoch;
    const seenNode = this.seenNode;
    const seenT = this.seenT;
    const q = this.queue;
    let head = 0;
    let tail = 0;
    q[tail++] = root;
    seenNode[root] = epoch;
    const o1 = first.offsets;
    const t1 = first.targets;
    const o2 = second.offsets;
    const t2 = second.targets;
    while (head < tail) {
      const n = q[head++]!;
      for (let i = o1[n]!, e = o1[n + 1]!; i < e; i++) {
        const t = t1[i]!;
        if (seenT[t] === epoch) continue;
        seenT[t] = epoch;
        for (let j = o2[t]!, f = o2[t + 1]!; j < f; j++) {
          const m = t2[j]!;
          if (seenNode[m] === epoch) continue;
          seenNode[m] = epoch;
          q[tail++] = m;
        }
      }
    }
    return q.slice(0, tail);
  }

  /** How many nodes `root` reaches, without copying them out. */
  reachCount(root: number, direction: 'forward' | 'backward'): number {
    return this.reach(root, direction).length;
  }
}

/** Builds the graph from rows (t, node, dir) of flows whose event is not voided. */
export function csrFromFlows(rows: Iterable<FlowEdge>): CsrGraph {
  let ins = new Int32Array(1 << 16);
  let outs = new Int32Array(1 << 16);
  let ni = 0;
  let no = 0;
  let maxNode = 0;
  let maxT = 0;
  for (const r of rows) {
    if (r.node > maxNode) maxNode = r.node;
    if (r.t > maxT) maxT = r.t;
    if (r.dir === 'in') {
      if (2 * ni + 2 > ins.length) {
        const g = new Int32Array(ins.length * 2);
        g.set(ins);
        ins = g;
      }
      ins[2 * ni] = r.node;
      ins[2 * ni + 1] = r.t;
      ni++;
    } else {
      if (2 * no + 2 > outs.length) {
        const g = new Int32Array(outs.length * 2);
        g.set(outs);
        outs = g;
      }
      outs[2 * no] = r.node;
      outs[2 * no + 1] = r.t;
      no++;
    }
  }
  return new CsrGraph(maxNode, maxT, ins, ni, outs, no);
}
