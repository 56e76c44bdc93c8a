/**
 * Places the genealogy graph left to right with dagre (layered, crossings reduced), so that a
 * trace of hundreds of lots reads as columns: suppliers, ingredients, intermediates, the lot,
 * products, customers.
 */
import dagre from '@dagrejs/dagre';
import type { GraphEdge, GraphModel, GraphNode } from './graph-model.js';

export const NODE_WIDTH = 240;
export const NODE_HEIGHT = 46;

export interface PlacedNode extends GraphNode {
  /** Centre. */
  readonly x: number;
  readonly y: number;
}

export interface PlacedEdge extends GraphEdge {
  readonly points: readonly { x: number; y: number }[];
  /** Where the quantity label sits. */
  readonly labelX: number;
  readonly labelY: number;
}

export interface Layout {
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly PlacedEdge[];
}

const MARGIN = 16;

export function layoutGraph(model: GraphModel): Layout {
  const g = new dagre.graphlib.Graph({ multigraph: false });
  g.setGraph({ rankdir: 'LR', ranksep: 110, nodesep: 12, edgesep: 6, marginx: MARGIN, marginy: MARGIN, ranker: 'network-simplex' });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of model.nodes) g.setNode(n.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const e of model.edges) {
    // The quantity label takes room in the layout so that labels do not sit on nodes.
    g.setEdge(e.from, e.to, { width: Math.min(7 * e.label.length, 170), height: 14, labelpos: 'c', minlen: 1 });
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
    return { ...e, points, labelX: p.x ?? points[0]?.x ?? 0, labelY: p.y ?? points[0]?.y ?? 0 };
  });
  return { width: Math.ceil(graph.width ?? 0), height: Math.ceil(graph.height ?? 0), nodes, edges };
}
