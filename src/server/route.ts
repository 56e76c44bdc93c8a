/**
 * One way to declare a route: its zod schemas validate the request and, the same objects,
 * describe it in the OpenAPI document (openapi.ts). A route asks for a permission, never a role.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Issue } from '../domain/errors.js';
import { LotlineError } from '../domain/errors.js';
import type { Principal } from '../identity/identity-service.js';
import type { Permission } from '../identity/roles.js';
import { can } from '../identity/roles.js';

export interface ResponseSpec {
  readonly description: string;
  readonly schema?: z.ZodType;
  /** Default application/json. */
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface RouteSpec<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType> {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Fastify form: `/lots/:ref`. */
  readonly url: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: string;
  /** `public`: no credentials needed (login, the API reference). */
  readonly permission: Permission | 'public';
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  readonly bodyContentTypes?: readonly string[];
  /** The body is event data: the capture readers judge its text themselves (other bodies may not hold a NUL character). */
  readonly eventBody?: true;
  readonly responses: Readonly<Record<number, ResponseSpec>>;
  readonly handler: (ctx: HandlerContext<z.infer<P>, z.infer<Q>, z.infer<B>>) => Promise<unknown>;
}

export interface HandlerContext<P, Q, B> {
  readonly req: FastifyRequest;
  readonly reply: FastifyReply;
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  /** The caller; for `public` routes possibly the anonymous reader. */
  readonly principal: Principal;
}

/** Turns zod issues into Lotline issues: `$.field` in a body, `query.name` / `path.name` elsewhere. */
export function zodIssues(error: z.ZodError, where: 'body' | 'query' | 'path'): Issue[] {
  return error.issues.map((i) => {
    const segs = i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    const path = where === 'body' ? `$${segs}` : `${where}${segs || ''}`;
    const field = String(i.path[i.path.length - 1] ?? (where === 'body' ? 'body' : where));
    const reason =
      i.path.length === 0 && i.code !== 'unrecognized_keys'
        ? i.message
        : i.code === 'unrecognized_keys'
        ? `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')}`
        : i.code === 'invalid_type' && /received undefined/.test(i.message)
          ? `"${field}" is required`
          : `"${field}" ${i.message.replace(/^Invalid input: /, '')}`;
    return { path, reason };
  });
}

export function parseWith<T extends z.ZodType>(schema: T, value: unknown, where: 'body' | 'query' | 'path'): z.infer<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = zodIssues(r.error, where);
  const first = issues[0]!;
  throw new LotlineError('INPUT_INVALID', `${issues.length} invalid field${issues.length === 1 ? '' : 's'} in the request; first: ${first.path}: ${first.reason}`, { issues });
}

/**
 * No identifier, name or time holds a NUL character, and PostgreSQL cannot even compare text
 * with one (it failed as a 500 there, found by test/reliability/hostile-routes.test.ts): a path
 * or query parameter carrying one is refused, by name, on every engine alike.
 */
function refuseNul(values: unknown, where: 'path' | 'query'): void {
  if (typeof values !== 'object' || values === null) return;
  for (const [name, v] of Object.entries(values)) {
    if ((Array.isArray(v) ? v : [v]).some((x) => typeof x === 'string' && x.includes('\u0000'))) {
      throw new LotlineError('INPUT_INVALID', `${where}.${name}: contains a NUL character (U+0000), which no identifier, name or time holds`, {
        issues: [{ path: `${where}.${name}`, reason: 'contains a NUL character (U+0000)' }],
      });
    }
  }
}

/** The same for a JSON body, at any depth (names, notes, ids: PostgreSQL failed on them as on parameters). */
function refuseNulInBody(body: unknown): void {
  const stack: [unknown, string][] = [[body, '$']];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) throw new LotlineError('INPUT_INVALID', `${path}: contains a NUL character (U+0000), which no name, id or note holds`, { issues: [{ path, reason: 'contains a NUL character (U+0000)' }] });
    } else if (Array.isArray(v)) v.forEach((x, i) => stack.push([x, `${path}[${i}]`]));
    else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) stack.push([x, `${path}.${k}`]);
  }
}

export function requirePermission(principal: Principal, permission: Permission): void {
  if (principal.kind === 'anonymous' && permission !== 'read') {
    throw new LotlineError(
      'SETUP_REQUIRED',
      "this server has no user and no API key yet, so it refuses every change; create the first accounts on the server's machine with 'lotline user add NAME --role admin' and 'lotline key create NAME --role operator' (same --db), then send the key as 'Authorization: Bearer llk_…'",
    );
  }
  if (!can(principal.role, permission)) {
    throw new LotlineError(
      'FORBIDDEN',
      `${principal.actor} has the role ${principal.role}, which may not ${PERMISSION_WORDS[permission]}; ask an administrator for a role that may`,
    );
  }
}

const PERMISSION_WORDS: Readonly<Record<Permission, string>> = {
  read: 'read lots and events',
  capture: 'capture events',
  quality: 'hold, release, destroy lots or declare events erroneous (role quality)',
  'master-data': 'change items, parties or locations (roles quality and admin)',
  audit: 'read the administrative audit log, users and keys',
  admin: 'manage users and API keys (role admin)',
};

/** The routes registered so far, for the OpenAPI document. */
export type RouteRegistry = RouteSpec[];

export function addRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(
  app: FastifyInstance,
  registry: RouteRegistry,
  prefix: string,
  spec: RouteSpec<P, Q, B>,
  authenticate: (req: FastifyRequest, reply: FastifyReply, isPublic: boolean) => Promise<Principal>,
): void {
  registry.push({ ...spec, url: prefix + spec.url } as unknown as RouteSpec);
  app.route({
    method: spec.method,
    url: prefix + spec.url,
    handler: async (req, reply) => {
      const principal = await authenticate(req, reply, spec.permission === 'public');
      if (spec.permission !== 'public') requirePermission(principal, spec.permission);
      refuseNul(req.params, 'path');
      refuseNul(req.query, 'query');
      const params = spec.params ? parseWith(spec.params, req.params, 'path') : (undefined as z.infer<P>);
      const query = spec.query ? parseWith(spec.query, req.query ?? {}, 'query') : (undefined as z.infer<Q>);
      let body = undefined as z.infer<B>;
      if (spec.body) {
        if (req.body === undefined) {
          if (!req.headers['content-type']) throw new LotlineError('UNSUPPORTED_MEDIA_TYPE', 'this request needs a JSON body with "Content-Type: application/json"');
          throw new LotlineError('INPUT_NOT_JSON', 'the body is empty; this request needs a JSON body', { issues: [{ path: '$', reason: 'the body is empty' }] });
        }
        if (!spec.eventBody) refuseNulInBody(req.body);
        body = parseWith(spec.body, req.body, 'body');
      }
      const result = await spec.handler({ req, reply, params, query, body, principal });
      return result;
    },
  });
}
