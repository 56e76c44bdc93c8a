/**
 * What the gap rules look at: the plant's events, objects, flows and movements, read from the
 * store port in a few set-at-a-time passes and indexed in memory, so that every rule is a pure
 * function over it. Events declared erroneous are left out (corrections are ordinary events),
 * so nothing voided counts for or against a lot.
 */
import type { ObjectRef } from '../domain/identifiers/object-ref.js';
import type { EventObjectRow, EventRow, EventStore, FlowRow } from '../store/event-store.js';
import type { AggregationStep, Held } from '../store/unit-contents.js';
import { contentsAt, flattenContents } from '../store/unit-contents.js';

/** The columns of an event row the rules read (the view keeps no more, to stay small on large plants). */
export type ViewEventRow = Pick<EventRow, 'seq' | 'eventId' | 'type' | 'action' | 'bizStep' | 'eventTime' | 'eventMs' | 'recordTime' | 'readPoint' | 'bizLocation'>;

/** An event as the rules see it: its row, the objects it names, and what its body adds. */
export interface ViewEvent extends ViewEventRow {
  readonly objects: readonly EventObjectRow[];
  /** The production line (`line` of a native command, lotline:line in EPCIS). */
  readonly line: string | null;
  /** The routing step the scan records (`step`, lotline:step). */
  readonly step: string | null;
  /** The signed change of an adjustment (lotline:adjustBy). */
  readonly adjustBy: number | null;
}

/** A receipt or shipment of a lot: named directly, or on a unit that held it then. */
export interface Move {
  readonly kind: 'received' | 'shipped';
  readonly seq: number;
  readonly eventMs: number;
  readonly quantity: number | null;
  readonly uom: string | null;
  /** The unit it travelled on. */
  readonly via: number | null;
}

export interface Transformation {
  readonly t: number;
  readonly inputs: readonly FlowRow[];
  readonly outputs: readonly FlowRow[];
}

export interface PlantView {
  /** Every event is judged by now: windows that close after it are still open. */
  readonly nowMs: number;
  readonly headSeq: number;
  /** False when only some events were read (immediate rules after a capture): rules that need the whole history skip. */
  readonly complete: boolean;
  /** The events just captured, which immediate rules judge (the others give context); undefined: all. */
  readonly focus?: ReadonlySet<number>;
  /**
   * The lots whose whole history the view holds (a scheduled run that reads only what changed):
   * rules about a lot judge only these, the other lots in it are partial context. Undefined: all.
   * Every transformation in the view is whole either way.
   */
  readonly judged?: ReadonlySet<number>;
  /** Events not declared erroneous, by log position. */
  readonly events: ReadonlyMap<number, ViewEvent>;
  readonly nodes: ReadonlyMap<number, ObjectRef>;
  /** Per node: the events naming it directly, in event-time order. */
  readonly eventsOfNode: ReadonlyMap<number, readonly ViewEvent[]>;
  readonly transformations: ReadonlyMap<number, Transformation>;
  /** Per lot: flows that produced it / consumed it. */
  readonly producedBy: ReadonlyMap<number, readonly FlowRow[]>;
  readonly consumedBy: ReadonlyMap<number, readonly FlowRow[]>;
  /** Per lot: receipts and shipments, directly or on units. */
  readonly moves: ReadonlyMap<number, readonly Move[]>;
  /** Per lot: aggregation events that packed it onto a unit. */
  readonly packedIn: ReadonlyMap<number, readonly ViewEvent[]>;
}

const PAGE = 10_000;

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

