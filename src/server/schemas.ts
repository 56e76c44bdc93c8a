/** Schemas shared by several routes: problem bodies, paging, the caller. */
import { z } from 'zod';
import { ERROR_CODES } from '../domain/errors.js';
import { ROLES } from '../identity/roles.js';

export const ProblemSchema = z
  .object({
    type: z.string().describe('urn:lotline:error:CODE'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().describe('What went wrong and what to do, for a person'),
    code: z.enum(ERROR_CODES).describe('Stable error code (docs/errors.md)'),
    instance: z.string().optional(),
    issues: z.array(z.object({ path: z.string().describe('JSON path of the bad field: $.lots[0].lot, query.limit, path.ref'), reason: z.string(), index: z.number().int().optional() })),
  })
  .describe('RFC 9457 problem details');

export const Role = z.enum(ROLES);

export const PrincipalSchema = z.object({
  kind: z.enum(['user', 'key', 'anonymous']),
  name: z.string(),
  role: Role,
  actor: z.string().describe('What the audit trail records: user:NAME or key:NAME'),
});

/** Page size, and the cursor of the next page (a log position). */
export const PageQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(1000).default(100).describe('At most this many items (1–1000, default 100)'),
    after: z.coerce.number().int().min(0).default(0).describe('The `next` value of the previous page'),
  })
  .strict();

/** Errors every authenticated route may answer with. */
export const COMMON_ERRORS = {
  401: { description: 'No credentials, or bad ones (AUTH_REQUIRED, AUTH_FAILED)', schema: ProblemSchema, contentType: 'application/problem+json' },
  403: { description: 'The role may not do this (FORBIDDEN), or no account exists yet (SETUP_REQUIRED)', schema: ProblemSchema, contentType: 'application/problem+json' },
  429: { description: 'The API key exceeded its rate limit (RATE_LIMITED), or the server is past a load bound (OVERLOADED); see Retry-After', schema: ProblemSchema, contentType: 'application/problem+json' },
} as const;

export const problem = (description: string) => ({ description, schema: ProblemSchema, contentType: 'application/problem+json' });
