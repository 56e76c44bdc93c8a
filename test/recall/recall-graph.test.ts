/**
 * reachForward gives the recall the lots, depths and shares a forward trace gives, with node ids,
 * without collecting movements: checked against trace() on the hand-built recall plant (F1 gave
 * D1 a share of 0.75 and D2 0.5; D1 became BC-A, D2 BC-B), through SQL and through the index.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GenealogyIndex, withGenealogyIndex } from '../../src/genealogy/genealogy-index.js';
import { reachForward } from '../../src/genealogy/recall-graph.js';
import { refJson, trace, visibilityFor } from '../../src/genealogy/trace.js';
import type { ObjectRef } from '../../src/domain/identifiers/object-ref.js';
import type { EventStore } from '../../src/store/event-store.js';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';
import { load } from '../helpers/store.js';
import { RECALL_PLANT } from './recall-plant.js';

let store: EventStore;
beforeEach(async () => {
  store = openSqliteStore(':memory:');
  await load(store, RECALL_PLANT);
});
afterEach(async () => {
  await store.close();
});

const F1: ObjectRef = { kind: 'lot', item: 'FLOUR', lot: 'F1' };

async function both(s: EventStore): Promise<{ reach: { ref: unknown; depth: number; share: number | null }[]; traced: { ref: unknown; depth: number; share: number | null }[] }> {
  const root = [...(await s.findNodes([F1])).values()][0]!;
  const r = await reachForward(s, root, await visibilityFor(s, {}), undefined);
  const t = await trace(s, F1, 'forward');
  const key = (x: { ref: unknown }): string => JSON.stringify(x.ref);
  return {
    reach: r.lots.map((l) => ({ ref: refJson(l.ref), depth: l.depth, share: l.share })).sort((a, b) => (key(a) < key(b) ? -1 : 1)),
    traced: t.lots.map(({ depth, share, ...ref }) => ({ ref, depth, share })).sort((a, b) => (key(a) < key(b) ? -1 : 1)),
  };
}

describe('reachForward', () => {
  it('reaches the lots a forward trace lists, with the same depths and shares', async () => {
    const { reach, traced } = await both(store);
    expect(reach).toEqual(traced);
    expect(reach.find((l) => JSON.stringify(l.ref) === JSON.stringify({ item: 'FLOUR', lot: 'F1' }))).toMatchObject({ depth: 0, share: 1 });
    expect(reach.length).toBeGreaterThan(4);
    expect(reach.some((l) => l.share === 0.75) && reach.some((l) => l.share === 0.5)).toBe(true);
  });

  it('gives the same answer through the in-memory genealogy index', async () => {
    const indexed = withGenealogyIndex(store, await GenealogyIndex.build(store));
    expect((await both(indexed)).reach).toEqual((await both(store)).reach);
  });

  it('refuses a logistic unit as a start, in the words of the trace', async () => {
    const unit = [...(await store.nodesById([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]))].find((n) => n.ref.kind === 'unit');
    expect(unit).toBeDefined();
    await expect(reachForward(store, unit!, await visibilityFor(store, {}), undefined)).rejects.toThrow(/logistic unit/);
  });
});
