/**
 * The lot page's layout before the shared layered layout (src/shared/layered-layout.ts), kept as
 * the baseline the drawing bench compares against. Places the genealogy graph left to right with dagre (layered, crossings reduced), so that a
 * trace of hundreds of lots reads as columns: suppliers, ingredients, intermediates, the lot,
 * products, customers.
 */
import dagre from '@dagrejs/dagre';
import type { GraphModel } from '../../web/src/graph/graph-model.js';
import type { Layout } from '../../web/src/graph/layout.js';
import { NODE_HEIGHT, NODE_WIDTH } from '../../web/src/graph/layout.js';

const MARGIN = 16;

/** Where a polyline crosses x (its middle column gap), so the label lies on the line. */
function labelPoint(points: readonly { x: number; y: number }[], x: number): { x: number; y: number } {
  for (let i = 1; i < points.length; i++) {
    const p = points[i - 1]!;
    const q = points[i]!;
    if ((p.x <= x && x <= q.x) || (q.x <= x && x <= p.x)) {
      const t = q.x === p.x ? 0.5 : (x - p.x) / (q.x - p.x);
      return { x, y: p.y + t * (q.y - p.y) };
    }
  }
  return points[0] ?? { x, y: 0 };
}

export function dagreLayoutGraph(model: GraphModel): Layout {
  const g = new dagre.graphlib.Graph({ multigraph: false });
  // Edge labels are not given to dagre: as layout nodes they double the ranks and make a
  // 90-lot trace take seconds. The gap between columns holds them instead, at the edge's middle.
  g.setGraph({ rankdir: 'LR', ranksep: 150, nodesep: 14, edgesep: 6, marginx: MARGIN, marginy: MARGIN, ranker: 'tight-tree' });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of model.nodes) g.setNode(n.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const e of model.edges) {
    g.setEdge(e.from, e.to, { minlen: 1 });
  }
  dagre.layout(g);
  const graph = g.graph();
  const nodes = model.nodes.map((n) => {
    const p = g.node(n.id);
    return { ...n, x: p.x, y: p.y };
  });
  const edges = model.edges.map((e) => {
    const p = g.edge(e.from, e.to);
    const points = (p.points ?? []).map((q: { x: number; y: number }) => ({ x: q.x, y: q.y }));
    // The label sits in the gap between the two columns, on the edge.
    const a = points[0] ?? { x: 0, y: 0 };
    const b = points[points.length - 1] ?? a;
    const at = labelPoint(points, (a.x + b.x) / 2);
    return { ...e, points, labelX: at.x, labelY: at.y };
  });
  return { width: Math.ceil(graph.width ?? 0), height: Math.ceil(graph.height ?? 0), nodes, edges };
}
