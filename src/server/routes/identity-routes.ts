/** Sign-in sessions for the browser, users and API keys for administrators, the administrative audit log. */
import { z } from 'zod';
import type { Principal } from '../../identity/identity-service.js';
import { addUser, changeUser, createKey, keyView, login, logout, revokeKey, rotateKey, userView } from '../../identity/identity-service.js';
import type { Api } from '../app.js';
import { SESSION_COOKIE } from '../constants.js';
import { COMMON_ERRORS, PageQuery, PrincipalSchema, problem, Role } from '../schemas.js';

const principalView = (p: Principal) => ({ kind: p.kind, name: p.name, role: p.role, actor: p.actor });

const FullName = z.string().describe("The person's full name, printed with their electronic signatures (21 CFR 11.50), e.g. \"Jane Q. Doe\"");
const UserView = z.object({ name: z.string(), role: Role, fullName: z.string().nullable().describe('Printed with the user\'s signatures; null: not set, the user cannot sign'), createdAt: z.string(), disabled: z.boolean(), locked: z.boolean(), lockedUntil: z.string().nullable() });
const KeyView = z.object({
  id: z.string(),
  name: z.string(),
  role: Role,
  createdAt: z.string(),
  createdBy: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  status: z.enum(['active', 'expired', 'revoked']),
});
const NameParam = z.object({ name: z.string().min(1) }).strict();

