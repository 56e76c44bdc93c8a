/**
 * EPCIS export of a trace and of a query, against the salad plant: a schema-valid EPCIS 2.0
 * document with the events as captured (bodies unchanged, error declarations as their own
 * entries), that an empty Lotline captures into the same trace answer. SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEpcisDocument } from '../../src/capture/epcis/read-epcis-document.js';
import { canonicalJson } from '../../src/domain/canonical-json.js';
import { parseRef } from '../../src/domain/identifiers/index.js';
import { trace } from '../../src/genealogy/trace.js';
import type { TraceResult } from '../../src/genealogy/trace.js';
import { exportEpcis, queryEventSeqs, traceEventSeqs } from '../../src/reports/epcis/epcis-export.js';
import { resolveEventFilters } from '../../src/reports/epcis/event-filters.js';
import type { EventStore } from '../../src/store/event-store.js';
import { expectSchemaValid } from '../helpers/epcis-schema.js';
import { SALAD, saladStore, STORE_KINDS, VOIDED_BATCH, VOIDED_SHIPMENT } from './salad-plant.js';

type Json = Record<string, unknown>;
const eventList = (doc: Json): Json[] => (doc['epcisBody'] as { eventList: Json[] }).eventList;
const LETTUCE = 'urn:lotline:lot:RM-LETTUCE:LET-1';
const CUKE = 'urn:lotline:lot:RM-CUKE:CU-3';

/** Captures a document into a store, as POST /epcis/capture and lotline import do. */
async function capture(store: EventStore, doc: Json): Promise<void> {
  const { events } = readEpcisDocument(JSON.parse(JSON.stringify(doc)), undefined, 'document');
  const session = await store.beginCapture();
  await session.append(events);
  await session.commit();
}

/** A trace without the log position, which depends on how many entries the log holds. */
function answer(t: TraceResult): Omit<TraceResult, 'asOfSeq'> {
  const { asOfSeq: _, ...rest } = t;
  return rest;
}

