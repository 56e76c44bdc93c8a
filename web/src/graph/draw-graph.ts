/**
 * Draws a laid-out genealogy as SVG. Colours and fonts are attributes on the elements, not CSS
 * classes, so that the exported SVG (and the PNG made from it) looks the same outside the page.
 */
import { s } from '../dom.js';
import { groupStatus } from './graph-model.js';
import type { Layout, PlacedNode } from './layout.js';
import { NODE_HEIGHT, NODE_WIDTH } from './layout.js';

/** Fill and border by what a node is; contrast ≥ 4.5:1 for the text on each fill. */
const LOOK = {
  root: { fill: '#1d3557', stroke: '#1d3557', text: '#ffffff' },
  lot: { fill: '#ffffff', stroke: '#5c6b7a', text: '#1d2430' },
  supplier: { fill: '#e8f1e4', stroke: '#3c7a2e', text: '#1d2430' },
  customer: { fill: '#fdf0e0', stroke: '#a35d00', text: '#1d2430' },
  group: { fill: '#eef2f7', stroke: '#5c6b7a', text: '#1d2430' },
  held: { fill: '#fff4cc', stroke: '#b07d00', text: '#1d2430' },
  recalled: { fill: '#fde2e2', stroke: '#b3261e', text: '#1d2430' },
} as const;

export interface DrawOptions {
  /** Status of the lots whose status is known (held and recalled lots are coloured). */
  readonly status?: ReadonlyMap<string, string>;
  /** Called when a lot is chosen (click, Enter): the page re-centres on it. */
  readonly onChoose?: (node: PlacedNode) => void;
  /** Called when a group box is opened (click, Enter): the page draws its lots in its place. */
  readonly onExpand?: (node: PlacedNode) => void;
}

/** A group's colour and second line: held or recalled when any of its lots is. */
function groupLook(n: PlacedNode, status: ReadonlyMap<string, string> | undefined) {
  const st = groupStatus(n.members ?? [], status ?? new Map());
  return { look: st.recalled ? LOOK.recalled : st.held ? LOOK.held : LOOK.group, detail: st.text ? `${n.detail} · ${st.text}` : n.detail };
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function drawGraph(layout: Layout, options: DrawOptions = {}): SVGSVGElement {
  const svg = s('svg', {
    xmlns: 'http://www.w3.org/2000/svg',
    viewBox: `0 0 ${layout.width} ${layout.height}`,
    width: layout.width,
    height: layout.height,
    role: 'group',
    'aria-label': `Genealogy graph: ${layout.nodes.length} nodes, ${layout.edges.length} links`,
    'font-family': 'system-ui, -apple-system, Segoe UI, Roboto, sans-serif',
    class: 'genealogy',
  });
  svg.append(
    s('defs', {}, s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, s('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#5c6b7a' }))),
    s('rect', { x: 0, y: 0, width: layout.width, height: layout.height, fill: '#ffffff' }),
  );
  const edgeLayer = s('g', { 'aria-hidden': 'true' });
  for (const e of layout.edges) {
    const d = e.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
    edgeLayer.append(
      s(
        'g',
        { class: 'edge' },
        s('title', {}, e.title),
        s('path', { d, fill: 'none', stroke: e.retroactive ? '#7b3fa0' : '#8895a3', 'stroke-width': 1.4, 'stroke-dasharray': e.retroactive ? '5 3' : undefined, 'marker-end': 'url(#arrow)' }),
        e.label ? s('text', { x: e.labelX, y: e.labelY + 4, 'text-anchor': 'middle', 'font-size': 11, fill: '#3a4552', stroke: '#ffffff', 'stroke-width': 3, 'paint-order': 'stroke' }, e.label) : null,
      ),
    );
  }
  svg.append(edgeLayer);
  const nodeLayer = s('g', {});
  for (const n of layout.nodes) {
    if (n.kind === 'group') {
      nodeLayer.append(drawGroup(n, options));
      continue;
    }
    const status = n.ref ? options.status?.get(n.id) : undefined;
    const look = n.root ? LOOK.root : n.kind === 'lot' && status === 'recalled' ? LOOK.recalled : n.kind === 'lot' && status === 'on_hold' ? LOOK.held : LOOK[n.kind];
    const x = n.x - NODE_WIDTH / 2;
    const y = n.y - NODE_HEIGHT / 2;
    const chosen = n.kind === 'lot' && !n.root && options.onChoose;
    const g = s(
      'g',
      {
        class: `node node-${n.kind}${n.root ? ' node-root' : ''}`,
        'data-id': n.id,
        'data-detail': n.detail,
        'data-label': n.label,
        // A lot to open is named by its <title> (what it shows, the status in words): an
        // aria-label differing from the drawn text would hide that text from voice control.
        ...(chosen ? { tabindex: 0, role: 'link', cursor: 'pointer' } : { role: 'img', 'aria-label': `${n.label}, ${n.detail}` }),
      },
      s('title', {}, chosen ? linkTitle(n.label, n.detail, status) : `${n.label}\n${n.detail}${status ? `\nstatus: ${status}` : ''}`),
      s('rect', { x, y, width: NODE_WIDTH, height: NODE_HEIGHT, rx: n.kind === 'lot' ? 4 : 14, fill: look.fill, stroke: look.stroke, 'stroke-width': n.root ? 2.5 : 1.3 }),
      s('text', { x: x + 8, y: y + 19, 'font-size': 12, 'font-weight': 600, fill: look.text }, clip(n.label, 31)),
      s('text', { x: x + 8, y: y + 36, 'font-size': 11.5, fill: look.text }, clip(status && n.kind === 'lot' ? `${n.detail} · ${status.replace(/_/g, ' ')}` : n.detail, 36)),
    );
    if (chosen) {
      g.addEventListener('click', () => options.onChoose!(n));
      g.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter' || ev.key === ' ') {
          ev.preventDefault();
          options.onChoose!(n);
        }
      });
    }
    nodeLayer.append(g);
  }
  svg.append(nodeLayer);
  return svg;
}

