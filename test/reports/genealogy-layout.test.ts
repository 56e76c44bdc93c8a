/** The genealogy drawing's layout and SVG: left to right, boxes apart, large graphs cut to the nearest boxes with a note. */
import { describe, expect, it } from 'vitest';
import type { GraphEdgeInput, GraphNodeInput } from '../../src/reports/drawing/genealogy-layout.js';
import { layoutGenealogy, textWidth } from '../../src/reports/drawing/genealogy-layout.js';
import { genealogySvg } from '../../src/reports/drawing/genealogy-svg.js';

const lot = (id: string, distance: number, extra: Partial<GraphNodeInput> = {}): GraphNodeInput => ({ id, kind: 'lot', lines: [id, 'lot X'], distance, ...extra });

describe('layoutGenealogy', () => {
  it('lays a chain out left to right, boxes apart, edges with points and their quantity label', () => {
    const nodes = [
      { id: 'sup', kind: 'supplier' as const, lines: ['Valley Mills', 'supplier'], distance: 3 },
      lot('flour', 2),
      lot('dough', 1),
      lot('biscuit', 0, { focus: true }),
      { id: 'cust', kind: 'customer' as const, lines: ['FreshMart <DC> & Co', 'customer'], distance: 1 },
    ];
    const edges: GraphEdgeInput[] = [
      { from: 'sup', to: 'flour', label: '1000 KGM' },
      { from: 'flour', to: 'dough', label: '300 KGM' },
      { from: 'dough', to: 'biscuit', label: '400 KGM', retroactive: true },
      { from: 'biscuit', to: 'cust', label: '960 EA' },
    ];
    const d = layoutGenealogy({ nodes, edges });
    const x = (id: string) => d.nodes.find((n) => n.id === id)!.x;
    expect(x('sup')).toBeLessThan(x('flour'));
    expect(x('flour')).toBeLessThan(x('dough'));
    expect(x('dough')).toBeLessThan(x('biscuit'));
    expect(x('biscuit')).toBeLessThan(x('cust'));
    for (const a of d.nodes) {
      expect(a.width).toBeGreaterThanOrEqual(Math.max(...a.text.map((t, i) => textWidth(t, 8, i === 0))));
      for (const b of d.nodes) if (a !== b) expect(a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y).toBe(true);
    }
    expect(d.edges.every((e) => e.points.length >= 2 && e.labelAt !== null)).toBe(true);
    expect(d.note).toBeNull();
    const svg = genealogySvg(d, 'Genealogy of "biscuit"');
    expect(svg).toContain('FreshMart &lt;DC&gt; &amp; Co');
    expect(svg).toContain('<title>Genealogy of &quot;biscuit&quot;</title>');
    expect(svg).toContain('stroke-dasharray');
    expect(svg.match(/<text/g)!.length).toBe(5 * 2 + 4);
  });

  it('draws a few hundred lots as the boxes nearest the focus, and says what it left out', () => {
    // the focus made 20 lots, each shipped to 15 customers: 321 boxes
    const nodes: GraphNodeInput[] = [lot('root', 0, { focus: true })];
    const edges: GraphEdgeInput[] = [];
    for (let i = 0; i < 20; i++) {
      nodes.push(lot(`fg${i}`, 1));
      edges.push({ from: 'root', to: `fg${i}`, label: '10 KGM' });
      for (let c = 0; c < 15; c++) {
        nodes.push({ id: `c${i}-${c}`, kind: 'customer', lines: [`Customer ${i}-${c}`], distance: 2 });
        edges.push({ from: `fg${i}`, to: `c${i}-${c}`, label: '5 EA' });
      }
    }
    const d = layoutGenealogy({ nodes, edges }, { maxNodes: 100 });
    expect(d).toMatchObject({ total: 321, drawn: 100 });
    expect(d.note).toBe('The drawing shows the 100 boxes nearest to this lot out of 321; the tables list every lot.');
    const ids = new Set(d.nodes.map((n) => n.id));
    // every lot one step away is drawn before any customer
    for (let i = 0; i < 20; i++) expect(ids.has(`fg${i}`)).toBe(true);
    const cut = d.nodes.filter((n) => n.text.some((t) => /^\+\d+ link\(s\) not drawn$/.test(t)));
    expect(cut.length).toBeGreaterThan(0);
    const hidden = cut.reduce((s, n) => s + Number(/^\+(\d+)/.exec(n.text[n.text.length - 1]!)![1]), 0);
    expect(hidden).toBe(321 - 100);
    expect(d.edges.every((e) => ids.has(e.from) && ids.has(e.to))).toBe(true);
  });
});
