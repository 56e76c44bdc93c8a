/**
 * The auditor's reports over HTTP: mock recalls (run, list, read back), the audit trail and the
 * supplier report. The same use cases as `lotline mock-recall` and `lotline report audit|supplier`.
 */
import { negotiateFormat } from '../../reports/report-formats.js';
import { z } from 'zod';
import { LotlineError } from '../../domain/errors.js';
import { lotlineUri } from '../../domain/identifiers/lotline-uri.js';
import { toMs } from '../../genealogy/trace.js';
import { auditTrail } from '../../reports/audit-trail/audit-trail.js';
import type { AuditSources } from '../../reports/audit-trail/audit-trail.js';
import type { ReportFormat } from '../../reports/audit-trail/audit-trail-files.js';
import { auditCsv, auditXlsx, REPORT_CONTENT_TYPES, REPORT_FORMATS } from '../../reports/audit-trail/audit-trail-files.js';
import { runMockRecall } from '../../reports/mock-recall/mock-recall.js';
import { MOCK_RECALL_FORMATS, mockRecallCsv, mockRecallMarkdown } from '../../reports/mock-recall/mock-recall-document.js';
import type { MockRecallStore } from '../../reports/mock-recall/mock-recall-store.js';
import { supplierReport } from '../../reports/supplier/supplier-report.js';
import { supplierCsv, supplierXlsx } from '../../reports/supplier/supplier-files.js';
import type { Api } from '../app.js';
import { RefQuery, refFrom, resolveStored } from '../ref-query.js';
import { COMMON_ERRORS, problem } from '../schemas.js';
import { time } from './lot-routes.js';

export interface AuditReportDeps {
  /** The mock recall archive; without it the mock recall routes are not served. */
  readonly mockRecalls?: MockRecallStore;
  /** Webhook subscriptions and scan stations, whose creation the audit trail lists. */
  readonly integrations?: AuditSources['webhooks'];
  readonly stations?: AuditSources['stations'];
  /** Items, parties and locations, whose every change the audit trail lists. */
  readonly masterData?: AuditSources['masterData'];
}

const ReportFormatParam = z.enum(REPORT_FORMATS).optional().describe('csv, xlsx or json; without it, the Accept header decides (JSON unless it asks for CSV or XLSX)');

/** `format`, else the Accept header (the first of XLSX, CSV it names), else JSON. */
const negotiate = (format: ReportFormat | undefined, accept: string | undefined): ReportFormat => negotiateFormat(format, accept, 'json');

function invalid(path: string, reason: string): LotlineError {
  return new LotlineError('INPUT_INVALID', `${path}: ${reason}`, { issues: [{ path, reason }] });
}

/** refFrom names query parameters; in a body the same fields are `$.item`, `$.lot`. */
function inBody<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof LotlineError)) throw e;
    const issues = e.issues.map((i) => ({ ...i, path: i.path.replace(/^query\./, '$.') }));
    throw new LotlineError(e.code, e.message.replace(/^query\./, '$.'), { issues, cause: e });
  }
}

function checkPeriod(from: string | undefined, to: string | undefined): void {
  if (from !== undefined && to !== undefined && toMs(from, 'from', 0) >= toMs(to, 'to', 0)) throw invalid('query.to', `the period is empty: ${from} is not before ${to}`);
}

const MockRecallSummarySchema = z.object({
  id: z.number().int(),
  lot: z.string(),
  lotUri: z.string(),
  runBy: z.string(),
  startedAt: z.string(),
  elapsedMs: z.number(),
  percentAccounted: z.number().nullable(),
  unaccounted: z.number().int().describe('How many lots have unaccounted quantities'),
  gaps: z.number().int().describe('How many genealogy gaps the exercise met'),
});

