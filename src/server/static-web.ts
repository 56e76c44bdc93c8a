/**
 * The web application's files (built by Vite into dist/web) served by the API server itself, so
 * that `lotline serve` is the whole product: no second server, no CDN. The files are read once at
 * start (a few hundred kB) and answered from memory.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { API_PREFIX } from './constants.js';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.wav': 'audio/wav',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * What the pages may load: only this origin. Inline styles are allowed because the graph sets
 * positions as style attributes; scripts are never inline.
 */
export const WEB_CSP = "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; media-src 'self' data: blob:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'";

interface WebFile {
  readonly body: Buffer;
  readonly type: string;
  /** Vite puts a content hash in every name under assets/: such a file never changes. */
  readonly immutable: boolean;
}

/** Where `npm run build` puts the pages: dist/web beside dist/src (built) or beside src (tests, tsx). */
export function defaultWebRoot(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [join(here, '..', '..', 'web'), join(here, '..', '..', 'dist', 'web')]) {
    if (existsSync(join(candidate, 'index.html'))) return candidate;
  }
  return undefined;
}

function readTree(root: string): Map<string, WebFile> {
  const files = new Map<string, WebFile>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else {
        const url = '/' + relative(root, path).split(sep).join('/');
        files.set(url, { body: readFileSync(path), type: TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream', immutable: url.startsWith('/assets/') });
      }
    }
  };
  walk(root);
  return files;
}

/** The page shown at / when the pages were never built (a checkout without `npm run build`). */
const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Lotline</title></head>
<body style="font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto">
<h1>Lotline</h1><p>The web pages are not built in this copy. Run <code>npm run build</code> and restart the server.</p>
<p>The API works meanwhile: <a href="${API_PREFIX}/docs">the API reference</a>.</p></body></html>`;

export interface StaticWeb {
  /** Answers a GET the API did not match: a file of the app, or index.html for a client route; false when it is not the app's. */
  fallback(req: FastifyRequest, reply: FastifyReply): boolean;
}

/** Serves the app at /: files by path, index.html for client routes (/lots/…), never under /api. */
export function registerStaticWeb(app: FastifyInstance, root: string | undefined): StaticWeb {
  const files = root && existsSync(root) ? readTree(root) : new Map<string, WebFile>();
  const index = files.get('/index.html');
  const send = (reply: FastifyReply, file: WebFile): void => {
    void reply
      .type(file.type)
      .header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', WEB_CSP)
      .header('referrer-policy', 'same-origin')
      .send(file.body);
  };
  const sendIndex = (reply: FastifyReply): void => {
    if (index) send(reply, index);
    else void reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(NOT_BUILT);
  };
  app.get('/', async (_req, reply) => sendIndex(reply));
  return {
    fallback: (req, reply) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return false;
      const path = decodeURIComponentSafe(req.url.split('?')[0] ?? '/');
      if (path === API_PREFIX || path.startsWith(`${API_PREFIX}/`)) return false;
      const file = files.get(path);
      if (file) {
        send(reply, file);
        return true;
      }
      // A missing asset is a 404 (a stale page after an upgrade must not get HTML as its script);
      // anything else that a browser navigates to is a page of the app, which routes it itself.
      // (Only known file types count: a lot code may well contain a dot.)
      if (path.startsWith('/assets/') || TYPES[extname(path).toLowerCase()] !== undefined) return false;
      sendIndex(reply);
      return true;
    },
  };
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
