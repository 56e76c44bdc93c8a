/**
 * The one layout of the genealogy drawing, used by the web app's lot page (bundled by Vite) and by
 * the PDF/HTML dossier (compiled by tsc): a layered left-to-right drawing of a DAG. Pure — no DOM,
 * no node: imports — so both sides draw the same shape from the same code.
 *
 * Why our own and not dagre: a genealogy already comes in layers (the signed depth from the lot:
 * ancestors left, descendants right), so the costly parts of a general layout (network-simplex
 * ranking, edge labels as layout nodes) are not needed. Each step here is linear in nodes + edges
 * (sorting within a layer aside), so a trace of a thousand boxes is laid out in milliseconds where
 * dagre took seconds:
 *
 * 1. rank: a node's `level` where given, moved only as far as needed so every edge points right;
 *    nodes without a level go next to their neighbours (suppliers just left of their lots);
 * 2. edges longer than one layer get a waypoint in each layer they cross, so they pass between
 *    boxes, not through them;
 * 3. order within a layer by the barycentre of the neighbours, sweeping left→right and back a few
 *    times (fewer crossings);
 * 4. heights: each layer's boxes go as near the mean of their neighbours as the order and the gaps
 *    allow (an exact least-squares fit of an ordered row, by pooling adjacent violators);
 * 5. columns as wide as their widest box, gaps as wide as the widest quantity label in them.
 */

export interface LayerNode {
  readonly id: string;
  readonly width: number;
  readonly height: number;
  /** The wished-for layer (signed depth from the lot); absent: placed by its neighbours. */
  readonly level?: number | undefined;
}

export interface LayerEdge {
  readonly from: string;
  readonly to: string;
  /** Width of the quantity label, which sits in a gap between two columns (0: no label). */
  readonly labelWidth?: number;
}

