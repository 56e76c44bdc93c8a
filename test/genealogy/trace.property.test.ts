/**
 * Invariants of the genealogy over random plants: reachability is symmetric, shares lie in
 * [0, 1] and agree between the two directions, and re-importing changes nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { trace } from '../../src/genealogy/trace.js';
import { load } from '../helpers/store.js';
import { memoryStore, TRACE_MODES } from '../helpers/trace-stores.js';

type Uom = 'KGM' | 'GRM' | 'EA';

interface Plant {
  lots: number;
  batches: { inputs: { lot: number; q: number; uom: Uom | null }[]; outputs: { lot: number; q: number }[]; group: number | null }[];
}

/** Batches only consume lots with a smaller number than they produce, unless `cyclic`: then anything goes. */
function plantArb(cyclic: boolean): fc.Arbitrary<Plant> {
  return fc.integer({ min: 3, max: 14 }).chain((lots) =>
    fc.record({
      lots: fc.constant(lots),
      batches: fc.array(
        fc
          .record({
            split: fc.integer({ min: 1, max: lots - 1 }),
            inputs: fc.array(fc.record({ lot: fc.nat(), q: fc.integer({ min: 1, max: 500 }), uom: fc.constantFrom<Uom | null>('KGM', 'KGM', 'GRM', 'EA', null) }), { minLength: 1, maxLength: 4 }),
            outputs: fc.array(fc.record({ lot: fc.nat(), q: fc.integer({ min: 1, max: 500 }) }), { minLength: 1, maxLength: 3 }),
            group: fc.option(fc.integer({ min: 0, max: 2 }), { freq: 4 }),
          })
          // Batches of one transformation share one split, so grouping them cannot close a cycle.
          .map(({ split: s, inputs, outputs, group }) => ({ split: !cyclic && group !== null ? 1 + (group % (lots - 1)) : s, inputs, outputs, group }))
          .map(({ split, inputs, outputs, group }) => ({
            inputs: inputs.map((i) => ({ ...i, lot: cyclic ? i.lot % lots : i.lot % split })),
            outputs: outputs.map((o) => ({ ...o, lot: cyclic ? o.lot % lots : split + (o.lot % (lots - split)) })),
            group,
          })),
        { minLength: 1, maxLength: 12 },
      ),
    }),
  );
}

function commands(p: Plant): object[] {
  return p.batches.map((b, i) => ({
    cmd: 'produce',
    time: new Date(Date.UTC(2026, 4, 4, 6, i)).toISOString().replace('Z', '+00:00'),
    ...(b.group !== null ? { batch: `G${b.group}` } : {}),
    inputs: b.inputs.map((x) => ({ item: 'ITEM', lot: `L${x.lot}`, quantity: x.q, ...(x.uom ? { uom: x.uom } : {}) })),
    outputs: b.outputs.map((x) => ({ item: 'ITEM', lot: `L${x.lot}`, quantity: x.q, uom: 'KGM' })),
  }));
}

function lotsOf(p: Plant): string[] {
  const used = new Set<number>();
  for (const b of p.batches) for (const x of [...b.inputs, ...b.outputs]) used.add(x.lot);
  return [...used].map((n) => `L${n}`);
}

describe.each(TRACE_MODES)('genealogy invariants (traces read from the %s)', (mode) => {
  it('Y is in forward(X) exactly when X is in backward(Y), with or without cycles', async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean().chain(plantArb), async (plant) => {
        const store = memoryStore(mode);
        try {
          await load(store, commands(plant));
          const lots = lotsOf(plant);
          const fwd = new Map<string, Set<string>>();
          const bwd = new Map<string, Set<string>>();
          for (const l of lots) {
            const ref = { kind: 'lot' as const, item: 'ITEM', lot: l };
            const f = await trace(store, ref, 'forward');
            const b = await trace(store, ref, 'backward');
            fwd.set(l, new Set(f.lots.map((x) => x.lot!)));
            bwd.set(l, new Set(b.lots.map((x) => x.lot!)));
            for (const t of [f, b]) {
              for (const x of t.lots) {
                if (x.share === null) continue;
                expect(x.share).toBeGreaterThanOrEqual(0);
                expect(x.share).toBeLessThanOrEqual(1);
              }
            }
          }
          for (const x of lots) for (const y of lots) expect(fwd.get(x)!.has(y)).toBe(bwd.get(y)!.has(x));
        } finally {
          await store.close();
        }
      }),
      { numRuns: 60 },
    );
  });

  it('the share of X in Y is the same traced forward from X and backward from Y (acyclic plants)', async () => {
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(plantArb(false), async (plant) => {
        const store = memoryStore(mode);
        try {
          await load(store, commands(plant));
          for (const x of lotsOf(plant)) {
            const f = await trace(store, { kind: 'lot', item: 'ITEM', lot: x }, 'forward');
            for (const y of f.lots) {
              if (y.share === null) continue;
              const b = await trace(store, { kind: 'lot', item: 'ITEM', lot: y.lot! }, 'backward');
              const back = b.lots.find((l) => l.lot === x)!.share;
              if (back !== null) {
                compared++;
                expect(back).toBeCloseTo(y.share, 9);
              }
            }
          }
        } finally {
          await store.close();
        }
      }),
      { numRuns: 60 },
    );
    // the property must have been exercised, not skipped by unknown shares
    expect(compared).toBeGreaterThan(100);
  });

  it('re-importing any document changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean().chain(plantArb), async (plant) => {
        const store = memoryStore(mode);
        try {
          await load(store, commands(plant));
          const stats = await store.stats();
          const head = await store.verify();
          const before = await trace(store, { kind: 'lot', item: 'ITEM', lot: lotsOf(plant)[0]! }, 'forward');
          const again = await load(store, commands(plant));
          expect(again.every((o) => o.status === 'duplicate')).toBe(true);
          expect(await store.stats()).toEqual(stats);
          expect((await store.verify()).headHash).toBe(head.headHash);
          expect(await trace(store, { kind: 'lot', item: 'ITEM', lot: lotsOf(plant)[0]! }, 'forward')).toEqual(before);
        } finally {
          await store.close();
        }
      }),
      { numRuns: 40 },
    );
  });
});
