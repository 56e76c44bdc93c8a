/** The OpenAPI document and a browsable, self-contained reference page (no CDN: it renders the document itself). */
import { z } from 'zod';
import type { Api } from '../app.js';
import { API_PREFIX } from '../constants.js';
import { openApiDocument } from '../openapi.js';

export const API_VERSION = '0.1.0';

export function registerDocsRoutes(api: Api): void {
  let doc: Record<string, unknown> | undefined;
  api.route({
    method: 'GET',
    url: '/openapi.json',
    tag: 'reference',
    summary: 'This API as an OpenAPI 3.1 document',
    permission: 'public',
    responses: { 200: { description: 'The OpenAPI document', schema: z.record(z.string(), z.unknown()) } },
    // Built once, after every route is registered (this route is the last but one).
    handler: async () => (doc ??= openApiDocument(api.registry, { version: API_VERSION })),
  });
  api.route({
    method: 'GET',
    url: '/docs',
    tag: 'reference',
    summary: 'The browsable API reference (HTML)',
    permission: 'public',
    responses: { 200: { description: 'An HTML page', contentType: 'text/html' } },
    handler: async ({ reply }) => {
      void reply.type('text/html; charset=utf-8').header('content-security-policy', "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'");
      return REFERENCE_PAGE;
    },
  });
}

const REFERENCE_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Lotline API reference</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d2430;background:#f7f8fa}
header{background:#1d3557;color:#fff;padding:1rem 2rem}header h1{margin:0;font-size:1.4rem}
main{max-width:1100px;margin:0 auto;padding:1rem 2rem}
nav a{margin-right:1rem}
section.op{background:#fff;border:1px solid #dde2ea;border-radius:6px;margin:.6rem 0}
section.op>summary{cursor:pointer;padding:.6rem .8rem;list-style:none;display:flex;gap:.8rem;align-items:baseline}
.m{font:600 12px monospace;padding:.15rem .45rem;border-radius:3px;color:#fff;min-width:3.6rem;text-align:center}
.get{background:#2a7ab0}.post{background:#2f9e44}.patch{background:#d08700}.delete{background:#c92a2a}
code,pre{font-family:ui-monospace,monospace;font-size:13px}pre{background:#f1f3f6;padding:.6rem;overflow:auto;border-radius:4px;max-height:22rem}
.body{padding:0 1rem 1rem}.perm{margin-left:auto;font-size:12px;color:#55606e}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #e6e9ef;padding:.3rem .4rem;text-align:left;vertical-align:top}
h2{margin-top:1.6rem;text-transform:capitalize}
</style></head>
<body><header><h1>Lotline API reference</h1><div id="sub">loading ${API_PREFIX}/openapi.json …</div></header>
<main><p>Every route is under <code>${API_PREFIX}</code>. Authenticate with <code>Authorization: Bearer llk_…</code> (an API key) or sign in with
<code>POST ${API_PREFIX}/session</code> (a cookie). Errors are <code>application/problem+json</code> with a stable <code>code</code>.
The machine-readable document: <a href="${API_PREFIX}/openapi.json">openapi.json</a>.</p><nav id="nav"></nav><div id="ops"></div></main>
<script>
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
fetch('${API_PREFIX}/openapi.json').then((r) => r.json()).then((doc) => {
  document.getElementById('sub').textContent = doc.info.title + ' ' + doc.info.version + ' — OpenAPI ' + doc.openapi;
  const byTag = {};
  for (const [path, ops] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(ops)) (byTag[op.tags[0]] ??= []).push({ path, method, op });
  let html = '';
  for (const [tag, ops] of Object.entries(byTag)) {
    html += '<h2 id="' + esc(tag) + '">' + esc(tag) + '</h2>';
    for (const { path, method, op } of ops) {
      html += '<details class="op"><summary><span class="m ' + method + '">' + method.toUpperCase() + '</span><code>' + esc(path) + '</code> ' + esc(op.summary) + '<span class="perm">' + esc(op['x-lotline-permission']) + '</span></summary><div class="body">';
      if (op.description) html += '<p>' + esc(op.description) + '</p>';
      if (op.parameters) {
        html += '<table><tr><th>parameter</th><th>in</th><th>schema</th><th>description</th></tr>';
        for (const p of op.parameters) html += '<tr><td><code>' + esc(p.name) + '</code>' + (p.required ? ' *' : '') + '</td><td>' + esc(p.in) + '</td><td><code>' + esc(JSON.stringify(p.schema)) + '</code></td><td>' + esc(p.description) + '</td></tr>';
        html += '</table>';
      }
      if (op.requestBody) for (const [ct, c] of Object.entries(op.requestBody.content)) html += '<p>Body (<code>' + esc(ct) + '</code>):</p><pre>' + esc(JSON.stringify(c.schema, null, 2)) + '</pre>';
      html += '<table><tr><th>status</th><th>meaning</th></tr>';
      for (const [status, r] of Object.entries(op.responses)) html += '<tr><td>' + esc(status) + '</td><td>' + esc(r.description) + '</td></tr>';
      html += '</table></div></details>';
    }
  }
  document.getElementById('nav').innerHTML = Object.keys(byTag).map((t) => '<a href="#' + esc(t) + '">' + esc(t) + '</a>').join('');
  document.getElementById('ops').innerHTML = html;
}).catch((e) => { document.getElementById('sub').textContent = 'could not load the API document: ' + e; });
</script></body></html>`;