function strOrNull(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

/** Lots and serials: the objects a genealogy is made of. */
export function isTraceable(ref: ObjectRef | undefined): boolean {
  return ref !== undefined && (ref.kind === 'lot' || ref.kind === 'serial');
}

export interface ViewOptions {
  readonly nowMs?: number;
  /** Read only these events (and the nodes they name): the cheap view of immediate rules. */
  readonly seqs?: readonly number[];
  /** Of those, the events to judge (the rest are context, such as older lots with the same code). */
  readonly focus?: ReadonlySet<number>;
  /** Items whose events' bodies must be read for their routing step. */
  readonly routedItems?: ReadonlySet<string>;
  /**
   * With `seqs`: the lots whose whole history those events are, and every flow of the
   * transformations they take part in. The view is then complete for these lots (window rules
   * judge them) instead of a focus view for immediate rules.
   */
  readonly partial?: { readonly judged: ReadonlySet<number>; readonly flows: readonly FlowRow[] };
}

/** Reads the view from the store: the whole log, or (with `seqs`) only some events. */
export async function loadPlantView(store: EventStore, options: ViewOptions = {}): Promise<PlantView> {
  const headSeq = await store.headSeq();
  // Page by page, keeping only what the rules read of each event: the rows themselves are dropped.
  type Mutable<T> = { -readonly [K in keyof T]: T[K] };
  const events = new Map<number, Mutable<ViewEvent>>();
  const take = async (page: readonly EventRow[]): Promise<void> => {
    const visible = page.filter((r) => r.voidSeq === null);
    const objectsBySeq = new Map<number, EventObjectRow[]>();
    for (const o of await store.eventObjectsOfEvents(visible.map((r) => r.seq))) push(objectsBySeq, o.seq, o);
    for (const r of visible) {
      events.set(r.seq, {
        seq: r.seq, eventId: r.eventId, type: r.type, action: r.action, bizStep: r.bizStep, eventTime: r.eventTime, eventMs: r.eventMs, recordTime: r.recordTime,
        readPoint: r.readPoint, bizLocation: r.bizLocation, objects: objectsBySeq.get(r.seq) ?? [], line: null, step: null, adjustBy: null,
      });
    }
  };
  if (options.seqs) {
    for (let i = 0; i < options.seqs.length; i += PAGE) await take(await store.eventsBySeq(options.seqs.slice(i, i + PAGE)));
  } else {
    for (let after = 0; ; ) {
      const page = await store.queryEvents({ afterSeq: after, limit: PAGE });
      if (page.length === 0) break;
      await take(page);
      after = page[page.length - 1]!.seq;
      if (page.length < PAGE) break;
    }
  }

  const nodeIds = new Set<number>();
  for (const e of events.values()) for (const o of e.objects) nodeIds.add(o.node);
  const ids = [...nodeIds];
  const nodes = new Map<number, ObjectRef>();
  for (let i = 0; i < ids.length; i += PAGE) for (const n of await store.nodesById(ids.slice(i, i + PAGE))) nodes.set(n.id, n.ref);

  // Bodies only where the rules need them: productions (their line), adjustments, scans of routed items.
  const routed = options.routedItems ?? new Set<string>();
  const namesRouted = (e: ViewEvent): boolean =>
    routed.size > 0 &&
    e.objects.some((o) => {
      const ref = nodes.get(o.node);
      return ref !== undefined && 'item' in ref && routed.has(ref.item);
    });
  const needBody = [...events.values()].filter((e) => e.type === 'TransformationEvent' || e.bizStep?.includes('adjusting') || namesRouted(e)).map((e) => e.seq);
  for (let i = 0; i < needBody.length; i += PAGE) {
    for (const [seq, b] of await store.eventBodies(needBody.slice(i, i + PAGE))) {
      const e = events.get(seq)!;
      const adjustBy = b['lotline:adjustBy'];
      e.line = strOrNull(b['lotline:line']);
      e.step = strOrNull(b['lotline:step']);
      e.adjustBy = typeof adjustBy === 'number' ? adjustBy : null;
    }
  }
  const byTime = (a: ViewEvent, b: ViewEvent): number => a.eventMs - b.eventMs || a.seq - b.seq;
  const eventsOfNode = new Map<number, ViewEvent[]>();
  for (const e of [...events.values()].sort(byTime)) for (const n of new Set(e.objects.map((o) => o.node))) push(eventsOfNode, n, e);

  // Flows: from the log for the whole plant, those given for a partial view, else those of the events read.
  const flowRows: FlowRow[] = options.partial ? [...options.partial.flows] : options.seqs ? [] : await store.flowsRecorded(0, headSeq);
  if (options.seqs && !options.partial) {
    // Flows of the events read, from their input/output object rows (a transformation of its own each).
    for (const e of events.values()) {
      for (const o of e.objects) {
        if (o.role === 'input' || o.role === 'output') flowRows.push({ t: -e.seq, node: o.node, dir: o.role === 'input' ? 'in' : 'out', quantity: o.quantity, uom: o.uom, seq: e.seq, eventMs: e.eventMs, voidSeq: null });
      }
    }
  }
  const transformations = new Map<number, { t: number; inputs: FlowRow[]; outputs: FlowRow[] }>();
  const producedBy = new Map<number, FlowRow[]>();
  const consumedBy = new Map<number, FlowRow[]>();
  for (const f of flowRows) {
    if (f.voidSeq !== null || !events.has(f.seq)) continue;
    let t = transformations.get(f.t);
    if (!t) transformations.set(f.t, (t = { t: f.t, inputs: [], outputs: [] }));
    (f.dir === 'in' ? t.inputs : t.outputs).push(f);
    push(f.dir === 'in' ? consumedBy : producedBy, f.node, f);
  }

  // Units: what each held over time, to resolve receipts and shipments of pallets to their lots.
  const unitSteps = new Map<number, AggregationStep[]>();
  const packedIn = new Map<number, ViewEvent[]>();
  for (const e of events.values()) {
    if (e.type !== 'AggregationEvent') continue;
    const parent = e.objects.find((o) => o.role === 'parent');
    if (!parent) continue;
    const children = e.objects.filter((o) => o.role === 'object');
    push(unitSteps, parent.node, { seq: e.seq, eventMs: e.eventMs, action: e.action, children: children.map((c) => ({ node: c.node, quantity: c.quantity, uom: c.uom })) });
    if (e.action === 'ADD') for (const c of children) push(packedIn, c.node, e);
  }
  const heldAt = (unit: number, atMs: number): Map<number, Held> =>
    flattenContents(contentsAt(unitSteps.get(unit) ?? [], atMs), (n) => (unitSteps.has(n) ? contentsAt(unitSteps.get(n)!, atMs) : undefined), new Set([unit]));
  const moves = new Map<number, Move[]>();
  for (const e of events.values()) {
    if ((e.type !== 'ObjectEvent' && e.type !== 'AggregationEvent') || (e.bizStep !== 'shipping' && e.bizStep !== 'receiving')) continue;
    const kind = e.bizStep === 'shipping' ? 'shipped' : 'received';
    const hasParent = e.objects.some((o) => o.role === 'parent');
    const seen = new Set<number>();
    for (const o of e.objects) {
      if (o.role === 'input' || o.role === 'output') continue;
      const ref = nodes.get(o.node);
      if (ref?.kind === 'unit') {
        for (const [n, h] of heldAt(o.node, e.eventMs)) {
          if (seen.has(n)) continue;
          seen.add(n);
          push(moves, n, { kind, seq: e.seq, eventMs: e.eventMs, quantity: h.quantity, uom: h.uom, via: o.node });
        }
      } else if (!hasParent && !seen.has(o.node)) {
        seen.add(o.node);
        push(moves, o.node, { kind, seq: e.seq, eventMs: e.eventMs, quantity: o.quantity, uom: o.uom, via: null });
      }
    }
  }
  return {
    nowMs: options.nowMs ?? Date.now(),
    headSeq,
    complete: options.seqs === undefined || options.partial !== undefined,
    ...(options.focus ? { focus: options.focus } : {}),
    ...(options.partial ? { judged: options.partial.judged } : {}),
    events, nodes, eventsOfNode, transformations, producedBy, consumedBy, moves, packedIn };
}

/** Whether rules about a lot judge this one: its whole history is in the view. */
export function isJudged(view: PlantView, node: number): boolean {
  return view.judged === undefined || view.judged.has(node);
}

/** Whether immediate rules judge this event. */
export function inFocus(view: PlantView, seq: number): boolean {
  return view.focus === undefined || view.focus.has(seq);
}

/** How a lot came to exist, earliest first: produced, received, or added (commissioned) by an ObjectEvent. */
export function originsOf(view: PlantView, node: number): { seq: number; eventMs: number }[] {
  const out: { seq: number; eventMs: number }[] = [];
  for (const f of view.producedBy.get(node) ?? []) out.push({ seq: f.seq, eventMs: f.eventMs });
  for (const m of view.moves.get(node) ?? []) if (m.kind === 'received') out.push({ seq: m.seq, eventMs: m.eventMs });
  for (const e of view.eventsOfNode.get(node) ?? []) {
    if (e.type === 'ObjectEvent' && e.action === 'ADD' && e.objects.some((o) => o.node === node && o.role === 'object')) out.push({ seq: e.seq, eventMs: e.eventMs });
  }
  return out.sort((a, b) => a.eventMs - b.eventMs || a.seq - b.seq);
}

/** Site and line of an event, for findings. */
export function placeOf(e: ViewEvent | undefined): { site: string | null; line: string | null } {
  return { site: e?.bizLocation ?? e?.readPoint ?? null, line: e?.line ?? null };
}
