/**
 * "The importer accepts every document the schema accepts that uses the features above": random
 * EPCIS 2.0 documents built from the features Lotline supports, each first checked against the
 * official schema, must all import — and re-import as no-ops.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readEpcisDocument } from '../../src/capture/epcis/read-epcis-document.js';
import { epcisSchema } from '../helpers/epcis-schema.js';
import { HAVE_STANDARDS } from '../helpers/standards.js';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';

const LOTS = [
  'urn:epc:class:lgtin:4012345.012345.LOT7',
  'urn:epc:class:lgtin:4012345.012345.LOT%2F8',
  'https://id.gs1.org/01/04012345123456/10/LOT9',
  'https://brand.example.com/p/01/04012345123456/10/A-1?exp=261231',
  'urn:epc:idpat:sgtin:4012345.012345.*',
  'urn:lotline:lot:FLOUR:F-1',
];
const INSTANCES = ['urn:epc:id:sgtin:4012345.012345.400', 'https://id.gs1.org/01/04012345123456/21/401', 'urn:epc:id:sscc:4012345.0000000019', 'https://id.gs1.org/00/040123450000000191', 'urn:epc:id:grai:4012345.55555.1'];
const PLACES = ['urn:epc:id:sgln:4012345.00001.0', 'https://id.gs1.org/414/4012345000009', 'urn:lotline:loc:Dock%201'];
const PARTIES = ['urn:epc:id:pgln:4012345.00000', 'https://id.gs1.org/417/4012345000009', 'urn:lotline:party:ACME'];
const STEPS = ['receiving', 'shipping', 'commissioning', 'packing', 'holding', 'inspecting', 'https://ref.gs1.org/cbv/BizStep-storing', 'https://example.com/steps/proofing'];
const DISPOSITIONS = ['in_progress', 'in_transit', 'active', 'non_sellable_other', 'https://ref.gs1.org/cbv/Disp-available'];
const UOMS = ['KGM', 'GRM', 'LTR', 'EA', 'H87'];

const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 2 });
const qty = fc.record({ epcClass: fc.constantFrom(...LOTS), quantity: opt(fc.integer({ min: 0, max: 10_000 })), uom: opt(fc.constantFrom(...UOMS)) }).map((q) => ({
  epcClass: q.epcClass,
  ...(q.quantity !== undefined ? { quantity: q.quantity, ...(q.uom !== undefined ? { uom: q.uom } : {}) } : {}),
}));
const time = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
const common = fc.record({
  eventTime: time,
  eventTimeZoneOffset: fc.constantFrom('+00:00', '+02:00', '-05:00', '+14:00'),
  bizStep: opt(fc.constantFrom(...STEPS)),
  disposition: opt(fc.constantFrom(...DISPOSITIONS)),
  readPoint: opt(fc.constantFrom(...PLACES).map((id) => ({ id }))),
  bizLocation: opt(fc.constantFrom(...PLACES).map((id) => ({ id }))),
  sourceList: opt(fc.array(fc.record({ type: fc.constantFrom('owning_party', 'possessing_party', 'location'), source: fc.constantFrom(...PARTIES) }), { minLength: 1, maxLength: 2 })),
  destinationList: opt(fc.array(fc.record({ type: fc.constantFrom('owning_party', 'location'), destination: fc.constantFrom(...PARTIES) }), { minLength: 1, maxLength: 2 })),
  bizTransactionList: opt(fc.array(fc.record({ type: fc.constantFrom('po', 'desadv', 'inv'), bizTransaction: fc.constantFrom('urn:epc:id:gdti:4012345.00001.1', 'urn:lotline:order:SO-1') }), { minLength: 1, maxLength: 2 })),
  'example:note': opt(fc.string({ maxLength: 10 })),
});
const clean = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

const objectEvent = fc.record({ c: common, action: fc.constantFrom('ADD', 'OBSERVE', 'DELETE'), epcList: fc.array(fc.constantFrom(...INSTANCES), { maxLength: 3 }), quantityList: fc.array(qty, { minLength: 1, maxLength: 3 }) }).map(({ c, ...e }) => clean({ type: 'ObjectEvent', ...c, ...e }));
const transformationEvent = fc
  .record({ c: common, inputQuantityList: fc.array(qty, { minLength: 1, maxLength: 4 }), outputQuantityList: fc.array(qty, { minLength: 1, maxLength: 3 }), transformationID: opt(fc.constantFrom('urn:uuid:3f2d6c4e-0000-4000-8000-000000000001', 'urn:epc:id:gdti:4012345.00001.7')) })
  .map(({ c, ...e }) => clean({ type: 'TransformationEvent', ...c, ...e }));
const aggregationEvent = fc
  .record({ c: common, action: fc.constantFrom('ADD', 'OBSERVE', 'DELETE'), parentID: fc.constantFrom('urn:epc:id:sscc:4012345.0000000019', 'https://id.gs1.org/00/040123450000000191'), childQuantityList: fc.array(qty, { minLength: 1, maxLength: 3 }) })
  .map(({ c, ...e }) => clean({ type: 'AggregationEvent', ...c, ...e }));

const document = fc.array(fc.oneof(objectEvent, transformationEvent, aggregationEvent), { minLength: 1, maxLength: 8 }).map((eventList) => ({
  '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld', { example: 'https://example.com/epcis/' }],
  type: 'EPCISDocument',
  schemaVersion: '2.0',
  creationDate: '2026-11-26T00:00:00Z',
  epcisBody: { eventList },
}));

describe.skipIf(!HAVE_STANDARDS)('documents the schema accepts are imported (needs ../shared/standards)', () => {
  it('every random schema-valid document of the supported features reads, stores and re-imports as a no-op', async () => {
    const validate = epcisSchema()!;
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(document, async (doc) => {
        if (!validate(doc)) return; // only what the schema accepts is the claim
        checked++;
        const { events } = readEpcisDocument(doc, 'random.jsonld');
        expect(events).toHaveLength(doc.epcisBody.eventList.length);
        // and it stores, and storing it again changes nothing
        const store = openSqliteStore(':memory:');
        try {
          for (const round of [0, 1]) {
            const session = await store.beginCapture();
            const outcomes = await session.append(events);
            await session.commit();
            if (round === 1) expect(outcomes.every((o) => o.status === 'duplicate')).toBe(true);
          }
          expect((await store.verify()).ok).toBe(true);
        } finally {
          await store.close();
        }
      }),
      { numRuns: Number(process.env['FUZZ_RUNS'] ?? 1000) },
    );
    // the generator must mostly produce valid documents, or the test would prove nothing
    expect(checked).toBeGreaterThan(500);
  });
});
