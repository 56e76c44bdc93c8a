/**
 * The EPCIS 2.0 REST binding: capture jobs (all or nothing), the events query with its filters
 * and paging, schema-valid EPCISQueryDocuments, and the GS1 version headers. A document captured
 * over HTTP and the same document imported with the CLI give identical traces.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, cliJson, FIXTURES, tempDb } from '../helpers/cli.js';
import { expectSchemaValid } from '../helpers/epcis-schema.js';
import type { TestApi } from '../helpers/http.js';
import { receive, testApi } from '../helpers/http.js';
import { HAVE_STANDARDS } from '../helpers/standards.js';

type Json = Record<string, unknown>;
const JUICE = `${FIXTURES}epcis/juice-plant.jsonld`;
const juice = (): Json => JSON.parse(readFileSync(JUICE, 'utf8')) as Json;
const LOTS = ['urn:epc:class:lgtin:4012345.099991.ORANGE-7', 'urn:epc:class:lgtin:4012345.099992.SUGAR-3', 'urn:epc:class:lgtin:4012345.012345.JUICE-1'];

describe('EPCIS capture and query', () => {
  let t: TestApi;
  let httpDb: string;
  beforeAll(async () => {
    httpDb = tempDb();
    t = await testApi({ db: httpDb });
  });
  afterAll(async () => t.close());

  const capture = (doc: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: '/api/v1/epcis/capture', headers: { ...t.keys.operator, 'content-type': 'application/ld+json', ...headers }, payload: JSON.stringify(doc) });
  const query = (qs: string) => t.app.inject({ url: `/api/v1/epcis/events${qs}`, headers: t.keys.auditor });
  const eventIds = (r: { json(): unknown }) => ((r.json() as Json)['epcisBody'] as { queryResults: { resultsBody: { eventList: Json[] } } }).queryResults.resultsBody.eventList.map((e) => e['eventID']);

  it('answers 202 with the capture job at Location; the job reports success and the GS1 headers are set', async () => {
    const r = await capture(juice());
    expect(r.statusCode).toBe(202);
    expect(r.headers['gs1-epcis-version']).toBe('2.0.0');
    expect(r.headers['gs1-cbv-version']).toBe('2.0.0');
    const location = r.headers['location'] as string;
    expect(location).toMatch(/^\/api\/v1\/epcis\/capture\/[0-9a-f]{24}$/);
    const job = (await t.app.inject({ url: location, headers: t.keys.auditor })).json() as Json;
    expect(job).toMatchObject({ running: false, success: true, captureErrorBehaviour: 'rollback', errors: [], events: 8, stored: 8, duplicates: 0, createdBy: 'key:operator-key' });
    const again = (await capture(juice())).json() as Json;
    expect(again).toMatchObject({ success: true, stored: 0, duplicates: 8 });
  });

  it('gives the same traces as the same document imported with the CLI', async () => {
    const cliDb = tempDb();
    expect((await cli('import', JUICE, '--db', cliDb)).code).toBe(0);
    for (const ref of LOTS) {
      for (const direction of ['forward', 'backward'] as const) {
        const r = await t.app.inject({ url: `/api/v1/trace/${direction}?ref=${encodeURIComponent(ref)}`, headers: t.keys.auditor });
        expect(r.statusCode, r.body).toBe(200);
        // Identical, asOfSeq included: both logs hold the same events in the same order. Record times differ, and no trace field carries one.
        expect(r.json()).toEqual(await cliJson('trace', direction, ref, '--db', cliDb));
      }
    }
    const forward = (await t.app.inject({ url: `/api/v1/trace/forward?ref=${encodeURIComponent(LOTS[0]!)}`, headers: t.keys.auditor })).json() as { lots: unknown[]; shipments: unknown[] };
    expect(forward.lots.length).toBeGreaterThan(1);
    expect(forward.shipments.length).toBeGreaterThan(0);
  });

  it('reports invalid fields in the job with their paths, and stores nothing of the document', async () => {
    const head = await t.store.headSeq();
    const doc = juice();
    const list = (doc['epcisBody'] as { eventList: Json[] }).eventList;
    list.push({ ...list[0]!, eventID: 'urn:uuid:7d0f9a5e-0001-4000-8000-0000000000ff', eventTime: '2026-06-01 07:00' });
    const r = await capture(doc);
    expect(r.statusCode).toBe(202);
    const job = (await t.app.inject({ url: r.headers['location'] as string, headers: t.keys.auditor })).json() as { success: boolean; errors: Json[] };
    expect(job.success).toBe(false);
    expect(job.errors[0]).toMatchObject({ code: 'EPCIS_INVALID_FIELD', status: 400, issues: [expect.objectContaining({ path: '$.epcisBody.eventList[8].eventTime', index: 8 })] });
    expect(job.errors[0]!['detail']).toContain('Nothing from this document was stored');
    expect(await t.store.headSeq()).toBe(head);
  });

  it('reports an eventID conflict in the job and rolls back the whole document', async () => {
    const head = await t.store.headSeq();
    const doc = juice();
    const list = (doc['epcisBody'] as { eventList: Json[] }).eventList;
    list.unshift({ ...list[0]!, eventID: 'urn:uuid:7d0f9a5e-0001-4000-8000-0000000000fe' });
    list[1] = { ...list[1]!, eventTime: '2026-06-01T07:30:00.000+02:00' };
    const job = (await capture(doc)).json() as { success: boolean; errors: Json[]; stored: number };
    expect(job).toMatchObject({ success: false, stored: 0 });
    expect(job.errors[0]).toMatchObject({ code: 'EVENT_ID_CONFLICT', status: 409, issues: [expect.objectContaining({ path: '$.epcisBody.eventList[1].eventID' })] });
    expect(await t.store.headSeq()).toBe(head);
  });

  it('answers 400 for a body that is not an EPCISDocument and for a capture error behaviour other than rollback; 404 for an unknown job', async () => {
    const notDoc = await capture({ type: 'EPCISQueryDocument', epcisBody: {} });
    expect(notDoc.statusCode).toBe(400);
    expect(notDoc.json()).toMatchObject({ code: 'EPCIS_NOT_A_DOCUMENT', issues: [{ path: '$.type' }] });
    expect((await capture({ type: 'EPCISDocument' })).json()).toMatchObject({ code: 'INPUT_INVALID', issues: [{ path: '$.epcisBody' }] });
    const proceed = await capture(juice(), { 'gs1-capture-error-behaviour': 'proceed' });
    expect(proceed.statusCode).toBe(400);
    expect(proceed.json()).toMatchObject({ code: 'INPUT_INVALID', issues: [{ path: 'header.gs1-capture-error-behaviour' }] });
    const unknown = await t.app.inject({ url: '/api/v1/epcis/capture/000000000000000000000000', headers: t.keys.auditor });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['gs1-epcis-version']).toBe('2.0.0');
  });

  it.skipIf(!HAVE_STANDARDS)('returns EPCISQueryDocuments that validate against the GS1 schema (skipped without ../shared/standards)', async () => {
    await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: t.keys.quality, payload: [receive('N-1', { supplierLot: 'S-1' }), { cmd: 'hold', time: '2026-05-04T10:00:00+02:00', lots: [{ item: 'RAW', lot: 'N-1' }], reason: 'swab' }] });
    const r = await query('?perPage=1000');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/ld\+json/);
    const doc = r.json() as Json;
    expect(doc['type']).toBe('EPCISQueryDocument');
    expect(eventIds(r)).toHaveLength(10);
    expectSchemaValid(doc);
  });

  it('pages with perPage and the nextPageToken of the Link header, in log order', async () => {
    const all = eventIds(await query('?perPage=1000'));
    const seen: unknown[] = [];
    let url: string | undefined = '/api/v1/epcis/events?perPage=3';
    let pages = 0;
    while (url) {
      const r = await t.app.inject({ url, headers: t.keys.auditor });
      seen.push(...eventIds(r));
      const link = r.headers['link'] as string | undefined;
      url = link ? /^<([^>]+)>; rel="next"$/.exec(link)![1] : undefined;
      pages++;
    }
    expect(seen).toEqual(all);
    expect(pages).toBe(Math.ceil(all.length / 3));
    expect((await query('?nextPageToken=abc')).json()).toMatchObject({ code: 'INPUT_INVALID', issues: [{ path: 'query.nextPageToken' }] });
  });

  it('filters by type, time, step, disposition, location and objects', async () => {
    const ids = async (qs: string) => eventIds(await query(qs));
    expect(await ids('?eventType=TransformationEvent')).toEqual(['urn:uuid:7d0f9a5e-0001-4000-8000-000000000003']);
    expect(await ids('?eventType=TransformationEvent|AggregationEvent')).toHaveLength(2);
    const receiving = await ids('?EQ_bizStep=receiving');
    expect(receiving).toHaveLength(3);
    expect(await ids(`?EQ_bizStep=${encodeURIComponent('https://ref.gs1.org/cbv/BizStep-receiving')}`)).toEqual(receiving);
    expect(await ids('?EQ_bizStep=receiving&EQ_disposition=in_progress')).toHaveLength(3);
    expect(await ids('?EQ_bizLocation=urn:epc:id:sgln:4012345.00002.0')).toEqual(['urn:uuid:7d0f9a5e-0001-4000-8000-000000000003']);
    expect(await ids('?GE_eventTime=2026-06-01T00:00:00Z&LT_eventTime=2026-06-01T05:30:00Z')).toEqual(['urn:uuid:7d0f9a5e-0001-4000-8000-000000000001']);
    expect(await ids('?GE_recordTime=2999-01-01T00:00:00Z')).toEqual([]);
    const orange = 'urn:epc:class:lgtin:4012345.099991.ORANGE-7';
    expect(await ids(`?MATCH_epcClass=${orange}`)).toEqual(['urn:uuid:7d0f9a5e-0001-4000-8000-000000000001']);
    expect(await ids(`?MATCH_anyEPCClass=${orange}`)).toEqual(['urn:uuid:7d0f9a5e-0001-4000-8000-000000000001', 'urn:uuid:7d0f9a5e-0001-4000-8000-000000000003']);
    expect(await ids('?MATCH_anyEPCClass=urn:epc:idpat:sgtin:4012345.099991.*')).toEqual(['urn:uuid:7d0f9a5e-0001-4000-8000-000000000001', 'urn:uuid:7d0f9a5e-0001-4000-8000-000000000003']);
    const sscc = 'urn:epc:id:sscc:4012345.0000000019';
    expect(await ids(`?MATCH_epc=${sscc}`)).toHaveLength(1);
    expect((await ids(`?MATCH_anyEPC=${sscc}`)).length).toBeGreaterThan(1);
    expect(await ids('?MATCH_epc=urn:epc:id:sscc:4012345.0000000026')).toEqual([]);
  });

  it('returns a declared event with its error declaration (and an operator may not declare one)', async () => {
    const original = ((await t.app.inject({ url: `/api/v1/events/${encodeURIComponent('urn:uuid:7d0f9a5e-0001-4000-8000-000000000004')}`, headers: t.keys.auditor })).json() as { epcis: Json }).epcis;
    const declaration = { cmd: 'event', event: { ...original, errorDeclaration: { declarationTime: '2026-06-03T09:00:00Z', reason: 'incorrect_data' } } };
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: t.keys.operator, payload: declaration })).statusCode).toBe(403);
    const r = await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: t.keys.quality, payload: declaration });
    expect(r.json()).toMatchObject({ declared: 1 });
    const events = ((await query('?eventType=ObjectEvent&EQ_bizStep=commissioning')).json() as { epcisBody: { queryResults: { resultsBody: { eventList: Json[] } } } }).epcisBody.queryResults.resultsBody.eventList;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ eventID: 'urn:uuid:7d0f9a5e-0001-4000-8000-000000000004', errorDeclaration: { declarationTime: '2026-06-03T09:00:00Z', reason: 'incorrect_data' } });
    expectSchemaValid((await query('?perPage=1000')).json());
  });

  it('answers 400 naming the parameter for a bad value or an unknown parameter', async () => {
    expect((await query('?eventType=PartyEvent')).json()).toMatchObject({ code: 'INPUT_INVALID', issues: [{ path: 'query.eventType' }] });
    expect((await query('?EQ_bizStep=baking')).json()).toMatchObject({ code: 'CBV_INVALID', issues: [{ path: 'query.EQ_bizStep' }] });
    expect((await query('?GE_eventTime=yesterday')).json()).toMatchObject({ code: 'INPUT_INVALID', issues: [{ path: 'query.GE_eventTime' }] });
    expect((await query('?MATCH_epc=LOT7')).json()).toMatchObject({ code: 'ID_UNKNOWN_FORM', issues: [{ path: 'query.MATCH_epc' }] });
    expect((await query('?EQ_readPoint=x')).json()).toMatchObject({ code: 'INPUT_INVALID', status: 400 });
  });
});