/** A group of lots: a stack of boxes that opens on a click or Enter. */
function drawGroup(n: PlacedNode, options: DrawOptions): SVGGElement {
  const { look, detail } = groupLook(n, options.status);
  const x = n.x - NODE_WIDTH / 2;
  const y = n.y - NODE_HEIGHT / 2;
  const g = s(
    'g',
    { class: 'node node-group', 'data-id': n.id, 'data-count': n.members?.length ?? 0, tabindex: 0, role: 'button', 'aria-expanded': 'false', 'aria-label': `${n.label}, ${detail}: show each lot`, cursor: 'pointer' },
    s('title', {}, `${n.label}\n${detail}\nclick to show each lot`),
    s('rect', { x: x + 6, y: y - 5, width: NODE_WIDTH - 6, height: NODE_HEIGHT, rx: 4, fill: look.fill, stroke: look.stroke, 'stroke-width': 1, class: 'stack' }),
    s('rect', { x, y, width: NODE_WIDTH, height: NODE_HEIGHT, rx: 4, fill: look.fill, stroke: look.stroke, 'stroke-width': 1.6 }),
    s('text', { x: x + 8, y: y + 19, 'font-size': 12, 'font-weight': 700, fill: look.text }, clip(`▸ ${n.label}`, 31)),
    s('text', { x: x + 8, y: y + 36, 'font-size': 11.5, fill: look.text }, clip(detail, 36)),
  );
  const open = options.onExpand;
  if (open) {
    g.addEventListener('click', () => open(n));
    g.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' || ev.key === ' ') {
        ev.preventDefault();
        open(n);
      }
    });
  }
  return g;
}

/** Repaints a group box once more of its lots' statuses are known. */
export function paintGroup(svg: SVGSVGElement, n: PlacedNode, status: ReadonlyMap<string, string>): void {
  const g = [...svg.querySelectorAll<SVGGElement>('g.node-group')].find((el) => el.dataset['id'] === n.id);
  if (!g) return;
  const { look, detail } = groupLook(n, status);
  for (const rect of g.querySelectorAll('rect')) {
    rect.setAttribute('fill', look.fill);
    rect.setAttribute('stroke', look.stroke);
  }
  const line = g.querySelectorAll('text')[1];
  if (line) line.textContent = clip(detail, 36);
  g.setAttribute('aria-label', `${n.label}, ${detail}: show each lot`);
  const title = g.querySelector('title');
  if (title) title.textContent = `${n.label}\n${detail}\nclick to show each lot`;
}

/** Colours one drawn lot by its status once it is known, without laying the graph out again. */
export function paintStatus(svg: SVGSVGElement, id: string, status: string): void {
  const g = [...svg.querySelectorAll<SVGGElement>('g.node-lot')].find((n) => n.dataset['id'] === id);
  if (!g || g.classList.contains('node-root')) return;
  const look = status === 'recalled' ? LOOK.recalled : status === 'on_hold' ? LOOK.held : LOOK.lot;
  const rect = g.querySelector('rect');
  rect?.setAttribute('fill', look.fill);
  rect?.setAttribute('stroke', look.stroke);
  const detail = g.querySelectorAll('text')[1];
  if (detail && g.dataset['detail']) detail.textContent = clip(`${g.dataset['detail']} · ${status.replace(/_/g, ' ')}`, 36);
  const title = g.querySelector('title');
  const { label, detail: shown } = g.dataset;
  if (title && label && shown && g.getAttribute('role') === 'link') title.textContent = linkTitle(label, shown, status);
}

/** The name of a lot one can open: its drawn label and detail, its status in words, and what Enter does. */
function linkTitle(label: string, detail: string, status: string | undefined): string {
  return `${label}, ${detail}${status ? `, ${status.replace(/_/g, ' ')}` : ''}: open this lot`;
}

/** The drawing as a standalone SVG file. */
export function svgText(svg: SVGSVGElement): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttribute('width', copy.viewBox.baseVal.width.toString());
  copy.setAttribute('height', copy.viewBox.baseVal.height.toString());
  copy.removeAttribute('style');
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}`;
}

/** The drawing as a PNG (at twice its size, sharp when printed), through a canvas. */
export async function pngBlob(svg: SVGSVGElement, scale = 2): Promise<Blob> {
  const text = svgText(svg);
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('the browser could not render the drawing as an image'));
      img.src = url;
    });
    const w = svg.viewBox.baseVal.width;
    const hgt = svg.viewBox.baseVal.height;
    // Browsers cap canvas size (about 16k px a side, 268M px in all): a huge graph is exported smaller.
    const k = Math.min(scale, 16000 / Math.max(w, 1), 16000 / Math.max(hgt, 1), Math.sqrt(200e6 / Math.max(w * hgt, 1)));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(w * k));
    canvas.height = Math.max(1, Math.round(hgt * k));
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('the browser has no 2D canvas');
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the browser could not encode the PNG'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Offers a file for download. */
export function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