export function registerIdentityRoutes(api: Api): void {
  const { identity } = api;

  api.route({
    method: 'POST',
    url: '/session',
    tag: 'identity',
    summary: 'Sign in (browser session)',
    description:
      'Checks the name and password and sets an HTTP-only, SameSite=Strict session cookie with a new token; a session cookie sent with the login is ended (no session fixation). The session ends after the idle timeout. After 5 failed logins in a row the account is locked for 15 minutes (ACCOUNT_LOCKED).',
    permission: 'public',
    body: z.object({ name: z.string().min(1), password: z.string().min(1) }).strict(),
    responses: {
      200: { description: 'Signed in; the cookie is set', schema: PrincipalSchema },
      400: problem('Missing field'),
      401: problem('Wrong name or password (AUTH_FAILED)'),
      423: problem('Locked after repeated failures (ACCOUNT_LOCKED)'),
    },
    handler: async ({ req, reply, body }) => {
      const { token, user } = await login(identity, body.name, body.password, req.ip, api.options.policy);
      // Session fixation: a token the browser held before this login (planted, or an earlier
      // session) is ended, so the only valid session is the one this login creates.
      const previous = req.cookies[SESSION_COOKIE];
      if (previous !== undefined) await logout(identity, previous);
      void reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', path: '/', secure: api.options.secureCookies });
      return principalView({ kind: 'user', name: user.name, role: user.role, actor: `user:${user.name}` });
    },
  });

  api.route({
    method: 'GET',
    url: '/session',
    tag: 'identity',
    summary: 'Who am I',
    permission: 'read',
    responses: { 200: { description: 'The caller', schema: PrincipalSchema }, ...COMMON_ERRORS },
    handler: async ({ principal }) => principalView(principal),
  });

  api.route({
    method: 'DELETE',
    url: '/session',
    tag: 'identity',
    summary: 'Sign out',
    permission: 'public',
    responses: { 204: { description: 'Signed out; the cookie is cleared' } },
    handler: async ({ req, reply }) => {
      const token = req.cookies[SESSION_COOKIE];
      if (token) await logout(identity, token);
      void reply.clearCookie(SESSION_COOKIE, { path: '/' }).status(204);
      return null;
    },
  });

  api.route({
    method: 'GET',
    url: '/users',
    tag: 'identity',
    summary: 'List users',
    permission: 'audit',
    responses: { 200: { description: 'Every user (no password hashes)', schema: z.object({ users: z.array(UserView) }) }, ...COMMON_ERRORS },
    handler: async () => ({ users: (await identity.listUsers()).map((u) => userView(u)) }),
  });

  api.route({
    method: 'POST',
    url: '/users',
    tag: 'identity',
    summary: 'Add a user',
    permission: 'admin',
    body: z.object({ name: z.string(), role: Role, password: z.string(), fullName: FullName.optional() }).strict(),
    responses: { 201: { description: 'Created', schema: UserView }, 400: problem('Bad name, role or password (INPUT_INVALID)'), 409: problem('The name is taken (IDENTITY_EXISTS)'), ...COMMON_ERRORS },
    handler: async ({ req, reply, body, principal }) => {
      const user = await addUser(identity, body, api.contextOf(req, principal));
      void reply.status(201);
      return userView(user);
    },
  });

  api.route({
    method: 'PATCH',
    url: '/users/:name',
    tag: 'identity',
    summary: 'Change a user: role, full name, password, disabled, or unlock',
    description: 'A new role or password, or disabling, ends the user’s open sessions. A new full name is printed with the signatures the user makes from now on; signatures already made keep the name they were signed with.',
    permission: 'admin',
    params: NameParam,
    body: z.object({ role: Role.optional(), fullName: FullName.optional(), password: z.string().optional(), disabled: z.boolean().optional(), unlock: z.literal(true).optional() }).strict(),
    responses: { 200: { description: 'Changed', schema: UserView }, 400: problem('Bad value (INPUT_INVALID)'), 404: problem('No such user (NOT_FOUND)'), ...COMMON_ERRORS },
    handler: async ({ req, params, body, principal }) => userView(await changeUser(identity, params.name, body, api.contextOf(req, principal))),
  });

  api.route({
    method: 'GET',
    url: '/keys',
    tag: 'identity',
    summary: 'List API keys',
    permission: 'audit',
    responses: { 200: { description: 'Every key, revoked ones too (no secrets)', schema: z.object({ keys: z.array(KeyView) }) }, ...COMMON_ERRORS },
    handler: async () => ({ keys: (await identity.listKeys()).map((k) => keyView(k)) }),
  });

  api.route({
    method: 'POST',
    url: '/keys',
    tag: 'identity',
    summary: 'Create an API key (the secret is shown once)',
    permission: 'admin',
    body: z.object({ name: z.string(), role: Role, expiresAt: z.string().nullable().optional().describe('Date or date-time; none: never expires') }).strict(),
    responses: {
      201: { description: 'Created; `secret` is the only copy', schema: KeyView.extend({ secret: z.string().describe('llk_<id>_<secret>: send as Authorization: Bearer …') }) },
      400: problem('Bad name, role or expiry (INPUT_INVALID)'),
      409: problem('An active key has this name (IDENTITY_EXISTS)'),
      ...COMMON_ERRORS,
    },
    handler: async ({ req, reply, body, principal }) => {
      const { secret, key } = await createKey(identity, body, api.contextOf(req, principal));
      void reply.status(201);
      return { ...keyView(key), secret };
    },
  });

  api.route({
    method: 'DELETE',
    url: '/keys/:name',
    tag: 'identity',
    summary: 'Revoke an API key (by name or id)',
    permission: 'admin',
    params: NameParam,
    responses: { 200: { description: 'Revoked', schema: KeyView }, 404: problem('No active key of that name (NOT_FOUND)'), ...COMMON_ERRORS },
    handler: async ({ req, params, principal }) => keyView(await revokeKey(identity, params.name, api.contextOf(req, principal))),
  });

  api.route({
    method: 'POST',
    url: '/keys/:name/rotate',
    tag: 'identity',
    summary: 'Rotate an API key (by name or id): a new secret, same name, role and expiry; the old secret stops working at once',
    description: 'The old key is revoked and the new one created in one transaction (audit action `key.rotate`). There is no grace period: install the new secret at once, or create a second key under another name first when a client cannot switch at the same moment. `secret` in the answer is the only copy.',
    permission: 'admin',
    params: NameParam,
    responses: {
      201: { description: 'Rotated; `secret` is the only copy of the new key, `previous` is the revoked one', schema: KeyView.extend({ secret: z.string().describe('llk_<id>_<secret>: send as Authorization: Bearer …'), previous: KeyView }) },
      404: problem('No active key of that name (NOT_FOUND)'),
      ...COMMON_ERRORS,
    },
    handler: async ({ req, reply, params, principal }) => {
      const { secret, key, previous } = await rotateKey(identity, params.name, api.contextOf(req, principal));
      void reply.status(201);
      return { ...keyView(key), secret, previous: keyView(previous) };
    },
  });

  api.route({
    method: 'GET',
    url: '/audit',
    tag: 'identity',
    summary: 'The administrative audit log (users, keys, logins), oldest first',
    permission: 'audit',
    query: PageQuery,
    responses: {
      200: {
        description: 'A page of entries; `next` is the cursor of the next page, null at the end',
        schema: z.object({
          entries: z.array(z.object({ seq: z.number(), time: z.string(), actor: z.string(), origin: z.string().nullable(), action: z.string(), target: z.string(), details: z.record(z.string(), z.unknown()).optional() })),
          next: z.number().nullable(),
        }),
      },
      ...COMMON_ERRORS,
    },
    handler: async ({ query }) => {
      const entries = await identity.listAudit(query.after, query.limit + 1);
      const page = entries.slice(0, query.limit);
      return { entries: page, next: entries.length > query.limit ? page[page.length - 1]!.seq : null };
    },
  });
}
