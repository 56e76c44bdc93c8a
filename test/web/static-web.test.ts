/**
 * The pages served by the API server: types and caching right (hashed assets cached for a year,
 * index.html revalidated), client routes answered with the app, the API's 404s still problems, a
 * missing asset a 404 rather than HTML, and a plain explanation when the pages were never built.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApi } from '../helpers/http.js';
import { testApi } from '../helpers/http.js';
import { buildWeb } from './web-app.js';

describe('the web app served at /', () => {
  let t: TestApi;
  let script: string;

  beforeAll(async () => {
    const root = await buildWeb();
    // The entry script (index-*.js); other chunks (the admin pages) load only when opened.
    script = readdirSync(join(root, 'assets')).find((f) => f.startsWith('index-') && f.endsWith('.js'))!;
    t = await testApi({ webRoot: root });
  });
  afterAll(async () => t.close());

  it('answers / with the app, revalidated each time, with a content security policy', async () => {
    const r = await t.app.inject({ url: '/' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['cache-control']).toBe('no-cache');
    expect(r.headers['content-security-policy']).toContain("default-src 'self'");
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.body).toContain(`/assets/${script}`);
  });

  it('serves hashed assets as immutable, with their type', async () => {
    const r = await t.app.inject({ url: `/assets/${script}` });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const icon = await t.app.inject({ url: '/favicon.svg' });
    expect(icon.headers['content-type']).toBe('image/svg+xml');
  });

  it('answers a client route (a lot page, even with a dot or an encoded slash in its code) with the app', async () => {
    for (const url of ['/lots/urn%3Alotline%3Alot%3ARAW%3AA.7', '/lots/urn%3Alotline%3Alot%3ARAW%3ALOT%2F7', '/some/page']) {
      const r = await t.app.inject({ url });
      expect(r.statusCode, url).toBe(200);
      expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(r.body).toContain('<div id="app">');
    }
  });

  it('keeps 404s for a missing asset and for unknown API routes, and refuses other methods on pages', async () => {
    const asset = await t.app.inject({ url: '/assets/index-missing.js' });
    expect(asset.statusCode).toBe(404);
    expect(asset.headers['content-type']).toMatch(/^application\/problem\+json/);
    const api = await t.app.inject({ url: '/api/v1/nothing-here' });
    expect(api.statusCode).toBe(404);
    expect(api.json()).toMatchObject({ code: 'NOT_FOUND' });
    const post = await t.app.inject({ method: 'POST', url: '/lots/x', payload: {} });
    expect(post.statusCode).toBe(404);
  });

  it('says how to build the pages when they are not built, and links the API reference', async () => {
    const bare = await testApi({ webRoot: '/nonexistent/web' });
    try {
      const r = await bare.app.inject({ url: '/' });
      expect(r.statusCode).toBe(200);
      expect(r.body).toContain('npm run build');
      expect(r.body).toContain('/api/v1/docs');
    } finally {
      await bare.close();
    }
  });
});
