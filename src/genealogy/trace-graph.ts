/**
 * The part of the genealogy graph a trace reaches: objects with their depth, and the
 * transformations between them with their visible flows. Expanded level by level with batched
 * lookups, which gives shortest depths and runs the same on every store.
 */
import type { EventObjectRow, EventRow, EventStore, FlowRow } from '../store/event-store.js';
import { indexedExpand } from './genealogy-index.js';
import type { Visibility } from './visibility.js';
import type { LotFacts, ShippingFacts } from './body-facts.js';
import { isVisible } from './visibility.js';

export type Direction = 'forward' | 'backward';

/** The store lookups a trace makes once it knows what it may see; an index-backed store answers them from memory. */
export type TraceReads = Pick<EventStore, 'nodesById' | 'flowsOfNodes' | 'eventsBySeq' | 'eventObjectsOfNodes' | 'eventObjectsOfEvents' | 'eventBodies'> & {
  /** The id and business step of each event, without the rest of its row (what a trace's links need); the index has it, a store answers through eventsBySeq. */
  readonly eventHeads?: (seqs: readonly number[]) => Promise<EventHead[]>;
  /** eventObjectsOfNodes without the rows of transformation inputs and outputs (what shipments, receipts and packing need); the index skips them before making rows. */
  readonly movementObjectsOfNodes?: (nodeIds: readonly number[]) => Promise<EventObjectRow[]>;
  /** Of eventObjectsOfNodes, at least the rows that can say where a lot came from: outputs, and the objects of receipts and commissioning ObjectEvents (ADD); the index makes no others. */
  readonly originObjectsOfNodes?: (nodeIds: readonly number[]) => Promise<EventObjectRow[]>;
  /** The order, despatch advice, carrier and ship-to of each event, as shippingFactsOf reads them from its body; the index reads each body once and keeps them. */
  readonly shippingFacts?: (seqs: readonly number[]) => Promise<Map<number, ShippingFacts>>;
  /** An adjustment's quantity, a supplier lot code and a hold's reason of each event, as lotFactsOf reads them from its body; the index reads each body once and keeps them. */
  readonly lotFacts?: (seqs: readonly number[]) => Promise<Map<number, LotFacts>>;
  /** As lotsOfItem for each item, ids only (in id order): the index scans its nodes once for all of them. */
  readonly lotIdsOfItems?: (items: readonly string[]) => Promise<Map<string, number[]>>;
};

/** The part of an event row that names it in a trace's links and gaps. */
export type EventHead = Pick<EventRow, 'seq' | 'eventId' | 'bizStep'>;

export interface TraceGraph {
  depth: Map<number, number>;
  /** Flows of reached nodes that an error declaration known at the time took out. */
  voided: FlowRow[];
  /** Transformation → its visible flows. */
  tFlows: Map<number, FlowRow[]>;
  truncated: boolean;
}

/** Expands from `root` until nothing new is reached (or `maxNodes`, which sets `truncated`). */
export async function expand(store: EventStore, root: number, direction: Direction, vis: Visibility, maxNodes: number): Promise<TraceGraph> {
  // a store backed by the in-memory genealogy index expands there, the same way, without a query per level
  const fromIndex = indexedExpand(store);
  if (fromIndex) return fromIndex(root, direction, vis, maxNodes);
  const depth = new Map<number, number>([[root, 0]]);
  const tFlows = new Map<number, FlowRow[]>();
  const voided: FlowRow[] = [];
  // forward: a node is consumed ('in') into transformations, which produce ('out') the next level
  const via = direction === 'forward' ? 'in' : 'out';
  const next = direction === 'forward' ? 'out' : 'in';
  let frontier = [root];
  let truncated = false;
  while (frontier.length > 0 && !truncated) {
    const tDepth = new Map<number, number>();
    for (const f of await store.flowsOfNodes(frontier, via)) {
      if (f.voidSeq !== null && f.voidSeq <= vis.maxSeq && f.seq <= vis.maxSeq) voided.push(f);
      if (!isVisible(vis, f) || tFlows.has(f.t) || tDepth.has(f.t)) continue;
      tDepth.set(f.t, depth.get(f.node)!);
    }
    if (tDepth.size === 0) break;
    for (const t of tDepth.keys()) tFlows.set(t, []);
    const level: number[] = [];
    for (const f of await store.flowsOfTransformations([...tDepth.keys()])) {
      // a declared event of a transformationID group may have linked other lots here
      if (f.voidSeq !== null && f.voidSeq <= vis.maxSeq && f.seq <= vis.maxSeq) voided.push(f);
      if (!isVisible(vis, f)) continue;
      tFlows.get(f.t)!.push(f);
      if (f.dir === next && !depth.has(f.node)) {
        if (depth.size >= maxNodes) {
          truncated = true;
          break;
        }
        depth.set(f.node, tDepth.get(f.t)! + 1);
        level.push(f.node);
      }
    }
    frontier = level;
  }
  return { depth, tFlows, truncated, voided };
}

