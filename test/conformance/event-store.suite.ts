/**
 * The storage conformance suite: the same cases for every adapter of the store port.
 * An adapter runs it with `testEventStore(name, factory)`; it may skip a case only by
 * naming the reason in `skip`.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importFile } from '../../src/capture/import-file.js';
import { loadDemo } from '../../src/cli/demo.js';
import { LotlineError } from '../../src/domain/errors.js';
import { GenealogyIndex, withGenealogyIndex } from '../../src/genealogy/genealogy-index.js';
import { trace } from '../../src/genealogy/trace.js';
import type { EventStore, LogEntry } from '../../src/store/event-store.js';
import { GENESIS_HASH } from '../../src/store/log-hash.js';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';
import { FIXTURES } from '../helpers/cli.js';
import { everyAnswer } from '../helpers/answers.js';
import { captured } from '../helpers/store.js';

export interface StoreFactory {
  /** A new, empty store. */
  create(): Promise<EventStore>;
  /** Cases this adapter cannot run, with the reason. */
  skip?: Readonly<Record<string, string>>;
}

const receive = (lot: string, q = 10, time = '2026-05-04T08:00:00+02:00') => ({ cmd: 'receive', time, lots: [{ item: 'RAW', lot, quantity: q, uom: 'KGM' }], from: 'Supplier' });
const produce = (id: string, input: string, output: string, time = '2026-05-04T09:00:00+02:00') => ({
  cmd: 'produce',
  id,
  time,
  inputs: [{ item: 'RAW', lot: input, quantity: 5, uom: 'KGM' }],
  outputs: [{ item: 'FG', lot: output, quantity: 5, uom: 'KGM' }],
});

/** The same loading on the reference adapter (SQLite in memory, whose answers the e2e tests pin by hand). */
async function reference(load: (s: EventStore) => Promise<void>): Promise<Record<string, unknown>> {
  const ref = openSqliteStore(':memory:');
  try {
    await load(ref);
    return await everyAnswer(ref);
  } finally {
    await ref.close();
  }
}

/** What the log stores, without the record times (and the hashes over them), which differ from run to run. */
async function logContent(s: EventStore): Promise<unknown[]> {
  return (await s.readLog(0, 1_000_000)).map((e) => ({ ...e, recordTime: undefined, prevHash: undefined, hash: undefined }));
}

async function loadInOne(s: EventStore, commands: readonly unknown[]): Promise<void> {
  const session = await s.beginCapture();
  await session.append(captured(commands));
  await session.commit();
}

/** One shipment stored before `event_terms` existed, for the migration that fills it (both engines). */
export async function storeShipmentForTerms(s: EventStore): Promise<void> {
  await loadInOne(s, [{ cmd: 'ship', time: '2026-05-05T08:00:00+02:00', lots: [{ item: 'RAW', lot: 'L-1', quantity: 1, uom: 'KGM' }], to: 'FreshMart DC South', order: 'SO-2026-701' }]);
  await s.close();
}

/** What the filled terms of `storeShipmentForTerms` find. */
export async function expectShipmentTerms(s: EventStore): Promise<void> {
  expect(await s.eventsByTerm('so-2026-701', 10)).toEqual([{ seq: 1, kind: 'document', value: 'urn:lotline:order:SO-2026-701' }]);
  expect(await s.eventsByTerm('FreshMart', 10)).toEqual([{ seq: 1, kind: 'party', value: 'urn:lotline:party:FreshMart%20DC%20South' }]);
}