export interface LayerOptions {
  /** Vertical space between two boxes of a layer. */
  readonly nodeGap: number;
  /** Least horizontal space between two columns. */
  readonly rankGap: number;
  /** Space around the drawing. */
  readonly margin: number;
  /** Space left and right of a label inside its gap. */
  readonly labelPad?: number;
  /** Ordering sweeps (each one left→right or right→left). */
  readonly sweeps?: number;
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface LayeredLayout {
  readonly width: number;
  readonly height: number;
  /** Centres, in the order of the input nodes. */
  readonly nodes: readonly (Point & { readonly rank: number })[];
  /** In the order of the input edges: a polyline from the source's border to the target's, and where the label's centre goes (empty and null for a self-loop or an unknown end). */
  readonly edges: readonly { readonly points: readonly Point[]; readonly label: Point | null }[];
}

/** Height of the slot a long edge takes in a layer it passes through. */
const WAYPOINT_HEIGHT = 4;

export function layeredLayout(nodes: readonly LayerNode[], edges: readonly LayerEdge[], options: LayerOptions): LayeredLayout {
  const n = nodes.length;
  const index = new Map<string, number>();
  nodes.forEach((node, i) => index.set(node.id, i));
  const ends = edges.map((e) => {
    const a = index.get(e.from);
    const b = index.get(e.to);
    return a === undefined || b === undefined || a === b ? null : ([a, b] as const);
  });

  const { rank, reversed } = assignRanks(nodes, ends);

  // Layers of vertices: the nodes, then one waypoint per layer crossed by a long edge.
  const vRank: number[] = [...rank];
  const vHeight: number[] = nodes.map((node) => node.height);
  const up: number[][] = nodes.map(() => []);
  const down: number[][] = nodes.map(() => []);
  /** Each edge's chain of vertices, left to right. */
  const chains: (number[] | null)[] = ends.map((pair, i) => {
    if (!pair) return null;
    const [a, b] = reversed[i] ? [pair[1], pair[0]] : pair;
    const chain = [a];
    for (let r = rank[a]! + 1; r < rank[b]!; r++) {
      vRank.push(r);
      vHeight.push(WAYPOINT_HEIGHT);
      up.push([]);
      down.push([]);
      chain.push(vRank.length - 1);
    }
    chain.push(b);
    for (let k = 1; k < chain.length; k++) {
      down[chain[k - 1]!]!.push(chain[k]!);
      up[chain[k]!]!.push(chain[k - 1]!);
    }
    return chain;
  });
  const layerCount = n === 0 ? 0 : Math.max(...vRank) + 1;
  const layers: number[][] = Array.from({ length: layerCount }, () => []);
  for (let v = 0; v < vRank.length; v++) layers[vRank[v]!]!.push(v);

  orderLayers(layers, up, down, options.sweeps ?? 4);
  const y = placeRows(layers, up, down, vHeight, options.nodeGap);

  // Columns: as wide as the widest box; a gap as wide as its widest label.
  const colWidth = new Array<number>(layerCount).fill(0);
  for (let i = 0; i < n; i++) colWidth[rank[i]!] = Math.max(colWidth[rank[i]!]!, nodes[i]!.width);
  const labelGap = new Array<number>(layerCount).fill(0);
  const pad = options.labelPad ?? 6;
  const gapOf = chains.map((chain, i) => {
    if (!chain) return -1;
    // The label goes next to the end that has fewer neighbours on that side, where lines are apart.
    const first = chain[0]!;
    const last = chain[chain.length - 1]!;
    const g = down[first]!.length <= up[last]!.length ? vRank[first]! : vRank[last]! - 1;
    const w = edges[i]!.labelWidth ?? 0;
    if (w > 0) labelGap[g] = Math.max(labelGap[g]!, w + 2 * pad);
    return g;
  });
  const colX = new Array<number>(layerCount).fill(0);
  let x = options.margin;
  for (let r = 0; r < layerCount; r++) {
    colX[r] = x + colWidth[r]! / 2;
    x += colWidth[r]! + (r < layerCount - 1 ? Math.max(options.rankGap, labelGap[r]!) : 0);
  }

  let minY = Infinity;
  let maxY = -Infinity;
  for (let v = 0; v < vRank.length; v++) {
    minY = Math.min(minY, y[v]! - vHeight[v]! / 2);
    maxY = Math.max(maxY, y[v]! + vHeight[v]! / 2);
  }
  const shift = n === 0 ? 0 : options.margin - minY;
  const at = (v: number): Point => ({ x: colX[vRank[v]!]!, y: y[v]! + shift });

  const placedEdges = chains.map((chain, i) => {
    if (!chain) return { points: [], label: null };
    const first = chain[0]!;
    const last = chain[chain.length - 1]!;
    const points: Point[] = [{ x: colX[vRank[first]!]! + nodes[first]!.width / 2, y: y[first]! + shift }];
    for (let k = 1; k < chain.length - 1; k++) {
      const p = at(chain[k]!);
      const half = colWidth[vRank[chain[k]!]!]! / 2;
      points.push({ x: p.x - half, y: p.y }, { x: p.x + half, y: p.y });
    }
    points.push({ x: colX[vRank[last]!]! - nodes[last]!.width / 2, y: y[last]! + shift });
    // The label: the middle of its gap, on the line.
    const g = gapOf[i]!;
    const segment = g - vRank[first]!;
    const p = points[segment * 2]!;
    const q = points[segment * 2 + 1]!;
    const label = { x: (p.x + q.x) / 2, y: (p.y + q.y) / 2 };
    return { points: reversed[i] ? points.reverse() : points, label };
  });

  return {
    width: Math.ceil(x + options.margin),
    height: Math.ceil(n === 0 ? 0 : maxY - minY + 2 * options.margin),
    nodes: nodes.map((_, i) => ({ ...at(i), rank: rank[i]! })),
    edges: placedEdges,
  };
}

/**
 * Ranks (0 = leftmost layer) so that every edge goes right. A cycle (a rework loop drawn once)
 * is broken by drawing one of its edges backwards: `reversed` marks those.
 */
function assignRanks(nodes: readonly LayerNode[], ends: readonly (readonly [number, number] | null)[]): { rank: number[]; reversed: boolean[] } {
  const n = nodes.length;
  const level = nodes.map((node) => (node.level !== undefined && Number.isFinite(node.level) ? node.level : undefined));
  // Break cycles: an edge closing a cycle in a depth-first walk (from the leftmost levels) is
  // reversed. An edge merely against the levels is real flow: its ends move apart instead.
  const reversed = ends.map(() => false);
  const out: number[][] = nodes.map(() => []);
  ends.forEach((pair, i) => pair && out[pair[0]]!.push(i));
  const state = new Uint8Array(n); // 0 new, 1 on the stack, 2 done
  const starts = [...nodes.keys()].sort((a, b) => (level[a] ?? 0) - (level[b] ?? 0));
  for (const s of starts) {
    if (state[s]) continue;
    const stack: [number, number][] = [[s, 0]];
    state[s] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const [v, k] = top;
      if (k >= out[v]!.length) {
        state[v] = 2;
        stack.pop();
        continue;
      }
      top[1]++;
      const e = out[v]![k]!;
      const w = ends[e]![1];
      if (state[w] === 1) reversed[e] = true;
      else if (state[w] === 0) {
        state[w] = 1;
        stack.push([w, 0]);
      }
    }
  }
  const preds: number[][] = nodes.map(() => []);
  const succs: number[][] = nodes.map(() => []);
  ends.forEach((pair, i) => {
    if (!pair) return;
    const [a, b] = reversed[i] ? [pair[1], pair[0]] : pair;
    succs[a]!.push(b);
    preds[b]!.push(a);
  });
  // Topological order (Kahn).
  const indeg = preds.map((p) => p.length);
  const topo: number[] = [];
  for (let v = 0; v < n; v++) if (indeg[v] === 0) topo.push(v);
  for (let k = 0; k < topo.length; k++) for (const w of succs[topo[k]!]!) if (--indeg[w]! === 0) topo.push(w);

