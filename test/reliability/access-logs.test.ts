/**
 * Secrets never in logs: the server with its own pino logger (src/server/logger.ts, as `lotline
 * serve` makes it) writing every level to a file, over real HTTP: logins right and wrong, a lock,
 * an API key created, used, rotated, a bad one, a password changed, a sign-out, refused requests.
 * Then the file, and the administrative audit log, are searched for every password, key secret,
 * session token and Authorization/Cookie header value sent or received: none may be there.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/server/logger.js';
import type { TestApi } from '../helpers/http.js';
import { PASSWORD, receive, testApi, user } from '../helpers/http.js';

describe('access: secrets never in logs', () => {
  let t: TestApi;
  let base: string;
  let logFile: string;
  /** Everything secret that went over the wire, in either direction. */
  const secrets = new Set<string>();
  const headerValues = new Set<string>();

  beforeAll(async () => {
    logFile = join(mkdtempSync(join(tmpdir(), 'lotline-access-logs-')), 'server.log');
    const logger = createLogger({ level: 'trace', destination: pino.destination({ dest: logFile, sync: true }) });
    t = await testApi({ logger });
    await user(t.identity, 'root', 'admin');
    await user(t.identity, 'olive', 'operator');
    await user(t.identity, 'lockme', 'operator');
    base = `${await t.app.listen({ port: 0, host: '127.0.0.1' })}/api/v1`;
  });
  afterAll(async () => t.close());

  const call = async (method: string, path: string, headers: Record<string, string> = {}, body?: unknown): Promise<Response> => {
    for (const [h, v] of Object.entries(headers)) if (/^(authorization|cookie|x-api-key)$/i.test(h)) headerValues.add(v);
    const r = await fetch(`${base}${path}`, { method, headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const setCookie = r.headers.get('set-cookie');
    if (setCookie) {
      headerValues.add(setCookie);
      const token = /lotline_session=([^;]*)/.exec(setCookie)?.[1];
      if (token) secrets.add(token);
    }
    return r;
  };
  const signIn = async (name: string, password: string): Promise<string> => {
    secrets.add(password);
    const r = await call('POST', '/session', {}, { name, password });
    expect(r.status).toBe(200);
    return `lotline_session=${/lotline_session=([^;]*)/.exec(r.headers.get('set-cookie')!)![1]!}`;
  };

  it('logs requests, errors and refusals, yet no password, key secret, token or credential header', async () => {
    for (const k of Object.values(t.keys)) secrets.add(k.authorization.slice(7));
    secrets.add(PASSWORD);
    // a browser session: sign in, read, capture, sign out, and the ended token tried again
    const olive = await signIn('olive', PASSWORD);
    expect((await call('GET', '/session', { cookie: olive })).status).toBe(200);
    expect((await call('POST', '/events', { cookie: olive }, receive('LOG-1'))).status).toBe(201);
    expect((await call('DELETE', '/session', { cookie: olive })).status).toBe(204);
    expect((await call('POST', '/events', { cookie: olive }, receive('LOG-2'))).status).toBe(401);
    // failed logins up to a lock (the right password then refused too), and a body refused for its fields
    for (const guess of ['wrong guess number 1', 'wrong guess number 2', 'wrong guess number 3', 'wrong guess number 4', 'wrong guess number 5', PASSWORD]) {
      secrets.add(guess);
      expect((await call('POST', '/session', {}, { name: 'lockme', password: guess })).status).toBeGreaterThanOrEqual(400);
    }
    secrets.add('short');
    expect((await call('POST', '/session', {}, { name: 'olive', password: 'short', extra: 'short' })).status).toBe(400);
    // an administrator with a session: create a key, rotate it, change a password
    const root = await signIn('root', PASSWORD);
    const created = (await (await call('POST', '/keys', { cookie: root }, { name: 'erp', role: 'operator' })).json()) as { secret: string };
    secrets.add(created.secret);
    const bearer = { authorization: `Bearer ${created.secret}` };
    expect((await call('POST', '/events', bearer, receive('LOG-3'))).status).toBe(201);
    expect((await call('GET', '/lots?query=LOG', { 'x-api-key': created.secret })).status).toBe(200);
    const rotated = (await (await call('POST', '/keys/erp/rotate', { cookie: root })).json()) as { secret: string };
    secrets.add(rotated.secret);
    expect((await call('POST', '/events', bearer, receive('LOG-4'))).status).toBe(401);
    expect((await call('POST', '/events', { authorization: `Bearer ${rotated.secret}` }, receive('LOG-5'))).status).toBe(201);
    const newPassword = 'a new password for olive';
    secrets.add(newPassword);
    expect((await call('PATCH', '/users/olive', { cookie: root }, { password: newPassword })).status).toBe(200);
    expect((await call('POST', '/users', { cookie: root }, { name: 'newbie', role: 'auditor', password: 'newbie initial password' })).status).toBe(201);
    secrets.add('newbie initial password');
    await signIn('olive', newPassword);
    // refusals: a key of the wrong role, a malformed and a Basic Authorization header, a cross-site form
    expect((await call('POST', '/holds', t.keys.operator, { lots: ['urn:lotline:lot:RAW:LOG-1'], reason: 'x' })).status).toBe(403);
    expect((await call('POST', '/events', { authorization: 'Bearer llk_nothing-like-a-key' }, receive('X'))).status).toBe(401);
    expect((await call('POST', '/events', { authorization: 'Basic cm9vdDpjb3JyZWN0IGhvcnNl' }, receive('X'))).status).toBe(401);
    expect((await call('POST', '/events', { cookie: root, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }, receive('X'))).status).toBe(403);

    const log = readFileSync(logFile, 'utf8');
    const lines = log.trim().split('\n').map((l) => JSON.parse(l) as { msg?: string; req?: { url?: string }; code?: string });
    // the log is not empty: every request is in it, and so are the refusals' codes
    expect(lines.filter((l) => l.msg === 'incoming request').length).toBeGreaterThanOrEqual(25);
    expect(lines.some((l) => l.req?.url === '/api/v1/keys/erp/rotate')).toBe(true);
    for (const code of ['AUTH_FAILED', 'ACCOUNT_LOCKED', 'FORBIDDEN', 'CSRF_REFUSED', 'INPUT_INVALID']) expect(lines.some((l) => l.code === code), code).toBe(true);
    const audit = JSON.stringify(await t.identity.listAudit(0, 100_000));
    expect(audit).toContain('access.refused');
    const needles = [...secrets, ...headerValues, ...[...secrets].filter((s) => s.startsWith('llk_')).map((s) => s.slice(22))];
    expect(needles.length).toBeGreaterThan(20);
    for (const needle of needles) {
      expect(log.includes(needle), `the log holds ${needle.slice(0, 12)}…`).toBe(false);
      expect(audit.includes(needle), `the audit log holds ${needle.slice(0, 12)}…`).toBe(false);
    }
  });

  it('a log call that does print credentials gets them censored', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'lotline-access-logs-')), 'redact.log');
    const logger = createLogger({ level: 'info', destination: pino.destination({ dest: file, sync: true }) });
    logger.info({ req: { headers: { authorization: 'Bearer llk_0123456789abcdef_SECRETSECRET', cookie: 'lotline_session=TOKENTOKEN', 'x-api-key': 'llk_k' } }, res: { headers: { 'set-cookie': 'lotline_session=TOKEN2' } } }, 'request');
    logger.info({ password: 'hunter2 hunter2', body: { password: 'pw in a body', secret: 'llk_in_body' } }, 'body');
    const text = readFileSync(file, 'utf8');
    for (const s of ['SECRETSECRET', 'TOKENTOKEN', 'llk_k', 'TOKEN2', 'hunter2', 'pw in a body', 'llk_in_body']) expect(text).not.toContain(s);
    expect(text.match(/\[redacted\]/g)).toHaveLength(7);
  });
});
