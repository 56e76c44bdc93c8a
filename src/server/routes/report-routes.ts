/**
 * Reports over HTTP: the FSMA 204 sortable spreadsheet (CSV or XLSX) and the EPCIS export of a
 * trace or of an event query. The same use cases as `lotline report` and `lotline export`.
 */
import { Readable } from 'node:stream';
import { negotiateFormat } from '../../reports/report-formats.js';
import { z } from 'zod';
import { LotlineError } from '../../domain/errors.js';
import { exportEpcis, queryEventSeqs, traceEventSeqs } from '../../reports/epcis/epcis-export.js';
import { resolveEventFilters } from '../../reports/epcis/event-filters.js';
import type { FsmaFormat } from '../../reports/fsma204/fsma204-files.js';
import { FSMA_CONTENT_TYPES, FSMA_FORMATS, fsma204CsvChunks, fsma204XlsxStream } from '../../reports/fsma204/fsma204-files.js';
import { fsma204Report } from '../../reports/fsma204/fsma204-report.js';
import { loadMasterDataView } from '../../masterdata/master-data-view.js';
import type { Api } from '../app.js';
import { RefQuery, refFrom, resolveStored } from '../ref-query.js';
import { COMMON_ERRORS, problem } from '../schemas.js';
import { EventFilterParams, pipeList } from './epcis-routes.js';
import { time } from './lot-routes.js';


const Fsma204Query = z
  .object({
    tlc: pipeList('Traceability lot codes (lot codes, or any identifier form of a lot)'),
    item: z.string().trim().min(1, 'must not be empty').optional().describe('Only lots of this product: plant item code or GTIN'),
    direction: z.enum(['forward', 'backward']).optional().describe('With tlc: also every lot these went into (forward) or came from (backward)'),
    from: time('Only events at or after this event time'),
    to: time('Only events before this event time'),
    asOf: time('The records as known at this record time'),
    format: z.enum(FSMA_FORMATS).optional().describe('csv or xlsx; without it, the Accept header decides (CSV unless it asks for XLSX)'),
  })
  .strict();

const EpcisExportQuery = z
  .object({
    ...RefQuery,
    direction: z.enum(['forward', 'backward']).optional().describe('With ref: the trace whose events to export'),
    from: time('With ref: only events at or after this event time count in the trace'),
    to: time('With ref: only events before this event time count in the trace'),
    asOf: time('With ref: the trace as known at this record time'),
    ...EventFilterParams,
  })
  .strict();

/** The format a request asks for: `format`, else the first of XLSX or CSV its Accept header names, else CSV. */
const negotiate = (format: FsmaFormat | undefined, accept: string | undefined): FsmaFormat => negotiateFormat(format, accept, 'csv');