  const rank = new Array<number>(n).fill(NaN);
  // The lot and its ancestors (level ≤ 0) move left when an edge needs room, right to left…
  for (let k = topo.length - 1; k >= 0; k--) {
    const v = topo[k]!;
    if (level[v] === undefined || level[v]! > 0) continue;
    let r = level[v]!;
    for (const w of succs[v]!) {
      const rw = Number.isNaN(rank[w]!) ? level[w] : rank[w];
      if (rw !== undefined) r = Math.min(r, rw - 1);
    }
    rank[v] = r;
  }
  // …descendants and unlevelled nodes move right, left to right.
  for (const v of topo) {
    if (!Number.isNaN(rank[v]!)) continue;
    let r = level[v] ?? (preds[v]!.length ? -Infinity : 0);
    for (const p of preds[v]!) if (!Number.isNaN(rank[p]!)) r = Math.max(r, rank[p]! + 1);
    rank[v] = Number.isFinite(r) ? r : 0;
  }
  // A source without a level (a supplier) sits just left of its nearest successor.
  for (let v = 0; v < n; v++) {
    if (level[v] !== undefined || preds[v]!.length || !succs[v]!.length) continue;
    rank[v] = Math.min(...succs[v]!.map((w) => rank[w]!)) - 1;
  }
  // Should a mix of levels still leave an edge pointing left, longest-path ranks are always right.
  if (ends.some((pair, i) => pair && (reversed[i] ? rank[pair[0]]! <= rank[pair[1]]! : rank[pair[1]]! <= rank[pair[0]]!))) {
    for (const v of topo) rank[v] = Math.max(level[v] ?? 0, ...preds[v]!.map((p) => rank[p]! + 1));
  }
  const min = n ? Math.min(...rank) : 0;
  return { rank: rank.map((r) => r - min), reversed };
}

