import { MinHeap } from './min-heap.ts';
import { edgeCosts, type TravelProfile } from './profiles.ts';
import type { RoadGraph } from './road-graph.ts';
import type { Snap } from './snap.ts';

/** Per-query closures: masks indexed by edge / node, 1 = closed. The graph is never rebuilt. */
export interface Closures {
  closedEdges?: Uint8Array;
  closedNodes?: Uint8Array;
}

export interface NearestTargetsOptions extends Closures {
  profile: TravelProfile;
  /** Stop once this many targets are settled. */
  k: number;
  /** Stop once the cheapest open entry costs more than this (profile units). Default: unbounded. */
  maxCost?: number;
}

/**
 * Shortest-path tree of one search. Ids below `graph.nodeCount` are road nodes; id
 * `graph.nodeCount + t` is target t. `prevNode` is -1 where the entry was reached straight
 * from the start along the start edge.
 */
export interface SearchTree {
  readonly cost: Float64Array;
  readonly prevNode: Int32Array;
  readonly prevEdge: Int32Array;
  /** 1 when the entry was reached following `prevEdge`'s geometry direction. */
  readonly prevForward: Uint8Array;
}

export interface TargetHit {
  /** Index into the `targets` array. */
  target: number;
  /** Total cost: off-network legs at both ends plus the network part. */
  cost: number;
}

export interface NearestTargetsResult {
  /** Settled targets, cheapest first; at most k. */
  hits: TargetHit[];
  tree: SearchTree;
  /** Road nodes settled before the search stopped (a measure of its work). */
  settledNodes: number;
}

/**
 * Bounded Dijkstra from a snapped start to snapped targets: targets are settled in order of
 * total cost, and the search stops after k targets or once `maxCost` is exceeded. Targets
 * sit mid-edge, so each is a virtual node relaxed when its edge is. Snap start and targets
 * with `snapForProfile` (same profile and closures): a start on an edge the profile may not
 * use finds nothing.
 */
export function nearestTargets(
  graph: RoadGraph,
  start: Snap,
  targets: readonly Snap[],
  options: NearestTargetsOptions,
): NearestTargetsResult {
  const { profile, k, closedEdges, closedNodes } = options;
  const maxCost = options.maxCost ?? Infinity;
  const costs = edgeCosts(graph, profile);
  const n = graph.nodeCount;
  const size = n + targets.length;
  const cost = new Float64Array(size).fill(Infinity);
  const prevNode = new Int32Array(size).fill(-1);
  const prevEdge = new Int32Array(size).fill(-1);
  const prevForward = new Uint8Array(size);
  const settled = new Uint8Array(size);
  const tree: SearchTree = { cost, prevNode, prevEdge, prevForward };
  const hits: TargetHit[] = [];
  const heap = new MinHeap();
  const { edgeFrom, edgeTo, edgeLengthM, edgeOneway, adjStart, adjEdge, adjForward } = graph;
  const oneway = profile.respectOneway;

  const targetsOnEdge = new Map<number, number[]>();
  targets.forEach((t, i) => {
    const list = targetsOnEdge.get(t.edge);
    if (list) list.push(i);
    else targetsOnEdge.set(t.edge, [i]);
  });
  const access = (snap: Snap) => snap.distanceM * profile.offNetworkCostPerM;
  /** Cost of covering `metres` of edge e. */
  const part = (e: number, metres: number) => (edgeLengthM[e] > 0 ? (costs[e] * metres) / edgeLengthM[e] : 0);

  const relax = (id: number, c: number, from: number, e: number, forward: boolean) => {
    if (c < cost[id]) {
      cost[id] = c;
      prevNode[id] = from;
      prevEdge[id] = e;
      prevForward[id] = forward ? 1 : 0;
      heap.push(id, c);
    }
  };

  const es = start.edge;
  if (costs[es] < Infinity && !closedEdges?.[es]) {
    const base = access(start);
    const len = edgeLengthM[es];
    if (!closedNodes?.[edgeTo[es]]) relax(edgeTo[es], base + part(es, len - start.offsetM), -1, es, true);
    if (!(oneway && edgeOneway[es]) && !closedNodes?.[edgeFrom[es]]) relax(edgeFrom[es], base + part(es, start.offsetM), -1, es, false);
    for (const t of targetsOnEdge.get(es) ?? []) {
      const forward = targets[t].offsetM >= start.offsetM;
      if (!forward && oneway && edgeOneway[es]) continue;
      relax(n + t, base + part(es, Math.abs(targets[t].offsetM - start.offsetM)) + access(targets[t]), -1, es, forward);
    }
  }

  let settledNodes = 0;
  while (heap.size > 0 && hits.length < k) {
    const c = heap.peekPriority()!;
    if (c > maxCost) break;
    const id = heap.pop()!;
    if (settled[id] || c > cost[id]) continue;
    settled[id] = 1;
    if (id >= n) {
      hits.push({ target: id - n, cost: c });
      continue;
    }
    settledNodes++;
    for (let a = adjStart[id]; a < adjStart[id + 1]; a++) {
      const e = adjEdge[a];
      const ce = costs[e];
      if (ce === Infinity || closedEdges?.[e]) continue;
      const forward = adjForward[a] === 1;
      if (oneway && edgeOneway[e] && !forward) continue;
      const v = forward ? edgeTo[e] : edgeFrom[e];
      if (!closedNodes?.[v]) relax(v, c + ce, id, e, forward);
      const onEdge = targetsOnEdge.get(e);
      if (onEdge) {
        for (const t of onEdge) {
          const along = forward ? targets[t].offsetM : edgeLengthM[e] - targets[t].offsetM;
          relax(n + t, c + part(e, along) + access(targets[t]), id, e, forward);
        }
      }
    }
  }
  return { hits, tree, settledNodes };
}
