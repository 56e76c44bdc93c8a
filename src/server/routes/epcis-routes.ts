/**
 * The GS1 EPCIS 2.0 REST binding, for the parts that matter to traceability: capture of EPCIS
 * documents as all-or-nothing jobs, and the events query with paging. Every answer carries the
 * GS1-EPCIS-Version and GS1-CBV-Version headers.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { readEpcisDocument } from '../../capture/epcis/read-epcis-document.js';
import { enforceEventCount, enforceInputLimits } from '../../capture/input-limits.js';
import { isLotlineError, LotlineError } from '../../domain/errors.js';
import { parseDateTime } from '../../domain/event-facts.js';
import { LOTLINE_CONTEXT } from '../../domain/lotline-vocabulary.js';
import { bodySeqs, EPCIS_CONTEXT, queriedEvent } from '../../reports/epcis/epcis-document.js';
import { resolveEventFilters } from '../../reports/epcis/event-filters.js';
import type { EventQuery } from '../../store/event-store.js';
import { refuseInvalidSignatures } from '../../quality/e-signature.js';
import type { Api } from '../app.js';
import { API_PREFIX } from '../constants.js';
import { CaptureJobs } from '../capture-jobs.js';
import { problemOf } from '../problem.js';
import { COMMON_ERRORS, problem } from '../schemas.js';
import { authorizeEvents } from './event-routes.js';

export { EPCIS_CONTEXT };
const EPCIS_HEADERS = { 'GS1-EPCIS-Version': '2.0.0', 'GS1-CBV-Version': '2.0.0' } as const;

/** A pipe-delimited list parameter (GS1: `style: pipeDelimited`), also accepted repeated. */
export const pipeList = (what: string) =>
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

/** The SimpleEventQuery filters (the events query and the EPCIS export take the same). */
export const EventFilterParams = {
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
};

const EventsQuery = z
  .object({
    ...EventFilterParams,
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
    eventBody: true,
    body: EpcisDocumentBody,
    bodyContentTypes: ['application/json', 'application/ld+json'],
    responses: {
      202: { description: 'Accepted: see the capture job at Location', schema: CaptureJobSchema, headers: { Location: 'The capture job' } },
      400: problem('Not an EPCIS document (EPCIS_NOT_A_DOCUMENT), not JSON, an unsupported GS1-Capture-Error-Behaviour, nested over 64 deep (INPUT_TOO_DEEP) or a text over 65,536 characters (INPUT_STRING_TOO_LONG)'),
      413: problem('Over --max-body (INPUT_TOO_LARGE), or more than 10,000 events (INPUT_TOO_MANY_EVENTS)'),
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
      // Over a limit of shape or size the document is refused as a whole (like an over-long body), before any job.
      enforceInputLimits(req.body, 'document: ');
      const eventList = ((req.body as Record<string, unknown>)['epcisBody'] as Record<string, unknown> | undefined)?.['eventList'];
      if (Array.isArray(eventList)) enforceEventCount(eventList.length, '$.epcisBody.eventList', 'document');
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
      const { perPage, nextPageToken, ...filters } = query;
      const q: EventQuery = { ...(await resolveEventFilters(store, filters)), afterSeq: nextPageToken !== undefined ? Number(nextPageToken) : 0, limit: perPage + 1 };
      const rows = await store.queryEvents(q);
      const page = rows.slice(0, query.perPage);
      const bodies = await store.eventBodies(bodySeqs(page));
      const eventList = page.map((r) => queriedEvent(r, bodies));
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
