/**
 * The trace checked against a second, deliberately naive implementation written straight
 * from DESIGN.md §2: recursion over the whole event list, no store, no batching, no
 * topological bookkeeping. On random acyclic plants both must give the same lots, depths
 * and shares, in both directions.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { trace } from '../../src/genealogy/trace.js';
import { load } from '../helpers/store.js';
import { memoryStore, TRACE_MODES } from '../helpers/trace-stores.js';

type Uom = 'KGM' | 'GRM' | 'EA' | null;
interface Flow {
  lot: string;
  q: number | null;
  uom: Uom;
}
interface Batch {
  inputs: Flow[];
  outputs: Flow[];
  group: string | null;
}

const TO_BASE: Record<string, [string, number]> = { KGM: ['kg', 1], GRM: ['kg', 0.001], EA: ['ea', 1] };

/** Sum in one base unit, or null when a quantity is missing or dimensions differ. */
function total(flows: readonly Flow[]): number | null {
  let dim: string | undefined;
  let sum = 0;
  for (const f of flows) {
    if (f.q === null) return null;
    const [d, k] = TO_BASE[f.uom ?? 'EA']!;
    if (dim !== undefined && d !== dim) return null;
    dim = d;
    sum += f.q * k;
  }
  return sum;
}
const base = (f: Flow): number => f.q! * TO_BASE[f.uom ?? 'EA']![1];

/** Weighted mean with DESIGN's rules: equal values need no weights; otherwise null if any weight or value is unknown. */
function mean(parts: readonly { v: number | null; f: Flow }[], flows: readonly Flow[]): number | null {
  const vals = parts.map((p) => p.v);
  if (vals.length > 0 && vals.every((v) => v !== null && v === vals[0])) return vals[0]!;
  if (vals.some((v) => v === null)) return null;
  const t = total(flows);
  if (t === null || t <= 0) return null;
  return parts.reduce((a, p) => a + p.v! * base(p.f), 0) / t;
}

/** Transformations: batches sharing a group are one. */
function transformations(batches: readonly Batch[]): { inputs: Flow[]; outputs: Flow[] }[] {
  const byKey = new Map<string, { inputs: Flow[]; outputs: Flow[] }>();
  batches.forEach((b, i) => {
    const key = b.group ?? `#${i}`;
    const t = byKey.get(key) ?? { inputs: [], outputs: [] };
    t.inputs.push(...b.inputs);
    t.outputs.push(...b.outputs);
    byKey.set(key, t);
  });
  return [...byKey.values()];
}

function referenceForward(batches: readonly Batch[], root: string): Map<string, { depth: number; share: number | null }> {
  const ts = transformations(batches);
  const depth = new Map([[root, 0]]);
  for (let frontier = [root], d = 1; frontier.length > 0; d++) {
    const next: string[] = [];
    for (const t of ts) {
      if (!t.inputs.some((i) => frontier.includes(i.lot))) continue;
      for (const o of t.outputs) {
        if (depth.has(o.lot)) continue;
        depth.set(o.lot, d);
        next.push(o.lot);
      }
    }
    frontier = next;
  }
  const memo = new Map<string, number | null>();
  const share = (lot: string): number | null => {
    if (lot === root) return 1;
    if (memo.has(lot)) return memo.get(lot)!;
    const producers = ts.filter((t) => t.outputs.some((o) => o.lot === lot));
    let s: number | null = 0;
    if (producers.length > 0) {
      const outFlows = producers.flatMap((t) => t.outputs.filter((o) => o.lot === lot).map((o) => ({ t, o })));
      const tShare = (t: (typeof ts)[number]): number | null => mean(t.inputs.map((f) => ({ v: share(f.lot), f })), t.inputs);
      s = mean(outFlows.map(({ t, o }) => ({ v: tShare(t), f: o })), outFlows.map((x) => x.o));
    }
    memo.set(lot, s);
    return s;
  };
  return new Map([...depth].map(([lot, d]) => [lot, { depth: d, share: share(lot) }]));
}

