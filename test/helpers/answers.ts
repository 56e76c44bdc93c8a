/**
 * Everything a user can ask of a store, to compare two stores that should hold the same plant:
 * equal to the last bit of every share (the adapters return rows in the same order).
 */
import { LotlineError } from '../../src/domain/errors.js';
import { lotState } from '../../src/genealogy/lot-state.js';
import { trace } from '../../src/genealogy/trace.js';
import type { EventStore } from '../../src/store/event-store.js';

/** Every lot and serial of the store, with both traces and its lot state, as JSON: what a user can ask. */
export async function everyAnswer(s: EventStore): Promise<Record<string, unknown>> {
  const { nodes } = await s.stats();
  const ids = Array.from({ length: nodes * 2 + 10 }, (_, i) => i + 1);
  const out: Record<string, unknown> = {};
  for (const n of (await s.nodesById(ids)).sort((a, b) => a.id - b.id)) {
    if (n.ref.kind !== 'lot' && n.ref.kind !== 'serial') continue;
    const key = JSON.stringify(n.ref);
    out[key] = {
      forward: await trace(s, n.ref, 'forward'),
      backward: await trace(s, n.ref, 'backward'),
      state: await lotState(s, n.ref).catch((e: unknown) => (e instanceof LotlineError ? e.code : e)),
    };
  }
  return out;
}

