/**
 * Master data over HTTP: items, parties and locations (list with search, get, put, history,
 * import of CSV or JSON). Reading needs `read`; changing it needs `master-data` (roles quality and
 * admin), since customer contacts and product descriptions end up in recall notices and FSMA
 * records (docs/masterdata.md).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { LotlineError } from '../../domain/errors.js';
import type { MasterDataKind } from '../../masterdata/master-data.js';
import { MASTER_DATA_KINDS } from '../../masterdata/master-data.js';
import { masterKey } from '../../masterdata/master-data-keys.js';
import type { MasterDataStore } from '../../masterdata/master-data-store.js';
import { readMasterDataCsv, readMasterDataJson, readMasterDataRecord } from '../../masterdata/read-master-data.js';
import type { Api } from '../app.js';
import { COMMON_ERRORS, problem } from '../schemas.js';

const KindParam = z.object({ kind: z.enum(MASTER_DATA_KINDS).describe('items, parties or locations') }).strict();
const RecordParam = z.object({ kind: z.enum(MASTER_DATA_KINDS), id: z.string().min(1).describe('Identifier as events write it, or as typed: GLN, GTIN, URI or name (URL-encoded)') }).strict();

const RecordSchema = z.object({
  kind: z.enum(MASTER_DATA_KINDS),
  key: z.string().describe('The identifier in the form events are matched on (gln:…, a GTIN-14, name:…)'),
  data: z.record(z.string(), z.unknown()),
  version: z.number().int(),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
const VersionSchema = z.object({ kind: z.enum(MASTER_DATA_KINDS), key: z.string(), version: z.number().int(), data: z.record(z.string(), z.unknown()), changedAt: z.string(), changedBy: z.string() });
const PutResultSchema = z.object({ created: z.number().int(), updated: z.number().int(), unchanged: z.number().int() });

function keyOf(kind: MasterDataKind, id: string): string {
  try {
    return masterKey(kind, id);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new LotlineError('INPUT_INVALID', `path.id: ${reason}`, { issues: [{ path: 'path.id', reason }], cause: e });
  }
}

export function registerMasterDataRoutes(api: Api, app: FastifyInstance, masterData: MasterDataStore): void {
  // CSV imports arrive as text; everything else stays JSON only.
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  api.route({
    method: 'GET',
    url: '/master-data/:kind',
    tag: 'master-data',
    summary: 'List items, parties or locations, optionally those matching every word of a search',
    permission: 'read',
    params: KindParam,
    query: z
      .object({
        search: z.string().trim().max(200).optional().describe('Words each listed record contains (id, name, description, contact details); case-insensitive'),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
        offset: z.coerce.number().int().min(0).default(0),
      })
      .strict(),
    responses: { 200: { description: 'Records, by key', schema: z.object({ records: z.array(RecordSchema) }) }, 400: problem('A bad parameter (INPUT_INVALID)'), ...COMMON_ERRORS },
    handler: async ({ params, query }) => ({
      records: await masterData.list(params.kind, { limit: query.limit, offset: query.offset, ...(query.search !== undefined ? { search: query.search } : {}) }),
    }),
  });

  api.route({
    method: 'GET',
    url: '/master-data/:kind/:id',
    tag: 'master-data',
    summary: 'One item, party or location, by any form of its identifier',
    permission: 'read',
    params: RecordParam,
    responses: { 200: { description: 'The record', schema: RecordSchema }, 404: problem('No such record (MASTER_DATA_NOT_FOUND)'), ...COMMON_ERRORS },
    handler: async ({ params }) => {
      const key = keyOf(params.kind, params.id);
      const r = await masterData.get(params.kind, key);
      if (!r) throw new LotlineError('MASTER_DATA_NOT_FOUND', `no ${params.kind} record for ${JSON.stringify(params.id)} (key ${key})`);
      return r;
    },
  });

  api.route({
    method: 'GET',
    url: '/master-data/:kind/:id/history',
    tag: 'master-data',
    summary: 'Every version of a record, oldest first, with who changed it and when (the earlier values of anything superseded)',
    permission: 'read',
    params: RecordParam,
    responses: { 200: { description: 'Versions', schema: z.object({ versions: z.array(VersionSchema) }) }, 404: problem('No such record (MASTER_DATA_NOT_FOUND)'), ...COMMON_ERRORS },
    handler: async ({ params }) => {
      const key = keyOf(params.kind, params.id);
      const versions = await masterData.history(params.kind, key);
      if (versions.length === 0) throw new LotlineError('MASTER_DATA_NOT_FOUND', `no ${params.kind} record for ${JSON.stringify(params.id)} (key ${key})`);
      return { versions };
    },
  });

  api.route({
    method: 'PUT',
    url: '/master-data/:kind/:id',
    tag: 'master-data',
    summary: 'Create or replace one record; the earlier values stay in its history',
    description: 'The body is the whole record (items: description, unit, netContent, lotCodeFormat; parties: name, roles, address, contact, phone, email; locations: name, address, party). `id` may be left out; given, it must name the same record as the path.',
    permission: 'master-data',
    params: RecordParam,
    body: z.record(z.string(), z.unknown()),
    responses: {
      200: { description: 'Replaced (or unchanged)', schema: RecordSchema },
      201: { description: 'Created', schema: RecordSchema },
      400: problem('A bad field, with its path and reason (INPUT_INVALID)'),
      ...COMMON_ERRORS,
    },
    handler: async ({ params, body, reply, principal }) => {
      const key = keyOf(params.kind, params.id);
      const record = readMasterDataRecord(params.kind, { id: params.id, ...body }, 'the record');
      if (record.key !== key) throw new LotlineError('INPUT_INVALID', `$.id: names ${record.key}, not the record of the path (${key})`, { issues: [{ path: '$.id', reason: `names ${record.key}, not the record of the path (${key})` }] });
      const result = await masterData.put([record], principal.actor);
      void reply.status(result.created === 1 ? 201 : 200);
      return (await masterData.get(params.kind, key))!;
    },
  });

  api.route({
    method: 'POST',
    url: '/master-data/:kind/import',
    tag: 'master-data',
    summary: 'Import records of one kind: a JSON array of records, or CSV (text/csv) with a header row; all or nothing',
    description: 'Every bad row or field is reported (line and column for CSV, JSON path for JSON) and nothing is stored unless all are right. Columns and fields: docs/masterdata.md.',
    permission: 'master-data',
    params: KindParam,
    body: z.unknown(),
    bodyContentTypes: ['application/json', 'text/csv'],
    responses: { 200: { description: 'Counts', schema: PutResultSchema }, 400: problem('Bad rows or fields (INPUT_INVALID)'), ...COMMON_ERRORS },
    handler: async ({ params, body, principal }) => {
      const records = typeof body === 'string' ? readMasterDataCsv(body, params.kind, 'the CSV body') : readMasterDataJson(body, 'the JSON body', params.kind);
      return masterData.put(records, principal.actor);
    },
  });

  api.route({
    method: 'POST',
    url: '/master-data/import',
    tag: 'master-data',
    summary: 'Import records of several kinds: {"items": […], "parties": […], "locations": […]}; all or nothing',
    permission: 'master-data',
    body: z.record(z.string(), z.unknown()),
    responses: { 200: { description: 'Counts', schema: PutResultSchema }, 400: problem('Bad fields, with their JSON paths (INPUT_INVALID)'), ...COMMON_ERRORS },
    handler: async ({ body, principal }) => masterData.put(readMasterDataJson(body, 'the JSON body'), principal.actor),
  });
}

