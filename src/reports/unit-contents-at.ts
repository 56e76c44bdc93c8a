/**
 * What logistic units held when an event named them, read top-down (unit → lots) for reports
 * that start from events: a shipment of a pallet ships the lots on it at that moment, cases on
 * the pallet included. Replays the aggregation events with store/unit-contents.ts.
 */
import type { EventStore } from '../store/event-store.js';
import type { AggregationStep, Held } from '../store/unit-contents.js';
import { contentsAtSorted, flattenContents, sortSteps } from '../store/unit-contents.js';
import type { Visibility } from '../genealogy/visibility.js';
import type { EventColumns } from '../genealogy/event-index.js';
import { NODE_KIND, OBJ_ROLE } from '../genealogy/event-index.js';

/** Units inside units deeper than this are a data error, not a pallet. */
const MAX_NESTING = 8;

export class UnitContentsAt {
  protected readonly steps = new Map<number, AggregationStep[]>();
  /** Units whose steps are in replay order: sorted once, not at every event that names the unit. */
  private readonly sorted = new Set<number>();

  constructor(
    private readonly store: Pick<EventStore, 'eventObjectsOfNodes' | 'eventsBySeq' | 'eventObjectsOfEvents' | 'nodesById'>,
    protected readonly vis: Visibility,
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

/**
 * The same contents read from the event index's columns in place: a unit's aggregation events
 * are found by log position, and its steps made only when a shipment's contents need a replay
 * (a pallet packed once, with distinct lots and no cases, is read off its packing event's rows).
 * The answer is `UnitContentsAt`'s, in the same order.
 */
export class UnitContentsFromColumns extends UnitContentsAt {
  /** Each loaded unit's aggregation events (known as of the report, not voided), in row order. */
  private readonly aggregations = new Map<number, number[]>();
  private deleteId: number | undefined;
  /** Steps in replay order, made on first need. */
  private readonly replay = new Map<number, AggregationStep[]>();

  constructor(
    private readonly cols: EventColumns,
    vis: Visibility,
  ) {
    super({ eventObjectsOfNodes: async () => [], eventsBySeq: async () => [], eventObjectsOfEvents: async () => [], nodesById: async () => [] }, vis);
  }

  /** As `load`, synchronously from the columns. */
  loadColumns(units: Iterable<number>): void {
    const c = this.cols;
    const { maxSeq } = this.vis;
    const aggregation = c.stringId('AggregationEvent');
    const { objRole, objSeq, objNode, held, type, voidSeq, nodeKind } = c;
    let level: number[] = [];
    for (const u of units) {
      if (this.aggregations.has(u)) continue;
      this.aggregations.set(u, []);
      level.push(u);
    }
    for (let depth = 0; depth < MAX_NESTING && level.length > 0; depth++) {
      const next: number[] = [];
      for (const u of level) {
        const list = this.aggregations.get(u)!;
        c.objectsOfNode(u, (i) => {
          if (objRole[i] !== OBJ_ROLE.parent) return;
          const seq = objSeq[i]!;
          if (held[seq] !== 1 || type[seq] !== aggregation || seq > maxSeq || (voidSeq[seq] !== 0 && voidSeq[seq]! <= maxSeq)) return;
          list.push(seq);
        });
      }
      // the units packed into these (cases on a pallet) are loaded at the next level
      for (const u of level) {
        for (const seq of this.aggregations.get(u)!) {
          for (let k = c.firstObjectOf(seq); k < c.objects && objSeq[k] === seq; k++) {
            const n = objNode[k]!;
            if (objRole[k] !== OBJ_ROLE.object || nodeKind[n] !== NODE_KIND.unit || this.aggregations.has(n)) continue;
            this.aggregations.set(n, []);
            next.push(n);
          }
        }
      }
      level = next;
    }
  }

  /** Calls `f` with each lot (or serial) a loaded unit held at this event time, in `heldAt`'s order. */
  forEachHeld(unit: number, atMs: number, f: (node: number, quantity: number | null, uom: string | null) => void): void {
    const seqs = this.aggregations.get(unit);
    if (seqs === undefined) return;
    const c = this.cols;
    const { objRole, objSeq, objNode, objQuantity, objUom, eventMs, strings } = c;
    let only = -1;
    let before = 0;
    for (const s of seqs) {
      if (eventMs[s]! <= atMs) {
        before++;
        only = s;
      }
    }
    if (before === 0) return;
    if (this.deleteId === undefined) this.deleteId = c.stringId('DELETE');
    simple: if (before === 1 && c.action[only] !== this.deleteId) {
      const first = c.firstObjectOf(only);
      let end = first;
      while (end < c.objects && objSeq[end] === only) end++;
      if (end - first > 16) break simple;
      for (let k = first; k < end; k++) {
        if (objRole[k] !== OBJ_ROLE.object) continue;
        if (this.aggregations.has(objNode[k]!)) break simple;
        for (let j = first; j < k; j++) if (objRole[j] === OBJ_ROLE.object && objNode[j] === objNode[k]) break simple;
      }
      for (let k = first; k < end; k++) {
        if (objRole[k] !== OBJ_ROLE.object) continue;
        const q = objQuantity[k]!;
        const u = objUom[k]!;
        f(objNode[k]!, Number.isNaN(q) ? null : q, u < 0 ? null : strings[u]!);
      }
      return;
    }
    for (const [n, h] of this.heldAt(unit, atMs)) f(n, h.quantity, h.uom);
  }

  override heldAt(unit: number, atMs: number): Map<number, Held> {
    const direct = (u: number): Map<number, Held> => contentsAtSorted(this.stepsOf(u), atMs);
    return flattenContents(direct(unit), (n) => (this.aggregations.has(n) ? direct(n) : undefined), new Set([unit]));
  }

  private stepsOf(u: number): readonly AggregationStep[] {
    let steps = this.replay.get(u);
    if (steps !== undefined) return steps;
    const c = this.cols;
    const children = (seq: number): { node: number; quantity: number | null; uom: string | null }[] => {
      const kids = [];
      for (let k = c.firstObjectOf(seq); k < c.objects && c.objSeq[k] === seq; k++) {
        if (c.objRole[k] !== OBJ_ROLE.object) continue;
        const q = c.objQuantity[k]!;
        const uom = c.objUom[k]!;
        kids.push({ node: c.objNode[k]!, quantity: Number.isNaN(q) ? null : q, uom: uom < 0 ? null : c.strings[uom]! });
      }
      return kids;
    };
    steps = sortSteps(
      (this.aggregations.get(u) ?? []).map((seq) => {
        const a = c.action[seq]!;
        return { seq, eventMs: c.eventMs[seq]!, action: a < 0 ? null : c.strings[a]!, children: children(seq) };
      }),
    );
    this.replay.set(u, steps);
    return steps;
  }
}
