/**
 * The GS1 EPCIS 2.0 REST binding, for the parts that matter to traceability: capture of EPCIS
 * documents as all-or-nothing jobs, and the events query with paging. Every answer carries the
 * GS1-EPCIS-Version and GS1-CBV-Version headers.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { readEpcisDocument } from '../../capture/epcis/read-epcis-document.js';
import { normalizeCbv } from '../../domain/cbv.js';
import { isLotlineError, LotlineError } from '../../domain/errors.js';
import type { RawEvent } from '../../domain/event-facts.js';
import { EVENT_TYPES, parseDateTime } from '../../domain/event-facts.js';
import { parseRef } from '../../domain/identifiers/index.js';
import { LOTLINE_CONTEXT } from '../../domain/lotline-vocabulary.js';
import type { EventQuery, ObjectMatch, ObjectRole } from '../../store/event-store.js';
import { refuseInvalidSignatures } from '../../quality/e-signature.js';
import type { Api } from '../app.js';
import { API_PREFIX } from '../constants.js';
import { CaptureJobs } from '../capture-jobs.js';
import { problemOf } from '../problem.js';
import { COMMON_ERRORS, problem } from '../schemas.js';
import { authorizeEvents } from './event-routes.js';

export const EPCIS_CONTEXT = 'https://ref.gs1.org/standards/epcis/epcis-context.jsonld';
const EPCIS_HEADERS = { 'GS1-EPCIS-Version': '2.0.0', 'GS1-CBV-Version': '2.0.0' } as const;

/** A pipe-delimited list parameter (GS1: `style: pipeDelimited`), also accepted repeated. */
const pipeList = (what: string) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split('|')).filter((s) => s !== ''))
    .optional()
    .describe(`${what} (several values separated by |)`);

const dateTime = (what: string) =>
  z
    .string()
    .refine((s) => parseDateTime(s) !== undefined, 'must be a date-time with offset, such as 2026-05-04T08:00:00Z')
    .optional()
    .describe(what);

const EventsQuery = z
  .object({
    eventType: pipeList('ObjectEvent, AggregationEvent, TransactionEvent, TransformationEvent, AssociationEvent'),
    GE_eventTime: dateTime('eventTime at or after'),
    LT_eventTime: dateTime('eventTime before'),
    GE_recordTime: dateTime('recordTime at or after'),
    EQ_bizStep: pipeList('bizStep, bare (shipping) or as URI'),
    EQ_disposition: pipeList('disposition, bare or as URI'),
    EQ_bizLocation: pipeList('bizLocation URI'),
    MATCH_epc: pipeList('EPCs in epcList or childEPCs (urn:epc:idpat:… patterns match every instance of the class)'),
    MATCH_anyEPC: pipeList('EPCs in epcList, childEPCs, inputEPCList, outputEPCList or parentID'),
    MATCH_epcClass: pipeList('EPC classes in quantityList or childQuantityList'),
    MATCH_anyEPCClass: pipeList('EPC classes in quantityList, childQuantityList, inputQuantityList or outputQuantityList'),
    perPage: z.coerce.number().int().min(1).max(1000).default(100).describe('Events per page (1–1000, default 100)'),
    nextPageToken: z.string().regex(/^[0-9]+$/, 'must be the token of a previous answer’s Link header').optional().describe('From the previous page’s Link header'),
  })
  .strict();

const EpcisDocumentBody = z
  .object({ type: z.string(), epcisBody: z.record(z.string(), z.unknown()) })
  .catchall(z.unknown())
  .describe('An EPCISDocument (JSON or JSON-LD)');

const CaptureJobSchema = z.object({
  captureID: z.string(),
  createdAt: z.string(),
  finishedAt: z.string().optional(),
  running: z.boolean(),
  success: z.boolean(),
  captureErrorBehaviour: z.literal('rollback'),
  errors: z.array(z.record(z.string(), z.unknown())).describe('Problem details of the failure (all or nothing: a failed job stored nothing)'),
  events: z.number().int(),
  stored: z.number().int(),
  duplicates: z.number().int(),
  declared: z.number().int(),
  createdBy: z.string(),
});

