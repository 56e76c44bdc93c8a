/**
 * The genealogy drawing as an SVG string (pure, for the HTML dossier and later the web app):
 * lots as boxes, the dossier's lot highlighted, held lots in red, suppliers and customers as
 * rounded end nodes, edges with the quantity that moved, links recorded after the fact dashed.
 */
import type { GenealogyDrawing, LaidOutEdge, LaidOutNode } from './genealogy-layout.js';
import { FONT_SIZE, LABEL_FONT_SIZE, LINE_HEIGHT } from './genealogy-layout.js';

/** The colours of each kind of box, shared with the PDF renderer so both read the same. */
export const PALETTE = {
  lot: { fill: '#ffffff', stroke: '#4a4a4a' },
  focus: { fill: '#fff1a8', stroke: '#9a7400' },
  held: { fill: '#fde0dd', stroke: '#b3261e' },
  supplier: { fill: '#e6f4ea', stroke: '#2e7d32' },
  customer: { fill: '#e3eefc', stroke: '#1a56a8' },
  edge: '#6b6b6b',
  retroactive: '#c25e00',
  text: '#111111',
} as const;

export function nodeColours(n: LaidOutNode): { fill: string; stroke: string } {
  if (n.focus) return PALETTE.focus;
  if (n.held) return PALETTE.held;
  return PALETTE[n.kind];
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const r1 = (n: number): string => String(Math.round(n * 10) / 10);

function node(n: LaidOutNode): string {
  const c = nodeColours(n);
  const rx = n.kind === 'lot' ? 2 : 10;
  const lines = n.text
    .map((t, i) => `<text x="${r1(n.x + 6)}" y="${r1(n.y + 6 + FONT_SIZE + i * LINE_HEIGHT - 1)}"${i === 0 ? ' font-weight="bold"' : ''}>${esc(t)}</text>`)
    .join('');
  return `<g class="node ${n.kind}${n.focus ? ' focus' : ''}${n.held ? ' held' : ''}"><rect x="${r1(n.x)}" y="${r1(n.y)}" width="${r1(n.width)}" height="${r1(n.height)}" rx="${rx}" fill="${c.fill}" stroke="${c.stroke}" stroke-width="${n.focus ? 2 : 1}"/>${lines}</g>`;
}

function edge(e: LaidOutEdge): string {
  if (e.points.length < 2) return '';
  const d = e.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${r1(p.x)},${r1(p.y)}`).join(' ');
  const colour = e.retroactive ? PALETTE.retroactive : PALETTE.edge;
  const path = `<path d="${d}" fill="none" stroke="${colour}" stroke-width="1"${e.retroactive ? ' stroke-dasharray="4 3"' : ''} marker-end="url(#${e.retroactive ? 'arrow-retro' : 'arrow'})"/>`;
  if (!e.label || !e.labelAt) return `<g class="edge">${path}</g>`;
  const w = e.labelWidth;
  const h = LABEL_FONT_SIZE + 4;
  const label = `<rect x="${r1(e.labelAt.x - w / 2)}" y="${r1(e.labelAt.y - h / 2)}" width="${r1(w)}" height="${r1(h)}" fill="#ffffff" opacity="0.9"/><text x="${r1(e.labelAt.x)}" y="${r1(e.labelAt.y + LABEL_FONT_SIZE / 2 - 1)}" font-size="${LABEL_FONT_SIZE}" text-anchor="middle" fill="${colour}">${esc(e.label)}</text>`;
  return `<g class="edge${e.retroactive ? ' retroactive' : ''}">${path}${label}</g>`;
}

/** The SVG element (no XML prolog, to inline into HTML); `title` is read by screen readers. */
export function genealogySvg(d: GenealogyDrawing, title: string): string {
  const marker = (id: string, colour: string): string =>
    `<marker id="${id}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${colour}"/></marker>`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 ${d.width} ${d.height}" width="${d.width}" height="${d.height}" font-family="Helvetica, Arial, sans-serif" font-size="${FONT_SIZE}" fill="${PALETTE.text}">`,
    `<title>${esc(title)}</title>`,
    `<defs>${marker('arrow', PALETTE.edge)}${marker('arrow-retro', PALETTE.retroactive)}</defs>`,
    ...d.edges.map(edge),
    ...d.nodes.map(node),
    '</svg>',
  ].join('');
}
