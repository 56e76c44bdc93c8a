/**
 * The OpenAPI 3.1 document, generated from the routes' own zod schemas (the ones that validate
 * requests): there is no second, hand-written description to drift.
 */
import { z } from 'zod';
import type { RouteRegistry } from './route.js';

type Json = Record<string, unknown>;

function schemaOf(s: z.ZodType, io: 'input' | 'output'): Json {
  const out = z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
  delete out['$schema'];
  return out;
}

export function openApiDocument(registry: RouteRegistry, info: { version: string }): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const r of registry) {
    const path = r.url.replace(/:([A-Za-z_]+)/g, '{$1}');
    const parameters: Json[] = [];
    for (const [where, schema] of [
      ['path', r.params],
      ['query', r.query],
    ] as const) {
      if (!schema) continue;
      const js = schemaOf(schema, 'input');
      const props = (js['properties'] ?? {}) as Record<string, Json>;
      const required = (js['required'] ?? []) as string[];
      for (const [name, p] of Object.entries(props)) {
        const { description, ...rest } = p;
        parameters.push({
          name,
          in: where,
          required: where === 'path' || required.includes(name),
          ...(description !== undefined ? { description } : {}),
          schema: rest,
          ...(name.startsWith('MATCH_') || name.startsWith('EQ_') || name === 'eventType' ? { style: 'pipeDelimited', explode: false } : {}),
        });
      }
    }
    const responses: Record<string, Json> = {};
    for (const [status, spec] of Object.entries(r.responses)) {
      responses[status] = {
        description: spec.description,
        ...(spec.headers ? { headers: Object.fromEntries(Object.entries(spec.headers).map(([h, d]) => [h, { description: d, schema: { type: 'string' } }])) } : {}),
        ...(spec.schema ? { content: { [spec.contentType ?? 'application/json']: { schema: schemaOf(spec.schema, 'output') } } } : spec.contentType ? { content: { [spec.contentType]: {} } } : {}),
      };
    }
    const security = r.permission === 'public' ? [] : [{ apiKey: [] }, { session: [] }];
    (paths[path] ??= {})[r.method.toLowerCase()] = {
      tags: [r.tag],
      summary: r.summary,
      ...(r.description ? { description: r.description } : {}),
      operationId: `${r.method.toLowerCase()}${path.replace(/\{([^}]+)\}/g, 'By_$1').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      'x-lotline-permission': r.permission,
      security,
      ...(parameters.length ? { parameters } : {}),
      ...(r.body ? { requestBody: { required: true, content: Object.fromEntries((r.bodyContentTypes ?? ['application/json']).map((ct) => [ct, { schema: schemaOf(r.body!, 'input') }])) } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Lotline API',
      version: info.version,
      description:
        'Lot and batch genealogy traceability. Errors are RFC 9457 problem+json bodies with a stable `code` (docs/errors.md). Permissions by role: operator = read, capture; quality = read, capture, quality; auditor = read, audit; admin = read, audit, admin.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key from `lotline key create` or POST /api/v1/keys: llk_<id>_<secret>' },
        session: { type: 'apiKey', in: 'cookie', name: 'lotline_session', description: 'Set by POST /api/v1/session' },
      },
    },
    paths,
  };
}
