/**
 * Cross-site request forgery protection beyond SameSite=Strict: a state-changing request that a
 * browser sends from another site is refused before anything reads its body, whatever cookie it
 * carries. Browsers mark the site a request comes from (`Sec-Fetch-Site`, and `Origin` on every
 * cross-origin POST/PUT/PATCH/DELETE); a page cannot forge either. Requests with an API key are not
 * concerned (a browser never adds a key by itself), nor are clients that are not browsers: curl,
 * scripts and scanners send neither header.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LotlineError } from '../domain/errors.js';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Why a request is cross-site, or null when it is not (or when it is not a browser's). */
export function crossSiteReason(req: Pick<FastifyRequest, 'method' | 'headers'>): string | null {
  if (!UNSAFE.has(req.method)) return null;
  const h = req.headers;
  if (h.authorization !== undefined || h['x-api-key'] !== undefined) return null;
  const site = h['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') return `the browser says it comes from a ${site} page (Sec-Fetch-Site: ${site})`;
  const origin = h.origin;
  if (origin !== undefined) {
    if (origin === 'null') return 'it comes from a page without an origin (Origin: null: a sandboxed frame or a local file)';
    let host: string;
    try {
      host = new URL(origin).host;
    } catch {
      return `its Origin header is not an origin (${JSON.stringify(origin.slice(0, 100))})`;
    }
    // Behind a reverse proxy, the proxy must pass the Host header through (nginx: proxy_set_header Host $host).
    if (host !== h.host) return `it comes from the page of another origin (${origin}, this server is ${h.host ?? 'unnamed'})`;
  }
  return null;
}

export function registerCrossOriginGuard(app: FastifyInstance): void {
  app.addHook('onRequest', async (req) => {
    const reason = crossSiteReason(req);
    if (reason !== null) {
      throw new LotlineError('CSRF_REFUSED', `refused: ${reason}. Changes are accepted from Lotline's own pages, or with an API key ("Authorization: Bearer llk_…"); nothing was changed`);
    }
  });
}