/** Barycentre ordering: each layer sorted by the mean position of its neighbours in the layer just swept. */
function orderLayers(layers: number[][], up: readonly number[][], down: readonly number[][], sweeps: number): void {
  const pos = new Float64Array(up.length);
  const key = new Float64Array(up.length);
  const setPos = (layer: readonly number[]) => {
    for (let i = 0; i < layer.length; i++) pos[layer[i]!] = i;
  };
  layers.forEach(setPos);
  const byKey = (a: number, b: number) => key[a]! - key[b]! || pos[a]! - pos[b]!;
  const sortBy = (layer: number[], nbrs: readonly number[][]) => {
    const keyed: number[] = [];
    for (const v of layer) {
      const ns = nbrs[v]!;
      if (!ns.length) continue;
      let sum = 0;
      for (const w of ns) sum += pos[w]!;
      key[v] = sum / ns.length;
      keyed.push(v);
    }
    keyed.sort(byKey);
    // Vertices without neighbours on that side keep their slots; the others fill the rest in order.
    let k = 0;
    for (let i = 0; i < layer.length; i++) if (nbrs[layer[i]!]!.length) layer[i] = keyed[k++]!;
    setPos(layer);
  };
  for (let s = 0; s < sweeps; s++) {
    if (s % 2 === 0) for (let r = 1; r < layers.length; r++) sortBy(layers[r]!, up);
    else for (let r = layers.length - 2; r >= 0; r--) sortBy(layers[r]!, down);
  }
}

/** Vertical centres: stacked first, then each layer pulled towards its neighbours, keeping order and gaps. */
function placeRows(layers: readonly number[][], up: readonly number[][], down: readonly number[][], height: readonly number[], gap: number): Float64Array {
  const y = new Float64Array(height.length);
  for (const layer of layers) {
    let at = 0;
    for (const v of layer) {
      y[v] = at + height[v]! / 2;
      at += height[v]! + gap;
    }
    const mid = at / 2;
    for (const v of layer) y[v] = y[v]! - mid;
  }
  const fit = (layer: readonly number[], nbrs: readonly number[][]) => {
    if (!layer.length) return;
    // Least squares under "in order, at least the gap apart": with offsets taken out, the
    // positions only have to be non-decreasing — an isotonic regression (pool adjacent violators).
    const offset: number[] = [];
    let acc = 0;
    for (let i = 0; i < layer.length; i++) {
      if (i > 0) acc += height[layer[i - 1]!]! / 2 + gap + height[layer[i]!]! / 2;
      offset.push(acc);
    }
    const blocks: { sum: number; count: number; end: number }[] = [];
    for (let i = 0; i < layer.length; i++) {
      const v = layer[i]!;
      const ns = nbrs[v]!;
      let want = y[v]!;
      if (ns.length) {
        want = 0;
        for (const w of ns) want += y[w]!;
        want /= ns.length;
      }
      blocks.push({ sum: want - offset[i]!, count: 1, end: i });
      while (blocks.length > 1) {
        const b = blocks[blocks.length - 1]!;
        const a = blocks[blocks.length - 2]!;
        if (a.sum / a.count <= b.sum / b.count) break;
        blocks.pop();
        a.sum += b.sum;
        a.count += b.count;
        a.end = b.end;
      }
    }
    let i = 0;
    for (const b of blocks) for (; i <= b.end; i++) y[layer[i]!] = b.sum / b.count + offset[i]!;
  };
  for (let pass = 0; pass < 4; pass++) {
    if (pass % 2 === 0) for (let r = 1; r < layers.length; r++) fit(layers[r]!, up);
    else for (let r = layers.length - 2; r >= 0; r--) fit(layers[r]!, down);
  }
  return y;
}
