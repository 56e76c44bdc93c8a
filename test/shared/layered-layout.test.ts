/** The shared layered layout: columns by level, edges pointing right, boxes apart, long edges between boxes, cycles drawn. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LayerEdge, LayerNode, LayeredLayout } from '../../src/shared/layered-layout.js';
import { layeredLayout } from '../../src/shared/layered-layout.js';

const OPTIONS = { nodeGap: 10, rankGap: 40, margin: 8 };
const box = (id: string, level?: number, height = 20): LayerNode => ({ id, width: 60, height, level });

/** Boxes of one column do not overlap (with the gap), and every box lies inside the drawing. */
function expectApart(nodes: readonly LayerNode[], laid: LayeredLayout): void {
  const placed = nodes.map((n, i) => ({ ...n, ...laid.nodes[i]! }));
  const wrong: string[] = [];
  for (const a of placed) {
    if (a.x - a.width / 2 < 0 || a.y - a.height / 2 < 0 || a.x + a.width / 2 > laid.width || a.y + a.height / 2 > laid.height) wrong.push(`${a.id} outside the drawing`);
    for (const b of placed) {
      if (a === b) continue;
      const apart = a.x + a.width / 2 <= b.x - b.width / 2 || b.x + b.width / 2 <= a.x - a.width / 2 || Math.abs(a.y - b.y) >= (a.height + b.height) / 2 + OPTIONS.nodeGap - 1e-6;
      if (!apart) wrong.push(`${a.id} and ${b.id} overlap`);
    }
  }
  expect(wrong).toEqual([]);
}

/** The number of pairs of edges that cross between two adjacent columns (one-column edges only). */
function crossings(laid: LayeredLayout): number {
  const segs = laid.edges.filter((e) => e.points.length === 2).map((e) => e.points);
  let k = 0;
  for (let i = 0; i < segs.length; i++)
    for (let j = i + 1; j < segs.length; j++) {
      const [a, b] = [segs[i]!, segs[j]!];
      if (a[0]!.x !== b[0]!.x) continue;
      if ((a[0]!.y - b[0]!.y) * (a[1]!.y - b[1]!.y) < 0) k++;
    }
  return k;
}

