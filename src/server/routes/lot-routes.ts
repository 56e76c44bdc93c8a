/** Lot state, lot search, a lot's audit trail, and forward/backward traces (the CLI's JSON, over HTTP). */
import { z } from 'zod';
import { LotlineError } from '../../domain/errors.js';
import { normalizeGtin, parseRef } from '../../domain/identifiers/index.js';
import { lotlineUri } from '../../domain/identifiers/lotline-uri.js';
import { refLabel } from '../../domain/identifiers/object-ref.js';
import { lotState } from '../../genealogy/lot-state.js';
import { refJson, trace } from '../../genealogy/trace.js';
import type { Api } from '../app.js';
import { RefQuery, refFrom, resolveStored } from '../ref-query.js';
import { COMMON_ERRORS, PageQuery, problem } from '../schemas.js';
import { EventRowSchema, eventRowView } from './event-routes.js';

const TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2}))?$/;
/** A query time: a date (midnight UTC) or a date-time with offset (the report routes take the same). */
export const time = (what: string) => z.string().regex(TIME, 'must be a date (2026-05-04, midnight UTC) or a date-time with offset (2026-05-04T10:00:00+02:00)').optional().describe(what);

const TraceQuery = z
  .object({
    ...RefQuery,
    maxDepth: z.coerce.number().int().min(0).optional().describe('List lots up to this many transformation steps away'),
    from: time('Only events at or after this event time'),
    to: time('Only events before this event time'),
    asOf: time('Answer as known at this record time'),
  })
  .strict();

/** The trace JSON contract (docs/cli.md): the same object `lotline trace --json` prints. */
const TraceResultSchema = z
  .object({
    direction: z.enum(['forward', 'backward']),
    root: z.object({ item: z.string() }).catchall(z.string()),
    lots: z.array(z.object({ item: z.string(), lot: z.string().optional(), serial: z.string().optional(), depth: z.number(), share: z.number().nullable() })),
    links: z.array(z.record(z.string(), z.unknown())),
    shipments: z.array(z.record(z.string(), z.unknown())),
    receipts: z.array(z.record(z.string(), z.unknown())),
    truncated: z.boolean(),
    cycles: z.array(z.array(z.record(z.string(), z.string()))),
    gaps: z.array(z.record(z.string(), z.unknown())),
    corrections: z.array(z.record(z.string(), z.unknown())),
    asOfSeq: z.number(),
  })
  .describe('The same JSON as `lotline trace … --json`');

const RefParam = z.object({ ref: z.string().min(1).describe('Any identifier form, URL-encoded: urn:epc:class:lgtin:…, a Digital Link, (01)…(10)…, urn:lotline:lot:ITEM:LOT') }).strict();