for (const kind of STORE_KINDS) {
  describe.skipIf(kind.skip !== undefined)(`EPCIS export on ${kind.name}${kind.skip ? ` (skipped: ${kind.skip})` : ''}`, () => {
    let store: EventStore;
    beforeAll(async () => {
      store = await saladStore(kind);
    });
    afterAll(async () => store?.close());

    it('a backward trace of the salad: every event it rests on, as captured, the declaration after its event, schema-valid', async () => {
      const sel = await traceEventSeqs(store, parseRef(SALAD), 'backward');
      const out = await exportEpcis(store, sel.seqs, sel.asOfSeq);
      expectSchemaValid(out.document);
      expect(out.document).toMatchObject({ type: 'EPCISDocument', schemaVersion: '2.0' });
      const list = eventList(out.document);
      const ids = list.map((e) => e['eventID']);
      // the transformation, the receipts of its lots, the pallet's packing and shipping, both shipments, and the voided one with its declaration
      expect(ids).toEqual([
        'urn:uuid:5a1ad000-0000-4000-8000-000000000001',
        'urn:uuid:5a1ad000-0000-4000-8000-000000000002',
        'urn:uuid:5a1ad000-0000-4000-8000-000000000003',
        'urn:uuid:5a1ad000-0000-4000-8000-000000000004',
        'urn:uuid:5a1ad000-0000-4000-8000-000000000005',
        'urn:uuid:5a1ad000-0000-4000-8000-000000000006',
        VOIDED_BATCH,
        VOIDED_BATCH,
        VOIDED_SHIPMENT,
        VOIDED_SHIPMENT,
      ]);
      expect(out).toMatchObject({ events: 8, declarations: 2 });
      expect(list[6]!['errorDeclaration']).toBeUndefined();
      expect(list[7]!['errorDeclaration']).toMatchObject({ reason: 'incorrect_data' });
      expect(list[8]!['errorDeclaration']).toBeUndefined();
      expect(list[9]!['errorDeclaration']).toMatchObject({ reason: 'incorrect_data', correctiveEventIDs: ['urn:uuid:5a1ad000-0000-4000-8000-000000000006'] });
      // each entry is the logged body, byte for byte in canonical form, plus Lotline's record time
      const log = await store.readLog(0, 100);
      for (const e of list) {
        expect(typeof e['recordTime']).toBe('string');
        const { recordTime: _, ...body } = e;
        expect(log.some((l) => l.body === canonicalJson(body) && l.recordTime === e['recordTime'])).toBe(true);
      }
      // the cucumbers have nothing to do with the salad
      expect(JSON.stringify(list)).not.toContain('CU-3');
    });

    it('captured into an empty Lotline, the export gives the same traces, both ways, corrections included', async () => {
      for (const [root, direction] of [
        [SALAD, 'backward'],
        [LETTUCE, 'forward'],
        [SALAD, 'forward'],
        [LETTUCE, 'backward'],
        ['urn:lotline:lot:RM-TOMATO:TOM-7', 'forward'],
      ] as const) {
        const sel = await traceEventSeqs(store, parseRef(root), direction);
        const out = await exportEpcis(store, sel.seqs, sel.asOfSeq);
        const copy = await kind.open();
        try {
          await capture(copy, out.document);
          const original = await trace(store, parseRef(root), direction);
          expect(answer(await trace(copy, parseRef(root), direction)), `${direction} ${root}`).toEqual(answer(original));
          expect(original.lots.length + original.shipments.length + original.receipts.length).toBeGreaterThan(1);
        } finally {
          await copy.close();
        }
      }
      // the declared batch is in the answers as a correction, on both sides
      expect((await trace(store, parseRef(SALAD), 'backward')).corrections).toMatchObject([{ eventId: VOIDED_BATCH, reason: 'incorrect_data' }]);
      const forward = await trace(store, parseRef(LETTUCE), 'forward');
      expect(forward.shipments.map((s) => [s.quantity, s.destination])).toEqual([
        [100, 'urn:lotline:party:Fresh%20Mart'],
        [50, 'urn:lotline:party:Corner%20Deli'],
      ]);
    });

    it('a query export: the events matching the filters, with the declaration of a declared one', async () => {
      const sel = await queryEventSeqs(store, await resolveEventFilters(store, { EQ_bizStep: ['shipping'] }));
      const out = await exportEpcis(store, sel.seqs, sel.asOfSeq);
      expectSchemaValid(out.document);
      expect(eventList(out.document).map((e) => e['eventID'])).toEqual([
        'urn:uuid:5a1ad000-0000-4000-8000-000000000005',
        'urn:uuid:5a1ad000-0000-4000-8000-000000000006',
        VOIDED_SHIPMENT,
        VOIDED_SHIPMENT,
      ]);
      const window = await queryEventSeqs(store, await resolveEventFilters(store, { LT_eventTime: '2026-05-31T00:00:00Z', MATCH_anyEPC: [CUKE] }));
      expect(eventList((await exportEpcis(store, window.seqs, window.asOfSeq)).document).map((e) => e['eventID'])).toEqual(['urn:uuid:5a1ad000-0000-4000-8000-000000000009']);
      const none = await queryEventSeqs(store, await resolveEventFilters(store, { EQ_bizStep: ['destroying'] }));
      const empty = await exportEpcis(store, none.seqs, none.asOfSeq);
      expectSchemaValid(empty.document);
      expect(eventList(empty.document)).toEqual([]);
    });

    it('a trace as known before the declaration exports the wrong shipment without it', async () => {
      const declarationSeq = await store.headSeq();
      const sel = await traceEventSeqs(store, parseRef(SALAD), 'forward');
      expect(sel.asOfSeq).toBe(declarationSeq);
      const before = await exportEpcis(store, [...sel.seqs].filter((s) => s < declarationSeq), declarationSeq - 1);
      expect(eventList(before.document).filter((e) => e['eventID'] === VOIDED_SHIPMENT)).toHaveLength(1);
      // only the batch's declaration was known then
      expect(before.declarations).toBe(1);
      expect(eventList(before.document).filter((e) => e['errorDeclaration'] !== undefined).map((e) => e['eventID'])).toEqual([VOIDED_BATCH]);
    });

    it('names the bad filter', async () => {
      await expect(resolveEventFilters(store, { EQ_bizStep: ['shiping'] })).rejects.toMatchObject({ code: 'CBV_INVALID', issues: [{ path: 'query.EQ_bizStep' }] });
      await expect(resolveEventFilters(store, { GE_eventTime: '2026-06-01' })).rejects.toMatchObject({ code: 'INPUT_INVALID', issues: [{ path: 'query.GE_eventTime' }] });
      await expect(resolveEventFilters(store, { eventType: ['Objectevent'] })).rejects.toMatchObject({ code: 'INPUT_INVALID', issues: [{ path: 'query.eventType' }] });
      await expect(resolveEventFilters(store, { MATCH_anyEPC: ['not an id'] }, (n) => `--${n}`)).rejects.toMatchObject({ issues: [{ path: '--MATCH_anyEPC' }] });
    });
  });
}
