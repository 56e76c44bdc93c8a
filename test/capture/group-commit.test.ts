/** Group commit: requests arriving together share one transaction, yet each keeps its own all-or-nothing result and its own attribution. */
import { describe, expect, it } from 'vitest';
import { GroupCommitter } from '../../src/capture/group-commit.js';
import type { EventStore } from '../../src/store/event-store.js';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';
import { captured } from '../helpers/store.js';

const receive = (lot: string) => ({ cmd: 'receive', time: '2026-05-04T08:00:00+02:00', lots: [{ item: 'RAW', lot, quantity: 1, uom: 'KGM' }], from: 'Mill' });
const produce = (id: string, output: string) => ({ cmd: 'produce', id, time: '2026-05-04T09:00:00+02:00', inputs: [{ item: 'RAW', lot: 'A', quantity: 1, uom: 'KGM' }], outputs: [{ item: 'FG', lot: output, quantity: 1, uom: 'KGM' }] });
const SOURCE = { label: 'request', noun: 'request' } as const;
const ALICE = { actor: 'user:alice', origin: '10.0.0.1' };

/** The real store, counting the transactions it is asked to open. */
function counting(store: EventStore): { store: EventStore; begins: () => number } {
  let n = 0;
  const wrapped = Object.create(store) as EventStore;
  wrapped.beginCapture = (ctx) => {
    n++;
    return store.beginCapture(ctx);
  };
  return { store: wrapped, begins: () => n };
}

describe('group commit', () => {
  it('stores requests that arrive together in one transaction, each with its own outcomes', async () => {
    const real = openSqliteStore(':memory:');
    const { store, begins } = counting(real);
    const w = new GroupCommitter(store);
    const results = await Promise.all(['A', 'B', 'C', 'D', 'E'].map((lot) => w.submit(captured([receive(lot)]), SOURCE, '$', ALICE)));
    expect(results.map((r) => r.map((o) => [o.status, o.seq]))).toEqual([[['stored', 1]], [['stored', 2]], [['stored', 3]], [['stored', 4]], [['stored', 5]]]);
    expect(begins()).toBe(1);
    expect((await real.eventsBySeq([1, 5])).map((e) => e.recordedBy)).toEqual(['user:alice', 'user:alice']);
    await real.close();
  });

  it('fails only the request with a conflict; the others of its group are stored', async () => {
    const real = openSqliteStore(':memory:');
    const w = new GroupCommitter(real);
    await w.submit(captured([receive('A'), produce('urn:uuid:00000000-0000-4000-8000-0000000000c1', 'X')]), SOURCE, '$', ALICE);
    const [ok1, bad, ok2] = await Promise.allSettled([
      w.submit(captured([receive('B')]), SOURCE, '$', ALICE),
      w.submit(captured([receive('C'), produce('urn:uuid:00000000-0000-4000-8000-0000000000c1', 'Y')]), SOURCE, '$', ALICE),
      w.submit(captured([receive('D')]), SOURCE, '$', ALICE),
    ]);
    expect(ok1.status).toBe('fulfilled');
    expect(ok2.status).toBe('fulfilled');
    expect(bad).toMatchObject({ status: 'rejected', reason: { code: 'EVENT_ID_CONFLICT', issues: [{ path: '$[1].eventID' }] } });
    expect(await real.headSeq()).toBe(4);
    expect((await real.findNodes([{ kind: 'lot', item: 'RAW', lot: 'C' }])).size).toBe(0);
    await real.close();
  });

  it('never mixes attributions: requests of different callers go in different transactions', async () => {
    const real = openSqliteStore(':memory:');
    const { store, begins } = counting(real);
    const w = new GroupCommitter(store);
    await Promise.all([
      w.submit(captured([receive('A')]), SOURCE, '$', ALICE),
      w.submit(captured([receive('B')]), SOURCE, '$', { actor: 'key:scanner', origin: '10.0.0.2' }),
      w.submit(captured([receive('C')]), SOURCE, '$', ALICE),
    ]);
    expect(begins()).toBe(2);
    const rows = await real.queryEvents({ limit: 10 });
    const lotOf = async (seq: number) => (await real.nodesById((await real.eventObjectsOfEvents([seq])).map((o) => o.node)))[0]!.ref;
    const byLot = Object.fromEntries(await Promise.all(rows.map(async (r) => [JSON.stringify(await lotOf(r.seq)), r.recordedBy] as const)));
    expect(byLot).toEqual({
      [JSON.stringify({ kind: 'lot', item: 'RAW', lot: 'A' })]: 'user:alice',
      [JSON.stringify({ kind: 'lot', item: 'RAW', lot: 'B' })]: 'key:scanner',
      [JSON.stringify({ kind: 'lot', item: 'RAW', lot: 'C' })]: 'user:alice',
    });
    await w.whenIdle();
    await real.close();
  });
});