export function testEventStore(name: string, factory: StoreFactory): void {
  const caseIt = (title: string, fn: () => Promise<void>) => {
    const reason = factory.skip?.[title];
    if (reason) it.skip(`${title} (skipped: ${reason})`, fn);
    else it(title, fn);
  };
  const withStore = async (fn: (s: EventStore) => Promise<void>) => {
    const s = await factory.create();
    try {
      await fn(s);
    } finally {
      await s.close();
    }
  };

  describe(`event store conformance: ${name}`, () => {
    caseIt('appends, then treats the same event as a duplicate', async () =>
      withStore(async (s) => {
        const events = captured([receive('A'), produce('urn:uuid:00000000-0000-4000-8000-000000000001', 'A', 'X')]);
        const session = await s.beginCapture();
        const first = await session.append(events);
        await session.commit();
        expect(first.map((o) => [o.status, o.seq])).toEqual([
          ['stored', 1],
          ['stored', 2],
        ]);
        const again = await s.beginCapture();
        expect((await again.append(events)).map((o) => o.status)).toEqual(['duplicate', 'duplicate']);
        await again.commit();
        expect(await s.headSeq()).toBe(2);
        expect(await s.stats()).toMatchObject({ events: 2, declarations: 0 });
      }));

    caseIt('a duplicate in the middle of a batch takes no log position: the next event links to the one before it', async () =>
      withStore(async (s) => {
        const [a, b, c] = captured([receive('A'), receive('B'), receive('C')]);
        const session = await s.beginCapture();
        const out = await session.append([a!, b!, a!, c!, b!]);
        await session.commit();
        expect(out.map((o) => [o.status, o.seq])).toEqual([
          ['stored', 1],
          ['stored', 2],
          ['duplicate', 1],
          ['stored', 3],
          ['duplicate', 2],
        ]);
        const log = await s.readLog(0, 10);
        expect(log.map((e) => [e.seq, e.eventId])).toEqual([
          [1, a!.eventId],
          [2, b!.eventId],
          [3, c!.eventId],
        ]);
        expect(log[2]!.prevHash).toBe(log[1]!.hash);
        expect(await s.verify()).toMatchObject({ ok: true, entries: 3 });
        expect(await s.stats()).toMatchObject({ events: 3, declarations: 0 });
      }));

    caseIt('refuses the same eventID with other content, and the session rolls back whole', async () =>
      withStore(async (s) => {
        const session = await s.beginCapture();
        await session.append(captured([produce('urn:uuid:00000000-0000-4000-8000-000000000002', 'A', 'X')]));
        await session.commit();
        const bad = await s.beginCapture();
        await bad.append(captured([receive('B')]));
        await expect(bad.append(captured([produce('urn:uuid:00000000-0000-4000-8000-000000000002', 'A', 'Y')]))).rejects.toSatisfy(
          (e: unknown) => e instanceof LotlineError && e.code === 'EVENT_ID_CONFLICT',
        );
        await bad.rollback();
        expect(await s.headSeq()).toBe(1);
        expect((await s.findNodes([{ kind: 'lot', item: 'RAW', lot: 'B' }])).size).toBe(0);
      }));

    caseIt('records record times that never go backwards and answers "as known at"', async () =>
      withStore(async (s) => {
        for (const lot of ['A', 'B', 'C']) {
          const session = await s.beginCapture();
          await session.append(captured([receive(lot)]));
          await session.commit();
          await new Promise((r) => setTimeout(r, 3));
        }
        const rows = await s.eventsBySeq([1, 2, 3]);
        const times = rows.sort((a, b) => a.seq - b.seq).map((r) => r.recordTime);
        expect([...times].sort()).toEqual(times);
        expect(await s.seqAt(times[1]!)).toBe(2);
        expect(await s.seqAt('2000-01-01T00:00:00.000Z')).toBe(0);
      }));

    caseIt('an error declaration voids the event in projections, and is idempotent', async () =>
      withStore(async (s) => {
        const id = 'urn:uuid:00000000-0000-4000-8000-000000000003';
        const session = await s.beginCapture();
        await session.append(captured([receive('A'), produce(id, 'A', 'X')]));
        await session.commit();
        const original = (await s.eventById(id))!.body;
        const declaration = captured([{ cmd: 'event', event: { ...original, errorDeclaration: { declarationTime: '2026-05-05T10:00:00Z', reason: 'incorrect_data' } } }]);
        const d = await s.beginCapture();
        const out = await d.append(declaration);
        await d.commit();
        expect(out[0]!.status).toBe('declared');
        expect((await s.eventById(id))!.row.voidSeq).toBe(3);
        const again = await s.beginCapture();
        expect((await again.append(declaration))[0]!.status).toBe('duplicate');
        await again.commit();
        const t = await trace(s, { kind: 'lot', item: 'RAW', lot: 'A' }, 'forward');
        expect(t.lots).toHaveLength(1);
      }));

    caseIt('an event that arrived declared takes the same declaration again, and refuses a different one', async () =>
      withStore(async (s) => {
        const id = 'urn:uuid:00000000-0000-4000-8000-000000000006';
        const plain = captured([produce(id, 'A', 'X')])[0]!.body;
        const declared = (reason: string) => captured([{ cmd: 'event', event: { ...plain, errorDeclaration: { declarationTime: '2026-05-05T10:00:00Z', reason } } }]);
        const first = await s.beginCapture();
        expect((await first.append(declared('incorrect_data')))[0]!.status).toBe('stored');
        await first.commit();
        const again = await s.beginCapture();
        expect((await again.append(declared('incorrect_data')))[0]!.status).toBe('duplicate');
        expect((await again.append(captured([{ cmd: 'event', event: plain }])))[0]!.status).toBe('duplicate');
        await again.commit();
        const other = await s.beginCapture();
        await expect(other.append(declared('did_not_occur'))).rejects.toMatchObject({ code: 'EVENT_ID_CONFLICT' });
        await other.rollback();
        expect(await s.headSeq()).toBe(1);
        expect((await s.eventById(id))!.row.voidSeq).toBe(1);
      }));

    caseIt('the hash chain verifies after appends', async () =>
      withStore(async (s) => {
        const session = await s.beginCapture();
        await session.append(captured([receive('A'), receive('B'), produce('urn:uuid:00000000-0000-4000-8000-000000000004', 'A', 'X')]));
        await session.commit();
        const v = await s.verify();
        expect(v).toMatchObject({ ok: true, entries: 3 });
        expect(v.headHash).toMatch(/^[0-9a-f]{64}$/);
      }));

    caseIt('records who captured each event and from where, under the hash chain', async () =>
      withStore(async (s) => {
        const anonymous = await s.beginCapture();
        await anonymous.append(captured([receive('A')]));
        await anonymous.commit();
        const id = 'urn:uuid:00000000-0000-4000-8000-000000000007';
        const attributed = await s.beginCapture({ actor: 'user:alice', origin: '10.0.0.7' });
        await attributed.append(captured([produce(id, 'A', 'X')]));
        await attributed.commit();
        expect((await s.eventById(id))!.row).toMatchObject({ recordedBy: 'user:alice', recordedFrom: '10.0.0.7' });
        const rows = await s.eventsBySeq([1, 2]);
        expect(rows.sort((a, b) => a.seq - b.seq).map((r) => [r.recordedBy, r.recordedFrom])).toEqual([
          [null, null],
          ['user:alice', '10.0.0.7'],
        ]);
        expect(await s.verify()).toMatchObject({ ok: true, entries: 2 });
      }));

    caseIt('queries events by type, time, step, location and object, in log order and paged', async () =>
      withStore(async (s) => {
        const session = await s.beginCapture({ actor: 'key:scanner', origin: '10.0.0.9' });
        await session.append(
          captured([
            receive('A', 10, '2026-05-04T08:00:00+02:00'),
            receive('B', 10, '2026-05-04T10:00:00+02:00'),
            produce('urn:uuid:00000000-0000-4000-8000-000000000008', 'A', 'X', '2026-05-04T11:00:00+02:00'),
            { cmd: 'hold', time: '2026-05-04T12:00:00+02:00', lots: [{ item: 'FG', lot: 'X' }], reason: 'swab', location: 'QA' },
          ]),
        );
        await session.commit();
        const all = await s.queryEvents({ limit: 10 });
        expect(all.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
        expect(all[0]).toMatchObject({ recordedBy: 'key:scanner', recordedFrom: '10.0.0.9' });
        expect((await s.queryEvents({ afterSeq: 1, limit: 2 })).map((e) => e.seq)).toEqual([2, 3]);
        expect((await s.queryEvents({ types: ['TransformationEvent'], limit: 10 })).map((e) => e.seq)).toEqual([3]);
        expect((await s.queryEvents({ eventMsFrom: Date.parse('2026-05-04T10:00:00+02:00'), eventMsTo: Date.parse('2026-05-04T12:00:00+02:00'), limit: 10 })).map((e) => e.seq)).toEqual([2, 3]);
        expect((await s.queryEvents({ bizSteps: ['holding'], limit: 10 })).map((e) => e.seq)).toEqual([4]);
        expect((await s.queryEvents({ bizSteps: [], limit: 10 })).map((e) => e.seq)).toEqual([]);
        const hold = all[3]!;
        expect((await s.queryEvents({ bizLocations: [hold.bizLocation!], limit: 10 })).map((e) => e.seq)).toEqual([4]);
        expect((await s.queryEvents({ recordTimeFrom: all[2]!.recordTime, limit: 10 })).map((e) => e.seq)).toContain(4);
        const x = [...(await s.findNodes([{ kind: 'lot', item: 'FG', lot: 'X' }])).values()][0]!;
        expect((await s.queryEvents({ objects: [{ nodeIds: [x.id], roles: ['output'] }], limit: 10 })).map((e) => e.seq)).toEqual([3]);
        expect((await s.queryEvents({ objects: [{ nodeIds: [x.id], roles: ['object', 'output'] }], limit: 10 })).map((e) => e.seq)).toEqual([3, 4]);
        expect((await s.queryEvents({ objects: [{ nodeIds: [x.id], roles: ['input'] }], limit: 10 })).map((e) => e.seq)).toEqual([]);
      }));

    caseIt('searches nodes by lot code, code prefix, item and supplier lot code', async () =>
      withStore(async (s) => {
        const session = await s.beginCapture();
        await session.append(
          captured([
            { cmd: 'receive', time: '2026-05-04T08:00:00+02:00', lots: [{ item: 'RAW', lot: 'L-100', quantity: 1, uom: 'KGM' }], from: 'Mill', supplierLot: 'SUP-9' },
            receive('L-200'),
            { cmd: 'receive', time: '2026-05-04T08:00:00+02:00', lots: [{ item: 'OIL', lot: 'L-100', quantity: 1, uom: 'LTR' }], from: 'Press' },
          ]),
        );
        await session.commit();
        const labels = (rows: { ref: unknown }[]) => rows.map((r) => JSON.stringify(r.ref)).sort();
        expect(labels(await s.searchNodes('L-100', 10))).toEqual([
          JSON.stringify({ kind: 'lot', item: 'OIL', lot: 'L-100' }),
          JSON.stringify({ kind: 'lot', item: 'RAW', lot: 'L-100' }),
        ]);
        expect(await s.searchNodes('L-', 10)).toHaveLength(3);
        expect(await s.searchNodes('L-', 2)).toHaveLength(2);
        expect(labels(await s.searchNodes('RAW', 10))).toEqual([JSON.stringify({ kind: 'lot', item: 'RAW', lot: 'L-100' }), JSON.stringify({ kind: 'lot', item: 'RAW', lot: 'L-200' })]);
        expect(labels(await s.searchNodes('SUP-9', 10))).toEqual([JSON.stringify({ kind: 'lot', item: 'RAW', lot: 'L-100' })]);
        expect(await s.searchNodes('NOPE', 10)).toEqual([]);
        // every lot of one item, and only lots: not the supplier lot code, not another item's lot of the same code
        expect(labels(await s.lotsOfItem('RAW'))).toEqual([JSON.stringify({ kind: 'lot', item: 'RAW', lot: 'L-100' }), JSON.stringify({ kind: 'lot', item: 'RAW', lot: 'L-200' })]);
        expect(await s.lotsOfItem('SUP-9')).toEqual([]);
      }));

    caseIt('finds events by order and document numbers and by party names, any case, newest first', async () =>
      withStore(async (s) => {
        await loadInOne(s, [
          { cmd: 'receive', time: '2026-05-04T08:00:00+02:00', lots: [{ item: 'RAW', lot: 'L-1', quantity: 1, uom: 'KGM' }], from: 'Mill Company', po: 'PO-4711', despatchAdvice: 'DA-9' },
          { cmd: 'ship', time: '2026-05-05T08:00:00+02:00', lots: [{ item: 'RAW', lot: 'L-1', quantity: 1, uom: 'KGM' }], to: 'FreshMart DC South', order: 'SO-2026-701', location: 'Dispatch' },
          { cmd: 'ship', time: '2026-05-06T08:00:00+02:00', lots: [{ item: 'RAW', lot: 'L-1', quantity: 1, uom: 'KGM' }], to: 'FreshMart DC North', order: 'urn:epcglobal:cbv:bt:0614141000005:SO-88' },
        ]);
        const hits = async (text: string, limit = 10) => (await s.eventsByTerm(text, limit)).map((h) => [h.seq, h.kind, h.value]);
        expect(await hits('SO-2026-701')).toEqual([[2, 'document', 'urn:lotline:order:SO-2026-701']]);
        expect(await hits('so-2026')).toEqual([[2, 'document', 'urn:lotline:order:SO-2026-701']]);
        // the last segment of another scheme's URI is what a person types
        expect(await hits('SO-88')).toEqual([[3, 'document', 'urn:epcglobal:cbv:bt:0614141000005:SO-88']]);
        expect(await hits('po-4711')).toEqual([[1, 'document', 'urn:lotline:po:PO-4711']]);
        expect(await hits('DA-9')).toEqual([[1, 'document', 'urn:lotline:desadv:DA-9']]);
        expect(await hits('freshmart')).toEqual([
          [3, 'party', 'urn:lotline:party:FreshMart%20DC%20North'],
          [2, 'party', 'urn:lotline:party:FreshMart%20DC%20South'],
        ]);
        expect(await hits('FreshMart DC S')).toEqual([[2, 'party', 'urn:lotline:party:FreshMart%20DC%20South']]);
        expect(await hits('freshmart', 1)).toHaveLength(1);
        expect(await hits('Mill')).toEqual([[1, 'party', 'urn:lotline:party:Mill%20Company']]);
        // a location is not a party: the ship-from place does not find the shipment
        expect(await hits('Dispatch')).toEqual([]);
        expect(await hits('NOPE')).toEqual([]);
      }));

    caseIt('feeds the genealogy index: flows by log position, and the events each declaration voided', async () =>
      withStore(async (s) => {
        const id = 'urn:uuid:00000000-0000-4000-8000-000000000008';
        const session = await s.beginCapture();
        await session.append(captured([receive('A'), produce(id, 'A', 'X'), receive('B'), produce('urn:uuid:00000000-0000-4000-8000-000000000009', 'B', 'Y')]));
        await session.commit();
        const all = await s.flowsRecorded(0, 4);
        expect(all.map((f) => [f.seq, f.dir, f.quantity, f.uom, f.voidSeq])).toEqual([
          [2, 'in', 5, 'KGM', null],
          [2, 'out', 5, 'KGM', null],
          [4, 'in', 5, 'KGM', null],
          [4, 'out', 5, 'KGM', null],
        ]);
        expect(all[0]!.t).toBe(all[1]!.t);
        expect(all[2]!.t).not.toBe(all[0]!.t);
        expect((await s.flowsRecorded(2, 4)).map((f) => f.seq)).toEqual([4, 4]);
        expect(await s.flowsRecorded(4, 10)).toEqual([]);
        const original = (await s.eventById(id))!.body;
        const d = await s.beginCapture();
        await d.append(captured([{ cmd: 'event', event: { ...original, errorDeclaration: { declarationTime: '2026-05-05T10:00:00Z', reason: 'incorrect_data' } } }]));
        await d.commit();
        expect(await s.voidedBetween(0, 5)).toEqual([{ seq: 2, voidSeq: 5 }]);
        expect(await s.voidedBetween(4, 5)).toEqual([{ seq: 2, voidSeq: 5 }]);
        expect(await s.voidedBetween(0, 4)).toEqual([]);
        expect((await s.flowsRecorded(0, 2)).map((f) => f.voidSeq)).toEqual([5, 5]);
      }));

    caseIt('feeds the event index: events and object rows by log position, as the batched lookups give them', async () =>
      withStore(async (s) => {
        const id = 'urn:uuid:00000000-0000-4000-8000-00000000000a';
        const session = await s.beginCapture();
        await session.append(
          captured([
            receive('A'),
            produce(id, 'A', 'X'),
            { cmd: 'pack', time: '2026-05-04T10:00:00+02:00', sscc: '006141410000000036', contents: [{ item: 'FG', lot: 'X', quantity: 5, uom: 'KGM' }] },
            { cmd: 'ship', time: '2026-05-04T11:00:00+02:00', units: [{ sscc: '006141410000000036' }], to: 'C' },
          ]),
        );
        await session.commit();
        const events = await s.eventsRecorded(0, 4);
        expect(events.map((e) => [e.seq, e.type, e.bizStep])).toEqual([
          [1, 'ObjectEvent', 'receiving'],
          [2, 'TransformationEvent', 'creating_class_instance'],
          [3, 'AggregationEvent', 'packing'],
          [4, 'ObjectEvent', 'shipping'],
        ]);
        expect(events).toEqual(await s.eventsBySeq([1, 2, 3, 4]).then((r) => [...r].sort((a, b) => a.seq - b.seq)));
        expect((await s.eventsRecorded(2, 3)).map((e) => e.seq)).toEqual([3]);
        const objects = await s.eventObjectsRecorded(0, 4);
        expect(objects.map((o) => [o.seq, o.role])).toEqual([
          [1, 'object'],
          [2, 'input'],
          [2, 'output'],
          [3, 'object'],
          [3, 'parent'],
          [4, 'object'],
        ]);
        expect(objects).toEqual(await s.eventObjectsOfEvents([1, 2, 3, 4]).then((r) => [...r].sort((a, b) => a.seq - b.seq)));
        expect(await s.eventObjectsRecorded(4, 9)).toEqual([]);
        // a declaration is a log position with no event row of its own; the event shows it voided
        const original = (await s.eventById(id))!.body;
        const d = await s.beginCapture();
        await d.append(captured([{ cmd: 'event', event: { ...original, errorDeclaration: { declarationTime: '2026-05-05T10:00:00Z', reason: 'incorrect_data' } } }]));
        await d.commit();
        expect(await s.eventsRecorded(4, 5)).toEqual([]);
        expect((await s.eventsRecorded(1, 2))[0]!.voidSeq).toBe(5);
      }));

    caseIt('projects flows, objects and nodes in the same transaction as the log', async () =>
      withStore(async (s) => {
        const session = await s.beginCapture();
        await session.append(captured([receive('A'), produce('urn:uuid:00000000-0000-4000-8000-000000000005', 'A', 'X')]));
        // the capture session sees its own writes before commit
        const nodes = await s.findNodes([{ kind: 'lot', item: 'FG', lot: 'X' }]);
        expect(nodes.size).toBe(1);
        await session.rollback();
        expect((await s.findNodes([{ kind: 'lot', item: 'FG', lot: 'X' }])).size).toBe(0);
        expect(await s.headSeq()).toBe(0);
      }));

    caseIt('stores text with backslashes, quotes, tabs, newlines and non-ASCII exactly', async () =>
      withStore(async (s) => {
        const note = 'tab\there, line\nbreak, back\\slash \\N, "quoted", Müller 東京 🍞';
        const lot = 'L\\7 "Ü"';
        const [ev] = captured([{ cmd: 'receive', time: '2026-05-04T08:00:00+02:00', lots: [{ item: 'RAW', lot, quantity: 1.1, uom: 'KGM' }], from: 'S', note }]);
        await loadInOne(s, [{ cmd: 'event', event: ev!.body }]);
        const stored = (await s.eventById(ev!.eventId))!;
        expect(stored.body).toEqual(ev!.body);
        expect(JSON.stringify(stored.body)).toContain('Müller 東京 🍞');
        expect((await s.findNodes([{ kind: 'lot', item: 'RAW', lot }])).size).toBe(1);
        expect((await s.eventObjectsOfEvents([1]))[0]).toMatchObject({ quantity: 1.1 });
        expect(await s.verify()).toMatchObject({ ok: true, entries: 1 });
      }));

    caseIt('starts empty: a new store verifies with no entries', async () =>
      withStore(async (s) => {
        expect(await s.verify()).toEqual({ ok: true, entries: 0, headHash: GENESIS_HASH });
        expect(await s.stats()).toEqual({ events: 0, declarations: 0, nodes: 0, transformations: 0 });
        expect(await s.readLog(0, 10)).toEqual([]);
      }));

    caseIt('a conflict names its index in the batch, after the events before it', async () =>
      withStore(async (s) => {
        const id = 'urn:uuid:00000000-0000-4000-8000-000000000008';
        await loadInOne(s, [produce(id, 'A', 'X')]);
        const session = await s.beginCapture();
        await expect(session.append(captured([receive('B'), receive('C'), produce(id, 'A', 'Y'), receive('D')]))).rejects.toMatchObject({
          code: 'EVENT_ID_CONFLICT',
          issues: [expect.objectContaining({ index: 2 })],
        });
        await session.rollback();
        expect(await s.headSeq()).toBe(1);
      }));

    caseIt('duplicates and declarations inside one batch are decided against the batch itself', async () =>
      withStore(async (s) => {
        const id = 'urn:uuid:00000000-0000-4000-8000-000000000009';
        const [event] = captured([produce(id, 'A', 'X')]);
        const [declaration] = captured([{ cmd: 'event', event: { ...event!.body, errorDeclaration: { declarationTime: '2026-05-05T10:00:00Z', reason: 'incorrect_data' } } }]);
        const session = await s.beginCapture();
        const out = await session.append([event!, event!, declaration!, declaration!]);
        await session.commit();
        expect(out.map((o) => [o.status, o.seq])).toEqual([
          ['stored', 1],
          ['duplicate', 1],
          ['declared', 2],
          ['duplicate', 2],
        ]);
        expect((await s.eventById(id))!.row.voidSeq).toBe(2);
        expect(await s.verify()).toMatchObject({ ok: true, entries: 2 });
      }));

    caseIt('a pallet packed and consumed in one batch contributes what it held', async () =>
      withStore(async (s) => {
        const commands = [
          receive('A', 10),
          receive('B', 30),
          { cmd: 'pack', time: '2026-05-04T08:30:00+02:00', sscc: '006141410000000029', contents: [{ item: 'RAW', lot: 'A', quantity: 10, uom: 'KGM' }, { item: 'RAW', lot: 'B', quantity: 30, uom: 'KGM' }] },
          { cmd: 'produce', time: '2026-05-04T09:00:00+02:00', inputs: [{ sscc: '006141410000000029' }], outputs: [{ item: 'FG', lot: 'X', quantity: 40, uom: 'KGM' }] },
        ];
        await loadInOne(s, commands);
        const t = await trace(s, { kind: 'lot', item: 'FG', lot: 'X' }, 'backward');
        expect(t.lots.map((l) => [l.lot, l.share])).toEqual(expect.arrayContaining([['A', 0.25], ['B', 0.75]]));
        expect(await everyAnswer(s)).toEqual(await reference((r) => loadInOne(r, commands)));
      }));

    caseIt('one event per batch and one batch store the same log and answer the same', async () => {
      const plant = (await import('../../src/demo/demo-plant.js')).generateDemoPlant({ days: 2, seed: 7 });
      const commands = plant.commands.slice(0, 400);
      const a = await factory.create();
      const b = await factory.create();
      try {
        await loadInOne(a, commands);
        const session = await b.beginCapture();
        for (const ev of captured(commands)) await session.append([ev]);
        await session.commit();
        expect(await logContent(b)).toEqual(await logContent(a));
        expect(await everyAnswer(b)).toEqual(await everyAnswer(a));
      } finally {
        await a.close();
        await b.close();
      }
    });

    caseIt('the core trace scenarios (bakery, juice plant, demo plant) answer as the reference adapter', async () =>
      withStore(async (s) => {
        const load = async (store: EventStore) => {
          await loadDemo(store, { days: 2, seed: 3 });
          await importFile(store, join(FIXTURES, 'scenarios/bakery.ndjson'));
          await importFile(store, join(FIXTURES, 'epcis/juice-plant.jsonld'));
        };
        await load(s);
        const answers = await everyAnswer(s);
        expect(Object.keys(answers).length).toBeGreaterThan(50);
        expect(answers).toEqual(await reference(load));
        expect(await s.verify()).toMatchObject({ ok: true });
        // The same answers from the in-memory genealogy index fed by this adapter.
        expect(await everyAnswer(withGenealogyIndex(s, await GenealogyIndex.build(s)))).toEqual(answers);
      }));

    caseIt('"as known at" hides a later error declaration', async () =>
      withStore(async (s) => {
        await importFile(s, join(FIXTURES, 'scenarios/bakery.ndjson'));
        const before = await trace(s, { kind: 'lot', item: 'FLOUR', lot: 'F1' }, 'forward');
        const head = (await s.eventsBySeq([await s.headSeq()]))[0]!;
        await new Promise((r) => setTimeout(r, 5));
        const mixing = (await s.eventsBySeq([4]))[0]!;
        const body = (await s.eventById(mixing.eventId))!.body;
        await loadInOne(s, [{ cmd: 'event', event: { ...body, errorDeclaration: { declarationTime: '2026-05-05T10:00:00Z', reason: 'incorrect_data' } } }]);
        const now = await trace(s, { kind: 'lot', item: 'FLOUR', lot: 'F1' }, 'forward');
        expect(now.lots).toHaveLength(1);
        const then = await trace(s, { kind: 'lot', item: 'FLOUR', lot: 'F1' }, 'forward', { asOf: head.recordTime });
        expect(then.lots).toEqual(before.lots);
      }));

    caseIt('copies a log entry by entry: same hashes, same answers; refuses an entry that does not link', async () => {
      const source = await factory.create();
      const target = await factory.create();
      try {
        await importFile(source, join(FIXTURES, 'scenarios/bakery.ndjson'), { context: { actor: 'cli:ana', origin: 'cli@plant1' } });
        const mixing = (await source.eventsBySeq([4]))[0]!;
        const body = (await source.eventById(mixing.eventId))!.body;
        await loadInOne(source, [{ cmd: 'event', event: { ...body, errorDeclaration: { declarationTime: '2026-05-05T10:00:00Z', reason: 'incorrect_data' } } }]);
        const entries = await source.readLog(0, 1000);
        expect(await source.readLog(5, 2)).toEqual(entries.slice(5, 7));
        const session = await target.beginCapture();
        await session.appendRecorded(entries.slice(0, 5));
        await session.appendRecorded(entries.slice(5));
        await session.commit();
        expect(await target.readLog(0, 1000)).toEqual(entries);
        expect((await target.verify()).headHash).toBe((await source.verify()).headHash);
        expect(await everyAnswer(target)).toEqual(await everyAnswer(source));

        const tampered: LogEntry = { ...entries[0]!, body: entries[0]!.body.replace('F1', 'F9') };
        const other = await factory.create();
        try {
          const bad = await other.beginCapture();
          await expect(bad.appendRecorded([tampered])).rejects.toMatchObject({ code: 'CHAIN_BROKEN' });
          await bad.rollback();
          const gap = await other.beginCapture();
          await expect(gap.appendRecorded([entries[1]!])).rejects.toMatchObject({ code: 'CHAIN_BROKEN', message: expect.stringContaining('log position 1 is missing') });
          await gap.rollback();
          expect(await other.headSeq()).toBe(0);
        } finally {
          await other.close();
        }
      } finally {
        await source.close();
        await target.close();
      }
    });
  });
}
