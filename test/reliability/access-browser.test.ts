/**
 * The browser's session: no session fixation (a token held before a login is never valid after
 * it; a token ends at logout and at a password change), and no cross-site request forgery even
 * where SameSite=Strict lets the cookie through (another port of the same host, a sibling
 * sub-domain): a cross-origin form POST carrying the cookie is refused, and changes nothing.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey } from '../../src/identity/identity-service.js';
import { SESSION_COOKIE } from '../../src/server/constants.js';
import { tempDb } from '../helpers/cli.js';
import type { TestApi } from '../helpers/http.js';
import { PASSWORD, receive, testApi, user } from '../helpers/http.js';
import { buildWeb, context, launch, NO_BROWSER, signIn } from '../web/web-app.js';

const tokenOf = (setCookie: string | string[] | undefined): string => {
  const line = (Array.isArray(setCookie) ? setCookie : [setCookie ?? '']).find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  if (!line) throw new Error(`no session cookie in ${JSON.stringify(setCookie)}`);
  return line.split(';')[0]!.slice(SESSION_COOKIE.length + 1);
};

describe('access: session fixation', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await testApi();
    await user(t.identity, 'vic', 'operator');
    await user(t.identity, 'mallory', 'operator');
  });
  afterAll(async () => t.close());

  const login = async (name: string, cookie?: string) =>
    t.app.inject({ method: 'POST', url: '/api/v1/session', payload: { name, password: PASSWORD }, ...(cookie !== undefined ? { cookies: { [SESSION_COOKIE]: cookie } } : {}) });
  const whoami = async (token: string) => t.app.inject({ url: '/api/v1/session', cookies: { [SESSION_COOKIE]: token } });

  it('a token planted before the login is not the session after it, and is refused', async () => {
    const planted = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    const r = await login('vic', planted);
    expect(r.statusCode, r.body).toBe(200);
    const token = tokenOf(r.headers['set-cookie']);
    expect(token).not.toBe(planted);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await whoami(planted)).statusCode).toBe(401);
    expect((await whoami(token)).json()).toMatchObject({ actor: 'user:vic' });
  });

  it("an attacker's own valid session planted in the victim's browser ends when the victim signs in", async () => {
    const attacker = tokenOf((await login('mallory')).headers['set-cookie']);
    expect((await whoami(attacker)).json()).toMatchObject({ actor: 'user:mallory' });
    const victim = tokenOf((await login('vic', attacker)).headers['set-cookie']);
    expect(victim).not.toBe(attacker);
    const old = await whoami(attacker);
    expect(old.statusCode).toBe(401);
    expect(old.json()).toMatchObject({ code: 'AUTH_FAILED' });
    expect((await whoami(victim)).json()).toMatchObject({ actor: 'user:vic' });
  });

  it('a failed login leaves the session the browser had untouched', async () => {
    const token = tokenOf((await login('vic')).headers['set-cookie']);
    const wrong = await t.app.inject({ method: 'POST', url: '/api/v1/session', payload: { name: 'vic', password: 'not the password' }, cookies: { [SESSION_COOKIE]: token } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    expect((await whoami(token)).statusCode).toBe(200);
  });

  it('a token is refused after logout, and after a password change (every session of the user)', async () => {
    const a = tokenOf((await login('vic')).headers['set-cookie']);
    const out = await t.app.inject({ method: 'DELETE', url: '/api/v1/session', cookies: { [SESSION_COOKIE]: a } });
    expect(out.statusCode).toBe(204);
    expect(out.headers['set-cookie']).toMatch(new RegExp(`^${SESSION_COOKIE}=;`));
    expect((await whoami(a)).statusCode).toBe(401);

    const b = tokenOf((await login('vic')).headers['set-cookie']);
    const c = tokenOf((await login('vic')).headers['set-cookie']);
    const change = await t.app.inject({ method: 'PATCH', url: '/api/v1/users/vic', headers: t.keys.admin, payload: { password: 'a brand new password' } });
    expect(change.statusCode, change.body).toBe(200);
    for (const token of [b, c]) expect((await whoami(token)).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/session', payload: { name: 'vic', password: 'a brand new password' } })).statusCode).toBe(200);
  });
});

describe('access: cross-site request forgery (server side)', () => {
  let t: TestApi;
  let cookie: string;
  beforeAll(async () => {
    t = await testApi();
    await user(t.identity, 'root', 'admin');
    await user(t.identity, 'olive', 'operator');
    const r = await t.app.inject({ method: 'POST', url: '/api/v1/session', headers: { host: 'lotline.plant.example', origin: 'http://lotline.plant.example' }, payload: { name: 'olive', password: PASSWORD } });
    cookie = tokenOf(r.headers['set-cookie']);
  });
  afterAll(async () => t.close());

  const HOST = 'lotline.plant.example';
  const state = async () => ({ head: await t.store.headSeq(), keys: (await t.identity.listKeys()).map((k) => `${k.id}:${k.revokedAt}`) });

  const refusedCases: readonly [string, Record<string, string>][] = [
    ['a form on another site (Sec-Fetch-Site: cross-site)', { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }],
    ['a page on another port of the same host (same-site: SameSite=Strict sends the cookie)', { origin: `http://${HOST}:8080`, 'sec-fetch-site': 'same-site' }],
    ['a sibling sub-domain, from a browser without Fetch Metadata (Origin only)', { origin: 'https://wiki.plant.example' }],
    ['a sandboxed frame (Origin: null)', { origin: 'null' }],
  ];
  for (const [name, headers] of refusedCases) {
    it(`refuses a form POST with the cookie from ${name}: 403 CSRF_REFUSED before the body is read, nothing stored`, async () => {
      const before = await state();
      const form = await t.app.inject({
        method: 'POST',
        url: '/api/v1/events',
        headers: { host: HOST, 'content-type': 'application/x-www-form-urlencoded', ...headers },
        cookies: { [SESSION_COOKIE]: cookie },
        payload: 'cmd=receive&lot=X',
      });
      expect(form.statusCode, form.body).toBe(403);
      expect(form.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(form.json()).toMatchObject({ code: 'CSRF_REFUSED', detail: expect.stringContaining('nothing was changed') });
      // A body-less POST (which no content-type check stops) is refused the same way, and so is a JSON one.
      const bare = await t.app.inject({ method: 'POST', url: '/api/v1/keys/operator-key/rotate', headers: { host: HOST, ...headers }, cookies: { [SESSION_COOKIE]: cookie } });
      expect(bare.json()).toMatchObject({ code: 'CSRF_REFUSED' });
      const json = await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: { host: HOST, ...headers }, cookies: { [SESSION_COOKIE]: cookie }, payload: receive('CSRF') });
      expect(json.json()).toMatchObject({ code: 'CSRF_REFUSED' });
      expect(await state()).toEqual(before);
    });
  }

  it('refuses a cross-site login (login CSRF) and a cross-site sign-out', async () => {
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/session', headers: { host: HOST, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }, payload: { name: 'olive', password: PASSWORD } });
    expect(login.json()).toMatchObject({ code: 'CSRF_REFUSED' });
    expect(login.headers['set-cookie']).toBeUndefined();
    const out = await t.app.inject({ method: 'DELETE', url: '/api/v1/session', headers: { host: HOST, origin: 'https://evil.example' }, cookies: { [SESSION_COOKIE]: cookie } });
    expect(out.json()).toMatchObject({ code: 'CSRF_REFUSED' });
    expect((await t.app.inject({ url: '/api/v1/session', cookies: { [SESSION_COOKIE]: cookie } })).statusCode).toBe(200);
  });

  it("accepts the web app's own requests (same origin), clients that are not browsers, keys, and cross-site reads", async () => {
    const own = await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: { host: HOST, origin: `http://${HOST}`, 'sec-fetch-site': 'same-origin' }, cookies: { [SESSION_COOKIE]: cookie }, payload: receive('OWN') });
    expect(own.statusCode, own.body).toBe(201);
    const curl = await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: { host: HOST }, cookies: { [SESSION_COOKIE]: cookie }, payload: receive('CURL') });
    expect(curl.statusCode, curl.body).toBe(201);
    const key = await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: { host: HOST, origin: 'https://erp.example', ...t.keys.operator }, payload: receive('KEY') });
    expect(key.statusCode, key.body).toBe(201);
    const read = await t.app.inject({ url: '/api/v1/session', headers: { host: HOST, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }, cookies: { [SESSION_COOKIE]: cookie } });
    expect(read.statusCode).toBe(200);
  });
});

describe.skipIf(NO_BROWSER !== undefined)('access: cross-origin form POST in Chromium', () => {
  let t: TestApi;
  let url: string;
  let attacker: ReturnType<typeof createServer>;
  let attackerUrl: string;
  const seen: { url: string; cookie: boolean; site: string | undefined }[] = [];
  beforeAll(async () => {
    t = await testApi({ db: tempDb(), webRoot: await buildWeb() });
    await user(t.identity, 'root', 'admin');
    await createKey(t.identity, { name: 'scanner-9', role: 'operator' }, { actor: 'cli:test' });
    // (before the first request: hooks cannot be added to a started app)
    t.app.addHook('onResponse', async (req) => {
      if (req.url.startsWith('/api/v1/keys/')) seen.push({ url: req.url, cookie: req.headers.cookie?.includes(SESSION_COOKIE) ?? false, site: req.headers['sec-fetch-site'] as string | undefined });
    });
    url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    // Another web site on the same host, another port: the same site for SameSite, another origin.
    attacker = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><form id="f" method="post" enctype="text/plain" action="${url}/api/v1/keys/scanner-9/rotate"></form><script>document.getElementById('f').submit()</script>`);
    });
    await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', r));
    attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    attacker?.close();
    await t?.close();
  });

  it('the page of another origin submits a form with the admin cookie: refused, the key is not rotated, and the web app still signs in and out', async () => {
    const browser = await launch();
    try {
      const ctx = await context(browser);
      const page = await ctx.newPage();
      await signIn(page, url, 'root');
      const keys = await t.identity.listKeys();
      await page.goto(attackerUrl);
      await page.waitForURL(`${url}/api/v1/keys/scanner-9/rotate`);
      expect(await page.textContent('body')).toContain('CSRF_REFUSED');
      // SameSite=Strict did let the cookie through (same site): the server's check is what refused it.
      expect(seen).toEqual([{ url: '/api/v1/keys/scanner-9/rotate', cookie: true, site: 'same-site' }]);
      expect(await t.identity.listKeys()).toEqual(keys);
      // The pages' own writes still pass: sign out (DELETE /session) and in again (POST /session).
      await page.goto(url);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('User name').waitFor();
      await signIn(page, url, 'root');
      await ctx.close();
    } finally {
      await browser.close();
    }
  });
});