export function registerEpcisRoutes(api: Api, app: FastifyInstance): void {
  const { store } = api;
  const jobs = new CaptureJobs();
  app.addHook('onSend', async (req, reply) => {
    if (req.url.startsWith(`${API_PREFIX}/epcis/`)) for (const [h, v] of Object.entries(EPCIS_HEADERS)) void reply.header(h, v);
  });

  api.route({
    method: 'POST',
    url: '/epcis/capture',
    tag: 'epcis',
    summary: 'Capture an EPCIS 2.0 document (all or nothing), as a capture job',
    description:
      'Answers 202 with a Location header naming the capture job. The job reports success, or the errors (invalid fields with their JSON paths, an eventID conflict); a failed job stored nothing. GS1-Capture-Error-Behaviour may only be `rollback`.',
    permission: 'capture',
    body: EpcisDocumentBody,
    bodyContentTypes: ['application/json', 'application/ld+json'],
    responses: {
      202: { description: 'Accepted: see the capture job at Location', schema: CaptureJobSchema, headers: { Location: 'The capture job' } },
      400: problem('Not an EPCIS document (EPCIS_NOT_A_DOCUMENT), not JSON, or an unsupported GS1-Capture-Error-Behaviour'),
      413: problem('Over --max-body (INPUT_TOO_LARGE)'),
      415: problem('Not JSON (UNSUPPORTED_MEDIA_TYPE)'),
      ...COMMON_ERRORS,
    },
    handler: async ({ req, reply, principal }) => {
      const behaviour = req.headers['gs1-capture-error-behaviour'];
      if (behaviour !== undefined && behaviour !== 'rollback') {
        throw new LotlineError('INPUT_INVALID', `GS1-Capture-Error-Behaviour ${JSON.stringify(behaviour)} is not supported: Lotline captures a document whole or not at all (rollback)`, {
          issues: [{ path: 'header.gs1-capture-error-behaviour', reason: 'only rollback is supported' }],
        });
      }
      const type = (req.body as Record<string, unknown>)['type'];
      if (type !== 'EPCISDocument') {
        throw new LotlineError('EPCIS_NOT_A_DOCUMENT', `capture takes an EPCISDocument; "type" is ${JSON.stringify(type)}`, { issues: [{ path: '$.type', reason: 'must be "EPCISDocument"' }] });
      }
      const job = jobs.create(principal.actor);
      try {
        const { events, listPath } = readEpcisDocument(req.body, undefined, 'document');
        job.events = events.length;
        authorizeEvents(principal, events);
        await refuseInvalidSignatures(events, api.quality);
        const outcomes = await api.writer.submit(events, { label: 'document', noun: 'document' }, listPath, api.contextOf(req, principal));
        job.stored = outcomes.filter((o) => o.status === 'stored').length;
        job.declared = outcomes.filter((o) => o.status === 'declared').length;
        job.duplicates = outcomes.length - job.stored - job.declared;
        if (job.stored + job.declared > 0) api.events.emit('appended');
        await api.afterCapture(outcomes);
      } catch (e) {
        if (!isLotlineError(e)) throw e;
        // The caller's role is checked before a job is worth keeping: a refused client gets 403, not a job.
        if (e.code === 'FORBIDDEN' || e.code === 'SETUP_REQUIRED') {
          jobs.delete(job.captureID);
          throw e;
        }
        job.success = false;
        job.stored = job.duplicates = job.declared = 0;
        job.errors = [problemOf(e, `${API_PREFIX}/epcis/capture/${job.captureID}`)];
      } finally {
        job.running = false;
        job.finishedAt = new Date().toISOString();
      }
      void reply.status(202).header('Location', `${API_PREFIX}/epcis/capture/${job.captureID}`);
      return job;
    },
  });

  api.route({
    method: 'GET',
    url: '/epcis/capture/:captureID',
    tag: 'epcis',
    summary: 'A capture job: running, success, errors',
    permission: 'read',
    params: z.object({ captureID: z.string().min(1) }).strict(),
    responses: { 200: { description: 'The job', schema: CaptureJobSchema }, 404: problem('No such job (NOT_FOUND): jobs are kept in memory, the newest 10,000'), ...COMMON_ERRORS },
    handler: async ({ params }) => {
      const job = jobs.get(params.captureID);
      if (!job) throw new LotlineError('NOT_FOUND', `no capture job ${JSON.stringify(params.captureID)} (jobs are kept in memory, the newest 10,000, until the server restarts)`);
      return job;
    },
  });

  api.route({
    method: 'GET',
    url: '/epcis/events',
    tag: 'epcis',
    summary: 'Query events (EPCIS 2.0 SimpleEventQuery parameters that matter for traceability), as an EPCISQueryDocument',
    description: 'Events come in log order. When more match than perPage, the Link header (rel="next") gives the next page’s URL with its nextPageToken.',
    permission: 'read',
    query: EventsQuery,
    responses: {
      200: { description: 'An EPCISQueryDocument', schema: z.record(z.string(), z.unknown()), headers: { Link: '<…?nextPageToken=…>; rel="next" when there are more events' } },
      400: problem('A bad parameter, with its name (INPUT_INVALID, CBV_INVALID, ID_*)'),
      ...COMMON_ERRORS,
    },
    handler: async ({ req, reply, query }) => {
      const param = <T>(name: string, fn: () => T): T => {
        try {
          return fn();
        } catch (e) {
          if (e instanceof LotlineError) throw new LotlineError(e.code === 'USAGE' ? 'INPUT_INVALID' : e.code, `${name}: ${e.message}`, { issues: [{ path: `query.${name}`, reason: e.message }], cause: e });
          throw e;
        }
      };
      if (query.eventType) for (const t of query.eventType) if (!(EVENT_TYPES as readonly string[]).includes(t)) param('eventType', () => { throw new LotlineError('INPUT_INVALID', `${JSON.stringify(t)} is not one of ${EVENT_TYPES.join(', ')}`); });
      const objects: ObjectMatch[] = [];
      const match = async (name: string, values: string[] | undefined, roles: ObjectRole[]): Promise<void> => {
        if (!values) return;
        const nodeIds: number[] = [];
        for (const v of values) {
          const ref = param(name, () => parseRef(v));
          for (const n of (await store.findNodes([ref])).values()) nodeIds.push(n.id);
          // A class pattern (urn:epc:idpat:…, a bare GTIN class) matches every lot and serial of the item.
          if (ref.kind === 'class') for (const n of await store.searchNodes(ref.item, 10_000)) if ('item' in n.ref && n.ref.item === ref.item) nodeIds.push(n.id);
        }
        objects.push({ nodeIds, roles });
      };
      await match('MATCH_epc', query.MATCH_epc, ['object']);
      await match('MATCH_anyEPC', query.MATCH_anyEPC, ['object', 'parent', 'input', 'output']);
      await match('MATCH_epcClass', query.MATCH_epcClass, ['object']);
      await match('MATCH_anyEPCClass', query.MATCH_anyEPCClass, ['object', 'input', 'output']);
      const q: EventQuery = {
        ...(query.eventType ? { types: query.eventType } : {}),
        ...(query.GE_eventTime ? { eventMsFrom: parseDateTime(query.GE_eventTime)! } : {}),
        ...(query.LT_eventTime ? { eventMsTo: parseDateTime(query.LT_eventTime)! } : {}),
        ...(query.GE_recordTime ? { recordTimeFrom: new Date(parseDateTime(query.GE_recordTime)!).toISOString() } : {}),
        ...(query.EQ_bizStep ? { bizSteps: query.EQ_bizStep.map((s) => param('EQ_bizStep', () => normalizeCbv('bizStep', s))) } : {}),
        ...(query.EQ_disposition ? { dispositions: query.EQ_disposition.map((s) => param('EQ_disposition', () => normalizeCbv('disposition', s))) } : {}),
        ...(query.EQ_bizLocation ? { bizLocations: query.EQ_bizLocation } : {}),
        ...(objects.length ? { objects } : {}),
        afterSeq: query.nextPageToken !== undefined ? Number(query.nextPageToken) : 0,
        limit: query.perPage + 1,
      };
      const rows = await store.queryEvents(q);
      const page = rows.slice(0, query.perPage);
      const bodies = await store.eventBodies([...page.map((r) => r.seq), ...page.flatMap((r) => (r.voidSeq !== null && r.voidSeq !== r.seq ? [r.voidSeq] : []))]);
      const eventList = page.map((r) => {
        const body: Record<string, unknown> = { ...(bodies.get(r.seq) as RawEvent), recordTime: r.recordTime };
        // A declared event is returned with its error declaration, as GS1 asks.
        const declared = r.voidSeq !== null && r.voidSeq !== r.seq ? bodies.get(r.voidSeq)?.['errorDeclaration'] : undefined;
        if (declared !== undefined) body['errorDeclaration'] = declared;
        return body;
      });
      if (rows.length > query.perPage) {
        const url = new URL(req.url, 'http://host');
        url.searchParams.set('nextPageToken', String(page[page.length - 1]!.seq));
        void reply.header('Link', `<${url.pathname}${url.search}>; rel="next"`);
      }
      void reply.type('application/ld+json');
      return {
        '@context': [EPCIS_CONTEXT, LOTLINE_CONTEXT],
        type: 'EPCISQueryDocument',
        schemaVersion: '2.0',
        creationDate: new Date().toISOString(),
        epcisBody: { queryResults: { queryName: 'SimpleEventQuery', resultsBody: { eventList } } },
      };
    },
  });
}
