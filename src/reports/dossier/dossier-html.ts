/**
 * The dossier as one self-contained HTML page (inline CSS, inline SVG, no script, no external
 * file): readable on screen, printable on A4, with plain-language headings for a reader who has
 * never seen Lotline. The sections and their words are shared with the PDF (dossier-sections.ts).
 */
import { layoutGenealogy } from '../drawing/genealogy-layout.js';
import { genealogySvg } from '../drawing/genealogy-svg.js';
import type { Dossier } from './dossier-data.js';
import { dossierGraph } from './dossier-graph.js';
import type { Table } from './dossier-sections.js';
import { dossierSections, footerLines, HOW_TO_CHECK, INTRO, summaryRows, TITLE } from './dossier-sections.js';

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const CSS = `
body{font-family:Helvetica,Arial,sans-serif;font-size:10pt;color:#111;margin:24px auto;max-width:1100px;padding:0 16px;line-height:1.35}
h1{font-size:17pt;margin:0 0 4px}h2{font-size:13pt;margin:22px 0 6px;border-bottom:1px solid #999;padding-bottom:2px}
p.lead{color:#333;margin:4px 0 10px}p.note{color:#444;font-style:italic;margin:4px 0}
table{border-collapse:collapse;width:100%;margin:4px 0 8px}th,td{border:1px solid #bbb;padding:3px 5px;text-align:left;vertical-align:top}
th{background:#eee;font-weight:bold}td.n{text-align:right;white-space:nowrap}tr.voided td{color:#777;text-decoration:line-through}
table.summary{width:auto}table.summary th{width:11em}
.drawing{overflow:auto;border:1px solid #ccc;padding:4px;background:#fff}.drawing svg{max-width:100%;height:auto}
.legend span{display:inline-block;margin-right:14px}.sw{display:inline-block;width:12px;height:10px;border:1px solid #555;vertical-align:middle;margin-right:4px}
footer{margin-top:26px;border-top:1px solid #999;padding-top:6px;font-size:8.5pt;color:#333}footer code{font-size:8.5pt;word-break:break-all}
@media print{body{margin:0;max-width:none;-webkit-print-color-adjust:exact;print-color-adjust:exact}.drawing{overflow:visible;border:none}.drawing svg{max-width:100%}h2{break-after:avoid}tr{break-inside:avoid}thead{display:table-header-group}}
@page{size:A4;margin:14mm}
`;

function table(t: Table): string {
  if (t.rows.length === 0) return `<p class="note">${esc(t.empty)}</p>`;
  const total = t.columns.reduce((sum, c) => sum + c.weight, 0);
  const cols = `<colgroup>${t.columns.map((c) => `<col style="width:${Math.round((1000 * c.weight) / total) / 10}%">`).join('')}</colgroup>`;
  const head = `<thead><tr>${t.columns.map((c) => `<th>${esc(c.title)}</th>`).join('')}</tr></thead>`;
  const body = t.rows
    .map((r) => `<tr${r.voided ? ' class="voided"' : ''}>${r.cells.map((c, i) => `<td${t.columns[i]?.numeric ? ' class="n"' : ''}>${esc(c).replace(/\n/g, '<br>')}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table>${cols}${head}<tbody>\n${body}\n</tbody></table>`;
}

/** The HTML page of a dossier; `hash` is its content hash (dossier-hash.ts). */
export function dossierHtml(dossier: Dossier, hash: string): string {
  const { data } = dossier;
  const drawing = layoutGenealogy(dossierGraph(data));
  const svg = genealogySvg(drawing, `Genealogy of ${data.label}`);
  const parts: string[] = [];
  parts.push(`<h1>${esc(TITLE)}: ${esc(data.label)}</h1>`, `<p class="lead">${esc(INTRO)}</p>`);
  parts.push(`<table class="summary"><tbody>${summaryRows(data).map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</tbody></table>`);
  parts.push('<h2>The genealogy at a glance</h2>');
  parts.push(
    '<p class="legend"><span><i class="sw" style="background:#e6f4ea"></i>supplier</span><span><i class="sw" style="background:#fff1a8"></i>this lot</span><span><i class="sw" style="background:#fde0dd"></i>on hold</span><span><i class="sw" style="background:#e3eefc"></i>customer</span><span>arrows: material flow, with quantities; dashed: link recorded after the fact</span></p>',
  );
  if (drawing.note) parts.push(`<p class="note">${esc(drawing.note)}</p>`);
  parts.push(`<div class="drawing">${svg}</div>`);
  for (const s of dossierSections(data)) {
    parts.push(`<h2>${esc(s.title)}</h2>`);
    if (s.lead) parts.push(`<p class="lead">${esc(s.lead)}</p>`);
    for (const t of s.tables) {
      if (t.caption) parts.push(`<p><b>${esc(t.caption)}</b></p>`);
      parts.push(table(t));
    }
  }
  parts.push(`<p class="note">${esc(HOW_TO_CHECK)}</p>`);
  const foot = footerLines(dossier, hash).map((l) => `<div>${esc(l).replace(/(sha256:[0-9a-f]{64}|[0-9a-f]{64})/g, '<code>$1</code>')}</div>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(TITLE)}: ${esc(data.label)}</title>
<meta name="lotline-content-hash" content="${hash}">
<style>${CSS}</style></head>
<body>
${parts.join('\n')}
<footer>${foot.join('\n')}</footer>
</body></html>
`;
}
