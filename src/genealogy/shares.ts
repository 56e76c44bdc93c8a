/**
 * Shares (DESIGN.md §2): forward, the fraction of a node's content that comes from the root;
 * backward, the fraction of the root's content that comes from an ancestor. Unknown (null)
 * wherever quantities are missing or in units that do not convert — never guessed.
 */
import type { FlowRow } from '../store/event-store.js';
import { inBase, sumInBase } from './quantity.js';
import type { TraceGraph } from './trace-graph.js';

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
export function forwardShares(root: number, g: TraceGraph, producedBy: Map<number, FlowRow[]>): Map<number, number | null> {
  const share = new Map<number, number | null>([[root, 1]]);
  const tShare = new Map<number, number | null>();
  // pending counts: a transformation waits for its reached inputs, a node for its reached producers
  const tWait = new Map<number, number>();
  const nodeWait = new Map<number, number>();
  const consumers = new Map<number, number[]>();
  // per transformation, its distinct reached inputs and its distinct outputs (sets reused, no arrays in between)
  const ins = new Set<number>();
  const outs = new Set<number>();
  for (const [t, flows] of g.tFlows) {
    ins.clear();
    outs.clear();
    for (const f of flows) {
      if (f.dir === 'out') outs.add(f.node);
      else if (g.depth.has(f.node)) ins.add(f.node);
    }
    tWait.set(t, ins.size);
    for (const n of ins) {
      let list = consumers.get(n);
      if (!list) consumers.set(n, (list = []));
      list.push(t);
    }
    for (const n of outs) {
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
      const parts: { share: number | null; quantity: number | null; uom: string | null }[] = [];
      outs.clear();
      for (const f of flows) {
        if (f.dir === 'in') parts.push({ share: share.get(f.node) ?? (g.depth.has(f.node) ? null : 0), quantity: f.quantity, uom: f.uom });
        else outs.add(f.node);
      }
      const s = weightedShare(parts);
      tShare.set(t, s);
      for (const o of outs) {
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
export function backwardShares(root: number, g: TraceGraph): Map<number, number | null> {
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
export function forwardShareWithin(from: number, to: number, g: TraceGraph): number | null {
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

