/**
 * What logistic units held when an event named them, read top-down (unit → lots) for reports
 * that start from events: a shipment of a pallet ships the lots on it at that moment, cases on
 * the pallet included. Replays the aggregation events with store/unit-contents.ts.
 */
import type { EventStore } from '../store/event-store.js';
import type { AggregationStep, Held } from '../store/unit-contents.js';
import { contentsAtSorted, flattenContents, sortSteps } from '../store/unit-contents.js';
import type { Visibility } from '../genealogy/visibility.js';

/** Units inside units deeper than this are a data error, not a pallet. */
const MAX_NESTING = 8;

export class UnitContentsAt {
  private readonly steps = new Map<number, AggregationStep[]>();
  /** Units whose steps are in replay order: sorted once, not at every event that names the unit. */
  private readonly sorted = new Set<number>();

  constructor(
    private readonly store: Pick<EventStore, 'eventObjectsOfNodes' | 'eventsBySeq' | 'eventObjectsOfEvents' | 'nodesById'>,
    private readonly vis: Visibility,
  ) {}

  /** Reads the aggregation history of these units and of every unit packed into them. */
  async load(units: Iterable<number>): Promise<void> {
    let fresh = [...new Set(units)].filter((u) => !this.steps.has(u));
    for (let level = 0; level < MAX_NESTING && fresh.length > 0; level++) {
      for (const u of fresh) this.steps.set(u, []);
      const parentRows = (await this.store.eventObjectsOfNodes(fresh)).filter((r) => r.role === 'parent' && this.steps.has(r.node));
      // Packing is replayed whatever the report's event-time window: what a pallet held depends on when it was packed.
      const known = { ...this.vis, fromMs: -8.64e15, toMs: 8.64e15 };
      const events = new Map((await this.store.eventsBySeq([...new Set(parentRows.map((r) => r.seq))])).map((e) => [e.seq, e]));
      const aggregations = parentRows.filter((r) => {
        const e = events.get(r.seq);
        return e !== undefined && e.type === 'AggregationEvent' && e.seq <= known.maxSeq && (e.voidSeq === null || e.voidSeq > known.maxSeq);
      });
      const children = new Map<number, { node: number; quantity: number | null; uom: string | null }[]>();
      for (const c of await this.store.eventObjectsOfEvents([...new Set(aggregations.map((r) => r.seq))])) {
        if (c.role !== 'object') continue;
        let l = children.get(c.seq);
        if (!l) children.set(c.seq, (l = []));
        l.push({ node: c.node, quantity: c.quantity, uom: c.uom });
      }
      for (const r of aggregations) {
        const e = events.get(r.seq)!;
        this.steps.get(r.node)!.push({ seq: e.seq, eventMs: e.eventMs, action: e.action, children: children.get(e.seq) ?? [] });
      }
      // a loop, not flat() and spreads: a wide lot's report loads ~10,000 pallets' contents here
      const childSet = new Set<number>();
      for (const list of children.values()) for (const c of list) if (!this.steps.has(c.node)) childSet.add(c.node);
      const childNodes = [...childSet];
      fresh = (await this.store.nodesById(childNodes)).filter((n) => n.ref.kind === 'unit').map((n) => n.id);
    }
  }

  /** The lots (and serials) a loaded unit held at this event time, nested units resolved. */
  heldAt(unit: number, atMs: number): Map<number, Held> {
    const direct = (u: number): Map<number, Held> => contentsAtSorted(this.ordered(u), atMs);
    return flattenContents(direct(unit), (n) => (this.steps.has(n) ? direct(n) : undefined), new Set([unit]));
  }

  private ordered(u: number): readonly AggregationStep[] {
    const steps = this.steps.get(u);
    if (steps === undefined) return [];
    if (!this.sorted.has(u)) {
      const o = sortSteps(steps);
      this.steps.set(u, o);
      this.sorted.add(u);
      return o;
    }
    return steps;
  }
}
