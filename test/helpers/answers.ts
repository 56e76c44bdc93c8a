/** Everything a user can ask of a store, to compare two stores that should hold the same plant. */
import { LotlineError } from '../../src/domain/errors.js';
import { lotState } from '../../src/genealogy/lot-state.js';
import { trace } from '../../src/genealogy/trace.js';
import type { EventStore } from '../../src/store/event-store.js';

/** Shares are sums of products: rows met in another order may differ in the last bit, never more. */
function roundFloats(v: unknown): unknown {
  if (typeof v === 'number' && !Number.isInteger(v)) return Number(v.toPrecision(12));
  if (Array.isArray(v)) return v.map(roundFloats);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, roundFloats(x)]));
  return v;
}

/** Every lot and serial of the store, with both traces and its lot state, as JSON: what a user can ask. */
export async function everyAnswer(s: EventStore): Promise<Record<string, unknown>> {
  const { nodes } = await s.stats();
  const ids = Array.from({ length: nodes * 2 + 10 }, (_, i) => i + 1);
  const out: Record<string, unknown> = {};
  for (const n of (await s.nodesById(ids)).sort((a, b) => a.id - b.id)) {
    if (n.ref.kind !== 'lot' && n.ref.kind !== 'serial') continue;
    const key = JSON.stringify(n.ref);
    out[key] = roundFloats({
      forward: await trace(s, n.ref, 'forward'),
      backward: await trace(s, n.ref, 'backward'),
      state: await lotState(s, n.ref).catch((e: unknown) => (e instanceof LotlineError ? e.code : e)),
    });
  }
  return out;
}

