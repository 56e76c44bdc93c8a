/**
 * The dossier as a PDF (pdfkit), drawn from the same sections as the HTML page. It uses only the
 * PDF standard fonts (Helvetica), so it renders on a machine without any font installed; those
 * fonts cover the Windows-1252 characters, so others are printed as their closest Latin letters
 * (ł → l) or `?` — the HTML dossier and the content hash keep the exact text. The genealogy
 * drawing is drawn with pdfkit's vector operations from the same layout as the SVG, on landscape
 * pages: scaled to fit one page, or cut into tiles when it would be too small to read.
 * Every page carries the footer (generation, log position, content hash) and "page N of M".
 */
import PDFDocument from 'pdfkit';
import type { GenealogyDrawing, LaidOutEdge, LaidOutNode } from '../drawing/genealogy-layout.js';
import { FONT_SIZE, LABEL_FONT_SIZE, LINE_HEIGHT, layoutGenealogy } from '../drawing/genealogy-layout.js';
import { nodeColours, PALETTE } from '../drawing/genealogy-svg.js';
import type { Dossier } from './dossier-data.js';
import { dossierGraph } from './dossier-graph.js';
import type { Table } from './dossier-sections.js';
import { dossierSections, footerLines, HOW_TO_CHECK, INTRO, summaryRows, TITLE } from './dossier-sections.js';

type Doc = PDFKit.PDFDocument;

const MARGIN = 40;
/** Room kept at the bottom of every page for the footer. */
const FOOTER_SPACE = 58;
/** Below this scale the drawing's text is too small to read: the drawing is tiled instead. */
const MIN_SCALE = 0.55;
const CELL_PAD = 3;
/**
 * A text box height for text placed in the drawing's own coordinates: pdfkit starts a new page
 * when text runs past the page's bottom unless the box has a height, and a drawing's coordinates
 * run well past the page before they are scaled down.
 */
const NO_PAGE_BREAK = 1e7;
const BODY_SIZE = 7.5;

/** Windows-1252 characters beyond Latin-1 that the standard fonts have. */
const CP1252_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
const REPLACEMENTS: Record<string, string> = { Ł: 'L', ł: 'l', Đ: 'D', đ: 'd', ı: 'i', '→': '->', '←': '<-', '≥': '>=', '≤': '<=', '≠': '!=', '✓': 'v', '−': '-' };

/** Text the standard fonts can show: Latin letters with accents kept where they have them, others approached. */
export function winAnsi(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if ((c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xff) || c === 0x0a || CP1252_EXTRA.has(ch)) out += ch;
    else if (REPLACEMENTS[ch] !== undefined) out += REPLACEMENTS[ch];
    else {
      const base = ch.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
      out += [...base].every((b) => b.codePointAt(0)! >= 0x20 && b.codePointAt(0)! <= 0x7e) && base !== '' ? base : c === 0x09 ? ' ' : '?';
    }
  }
  return out;
}

function contentBottom(doc: Doc): number {
  return doc.page.height - FOOTER_SPACE;
}

function ensureRoom(doc: Doc, height: number): void {
  if (doc.y + height > contentBottom(doc)) doc.addPage({ size: 'A4', layout: 'portrait', margin: MARGIN });
}

function heading(doc: Doc, text: string, size = 13): void {
  ensureRoom(doc, size + 40);
  doc.moveDown(0.6).font('Helvetica-Bold').fontSize(size).fillColor('#000').text(winAnsi(text), MARGIN, doc.y, { width: doc.page.width - 2 * MARGIN });
  const y = doc.y + 1;
  doc.moveTo(MARGIN, y).lineTo(doc.page.width - MARGIN, y).lineWidth(0.5).strokeColor('#888').stroke();
  doc.y = y + 4;
}

