/**
 * The set a trace reaches, with depths and nothing else: what a caller that only needs "which
 * lots, how far" asks (the `set` figure of DESIGN.md §5, a recall's first pass). Through the
 * in-memory genealogy index it runs over typed arrays reused between calls and allocates only
 * its two result arrays; on any other store it is `expand` with the flows dropped.
 */
import type { EventStore } from '../store/event-store.js';
import { indexedReach } from './genealogy-index.js';
import type { Direction } from './trace-graph.js';
import { expand } from './trace-graph.js';
import type { Visibility } from './visibility.js';

export interface ReachedSet {
  /** Node ids in the order reached (breadth first: depths never decrease), the root first. */
  readonly nodes: Int32Array;
  /** depths[k] is the shortest number of transformation steps from the root to nodes[k]. */
  readonly depths: Int32Array;
  /** Stopped at `maxNodes`. */
  readonly truncated: boolean;
}

/** The nodes reachable from `root` with their depths: the same set and depths as `expand`, same truncation rule. */
export async function reachSet(store: EventStore, root: number, direction: Direction, vis: Visibility, maxNodes: number): Promise<ReachedSet> {
  const fromIndex = indexedReach(store);
  if (fromIndex) return fromIndex(root, direction, vis, maxNodes);
  const g = await expand(store, root, direction, vis, maxNodes);
  const nodes = new Int32Array(g.depth.size);
  const depths = new Int32Array(g.depth.size);
  let k = 0;
  for (const [n, d] of g.depth) {
    nodes[k] = n;
    depths[k++] = d;
  }
  return { nodes, depths, truncated: g.truncated };
}
