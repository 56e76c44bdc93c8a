/**
 * EPCIS 2.0 import against the official GS1 artefacts in ../shared/standards: every EPCIS
 * fixture the tests use must validate against the official JSON schema, and the importer
 * must accept the official example documents.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEpcisDocument } from '../../src/capture/epcis/read-epcis-document.js';
import { importFile } from '../../src/capture/import-file.js';
import { LotlineError } from '../../src/domain/errors.js';
import { trace } from '../../src/genealogy/trace.js';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';
import { FIXTURES } from '../helpers/cli.js';
import { epcisSchema } from '../helpers/epcis-schema.js';
import { HAVE_STANDARDS, STANDARDS_DIR } from '../helpers/standards.js';

const STANDARDS = STANDARDS_DIR;
const haveStandards = HAVE_STANDARDS;
const fixtureFiles = readdirSync(join(FIXTURES, 'epcis')).map((f) => join(FIXTURES, 'epcis', f));
const officialExamples = haveStandards ? readdirSync(STANDARDS).filter((f) => f.endsWith('_all_possible_fields.jsonld')).map((f) => join(STANDARDS, f)) : [];


describe.skipIf(!haveStandards)('EPCIS fixtures against the official schema (needs ../shared/standards)', () => {
  const validate = epcisSchema();
  it.each(fixtureFiles)('%s validates', (file) => {
    const ok = validate!(JSON.parse(readFileSync(file, 'utf8')));
    expect(validate!.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the schema is a real check: a fixture with a broken field fails it', () => {
    const doc = JSON.parse(readFileSync(fixtureFiles[0]!, 'utf8')) as { epcisBody: { eventList: Record<string, unknown>[] } };
    doc.epcisBody.eventList[0]!['eventTimeZoneOffset'] = '2 hours';
    expect(validate!(doc)).toBe(false);
  });
});

describe.skipIf(!haveStandards)('the official GS1 example documents (needs ../shared/standards)', () => {
  it.each(officialExamples)('%s imports', async (file) => {
    const store = openSqliteStore(':memory:');
    try {
      const summary = await importFile(store, file);
      expect(summary.events).toBeGreaterThan(0);
      expect(summary.stored + summary.duplicates + summary.declared).toBe(summary.events);
      expect((await store.verify()).ok).toBe(true);
      // re-import is a no-op
      const again = await importFile(store, file);
      expect(again.stored).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('the transformation example: the declared-erroneous event is stored but does not count in traces', async () => {
    const store = openSqliteStore(':memory:');
    try {
      await importFile(store, join(STANDARDS, 'transformation_event_all_possible_fields.jsonld'));
      const t = await trace(store, { kind: 'lot', item: '04012345111118', lot: '4444' }, 'forward');
      expect(t.lots.map((l) => l.lot ?? l.serial)).toEqual(['4444']);
    } finally {
      await store.close();
    }
  });
});

describe('EPCIS reading', () => {
  const juice = JSON.parse(readFileSync(join(FIXTURES, 'epcis/juice-plant.jsonld'), 'utf8')) as { epcisBody: { eventList: Record<string, unknown>[] } };

  it('reads all five event types with their facts', () => {
    const { events } = readEpcisDocument(juice, 'juice.jsonld');
    expect(events.map((e) => e.facts.type)).toEqual([
      'ObjectEvent',
      'ObjectEvent',
      'TransformationEvent',
      'ObjectEvent',
      'AggregationEvent',
      'ObjectEvent',
      'TransactionEvent',
      'AssociationEvent',
    ]);
    const [, sugar, transform] = events;
    expect(sugar!.facts.bizStep).toBe('receiving'); // from the web-URI spelling
    expect(sugar!.facts.sources).toEqual([{ type: 'owning_party', id: 'https://id.gs1.org/417/0614141000050' }]);
    expect(transform!.facts.bizStep).toBe('creating_class_instance');
    expect(transform!.facts.inputs.map((i) => i.ref)).toEqual([
      { kind: 'lot', item: '04012345999914', lot: 'ORANGE-7' },
      { kind: 'lot', item: '04012345999921', lot: 'SUGAR-3' },
      { kind: 'class', item: '04012345999938' },
    ]);
    // the document's own prefixes travel with the events that use them
    expect(events[0]!.body['@context']).toEqual([{ juice: 'https://juice.example.com/epcis/' }]);
    expect(events[0]!.body['juice:brix']).toBe(11.5);
  });

  it('the three CBV spellings and two identifier spellings of one event give one fingerprint', () => {
    const base = juice.epcisBody.eventList[1]!;
    const { eventID: _drop, ...noId } = base;
    const variants = [
      { ...noId, bizStep: 'receiving', disposition: 'in_progress' },
      { ...noId, bizStep: 'urn:epcglobal:cbv:bizstep:receiving', disposition: 'urn:epcglobal:cbv:disp:in_progress' },
      { ...noId, quantityList: [{ epcClass: 'urn:epc:class:lgtin:4012345.099992.SUGAR-3', quantity: 200000, uom: 'GRM' }] },
    ];
    const ids = variants.map((v) => readEpcisDocument({ type: 'EPCISDocument', epcisBody: { eventList: [v] } }).events[0]!.eventId);
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toMatch(/^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/);
  });

  it('reports every bad field with the event index and JSON path, and reads nothing', () => {
    const bad = structuredClone(juice);
    bad.epcisBody.eventList[0]!['eventTime'] = '2026-06-01T07:00:00';
    (bad.epcisBody.eventList[2]!['inputQuantityList'] as Record<string, unknown>[])[0]!['quantity'] = '1000';
    bad.epcisBody.eventList[4]!['parentID'] = 'urn:epc:id:sscc:4012345.000000001';
    delete bad.epcisBody.eventList[5]!['action'];
    bad.epcisBody.eventList[6]!['bizStep'] = 'teleporting';
    let err: unknown;
    try {
      readEpcisDocument(bad, 'bad.jsonld');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LotlineError);
    const e = err as LotlineError;
    expect(e.code).toBe('EPCIS_INVALID_FIELD');
    expect(e.message).toMatch(/^bad\.jsonld: 5 invalid fields; first: event 0 at \$\.epcisBody\.eventList\[0\]\.eventTime: .*offset/);
    expect(e.issues.map((i) => [i.index, i.path])).toEqual([
      [0, '$.epcisBody.eventList[0].eventTime'],
      [2, '$.epcisBody.eventList[2].inputQuantityList[0].quantity'],
      [4, '$.epcisBody.eventList[4].parentID'],
      [5, '$.epcisBody.eventList[5].action'],
      [6, '$.epcisBody.eventList[6].bizStep'],
    ]);
    expect(e.issues.every((i) => i.file === 'bad.jsonld' && i.reason.length > 10)).toBe(true);
  });

  it('refuses what is not an EPCIS document, saying what it expected', () => {
    expect(() => readEpcisDocument({ hello: 'world' })).toThrow(/"type" must be "EPCISDocument" or "EPCISQueryDocument"/);
    expect(() => readEpcisDocument({ type: 'EPCISDocument', epcisBody: {} })).toThrow(/no event list at \$\.epcisBody\.eventList/);
    expect(() => readEpcisDocument([1, 2])).toThrow(LotlineError);
  });

  it('reads an EPCISQueryDocument', () => {
    const q = { type: 'EPCISQueryDocument', schemaVersion: '2.0', epcisBody: { queryResults: { queryName: 'SimpleEventQuery', resultsBody: { eventList: juice.epcisBody.eventList.slice(0, 2) } } } };
    expect(readEpcisDocument(q).events).toHaveLength(2);
  });
});

describe('EPCIS reading: what the official schema allows', () => {
  it('an AggregationEvent without parentID is accepted (the schema does not require it); an AssociationEvent without one is not', () => {
    const base = { eventTime: '2026-06-01T12:00:00Z', eventTimeZoneOffset: '+00:00', action: 'ADD', childEPCs: ['urn:epc:id:sgtin:4012345.012345.1001'] };
    expect(readEpcisDocument({ type: 'EPCISDocument', epcisBody: { eventList: [{ type: 'AggregationEvent', ...base }] } }).events[0]!.facts.parent).toBeNull();
    expect(() => readEpcisDocument({ type: 'EPCISDocument', epcisBody: { eventList: [{ type: 'AssociationEvent', ...base }] } })).toThrow(/parentID is required on an AssociationEvent/);
  });
});
