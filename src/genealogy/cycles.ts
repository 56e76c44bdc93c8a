/** Cycles in a traced graph: data errors where a lot is recorded as its own ancestor. */
import type { Direction, TraceGraph } from './trace-graph.js';

/** Node-to-node successors of the reached graph, in the direction of the trace. */
function successors(g: TraceGraph, direction: Direction): Map<number, number[]> {
  const succ = new Map<number, number[]>();
  const ins: number[] = [];
  const outs: number[] = [];
  const forward = direction === 'forward';
  for (const flows of g.tFlows.values()) {
    // only reached nodes have edges: the rest are left out before the product, not in it
    ins.length = 0;
    outs.length = 0;
    for (const f of flows) if (g.depth.has(f.node)) (f.dir === 'in' ? ins : outs).push(f.node);
    for (const i of ins) for (const o of outs) {
      const a = forward ? i : o;
      let l = succ.get(a);
      if (!l) succ.set(a, (l = []));
      l.push(forward ? o : i);
    }
  }
  return succ;
}

/** The given nodes and every node reached from them, in the direction of the trace. */
export function downstreamOf(nodes: readonly number[], g: TraceGraph, direction: Direction): Set<number> {
  if (nodes.length === 0) return new Set();
  const succ = successors(g, direction);
  const seen = new Set(nodes);
  const stack = [...nodes];
  while (stack.length > 0) {
    for (const n of succ.get(stack.pop()!) ?? []) {
      if (seen.has(n)) continue;
      seen.add(n);
      stack.push(n);
    }
  }
  return seen;
}

/** Strongly connected components with more than one node (or a self-loop): the cycles of the reached graph. */
export function findCycles(g: TraceGraph, direction: Direction): number[][] {
  const succ = successors(g, direction);
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

