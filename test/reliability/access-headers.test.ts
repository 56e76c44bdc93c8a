/**
 * Security headers on every answer: API data, problems, files, the API reference, the web pages
 * and the live stream (which writes its own head). The pages keep their CSP (test/web runs them
 * under it); API answers get one that lets nothing load, and no cache keeps them.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_CSP } from '../../src/server/security-headers.js';
import { WEB_CSP } from '../../src/server/static-web.js';
import type { TestApi } from '../helpers/http.js';
import { receive, testApi } from '../helpers/http.js';

/** A stand-in for the built pages: an index and one hashed asset. */
function webRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'lotline-access-web-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Lotline</title><script type="module" src="/assets/app-1234.js"></script>');
  writeFileSync(join(root, 'assets', 'app-1234.js'), 'console.log(1)');
  return root;
}

type Headers = Record<string, string | string[] | number | undefined>;

const everywhere = (h: Headers, what: string): void => {
  expect(h['x-content-type-options'], what).toBe('nosniff');
  expect(h['x-frame-options'], what).toBe('DENY');
  expect(h['referrer-policy'], what).toBe('same-origin');
  expect(String(h['content-security-policy']), what).toContain("frame-ancestors 'none'");
};

describe('access: security headers', () => {
  let t: TestApi;
  let root: string;
  beforeAll(async () => {
    root = webRoot();
    t = await testApi({ webRoot: root });
    await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: t.keys.operator, payload: receive('A') });
  });
  afterAll(async () => t.close());

  const API_ANSWERS: readonly [string, { method?: 'GET' | 'POST'; url: string; key?: 'operator' | 'auditor' | null; payload?: object }, number][] = [
    ['JSON data', { url: '/api/v1/lots?query=A' }, 200],
    ['the audit log', { url: '/api/v1/audit', key: 'auditor' }, 200],
    ['a CSV report', { url: '/api/v1/reports/fsma204?tlc=A&format=csv' }, 200],
    ['an EPCIS query', { url: '/api/v1/epcis/events' }, 200],
    ['a capture (201)', { method: 'POST', url: '/api/v1/events', key: 'operator', payload: receive('B') }, 201],
    ['the OpenAPI document', { url: '/api/v1/openapi.json', key: null }, 200],
    ['a 401 problem', { url: '/api/v1/lots?query=A', key: null }, 401],
    ['a 403 problem', { method: 'POST', url: '/api/v1/events', key: 'auditor', payload: receive('C') }, 403],
    ['a 400 problem', { method: 'POST', url: '/api/v1/events', key: 'operator', payload: { cmd: 'nope' } }, 400],
    ['a 404 problem (no such route)', { url: '/api/v1/nothing-here' }, 404],
  ];
  for (const [name, req, status] of API_ANSWERS) {
    it(`API: ${name} (${status}) has the headers, a CSP that lets nothing load, and Cache-Control: no-store`, async () => {
      const key = req.key === undefined ? 'auditor' : req.key;
      const r = await t.app.inject({ method: req.method ?? 'GET', url: req.url, headers: key === null ? {} : t.keys[key], ...(req.payload ? { payload: req.payload } : {}) });
      expect(r.statusCode, r.body).toBe(status);
      everywhere(r.headers, name);
      expect(r.headers['content-security-policy']).toBe(API_CSP);
      expect(r.headers['cache-control']).toBe('no-store');
      expect(r.headers['strict-transport-security']).toBeUndefined();
    });
  }

  it('the API reference page keeps its own CSP (its inline script) and may not be framed', async () => {
    const r = await t.app.inject({ url: '/api/v1/docs' });
    expect(r.statusCode).toBe(200);
    everywhere(r.headers, 'docs');
    expect(r.headers['content-security-policy']).toContain("script-src 'unsafe-inline'");
    expect(r.headers['content-security-policy']).toContain("object-src 'none'");
  });

  for (const [name, url, cache] of [
    ['the app page at /', '/', 'no-cache'],
    ['a client route', '/lots/urn%3Alotline%3Alot%3ARAW%3AA', 'no-cache'],
    ['a hashed asset', '/assets/app-1234.js', 'public, max-age=31536000, immutable'],
  ] as const) {
    it(`web: ${name} has the headers and the pages' CSP, with its own cache lifetime`, async () => {
      const r = await t.app.inject({ url });
      expect(r.statusCode).toBe(200);
      everywhere(r.headers, name);
      expect(r.headers['content-security-policy']).toBe(WEB_CSP);
      expect(r.headers['cache-control']).toBe(cache);
    });
  }

  it('web: a missing asset (404) has the headers too', async () => {
    const r = await t.app.inject({ url: '/assets/gone-0000.js' });
    expect(r.statusCode).toBe(404);
    everywhere(r.headers, 'missing asset');
  });

  it('the live stream, which writes its own head, has them as well', async () => {
    const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const ac = new AbortController();
    const r = await fetch(`${url}/api/v1/stream`, { headers: t.keys.auditor, signal: ac.signal });
    expect(r.status).toBe(200);
    const h = Object.fromEntries(r.headers.entries());
    ac.abort();
    everywhere(h, 'stream');
    expect(h['content-type']).toMatch(/^text\/event-stream/);
    expect(h['cache-control']).toBe('no-cache');
  });
});

describe('access: Strict-Transport-Security with secure cookies', () => {
  it('is sent on every answer when the cookie is Secure (behind HTTPS), and only then', async () => {
    const t = await testApi({ secureCookies: true, webRoot: webRoot() });
    try {
      for (const [url, headers] of [
        ['/api/v1/lots?query=A', t.keys.auditor],
        ['/api/v1/lots?query=A', {}],
        ['/', {}],
      ] as const) {
        const r = await t.app.inject({ url, headers });
        expect(r.headers['strict-transport-security'], url).toBe('max-age=31536000');
        everywhere(r.headers, url);
      }
    } finally {
      await t.close();
    }
  });
});