describe('layeredLayout', () => {
  it('puts each level in its own column, left to right, edges from the right side of a box to the left side of the next', () => {
    const nodes = [box('root', 0), box('in1', -1), box('in2', -1), box('grand', -2), box('out', 1)];
    const edges: LayerEdge[] = [
      { from: 'grand', to: 'in1' },
      { from: 'in1', to: 'root' },
      { from: 'in2', to: 'root' },
      { from: 'root', to: 'out' },
    ];
    const laid = layeredLayout(nodes, edges, OPTIONS);
    const x = (id: string) => laid.nodes[nodes.findIndex((n) => n.id === id)]!.x;
    expect(x('grand')).toBeLessThan(x('in1'));
    expect(x('in1')).toBe(x('in2'));
    expect(x('in2')).toBeLessThan(x('root'));
    expect(x('root')).toBeLessThan(x('out'));
    expect(laid.nodes.map((n) => n.rank)).toEqual([2, 1, 1, 0, 3]);
    laid.edges.forEach((e, i) => {
      const from = nodes.findIndex((n) => n.id === edges[i]!.from);
      const to = nodes.findIndex((n) => n.id === edges[i]!.to);
      expect(e.points[0]).toEqual({ x: laid.nodes[from]!.x + 30, y: laid.nodes[from]!.y });
      expect(e.points.at(-1)).toEqual({ x: laid.nodes[to]!.x - 30, y: laid.nodes[to]!.y });
    });
    expectApart(nodes, laid);
    // a chain in-line: the grandparent sits level with the input it feeds
    expect(laid.nodes[3]!.y).toBeCloseTo(laid.nodes[1]!.y, 6);
  });

  it('places a node without a level next to its neighbours: a supplier one column left of its lot, a customer one right', () => {
    const nodes = [box('root', 0), box('in', -1), box('deep', -3), box('mid', -2), box('supplier'), box('customer')];
    const edges: LayerEdge[] = [
      { from: 'deep', to: 'mid' },
      { from: 'mid', to: 'in' },
      { from: 'in', to: 'root' },
      { from: 'supplier', to: 'in' },
      { from: 'root', to: 'customer' },
    ];
    const r = layeredLayout(nodes, edges, OPTIONS).nodes.map((n) => n.rank);
    expect(r).toEqual([3, 2, 0, 1, 1, 4]);
  });

  it('moves an ancestor left when it feeds both the lot and a deeper ancestor, so every edge points right', () => {
    // "a" went into the lot (depth 1) and into "b" (depth 2), which went into the lot as well
    const nodes = [box('root', 0), box('a', -1), box('b', -2)];
    const edges: LayerEdge[] = [
      { from: 'a', to: 'root' },
      { from: 'a', to: 'b' },
      { from: 'b', to: 'root' },
    ];
    const laid = layeredLayout(nodes, edges, OPTIONS);
    const [root, a, b] = laid.nodes;
    expect(a!.x).toBeLessThan(b!.x);
    expect(b!.x).toBeLessThan(root!.x);
    for (const e of laid.edges) expect(e.points.at(-1)!.x).toBeGreaterThan(e.points[0]!.x);
  });

  it('routes a long edge through each column it crosses beside the boxes there, not through them', () => {
    const nodes = [box('a', 0), box('b1', 1, 40), box('b2', 1, 40), box('b3', 1, 40), box('c', 2)];
    const edges: LayerEdge[] = [
      { from: 'a', to: 'b1' },
      { from: 'a', to: 'b2' },
      { from: 'a', to: 'b3' },
      { from: 'b2', to: 'c' },
      { from: 'a', to: 'c' },
    ];
    const laid = layeredLayout(nodes, edges, OPTIONS);
    const long = laid.edges[4]!;
    expect(long.points).toHaveLength(4);
    const [, p, q] = long.points;
    expect(p!.y).toBe(q!.y);
    for (const i of [1, 2, 3]) {
      const n = laid.nodes[i]!;
      expect(Math.abs(p!.y - n.y)).toBeGreaterThanOrEqual(20);
    }
  });

  it('draws a rework loop: one edge against the flow, its arrow still at its own target', () => {
    const nodes = [box('a', 0), box('b', 1), box('c', 2)];
    const edges: LayerEdge[] = [
      { from: 'a', to: 'b' },
      { from: 'b', to: 'c' },
      { from: 'c', to: 'a' },
    ];
    const laid = layeredLayout(nodes, edges, OPTIONS);
    expect(laid.nodes.map((n) => n.rank)).toEqual([0, 1, 2]);
    const back = laid.edges[2]!;
    expect(back.points[0]!.x).toBeGreaterThan(back.points.at(-1)!.x);
    expect(back.points.at(-1)!.y).toBe(laid.nodes[0]!.y);
  });

  it('untangles crossings that the input order makes', () => {
    // inputs given in the opposite order to the outputs they feed
    const nodes = ['x1', 'x2', 'x3', 'x4'].map((id) => box(id, 0)).concat(['y1', 'y2', 'y3', 'y4'].map((id) => box(id, 1)));
    const edges: LayerEdge[] = [
      { from: 'x1', to: 'y4' },
      { from: 'x2', to: 'y3' },
      { from: 'x3', to: 'y2' },
      { from: 'x4', to: 'y1' },
    ];
    expect(crossings(layeredLayout(nodes, edges, { ...OPTIONS, sweeps: 0 }))).toBe(6);
    expect(crossings(layeredLayout(nodes, edges, OPTIONS))).toBe(0);
  });

  it('widens a gap to hold its widest label, and puts each label on its line inside the gap', () => {
    const nodes = [box('a', 0), box('b', 1), box('c', 1)];
    const edges: LayerEdge[] = [
      { from: 'a', to: 'b', labelWidth: 100 },
      { from: 'a', to: 'c', labelWidth: 10 },
    ];
    const laid = layeredLayout(nodes, edges, { ...OPTIONS, labelPad: 5 });
    const gap = laid.nodes[1]!.x - 30 - (laid.nodes[0]!.x + 30);
    expect(gap).toBe(110);
    for (const e of laid.edges) {
      const [p, q] = [e.points[0]!, e.points.at(-1)!];
      expect(e.label!.x).toBe((p.x + q.x) / 2);
      expect(e.label!.y).toBeCloseTo((p.y + q.y) / 2, 6);
    }
  });

  it('skips self-loops and edges to unknown boxes, keeping the rest in the input order', () => {
    const laid = layeredLayout([box('a', 0), box('b', 1)], [{ from: 'a', to: 'a' }, { from: 'a', to: 'zz' }, { from: 'a', to: 'b' }], OPTIONS);
    expect(laid.edges.map((e) => e.points.length)).toEqual([0, 0, 2]);
    expect(layeredLayout([], [], OPTIONS)).toEqual({ width: 16, height: 0, nodes: [], edges: [] });
  });

  it('for any graph: every edge ends at its own boxes, and boxes of a column never overlap', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 25 }).chain((n) =>
          fc.tuple(
            fc.array(fc.option(fc.integer({ min: -4, max: 4 }), { nil: undefined }), { minLength: n, maxLength: n }),
            fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 3 * n }),
            fc.array(fc.integer({ min: 10, max: 60 }), { minLength: n, maxLength: n }),
          ),
        ),
        ([levels, pairs, heights]) => {
          const nodes = levels.map((level, i) => box(`n${i}`, level, heights[i]));
          const edges = pairs.map(([a, b]) => ({ from: `n${a}`, to: `n${b}` }));
          const laid = layeredLayout(nodes, edges, OPTIONS);
          expectApart(nodes, laid);
          laid.edges.forEach((e, i) => {
            const [a, b] = pairs[i]!;
            if (a === b) return expect(e.points).toHaveLength(0);
            const from = laid.nodes[a]!;
            const to = laid.nodes[b]!;
            expect(e.points[0]!.y).toBeCloseTo(from.y, 6);
            expect(e.points.at(-1)!.y).toBeCloseTo(to.y, 6);
            expect(Math.abs(e.points[0]!.x - from.x)).toBe(30);
            expect(Math.abs(e.points.at(-1)!.x - to.x)).toBe(30);
          });
        },
      ),
      { numRuns: 100 },
    );
  });
});