function paragraph(doc: Doc, text: string, options: { bold?: boolean; size?: number; colour?: string } = {}): void {
  doc.font(options.bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(options.size ?? 8.5).fillColor(options.colour ?? '#222');
  const width = doc.page.width - 2 * MARGIN;
  ensureRoom(doc, doc.heightOfString(winAnsi(text), { width }) + 2);
  doc.text(winAnsi(text), MARGIN, doc.y, { width });
  doc.y += 3;
}

function table(doc: Doc, t: Table): void {
  if (t.caption) paragraph(doc, t.caption, { bold: true, size: 8.5, colour: '#000' });
  if (t.rows.length === 0) {
    paragraph(doc, t.empty, { colour: '#555' });
    return;
  }
  const width = doc.page.width - 2 * MARGIN;
  const total = t.columns.reduce((s, c) => s + c.weight, 0);
  const widths = t.columns.map((c) => (c.weight / total) * width);
  const measure = (cells: readonly string[], bold: boolean): number => {
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(BODY_SIZE);
    return Math.max(...cells.map((c, i) => doc.heightOfString(winAnsi(c) || ' ', { width: widths[i]! - 2 * CELL_PAD }))) + 2 * CELL_PAD;
  };
  const drawRow = (cells: readonly string[], header: boolean, voided: boolean): void => {
    const h = measure(cells, header);
    let x = MARGIN;
    const y = doc.y;
    for (const [i, cell] of cells.entries()) {
      const w = widths[i]!;
      doc.rect(x, y, w, h).lineWidth(0.4).fillAndStroke(header ? '#e8e8e8' : '#ffffff', '#aaaaaa');
      doc.font(header ? 'Helvetica-Bold' : 'Helvetica').fontSize(BODY_SIZE).fillColor(voided ? '#888888' : '#111111');
      doc.text(winAnsi(cell), x + CELL_PAD, y + CELL_PAD, { width: w - 2 * CELL_PAD, align: t.columns[i]?.numeric && !header ? 'right' : 'left', strike: voided && !header });
      x += w;
    }
    doc.y = y + h;
  };
  const header = t.columns.map((c) => c.title);
  // A row taller than a page (a rework event with a hundred outputs) is cut to one page, and says so.
  const maxRow = doc.page.height - MARGIN - FOOTER_SPACE - measure(header, true) - 4;
  const fitted = (cells: readonly string[]): readonly string[] => {
    if (measure(cells, false) <= maxRow) return cells;
    return cells.map((c, i) => {
      const lines = c.split('\n');
      const fits = (n: number): boolean => doc.heightOfString(winAnsi(`${lines.slice(0, n).join('\n')}\n… x`), { width: widths[i]! - 2 * CELL_PAD }) + 2 * CELL_PAD <= maxRow;
      if (fits(lines.length)) return c;
      let n = lines.length - 1;
      while (n > 1 && !fits(n)) n--;
      return `${lines.slice(0, n).join('\n')}\n… and ${lines.length - n} more line(s): see the HTML dossier`;
    });
  };
  ensureRoom(doc, measure(header, true) + measure(fitted(t.rows[0]!.cells), false));
  drawRow(header, true, false);
  for (const row of t.rows) {
    const r = { ...row, cells: fitted(row.cells) };
    const h = measure(r.cells, false);
    if (doc.y + h > contentBottom(doc)) {
      doc.addPage({ size: 'A4', layout: 'portrait', margin: MARGIN });
      drawRow(header, true, false);
    }
    drawRow(r.cells, false, r.voided === true);
  }
  doc.y += 6;
}

function arrowHead(doc: Doc, from: { x: number; y: number }, to: { x: number; y: number }, colour: string): void {
  const a = Math.atan2(to.y - from.y, to.x - from.x);
  const len = 6;
  doc
    .moveTo(to.x, to.y)
    .lineTo(to.x - len * Math.cos(a - 0.4), to.y - len * Math.sin(a - 0.4))
    .lineTo(to.x - len * Math.cos(a + 0.4), to.y - len * Math.sin(a + 0.4))
    .closePath()
    .fill(colour);
}

function drawEdge(doc: Doc, e: LaidOutEdge): void {
  if (e.points.length < 2) return;
  const colour = e.retroactive ? PALETTE.retroactive : PALETTE.edge;
  const [first, ...rest] = e.points;
  doc.moveTo(first!.x, first!.y);
  for (const p of rest) doc.lineTo(p.x, p.y);
  if (e.retroactive) doc.dash(4, { space: 3 });
  doc.lineWidth(0.8).strokeColor(colour).stroke();
  if (e.retroactive) doc.undash();
  arrowHead(doc, e.points[e.points.length - 2]!, e.points[e.points.length - 1]!, colour);
  if (e.label && e.labelAt) {
    const h = LABEL_FONT_SIZE + 4;
    doc.rect(e.labelAt.x - e.labelWidth / 2, e.labelAt.y - h / 2, e.labelWidth, h).fill('#ffffff');
    doc.font('Helvetica').fontSize(LABEL_FONT_SIZE).fillColor(colour).text(winAnsi(e.label), e.labelAt.x - e.labelWidth / 2, e.labelAt.y - LABEL_FONT_SIZE / 2 - 0.5, { width: e.labelWidth, align: 'center', lineBreak: false, height: NO_PAGE_BREAK });
  }
}

function drawNode(doc: Doc, n: LaidOutNode): void {
  const c = nodeColours(n);
  (n.kind === 'lot' ? doc.rect(n.x, n.y, n.width, n.height) : doc.roundedRect(n.x, n.y, n.width, n.height, 8)).lineWidth(n.focus ? 1.6 : 0.8).fillAndStroke(c.fill, c.stroke);
  for (const [i, line] of n.text.entries()) {
    doc.font(i === 0 ? 'Helvetica-Bold' : 'Helvetica').fontSize(FONT_SIZE).fillColor(PALETTE.text).text(winAnsi(line), n.x + 6, n.y + 6 + i * LINE_HEIGHT, { lineBreak: false, height: NO_PAGE_BREAK });
  }
}

function drawGraph(doc: Doc, d: GenealogyDrawing): void {
  for (const e of d.edges) drawEdge(doc, e);
  for (const n of d.nodes) drawNode(doc, n);
}

function legend(doc: Doc, x: number, y: number): void {
  const items: [string, string, string][] = [
    ['supplier', PALETTE.supplier.fill, PALETTE.supplier.stroke],
    ['this lot', PALETTE.focus.fill, PALETTE.focus.stroke],
    ['on hold', PALETTE.held.fill, PALETTE.held.stroke],
    ['customer', PALETTE.customer.fill, PALETTE.customer.stroke],
  ];
  let cx = x;
  doc.font('Helvetica').fontSize(7.5);
  for (const [label, fill, stroke] of items) {
    doc.rect(cx, y, 11, 8).lineWidth(0.6).fillAndStroke(fill, stroke);
    doc.fillColor('#222').text(label, cx + 14, y, { lineBreak: false });
    cx += 24 + doc.widthOfString(label);
  }
  doc.fillColor('#222').text('arrows: material flow with quantities; dashed: link recorded after the fact', cx + 6, y, { lineBreak: false });
}

/** The drawing on landscape pages: whole when it fits at a readable scale, else in tiles. */
function drawingPages(doc: Doc, d: GenealogyDrawing, label: string): void {
  const page = (part: string): { x: number; y: number; w: number; h: number } => {
    doc.addPage({ size: 'A4', layout: 'landscape', margin: MARGIN });
    doc.font('Helvetica-Bold').fontSize(13).fillColor('#000').text(winAnsi(`The genealogy at a glance${part}`), MARGIN, MARGIN);
    doc.font('Helvetica').fontSize(8).fillColor('#333').text(winAnsi(`${label}: where it came from (left) and where it went (right).${d.note ? ` ${d.note}` : ''}`), MARGIN, doc.y + 2, { width: doc.page.width - 2 * MARGIN });
    legend(doc, MARGIN, doc.y + 4);
    const top = doc.y + 18;
    return { x: MARGIN, y: top, w: doc.page.width - 2 * MARGIN, h: doc.page.height - FOOTER_SPACE - top };
  };
  if (d.nodes.length === 0) return;
  // The area of a landscape A4 page below the heading, known before the page exists.
  const areaW = 842 - 2 * MARGIN;
  const areaH = 595 - FOOTER_SPACE - MARGIN - 58;
  const fit = Math.min(1.4, areaW / d.width, areaH / d.height);
  // The whole drawing on one page first, as an overview even when too small to read.
  const whole = page(fit >= MIN_SCALE ? '' : ' (overview; enlarged in parts on the next pages)');
  doc.save().translate(whole.x + (whole.w - d.width * fit) / 2, whole.y).scale(fit);
  drawGraph(doc, d);
  doc.restore();
  if (fit >= MIN_SCALE) return;
  // Tiles in the drawing's coordinates; those without a box are left out (a tall graph is mostly empty space).
  const tw = areaW / MIN_SCALE;
  const th = areaH / MIN_SCALE;
  const cols = Math.ceil(d.width / tw);
  const rows = Math.ceil(d.height / th);
  const tiles: { r: number; c: number }[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      if (d.nodes.some((n) => n.x < (c + 1) * tw && n.x + n.width > c * tw && n.y < (r + 1) * th && n.y + n.height > r * th)) tiles.push({ r, c });
    }
  }
  for (const [i, { r, c }] of tiles.entries()) {
    const a = page(` (part ${i + 1} of ${tiles.length}: row ${r + 1} of ${rows}, column ${c + 1} of ${cols})`);
    doc.save().rect(a.x, a.y, areaW, areaH).clip();
    doc.translate(a.x - c * areaW, a.y - r * areaH).scale(MIN_SCALE);
    drawGraph(doc, d);
    doc.restore();
  }
}

