/**
 * The in-memory genealogy index must give exactly the traces the store gives: same lots,
 * depths, shares, links, corrections, as-of answers; and stay exact as the log grows, whoever
 * writes to it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rng } from '../../bench/plant/generate-plant.js';
import { PRESETS } from '../../bench/plant/presets.js';
import { writePlant } from '../../bench/plant/write-plant.js';
import { importFile } from '../../src/capture/import-file.js';
import type { ObjectRef } from '../../src/domain/identifiers/object-ref.js';
import { refFromColumns } from '../../src/domain/identifiers/object-ref.js';
import { GenealogyIndex, indexedExpand, ROW_CACHE_LIMIT, traceReads, withGenealogyIndex } from '../../src/genealogy/genealogy-index.js';
import { openIndexedStore } from '../../src/main.js';
import { trace, visibilityFor } from '../../src/genealogy/trace.js';
import type { EventObjectRow, EventStore } from '../../src/store/event-store.js';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';
import { captured, load } from '../helpers/store.js';

function lotsOf(path: string): ObjectRef[] {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare("SELECT kind, item, code FROM nodes WHERE kind = 'lot' ORDER BY id").all() as { kind: string; item: string; code: string }[]).map((n) => refFromColumns(n.kind, n.item, n.code));
  } finally {
    db.close();
  }
}

describe('genealogy index on a generated plant', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lotline-index-'));
  const db = join(dir, 'plant.db');
  let store: EventStore;
  let indexed: EventStore;
  let index: GenealogyIndex;
  let lots: ObjectRef[];

  beforeAll(async () => {
    const plant = await writePlant({ ...PRESETS.small, days: 8, errorRate: 0.05, reworkRate: 0.2, continuousRate: 0.3 }, join(dir, 'plant'), 'ndjson');
    store = openSqliteStore(db);
    await importFile(store, plant.files[0]!);
    index = await GenealogyIndex.build(store);
    indexed = withGenealogyIndex(store, index);
    lots = lotsOf(db);
  });
  afterAll(async () => {
    await store?.close();
  });

  it('openIndexedStore gives a store whose traces expand in the index, with the same answers', async () => {
    const served = await openIndexedStore(db, { create: false });
    try {
      expect(indexedExpand(served)).toBeDefined();
      expect(indexedExpand(store)).toBeUndefined();
      expect(await trace(served, lots[0]!, 'forward')).toEqual(await trace(store, lots[0]!, 'forward'));
    } finally {
      await served.close();
    }
  });

  it('holds every flow of the store', async () => {
    const raw = new Database(db, { readonly: true });
    const flows = raw.prepare('SELECT count(*) FROM flows').pluck().get() as number;
    raw.close();
    expect(index.size).toBe(flows);
    expect(index.appliedSeq).toBe(await store.headSeq());
  });

  it('keeps at most rowCacheLimit flow rows for later traces, and answers the same when the cache starts again', async () => {
    const small = await GenealogyIndex.build(store);
    small.rowCacheLimit = 50;
    const served = withGenealogyIndex(store, small);
    const r = rng(5);
    let most = 0;
    for (let k = 0; k < 15; k++) {
      const ref = lots[Math.floor(r() * lots.length)]!;
      for (const dir of ['forward', 'backward'] as const) {
        expect(await trace(served, ref, dir)).toEqual(await trace(store, ref, dir));
        expect(small.cachedRows).toBeLessThanOrEqual(50);
        most = Math.max(most, small.cachedRows);
      }
    }
    // the cache was used (and so started again at least once over 30 traces of a plant)
    expect(most).toBeGreaterThan(10);
    expect(index.rowCacheLimit).toBe(ROW_CACHE_LIMIT);
  });

  it('gives the very same trace answers as the store, both directions, with as-of and time windows', async () => {
    const r = rng(11);
    const sample = Array.from({ length: 80 }, () => lots[Math.floor(r() * lots.length)]!);
    const asOf = new Date(Date.now() - 1).toISOString();
    let corrections = 0;
    for (const ref of sample) {
      for (const dir of ['forward', 'backward'] as const) {
        const want = await trace(store, ref, dir);
        expect(await trace(indexed, ref, dir)).toEqual(want);
        corrections += want.corrections.length;
        const window = { from: '2026-01-07', to: '2026-01-10' };
        expect(await trace(indexed, ref, dir, window)).toEqual(await trace(store, ref, dir, window));
        expect(await trace(indexed, ref, dir, { asOf, maxDepth: 2 })).toEqual(await trace(store, ref, dir, { asOf, maxDepth: 2 }));
      }
    }
    // error declarations are in the sample's reach, so voided flows were compared too
    expect(corrections).toBeGreaterThan(0);
  });
  it('stops after maxNodes as the store does, and says truncated', async () => {
    const r = rng(23);
    let truncated = 0;
    for (let k = 0; k < 12; k++) {
      const ref = lots[Math.floor(r() * lots.length)]!;
      for (const dir of ['forward', 'backward'] as const) {
        const whole = new Set((await trace(store, ref, dir)).lots.map((l) => `${l.item}|${l.lot ?? l.serial}`));
        for (const maxNodes of [1, 3, 20]) {
          const want = await trace(store, ref, dir, { maxNodes });
          const got = await trace(indexed, ref, dir, { maxNodes });
          if (!want.truncated) expect(got).toEqual(want);
          else {
            // which lots make the cut depends on the order flows are read in, which neither promises:
            // the same number, all of them in the whole answer
            truncated++;
            expect(got.truncated).toBe(true);
            expect(got.lots.length).toBe(want.lots.length);
            for (const l of got.lots) expect(whole.has(`${l.item}|${l.lot ?? l.serial}`)).toBe(true);
          }
        }
      }
    }
    expect(truncated).toBeGreaterThan(0);
  });

  it('a trace through the index asks the store only for its root and the head position', async () => {
    const calls = new Map<string, number>();
    const counted = new Proxy(store, {
      get(target, name, receiver) {
        const v = Reflect.get(target, name, receiver) as unknown;
        if (typeof v !== 'function') return v;
        return (...args: unknown[]) => {
          calls.set(String(name), (calls.get(String(name)) ?? 0) + 1);
          return (v as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const served = withGenealogyIndex(counted, await GenealogyIndex.build(counted));
    const r = rng(5);
    let shipments = 0;
    for (let k = 0; k < 20; k++) {
      const ref = lots[Math.floor(r() * lots.length)]!;
      calls.clear();
      const t = await trace(served, ref, 'forward');
      shipments += t.shipments.length;
      expect(Object.fromEntries(calls)).toEqual({ findNodes: 1, headSeq: 1 });
    }
    // the sample reached shipments (through pallets), so movements were read from memory
    expect(shipments).toBeGreaterThan(0);
  });

  it('the event index answers the lookups a trace makes as the store does', async () => {
    const reads = traceReads(indexed, await visibilityFor(indexed, {}));
    expect(reads).not.toBe(indexed);
    const head = await store.headSeq();
    const r = rng(3);
    const bySeq = (a: { seq: number }, b: { seq: number }) => a.seq - b.seq;
    const key = (o: EventObjectRow) => `${o.node}|${o.seq}|${o.role}|${o.quantity}|${o.uom}`;
    const byKey = (a: EventObjectRow, b: EventObjectRow) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
    for (let k = 0; k < 20; k++) {
      const seqs = Array.from({ length: 50 }, () => 1 + Math.floor(r() * head));
      expect([...(await reads.eventsBySeq(seqs))].sort(bySeq)).toEqual([...(await store.eventsBySeq(seqs))].sort(bySeq));
      expect([...(await reads.eventObjectsOfEvents(seqs))].sort(byKey)).toEqual([...(await store.eventObjectsOfEvents(seqs))].sort(byKey));
      const nodes = [...new Set((await store.eventObjectsOfEvents(seqs)).map((o) => o.node))];
      expect([...(await reads.eventObjectsOfNodes(nodes))].sort(byKey)).toEqual([...(await store.eventObjectsOfNodes(nodes))].sort(byKey));
      // the trace's lighter lookups: ids and steps only; object rows without transformation inputs and outputs
      const heads = (await store.eventsBySeq(seqs)).map((e) => ({ seq: e.seq, eventId: e.eventId, bizStep: e.bizStep }));
      expect([...(await reads.eventHeads!(seqs))].sort(bySeq)).toEqual(heads.sort(bySeq));
      const moving = (await store.eventObjectsOfNodes(nodes)).filter((o) => o.role !== 'input' && o.role !== 'output');
      expect(moving.length).toBeGreaterThan(0);
      expect([...(await reads.movementObjectsOfNodes!(nodes))].sort(byKey)).toEqual(moving.sort(byKey));
      expect([...(await reads.nodesById(nodes))].sort((a, b) => a.id - b.id)).toEqual([...(await store.nodesById(nodes))].sort((a, b) => a.id - b.id));
    }
    // positions the index has not applied (and ids it never saw) go to the store
    expect(await reads.eventsBySeq([head + 1])).toEqual([]);
    expect(await reads.nodesById([1_000_000_000])).toEqual([]);
  });

  it('stays equal to the store after another process packs, ships and declares a shipment wrong', async () => {
    const other = openSqliteStore(db, { create: false });
    try {
      // a raw lot whose forward trace reaches shipped lots: its finished lots get one more pallet and shipment
      const r = rng(17);
      let root: ObjectRef | undefined;
      let before: Awaited<ReturnType<typeof trace>> | undefined;
      for (let k = 0; k < 200 && !root; k++) {
        const ref = lots[Math.floor(r() * lots.length)]!;
        const t = await trace(indexed, ref, 'forward');
        if (t.shipments.length > 0 && t.lots.length > 2) [root, before] = [ref, t];
      }
      const shipped = before!.shipments[0]!;
      const sscc = '006141410000000043';
      const ship = { cmd: 'ship', id: 'urn:uuid:00000000-0000-4000-8000-0000000000c2', time: '2026-02-01T11:00:00+01:00', units: [{ sscc }], to: 'NEW-CUSTOMER' };
      await load(other, [
        { cmd: 'pack', time: '2026-02-01T10:00:00+01:00', sscc, contents: [{ item: shipped.item, lot: shipped.lot, quantity: 3, uom: 'KGM' }] },
        ship,
        { cmd: 'ship', time: '2026-02-01T12:00:00+01:00', lots: [{ item: shipped.item, lot: shipped.lot, quantity: 1, uom: 'KGM' }], to: 'OTHER-CUSTOMER' },
      ]);
      const after = await trace(indexed, root!, 'forward');
      expect(after).toEqual(await trace(store, root!, 'forward'));
      expect(after.shipments.length).toBe(before!.shipments.length + 2);
      expect(after.shipments.filter((m) => m.via === sscc)).toHaveLength(1);

      const stored = (await other.eventById(ship.id))!.body;
      await load(other, [{ cmd: 'event', event: { ...stored, errorDeclaration: { declarationTime: '2026-02-02T10:00:00Z', reason: 'incorrect_data' } } }]);
      const declared = await trace(indexed, root!, 'forward');
      expect(declared).toEqual(await trace(store, root!, 'forward'));
      expect(declared.shipments.length).toBe(before!.shipments.length + 1);
      for (const dir of ['forward', 'backward'] as const) {
        const ref = { kind: 'lot', item: shipped.item, lot: shipped.lot! } as const;
        expect(await trace(indexed, ref, dir)).toEqual(await trace(store, ref, dir));
      }
    } finally {
      await other.close();
    }
  });
});

describe('genealogy index as the log grows', () => {
  const receive = (lot: string) => ({ cmd: 'receive', time: '2026-05-04T08:00:00+02:00', lots: [{ item: 'RAW', lot, quantity: 100, uom: 'KGM' }], from: 'S' });
  const produce = (id: string, inputs: string[], out: string, hour = 9) => ({
    cmd: 'produce',
    id,
    time: `2026-05-04T${String(hour).padStart(2, '0')}:00:00+02:00`,
    inputs: inputs.map((lot) => ({ item: 'RAW', lot, quantity: 10, uom: 'KGM' })),
    outputs: [{ item: 'FG', lot: out, quantity: 10 * inputs.length, uom: 'KGM' }],
  });
  const A = { kind: 'lot', item: 'RAW', lot: 'A' } as const;
  const X = { kind: 'lot', item: 'FG', lot: 'X' } as const;

  it('sees captures made by another connection, and error declarations, at the next trace', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lotline-index-grow-')), 'g.db');
    const mine = openSqliteStore(path);
    const other = openSqliteStore(path, { create: false });
    try {
      await load(mine, [receive('A'), receive('B'), produce('urn:uuid:00000000-0000-4000-8000-0000000000a1', ['A', 'B'], 'X')]);
      const index = await GenealogyIndex.build(mine);
      const indexed = withGenealogyIndex(mine, index);
      expect((await trace(indexed, A, 'forward')).lots.map((l) => l.lot)).toEqual(['A', 'X']);

      // another process records a second batch, then declares the first one wrong
      await load(other, [receive('C'), produce('urn:uuid:00000000-0000-4000-8000-0000000000a2', ['C'], 'Y', 10)]);
      const declared = {
        type: 'TransformationEvent',
        eventID: 'urn:uuid:00000000-0000-4000-8000-0000000000a1',
        eventTime: '2026-05-04T09:00:00+02:00',
        eventTimeZoneOffset: '+02:00',
        inputQuantityList: [
          { epcClass: 'urn:lotline:lot:RAW:A', quantity: 10, uom: 'KGM' },
          { epcClass: 'urn:lotline:lot:RAW:B', quantity: 10, uom: 'KGM' },
        ],
        outputQuantityList: [{ epcClass: 'urn:lotline:lot:FG:X', quantity: 20, uom: 'KGM' }],
        bizStep: 'creating_class_instance',
        disposition: 'active',
        errorDeclaration: { declarationTime: '2026-05-04T12:00:00+02:00', reason: 'incorrect_data' },
      };
      await load(other, [{ cmd: 'event', event: declared }, produce('urn:uuid:00000000-0000-4000-8000-0000000000a3', ['B'], 'X', 11)]);

      const head = await mine.headSeq();
      const forwardA = await trace(indexed, A, 'forward');
      expect(index.appliedSeq).toBe(head);
      expect(forwardA).toEqual(await trace(mine, A, 'forward'));
      expect(forwardA.lots.map((l) => l.lot)).toEqual(['A']);
      expect(forwardA.corrections).toHaveLength(1);
      expect(await trace(indexed, X, 'backward')).toEqual(await trace(mine, X, 'backward'));
      expect((await trace(indexed, X, 'backward')).lots.map((l) => l.lot)).toEqual(['X', 'B']);
      expect(await trace(indexed, { kind: 'lot', item: 'RAW', lot: 'C' }, 'forward')).toEqual(await trace(mine, { kind: 'lot', item: 'RAW', lot: 'C' }, 'forward'));
    } finally {
      await mine.close();
      await other.close();
    }
  });

  it('a capture rolled back leaves nothing in the index; a committed one is seen at once', async () => {
    const store = openSqliteStore(':memory:');
    const index = new GenealogyIndex();
    const indexed = withGenealogyIndex(store, index);
    try {
      await load(indexed, [receive('A'), receive('B')]);
      const session = await indexed.beginCapture();
      await session.append(captured([produce('urn:uuid:00000000-0000-4000-8000-0000000000b1', ['A'], 'X')]));
      await indexed.headSeq();
      await session.rollback();
      expect((await trace(indexed, A, 'forward')).lots.map((l) => l.lot)).toEqual(['A']);
      expect(index.size).toBe(0);
      await load(indexed, [produce('urn:uuid:00000000-0000-4000-8000-0000000000b2', ['A', 'B'], 'X')]);
      expect((await trace(indexed, A, 'forward')).lots.map((l) => l.lot)).toEqual(['A', 'X']);
      expect(index.size).toBe(3);
    } finally {
      await store.close();
    }
  });
});