export function registerAuditReportRoutes(api: Api, deps: AuditReportDeps): void {
  const { store, quality, identity } = api;
  const archive = deps.mockRecalls;

  if (archive) {
    api.route({
      method: 'POST',
      url: '/mock-recalls',
      tag: 'reports',
      summary: 'Run a mock recall on a lot: both traces, quantities reconciled per lot, unaccounted quantities, gaps met, elapsed time; saved',
      description: 'The exercise BRCGS and SQF ask for every year. The answer is the saved record (its `id` reads it back). See docs/reports/mock-recall.md.',
      permission: 'quality',
      body: z.object({ ...RefQuery }).strict(),
      responses: {
        201: { description: 'The exercise, as saved', schema: z.record(z.string(), z.unknown()) },
        400: problem('A bad field (INPUT_INVALID, ID_*)'),
        404: problem('No event names the lot (LOT_NOT_FOUND)'),
        ...COMMON_ERRORS,
      },
      handler: async ({ reply, body, principal }) => {
        const root = await resolveStored(store, inBody(() => refFrom(body, 'query')), body.item !== undefined);
        const report = await runMockRecall(store, root, { runBy: principal.actor, quality: api.qualityConfig });
        const saved = await archive.save(report);
        void reply.status(201).header('Location', `/api/v1/mock-recalls/${saved.id}`);
        return { id: saved.id, ...report };
      },
    });

    api.route({
      method: 'GET',
      url: '/mock-recalls',
      tag: 'reports',
      summary: 'The mock recalls run so far, newest first',
      permission: 'read',
      query: z
        .object({
          ...RefQuery,
          from: time('Only exercises started at or after this time'),
          to: time('Only exercises started before this time'),
          limit: z.coerce.number().int().min(1).max(10_000).optional().describe('At most this many (default 1000)'),
        })
        .strict(),
      responses: { 200: { description: 'Summaries', schema: z.object({ mockRecalls: z.array(MockRecallSummarySchema) }) }, 400: problem('A bad parameter (INPUT_INVALID)'), ...COMMON_ERRORS },
      handler: async ({ query }) => {
        checkPeriod(query.from, query.to);
        const { from, to, limit, ...ref } = query;
        const hasRef = ref.ref !== undefined || ref.item !== undefined || ref.gtin !== undefined;
        const list = await archive.list({
          ...(hasRef ? { lotUri: lotlineUri(refFrom(ref, 'query')) } : {}),
          ...(from !== undefined ? { from: new Date(toMs(from, 'from', 0)).toISOString() } : {}),
          ...(to !== undefined ? { to: new Date(toMs(to, 'to', 0)).toISOString() } : {}),
          ...(limit !== undefined ? { limit } : {}),
        });
        return { mockRecalls: list };
      },
    });

    api.route({
      method: 'GET',
      url: '/mock-recalls/:id',
      tag: 'reports',
      summary: 'One mock recall: JSON, the Markdown record, or the reconciliation as CSV',
      permission: 'read',
      params: z.object({ id: z.coerce.number().int().min(1).describe('The exercise number') }).strict(),
      query: z.object({ format: z.enum(MOCK_RECALL_FORMATS).optional().describe('json (default), md or csv') }).strict(),
      responses: { 200: { description: 'The exercise', schema: z.record(z.string(), z.unknown()) }, 404: problem('No exercise has this number (NOT_FOUND)'), ...COMMON_ERRORS },
      handler: async ({ params, query, reply }) => {
        const rec = await archive.get(params.id);
        if (!rec) throw new LotlineError('NOT_FOUND', `no mock recall no. ${params.id}`, { issues: [{ path: 'path.id', reason: 'no such exercise' }] });
        if (query.format === 'md') {
          void reply.type('text/markdown; charset=utf-8');
          return mockRecallMarkdown(rec.report, rec.id);
        }
        if (query.format === 'csv') {
          void reply.type('text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="mock-recall-${rec.id}.csv"`);
          return mockRecallCsv(rec.report);
        }
        return { id: rec.id, ...rec.report };
      },
    });
  }

  api.route({
    method: 'GET',
    url: '/reports/audit',
    tag: 'reports',
    summary: 'Audit trail: every record with who, when, what and the earlier values of anything superseded, for a period, a user or a lot',
    description:
      'Events (actor, origin, record time, log position and hash), error declarations with the values they supersede and the corrective events, holds, releases and their e-signatures, retroactive links, exceptions and each change of their state, the identity audit log, webhook and station creation. One chronological list; CSV, XLSX or JSON. Only roles with the `audit` permission (auditor, admin). See docs/reports/audit-trail.md.',
    permission: 'audit',
    query: z
      .object({
        ...RefQuery,
        from: time('Only records at or after this time'),
        to: time('Only records before this time'),
        user: z.string().trim().min(1, 'must not be empty').optional().describe('Only records by this user: alice (any of user:alice, key:alice, cli:alice) or user:alice'),
        format: ReportFormatParam,
      })
      .strict(),
    responses: {
      200: { description: `application/json, text/csv or ${REPORT_CONTENT_TYPES.xlsx}`, schema: z.record(z.string(), z.unknown()) },
      400: problem('A bad parameter (INPUT_INVALID, ID_*)'),
      404: problem('No event names the lot (LOT_NOT_FOUND)'),
      ...COMMON_ERRORS,
    },
    handler: async ({ req, reply, query }) => {
      checkPeriod(query.from, query.to);
      const { from, to, user, format: f, ...ref } = query;
      const hasRef = ref.ref !== undefined || ref.item !== undefined || ref.gtin !== undefined;
      if (!hasRef && ref.lot !== undefined) throw invalid('query.lot', 'give item (or gtin) with lot, or ref');
      const lot = hasRef ? await resolveStored(store, refFrom(ref, 'query'), ref.item !== undefined) : undefined;
      const trail = await auditTrail(
        { store, quality, identity, ...(deps.integrations ? { webhooks: deps.integrations } : {}), ...(deps.stations ? { stations: deps.stations } : {}), ...(deps.masterData ? { masterData: deps.masterData } : {}) },
        { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}), ...(user !== undefined ? { user } : {}), ...(lot ? { lot } : {}) },
      );
      const format = negotiate(f, req.headers.accept);
      void reply.header('Lotline-As-Of-Seq', String(trail.asOfSeq));
      if (format === 'json') return trail;
      void reply.type(REPORT_CONTENT_TYPES[format]).header('Content-Disposition', `attachment; filename="audit-trail.${format}"`);
      return format === 'csv' ? auditCsv(trail) : await auditXlsx(trail);
    },
  });

  api.route({
    method: 'GET',
    url: '/reports/supplier',
    tag: 'reports',
    summary: "Supplier report: a supplier's lots (quantities, dates, POs, supplier lot codes), where they went, and the holds and exceptions linked to them",
    description: 'Receipts from the supplier in the period; for each received lot, every lot made from it and every shipment to a customer (with the share from the supplier lot); holds and exceptions on any of those lots. JSON, CSV (one row per received lot and shipment) or XLSX (a sheet per table). See docs/reports/supplier.md.',
    permission: 'read',
    query: z
      .object({
        supplier: z.string().trim().min(1, 'must not be empty').describe('The supplier: its name as receipts give it, its party URI, or its GLN URI'),
        from: time('Only receipts at or after this event time'),
        to: time('Only receipts before this event time'),
        format: ReportFormatParam,
      })
      .strict(),
    responses: {
      200: { description: `application/json, text/csv or ${REPORT_CONTENT_TYPES.xlsx}`, schema: z.record(z.string(), z.unknown()) },
      400: problem('A bad parameter (INPUT_INVALID)'),
      404: problem('No receipt comes from that supplier (SUPPLIER_NOT_FOUND)'),
      ...COMMON_ERRORS,
    },
    handler: async ({ req, reply, query }) => {
      checkPeriod(query.from, query.to);
      const r = await supplierReport(store, quality, query.supplier, { ...(query.from !== undefined ? { from: query.from } : {}), ...(query.to !== undefined ? { to: query.to } : {}) });
      const format = negotiate(query.format, req.headers.accept);
      void reply.header('Lotline-As-Of-Seq', String(r.asOfSeq));
      if (format === 'json') return r;
      void reply.type(REPORT_CONTENT_TYPES[format]).header('Content-Disposition', `attachment; filename="supplier.${format}"`);
      return format === 'csv' ? supplierCsv(r) : await supplierXlsx(r);
    },
  });
}