function footers(doc: Doc, lines: readonly string[]): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    // Writing below the bottom margin would start a new page: the footer lies in the margin.
    doc.page.margins.bottom = 0;
    const width = doc.page.width - 2 * MARGIN;
    const top = doc.page.height - FOOTER_SPACE + 10;
    doc.moveTo(MARGIN, top - 3).lineTo(doc.page.width - MARGIN, top - 3).lineWidth(0.4).strokeColor('#999').stroke();
    doc.font('Helvetica-Bold').fontSize(6.8).fillColor('#333').text(`Page ${i + 1} of ${range.count}`, MARGIN, top, { width, align: 'right', lineBreak: false });
    doc.font('Helvetica').fontSize(6.3).fillColor('#333').text(winAnsi(lines.join('\n')), MARGIN, top + 9, { width });
    doc.page.margins.bottom = bottom;
  }
}

/** The PDF file of a dossier; `hash` is its content hash (dossier-hash.ts). */
export function dossierPdf(dossier: Dossier, hash: string): Promise<Buffer> {
  const { data } = dossier;
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    info: { Title: winAnsi(`${TITLE}: ${data.label}`), Author: winAnsi(dossier.stamp.generatedBy), Subject: `content sha256 ${hash}`, Creator: 'Lotline' },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.font('Helvetica-Bold').fontSize(18).fillColor('#000').text(winAnsi(`${TITLE}: ${data.label}`), MARGIN, MARGIN);
  doc.y += 4;
  paragraph(doc, INTRO, { size: 8.5 });
  doc.y += 4;
  table(doc, { caption: null, columns: [{ title: 'About this lot', weight: 1 }, { title: '', weight: 3 }], rows: summaryRows(data).map(([k, v]) => ({ cells: [k, v] })), empty: '' });
  const sections = dossierSections(data);
  paragraph(doc, 'Contents', { bold: true, size: 10, colour: '#000' });
  paragraph(doc, ['The genealogy at a glance (a drawing, next page)', ...sections.map((s) => s.title)].map((t, i) => `${i + 1}. ${t}`).join('\n'), { colour: '#333' });
  doc.y += 4;
  paragraph(doc, HOW_TO_CHECK, { colour: '#333' });

  drawingPages(doc, layoutGenealogy(dossierGraph(data)), data.label);

  let first = true;
  for (const s of sections) {
    if (first) {
      doc.addPage({ size: 'A4', layout: 'portrait', margin: MARGIN });
      first = false;
    }
    heading(doc, s.title);
    if (s.lead) paragraph(doc, s.lead, { colour: '#333' });
    for (const t of s.tables) table(doc, t);
  }
  footers(doc, footerLines(dossier, hash));
  doc.end();
  return done;
}