function referenceBackward(batches: readonly Batch[], root: string): Map<string, { depth: number; share: number | null }> {
  const ts = transformations(batches);
  const depth = new Map([[root, 0]]);
  for (let frontier = [root], d = 1; frontier.length > 0; d++) {
    const next: string[] = [];
    for (const t of ts) {
      if (!t.outputs.some((o) => frontier.includes(o.lot))) continue;
      for (const i of t.inputs) {
        if (depth.has(i.lot)) continue;
        depth.set(i.lot, d);
        next.push(i.lot);
      }
    }
    frontier = next;
  }
  // the backward share of an ancestor A is A's forward share in the root
  return new Map([...depth].map(([lot, d]) => [lot, { depth: d, share: lot === root ? 1 : (referenceForward(batches, lot).get(root)?.share ?? null) }]));
}

const flowArb = (lots: number, from: number, to: number, withUnits: boolean) =>
  fc.record({
    lot: fc.integer({ min: from, max: to - 1 }).map((n) => `L${n}`),
    q: fc.option(fc.integer({ min: 1, max: 900 }), { freq: 12 }),
    uom: withUnits ? fc.constantFrom<Uom>('KGM', 'KGM', 'KGM', 'GRM', 'EA', null) : fc.constant<Uom>('KGM'),
  });

/** Acyclic: every batch consumes lots below its split and produces lots at or above it; a group shares one split. */
const plantArb = fc.integer({ min: 4, max: 12 }).chain((lots) =>
  fc.array(
    fc.record({ split: fc.integer({ min: 1, max: lots - 1 }), group: fc.option(fc.constantFrom('G1', 'G2'), { freq: 3 }), units: fc.boolean(), n: fc.nat() }).chain(({ split, group, units }) => {
      const s = group === null ? split : group === 'G1' ? Math.min(2, lots - 1) : lots - 2;
      return fc.record({
        inputs: fc.array(flowArb(lots, 0, s, units), { minLength: 1, maxLength: 4 }),
        outputs: fc.array(flowArb(lots, s, lots, false).map((f) => ({ ...f, uom: 'KGM' as Uom })), { minLength: 1, maxLength: 3 }),
        group: fc.constant(group),
      });
    }),
    { minLength: 1, maxLength: 10 },
  ),
);

function commands(batches: readonly Batch[]): object[] {
  const spec = (f: Flow) => ({ item: 'I', lot: f.lot, ...(f.q !== null ? { quantity: f.q, ...(f.uom ? { uom: f.uom } : {}) } : {}) });
  return batches.map((b, i) => ({
    cmd: 'produce',
    time: new Date(Date.UTC(2026, 4, 4, 6, i)).toISOString(),
    ...(b.group !== null ? { batch: b.group } : {}),
    inputs: b.inputs.map(spec),
    outputs: b.outputs.map(spec),
  }));
}

describe.each(TRACE_MODES)('trace (read from the %s) against a naive reference implementation of DESIGN.md §2', (mode) => {
  it('same lots, depths and shares, forward and backward, on random acyclic plants', async () => {
    let sharesCompared = 0;
    await fc.assert(
      fc.asyncProperty(plantArb, async (batches) => {
        const store = memoryStore(mode);
        try {
          await load(store, commands(batches));
          const lots = new Set(batches.flatMap((b) => [...b.inputs, ...b.outputs].map((f) => f.lot)));
          for (const lot of lots) {
            for (const dir of ['forward', 'backward'] as const) {
              const got = await trace(store, { kind: 'lot', item: 'I', lot }, dir);
              const want = dir === 'forward' ? referenceForward(batches, lot) : referenceBackward(batches, lot);
              expect(new Map(got.lots.map((l) => [l.lot!, l.depth])), `${dir} ${lot}`).toEqual(new Map([...want].map(([k, v]) => [k, v.depth])));
              for (const l of got.lots) {
                const w = want.get(l.lot!)!.share;
                if (w === null) expect(l.share, `${dir} ${lot}→${l.lot}`).toBeNull();
                else {
                  expect(l.share, `${dir} ${lot}→${l.lot}`).not.toBeNull();
                  expect(l.share!).toBeCloseTo(w, 9);
                  sharesCompared++;
                }
              }
            }
          }
        } finally {
          await store.close();
        }
      }),
      { numRuns: Number(process.env["REF_RUNS"] ?? 80) },
    );
    expect(sharesCompared).toBeGreaterThan(500);
  });
});
