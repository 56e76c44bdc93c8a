/**
 * What a logistic unit (pallet, case) holds at a given time, replayed from its aggregation
 * events in event-time order. Replayed rather than stored, so that a packing event that
 * arrives late still changes what a later shipment of the pallet carried.
 */

export interface AggregationStep {
  readonly seq: number;
  readonly eventMs: number;
  readonly action: string | null;
  readonly children: readonly { readonly node: number; readonly quantity: number | null; readonly uom: string | null }[];
}

export interface Held {
  readonly quantity: number | null;
  readonly uom: string | null;
}

/** Contents after every step at or before `atMs` (ties in event time keep log order). */
export function contentsAt(steps: readonly AggregationStep[], atMs: number): Map<number, Held> {
  const ordered = [...steps].filter((s) => s.eventMs <= atMs).sort((a, b) => a.eventMs - b.eventMs || a.seq - b.seq);
  const held = new Map<number, Held>();
  for (const step of ordered) {
    if (step.action === 'DELETE') {
      // An unpack that names no children empties the unit (EPCIS: DELETE with no childEPCs).
      if (step.children.length === 0) held.clear();
      for (const c of step.children) held.delete(c.node);
    } else {
      for (const c of step.children) {
        const before = held.get(c.node);
        if (!before) held.set(c.node, { quantity: c.quantity, uom: c.uom });
        // Packing more of a lot already on the unit adds to it; an OBSERVE only confirms presence.
        else if (step.action === 'ADD') held.set(c.node, addHeld(before, c));
      }
    }
  }
  return held;
}

function addHeld(a: Held, b: Held): Held {
  if (a.quantity === null || b.quantity === null || a.uom !== b.uom) return { quantity: null, uom: null };
  return { quantity: a.quantity + b.quantity, uom: a.uom };
}
