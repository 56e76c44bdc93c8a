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
  return contentsAtSorted(sortSteps(steps.filter((s) => s.eventMs <= atMs)), atMs);
}

/** A unit's steps in the order they are replayed: event time, then log position. */
export function sortSteps(steps: readonly AggregationStep[]): AggregationStep[] {
  return [...steps].sort((a, b) => a.eventMs - b.eventMs || a.seq - b.seq);
}

/** `contentsAt` of steps already in `sortSteps` order: a caller asking one unit at many times sorts once. */
export function contentsAtSorted(ordered: readonly AggregationStep[], atMs: number): Map<number, Held> {
  const held = new Map<number, Held>();
  for (const step of ordered) {
    if (step.eventMs > atMs) break;
    if (step.action === 'DELETE') {
      // An unpack that names no children empties the unit (EPCIS: DELETE with no childEPCs).
      if (step.children.length === 0) held.clear();
      for (const c of step.children) held.delete(c.node);
    } else {
      for (const c of step.children) {
        const before = held.get(c.node);
        if (!before) held.set(c.node, { quantity: c.quantity, uom: c.uom });
        // Packing more of a lot already on the unit adds to it; an OBSERVE states what is there now.
        else if (step.action === 'ADD') held.set(c.node, addHeld(before, c));
        else if (c.quantity !== null) held.set(c.node, { quantity: c.quantity, uom: c.uom });
      }
    }
  }
  return held;
}

/** Two amounts of one lot together: they add up in one unit of measure, otherwise the total is unknown. */
export function addHeld(a: Held, b: Held): Held {
  if (a.quantity === null || b.quantity === null || a.uom !== b.uom) return { quantity: null, uom: null };
  return { quantity: a.quantity + b.quantity, uom: a.uom };
}

/**
 * Resolves units inside units (cases on a pallet) to the lots they hold; the same lot in several
 * cases adds up. `nestedOf(node)` gives a unit's own contents, or undefined for a lot. A unit met
 * twice on one path (a data error) is not entered again.
 */
export function flattenContents(
  held: ReadonlyMap<number, Held>,
  nestedOf: (node: number) => ReadonlyMap<number, Held> | undefined,
  path: ReadonlySet<number> = new Set(),
): Map<number, Held> {
  const out = new Map<number, Held>();
  const put = (node: number, h: Held): void => {
    const before = out.get(node);
    out.set(node, before ? addHeld(before, h) : h);
  };
  for (const [node, h] of held) {
    const nested = path.has(node) ? undefined : nestedOf(node);
    if (nested === undefined) put(node, h);
    else for (const [n2, h2] of flattenContents(nested, nestedOf, new Set([...path, node]))) put(n2, h2);
  }
  return out;
}
