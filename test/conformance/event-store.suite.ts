/**
 * The storage conformance suite: the same cases for every adapter of the store port.
 * An adapter runs it with `testEventStore(name, factory)`; it may skip a case only by
 * naming the reason in `skip`.
 */
import { describe, expect, it } from 'vitest';
import { LotlineError } from '../../src/domain/errors.js';
import { trace } from '../../src/genealogy/trace.js';
import type { EventStore } from '../../src/store/event-store.js';
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
  });
}
