/**
 * A layered, left-to-right layout of a genealogy graph (suppliers on the left, customers on the
 * right), computed by the layered layout the web app's lot page uses too
 * (src/shared/layered-layout.ts). Pure: no I/O and no node: imports, so the web app can lay out the
 * same drawing in the browser. Text is measured by an estimate of Helvetica's widths, which both
 * renderers (SVG, PDF) use, so boxes fit their text in either.
 *
 * Past `maxNodes`, only the nodes nearest the dossier's lot are drawn (by distance in the graph);
 * each drawn node that has neighbours left out says how many, and the drawing carries a note.
 */
import { layeredLayout } from '../../shared/layered-layout.js';

export type GraphNodeKind = 'lot' | 'supplier' | 'customer';

export interface GraphNodeInput {
  readonly id: string;
  readonly kind: GraphNodeKind;
  /** Text lines, the first in bold (the item, or the party's name). */
  readonly lines: readonly string[];
  /** The lot the drawing is about. */
  readonly focus?: boolean;
  /** A lot on hold: drawn in red. */
  readonly held?: boolean;
  /** Steps from the focus: the nearest are kept when the graph is too large to draw whole. */
  readonly distance: number;
  /** The column wished for: negative before the focus, positive after (absent: next to its neighbours). */
  readonly level?: number;
}

export interface GraphEdgeInput {
  readonly from: string;
  readonly to: string;
  /** The quantity that moved along the edge, as printed. */
  readonly label: string | null;
  /** A link recorded after the fact (drawn dashed). */
  readonly retroactive?: boolean;
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface LaidOutNode extends GraphNodeInput {
  /** Top-left corner and size, in points. */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** Lines as drawn (cut to fit, plus a "more not drawn" line when neighbours are left out). */
  readonly text: readonly string[];
}

export interface LaidOutEdge extends GraphEdgeInput {
  readonly points: readonly Point[];
  /** Centre of the label. */
  readonly labelAt: Point | null;
  readonly labelWidth: number;
}

export interface GenealogyDrawing {
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly LaidOutNode[];
  readonly edges: readonly LaidOutEdge[];
  /** Nodes in the graph, and drawn. */
  readonly total: number;
  readonly drawn: number;
  /** Says what was left out, when something was. */
  readonly note: string | null;
}

export const FONT_SIZE = 8;
export const LINE_HEIGHT = 10;
export const LABEL_FONT_SIZE = 7;
const PADDING = 6;
const MAX_CHARS = 34;
/** Default node limit: beyond this a drawing on one page stops being readable. */
export const DEFAULT_MAX_NODES = 120;

/**
 * Helvetica advance widths (per 1000 em) of printable ASCII, from its AFM metrics; other
 * characters count as an average letter. Good enough to size boxes: an estimate, not a typesetter.
 */
const WIDTHS = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667,
  556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

/** Estimated width of `text` in points at `size` (bold is about 8% wider). */
export function textWidth(text: string, size: number, bold = false): number {
  let w = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)! - 32;
    w += c >= 0 && c < WIDTHS.length ? WIDTHS[c]! : 556;
  }
  return (w / 1000) * size * (bold ? 1.08 : 1);
}

function cut(text: string): string {
  return [...text].length <= MAX_CHARS ? text : `${[...text].slice(0, MAX_CHARS - 1).join('')}…`;
}

/** The nodes kept for drawing: the nearest to the focus first, ties by id (stable). */
function keep(nodes: readonly GraphNodeInput[], maxNodes: number): Set<string> {
  const sorted = [...nodes].sort((a, b) => a.distance - b.distance || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return new Set(sorted.slice(0, maxNodes).map((n) => n.id));
}

/** Lays the graph out left to right. */
export function layoutGenealogy(graph: { nodes: readonly GraphNodeInput[]; edges: readonly GraphEdgeInput[] }, options: { maxNodes?: number } = {}): GenealogyDrawing {
  const maxNodes = options.maxNodes ?? DEFAULT_MAX_NODES;
  const kept = keep(graph.nodes, maxNodes);
  const hidden = new Map<string, number>();
  for (const e of graph.edges) {
    if (kept.has(e.from) && !kept.has(e.to)) hidden.set(e.from, (hidden.get(e.from) ?? 0) + 1);
    if (kept.has(e.to) && !kept.has(e.from)) hidden.set(e.to, (hidden.get(e.to) ?? 0) + 1);
  }
  const nodes = graph.nodes.filter((n) => kept.has(n.id));
  const edges = graph.edges.filter((e) => kept.has(e.from) && kept.has(e.to) && e.from !== e.to);

  const text = new Map<string, string[]>();
  const boxes = nodes.map((n) => {
    const lines = n.lines.map(cut);
    const more = hidden.get(n.id);
    if (more) lines.push(`+${more} link(s) not drawn`);
    text.set(n.id, lines);
    const width = Math.max(70, ...lines.map((l, i) => textWidth(l, FONT_SIZE, i === 0))) + 2 * PADDING;
    return { id: n.id, width: Math.ceil(width), height: lines.length * LINE_HEIGHT + 2 * PADDING - 2, level: n.level };
  });
  const labelWidths = edges.map((e) => (e.label ? Math.ceil(textWidth(e.label, LABEL_FONT_SIZE)) + 6 : 0));
  const laid = layeredLayout(
    boxes,
    edges.map((e, i) => ({ from: e.from, to: e.to, labelWidth: labelWidths[i]! })),
    { nodeGap: 14, rankGap: 46, margin: 8, labelPad: 4 },
  );

  const laidNodes: LaidOutNode[] = nodes.map((n, i) => {
    const b = boxes[i]!;
    const c = laid.nodes[i]!;
    return { ...n, x: c.x - b.width / 2, y: c.y - b.height / 2, width: b.width, height: b.height, text: text.get(n.id)! };
  });
  const laidEdges: LaidOutEdge[] = edges.map((e, i) => {
    const l = laid.edges[i]!;
    return { ...e, points: l.points, labelAt: e.label ? l.label : null, labelWidth: labelWidths[i]! };
  });
  const total = graph.nodes.length;
  return {
    width: laid.width,
    height: laid.height,
    nodes: laidNodes,
    edges: laidEdges,
    total,
    drawn: nodes.length,
    note: nodes.length < total ? `The drawing shows the ${nodes.length} boxes nearest to this lot out of ${total}; the tables list every lot.` : null,
  };
}
