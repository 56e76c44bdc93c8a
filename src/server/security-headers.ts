/**
 * Security headers on every answer, API and web pages alike, errors and the live stream included.
 * They are set on the raw response when the request arrives, so that a route's own value (the
 * pages' CSP, a file's cache lifetime, the stream's `no-cache`) takes precedence: Node merges the
 * headers of `setHeader` with those written by `writeHead`, which win.
 */
import type { FastifyInstance } from 'fastify';
import { API_PREFIX } from './constants.js';
import { WEB_CSP } from './static-web.js';

/**
 * API answers are data, never a page: nothing may load from them, frame them or submit to them.
 * (The API reference page at /docs sets its own, as do the web pages.)
 */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** One year: the browser keeps to HTTPS for that long after one answer over HTTPS. */
const HSTS = 'max-age=31536000';

export interface SecurityHeaderOptions {
  /** The session cookie is Secure, so the server is behind HTTPS: send Strict-Transport-Security. */
  readonly secureCookies: boolean;
}

/** The headers an answer to `url` gets unless its route sets its own. */
export function securityHeaders(url: string, options: SecurityHeaderOptions): Record<string, string> {
  const path = url.split('?')[0] ?? '/';
  const isApi = path === API_PREFIX || path.startsWith(`${API_PREFIX}/`);
  return {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'same-origin',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'content-security-policy': isApi ? API_CSP : WEB_CSP,
    // API answers hold plant data and who did what: no browser or proxy cache keeps a copy.
    ...(isApi ? { 'cache-control': 'no-store' } : {}),
    ...(options.secureCookies ? { 'strict-transport-security': HSTS } : {}),
  };
}

export function registerSecurityHeaders(app: FastifyInstance, options: SecurityHeaderOptions): void {
  app.addHook('onRequest', async (req, reply) => {
    for (const [name, value] of Object.entries(securityHeaders(req.url, options))) reply.raw.setHeader(name, value);
  });
}