export function registerReportRoutes(api: Api): void {
  const { store } = api;

  api.route({
    method: 'GET',
    url: '/reports/fsma204',
    tag: 'reports',
    summary: 'FSMA 204 sortable spreadsheet: one row per Critical Tracking Event and traceability lot code, with its Key Data Elements',
    description:
      'CSV (one file, a CTE column first, a "Missing KDEs" column last) or XLSX (one sheet per CTE and a "Missing KDEs" sheet), by `format` or the Accept header. Without tlc or item: every lot with records in the window. Mapping of events to CTEs: docs/reports/fsma204.md.',
    permission: 'read',
    query: Fsma204Query,
    responses: {
      200: { description: `text/csv, or ${FSMA_CONTENT_TYPES.xlsx}; Content-Disposition names the file`, contentType: 'text/csv', headers: { 'Content-Disposition': 'attachment; filename="fsma204.csv" (or .xlsx)' } },
      400: problem('A bad parameter, with its name (INPUT_INVALID, USAGE, ID_*)'),
      404: problem('No lot has the traceability lot code, or no lot of the item (LOT_NOT_FOUND)'),
      ...COMMON_ERRORS,
    },
    handler: async ({ req, reply, query }) => {
      const format = negotiate(query.format, req.headers.accept);
      const report = await fsma204Report(store, {
        ...(query.tlc ? { tlcs: query.tlc } : {}),
        ...(query.direction ? { trace: query.direction } : {}),
        ...(query.item !== undefined ? { item: query.item } : {}),
        ...(query.from !== undefined ? { from: query.from } : {}),
        ...(query.to !== undefined ? { to: query.to } : {}),
        ...(query.asOf !== undefined ? { asOf: query.asOf } : {}),
        ...(api.masterData ? { masterData: await loadMasterDataView(api.masterData) } : {}),
      });
      void reply.type(FSMA_CONTENT_TYPES[format]).header('Content-Disposition', `attachment; filename="fsma204.${format}"`).header('Lotline-As-Of-Seq', String(report.asOfSeq));
      // streamed as it is written (chunked): the first bytes leave before the last rows are spelt, and a large report is never held whole
      return Readable.from(format === 'xlsx' ? fsma204XlsxStream(report) : fsma204CsvChunks(report), { objectMode: false });
    },
  });

  api.route({
    method: 'GET',
    url: '/reports/epcis',
    tag: 'reports',
    summary: 'EPCIS 2.0 export of a trace (ref + direction) or of an event query (the EPCIS query filters): one EPCISDocument, events as captured',
    description:
      'Every event the trace rests on (the traced lots’ events, the packing and shipping of the units that carried them, every event of their transformations, corrective events), or every event matching the filters, in log order; error declarations are entries of their own after the event they declare. Captured into an empty Lotline it gives the same trace. See docs/reports/epcis-export.md.',
    permission: 'read',
    query: EpcisExportQuery,
    responses: {
      200: { description: 'An EPCISDocument (application/ld+json)', schema: z.record(z.string(), z.unknown()), contentType: 'application/ld+json' },
      400: problem('A bad parameter, with its name (INPUT_INVALID, ID_*, CBV_INVALID); ref and filters together'),
      404: problem('No event names the lot (LOT_NOT_FOUND)'),
      ...COMMON_ERRORS,
    },
    handler: async ({ reply, query }) => {
      const { ref, item, gtin, lot, serial, direction, from, to, asOf, ...filters } = query;
      const hasRef = ref !== undefined || item !== undefined || gtin !== undefined;
      const filterNames = Object.entries(filters).filter(([, v]) => v !== undefined).map(([k]) => k);
      let selection: { seqs: Set<number>; asOfSeq: number };
      if (hasRef) {
        if (filterNames.length > 0) throw invalid(`query.${filterNames[0]}`, 'give ref with direction (a trace) or query filters, not both');
        if (direction === undefined) throw invalid('query.direction', 'a trace export needs direction: forward or backward');
        const root = await resolveStored(store, refFrom({ ref, item, gtin, lot, serial }, 'query'), item !== undefined);
        selection = await traceEventSeqs(store, root, direction, { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}), ...(asOf !== undefined ? { asOf } : {}) });
      } else {
        const traceOnly = (['direction', 'from', 'to', 'asOf', 'lot', 'serial'] as const).find((k) => query[k] !== undefined);
        if (traceOnly) throw invalid(`query.${traceOnly}`, `${traceOnly} belongs to a trace export: give ref too (or use GE_eventTime / LT_eventTime to filter a query)`);
        selection = await queryEventSeqs(store, await resolveEventFilters(store, filters));
      }
      const out = await exportEpcis(store, selection.seqs, selection.asOfSeq);
      void reply.type('application/ld+json').header('Content-Disposition', 'attachment; filename="lotline-epcis.jsonld"').header('Lotline-As-Of-Seq', String(out.asOfSeq));
      return out.document;
    },
  });
}

function invalid(path: string, reason: string): LotlineError {
  return new LotlineError('INPUT_INVALID', `${path}: ${reason}`, { issues: [{ path, reason }] });
}