export function registerLotRoutes(api: Api): void {
  const { store } = api;

  api.route({
    method: 'GET',
    url: '/lots',
    tag: 'lots',
    summary: 'Search lots by lot code (or its beginning), supplier lot code, item or GTIN',
    permission: 'read',
    query: z.object({ query: z.string().trim().min(1, 'must not be empty').max(200), limit: z.coerce.number().int().min(1).max(500).default(50) }).strict(),
    responses: {
      200: {
        description: 'Matching lots, serials and units; `ref` is what GET /lots/{ref} takes',
        schema: z.object({ lots: z.array(z.object({ ref: z.string(), kind: z.string(), label: z.string(), item: z.string(), lot: z.string().optional(), serial: z.string().optional() })) }),
      },
      400: problem('Missing or empty query (INPUT_INVALID)'),
      ...COMMON_ERRORS,
    },
    handler: async ({ query }) => {
      const texts = new Set([query.query]);
      // A GTIN typed in any length, or a whole identifier, is searched in its stored form too.
      if (/^\d{8}$|^\d{12,14}$/.test(query.query)) {
        try {
          texts.add(normalizeGtin(query.query));
        } catch {
          /* not a valid GTIN: searched as typed only */
        }
      }
      const found = new Map<number, { ref: string; kind: string; label: string }>();
      for (const t of texts) for (const n of await store.searchNodes(t, query.limit)) found.set(n.id, { ref: lotlineUri(n.ref), kind: n.ref.kind, label: refLabel(n.ref), ...refJson(n.ref) });
      if (/^(urn|https?):|^[(\]]/i.test(query.query)) {
        try {
          const ref = parseRef(query.query);
          for (const n of (await store.findNodes([ref])).values()) found.set(n.id, { ref: lotlineUri(n.ref), kind: n.ref.kind, label: refLabel(n.ref), ...refJson(n.ref) });
        } catch {
          /* not an identifier: the text search above stands */
        }
      }
      return { lots: [...found.values()].slice(0, query.limit) };
    },
  });

  api.route({
    method: 'GET',
    url: '/lots/:ref',
    tag: 'lots',
    summary: 'Lot state: status, on-hand quantity, location, hold, last event (or a unit’s contents)',
    permission: 'read',
    params: RefParam,
    query: z.object({ asOf: time('Answer as known at this record time') }).strict(),
    responses: {
      200: { description: 'The same JSON as `lotline lot REF --json`', schema: z.record(z.string(), z.unknown()) },
      400: problem('Not an identifier (ID_UNKNOWN_FORM, ID_INVALID, ID_BAD_CHECK_DIGIT)'),
      404: problem('No event names this lot (LOT_NOT_FOUND)'),
      ...COMMON_ERRORS,
    },
    handler: async ({ params, query }) => lotState(store, refFrom({ ref: params.ref }, 'path'), query.asOf !== undefined ? { asOf: query.asOf } : {}),
  });

  api.route({
    method: 'GET',
    url: '/lots/:ref/events',
    tag: 'lots',
    summary: 'The audit trail of one lot: every event naming it, in log order, with who recorded it and from where',
    permission: 'read',
    params: RefParam,
    query: PageQuery.extend({
      epcis: z.enum(['true', 'false']).default('false').describe('true: each event also carries its EPCIS body (operator, equipment, process parameters, inspection result, order numbers)'),
    }),
    responses: {
      200: {
        description: 'A page of events; `next` is the cursor of the next page, null at the end',
        schema: z.object({ events: z.array(EventRowSchema.extend({ role: z.string(), epcis: z.record(z.string(), z.unknown()).optional().describe('With epcis=true') })), next: z.number().nullable() }),
      },
      404: problem('No event names this lot (LOT_NOT_FOUND)'),
      ...COMMON_ERRORS,
    },
    handler: async ({ params, query }) => {
      const ref = refFrom({ ref: params.ref }, 'path');
      const node = [...(await store.findNodes([ref])).values()][0];
      if (!node) throw new LotlineError('LOT_NOT_FOUND', `no event names ${refLabel(ref)}: check the item and the lot code`, { issues: [{ path: 'path.ref', reason: 'no event names this lot' }] });
      const roles = new Map<number, string>();
      for (const o of await store.eventObjectsOfNodes([node.id])) if (o.seq > query.after && !roles.has(o.seq)) roles.set(o.seq, o.role);
      const seqs = [...roles.keys()].sort((a, b) => a - b);
      const page = seqs.slice(0, query.limit);
      const rows = (await store.eventsBySeq(page)).sort((a, b) => a.seq - b.seq);
      const bodies = query.epcis === 'true' ? await store.eventBodies(page) : undefined;
      return { events: rows.map((r) => ({ ...eventRowView(r), role: roles.get(r.seq)!, ...(bodies ? { epcis: bodies.get(r.seq) ?? {} } : {}) })), next: seqs.length > query.limit ? page[page.length - 1]! : null };
    },
  });

  for (const direction of ['forward', 'backward'] as const) {
    api.route({
      method: 'GET',
      url: `/trace/${direction}`,
      tag: 'trace',
      summary: direction === 'forward' ? 'Where did this lot go? (lots it went into, with shares; shipments)' : 'Where did it come from? (inputs, with shares; receipts)',
      permission: 'read',
      query: TraceQuery,
      responses: {
        200: { description: 'The trace', schema: TraceResultSchema },
        400: problem('Bad ref or parameter (ID_*, INPUT_INVALID, USAGE)'),
        404: problem('No event names this lot (LOT_NOT_FOUND)'),
        ...COMMON_ERRORS,
      },
      handler: async ({ query }) => {
        const ref = await resolveStored(store, refFrom(query, 'query'), query.item !== undefined);
        return trace(store, ref, direction, {
          ...(query.maxDepth !== undefined ? { maxDepth: query.maxDepth } : {}),
          ...(query.from !== undefined ? { from: query.from } : {}),
          ...(query.to !== undefined ? { to: query.to } : {}),
          ...(query.asOf !== undefined ? { asOf: query.asOf } : {}),
        });
      },
    });
  }
}
