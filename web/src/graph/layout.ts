/**
 * Places the genealogy graph left to right with the layered layout the dossier uses too
 * (src/shared/layered-layout.ts): columns by signed depth — suppliers, ingredients,
 * intermediates, the lot, products, customers — in milliseconds even at a thousand boxes.
 */
import { layeredLayout } from '../../../src/shared/layered-layout.js';
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

/** Width of an edge's label at 11 px, an estimate (an average glyph is about 0.6 em). */
const labelWidth = (text: string): number => Math.ceil(text.length * 6.4);

export function layoutGraph(model: GraphModel): Layout {
  const laid = layeredLayout(
    // Parties have no level of their own: each goes next to the lots it supplied or received.
    model.nodes.map((n) => ({ id: n.id, width: NODE_WIDTH, height: NODE_HEIGHT, level: n.kind === 'lot' || n.kind === 'group' ? n.level : undefined })),
    model.edges.map((e) => ({ from: e.from, to: e.to, labelWidth: e.label ? labelWidth(e.label) : 0 })),
    { nodeGap: 14, rankGap: 120, margin: 16, labelPad: 8 },
  );
  return {
    width: laid.width,
    height: laid.height,
    nodes: model.nodes.map((n, i) => ({ ...n, x: laid.nodes[i]!.x, y: laid.nodes[i]!.y })),
    edges: model.edges.map((e, i) => {
      const { points, label } = laid.edges[i]!;
      return { ...e, points, labelX: label?.x ?? 0, labelY: label?.y ?? 0 };
    }),
  };
}
