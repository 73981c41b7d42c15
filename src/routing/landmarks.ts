import { MinHeap } from './min-heap.ts';
import { edgeCosts, truckProfile, type TravelProfile } from './profiles.ts';
import type { RoadGraph } from './road-graph.ts';

/**
 * Landmark distances for the ALT lower bound (A*, Landmarks, Triangle inequality), computed
 * once on the OPEN network. Closures only remove roads, so distances on the open network
 * never exceed those under closures and the bound stays admissible for every query.
 * Distances are node-major: landmark k of node v is at `v * count + k`.
 */
export interface Landmarks {
  readonly profile: TravelProfile;
  /** Number of landmarks. */
  readonly count: number;
  /** Node index of each landmark. */
  readonly nodes: Uint32Array;
  /** d(L_k, v): cost from landmark k to node v, profile units; Infinity where unreachable. */
  readonly fromLandmark: Float64Array;
  /** d(v, L_k): cost from node v to landmark k; Infinity where unreachable. */
  readonly toLandmark: Float64Array;
  /** Wall time the build took, ms. */
  readonly buildMs: number;
}

/** Default number of landmarks: 8 keeps memory at 128 bytes a node (Float64, both ways). */
export const DEFAULT_LANDMARKS = 8;

/**
 * One-to-all Dijkstra from node `source` over open edges. `reverse` follows edges backwards,
 * giving d(v, source) for every v. Returns costs per node (Infinity where unreachable).
 */
export function dijkstraFromNode(
  graph: RoadGraph,
  profile: TravelProfile,
  source: number,
  reverse = false,
): Float64Array {
  const costs = edgeCosts(graph, profile);
  const { edgeFrom, edgeTo, edgeOneway, adjStart, adjEdge, adjForward } = graph;
  const oneway = profile.respectOneway;
  const dist = new Float64Array(graph.nodeCount).fill(Infinity);
  const done = new Uint8Array(graph.nodeCount);
  const heap = new MinHeap();
  dist[source] = 0;
  heap.push(source, 0);
  while (heap.size > 0) {
    const c = heap.peekPriority()!;
    const u = heap.pop()!;
    if (done[u] || c > dist[u]) continue;
    done[u] = 1;
    for (let a = adjStart[u]; a < adjStart[u + 1]; a++) {
      const e = adjEdge[a];
      const ce = costs[e];
      if (ce === Infinity) continue;
      const forward = adjForward[a] === 1;
      // Backwards, leaving u along the geometry means the edge is travelled towards u.
      if (oneway && edgeOneway[e] && forward === reverse) continue;
      const v = forward ? edgeTo[e] : edgeFrom[e];
      const nc = c + ce;
      if (nc < dist[v]) {
        dist[v] = nc;
        heap.push(v, nc);
      }
    }
  }
  return dist;
}

/**
 * Chooses `count` landmarks by farthest-point selection on the open network (each new one is
 * the node farthest from all chosen so far, which spreads them around the edge of the city,
 * where they give the tightest bounds) and stores forward and backward distances for each.
 * Cost: 2 * count full Dijkstras; about 2 s for 8 landmarks on the scale-80 city.
 */
export function buildLandmarks(
  graph: RoadGraph,
  profile: TravelProfile = truckProfile,
  count = DEFAULT_LANDMARKS,
): Landmarks {
  const t0 = performance.now();
  const n = graph.nodeCount;
  const k = Math.min(count, n);
  const nodes = new Uint32Array(k);
  const fromLandmark = new Float64Array(n * k);
  const toLandmark = new Float64Array(n * k);
  // Distance to the nearest chosen landmark; the first search starts at node 0.
  const nearest = n > 0 ? dijkstraFromNode(graph, profile, 0) : new Float64Array(0);
  for (let i = 0; i < k; i++) {
    let best = 0;
    let bestD = -1;
    for (let v = 0; v < n; v++) {
      const d = nearest[v];
      if (d < Infinity && d > bestD) {
        bestD = d;
        best = v;
      }
    }
    nodes[i] = best;
    const forward = dijkstraFromNode(graph, profile, best);
    const backward = dijkstraFromNode(graph, profile, best, true);
    for (let v = 0; v < n; v++) {
      fromLandmark[v * k + i] = forward[v];
      toLandmark[v * k + i] = backward[v];
      if (forward[v] < nearest[v]) nearest[v] = forward[v];
    }
  }
  return { profile, count: k, nodes, fromLandmark, toLandmark, buildMs: performance.now() - t0 };
}

const cache = new WeakMap<RoadGraph, Map<string, Landmarks>>();

/** `buildLandmarks` once per (graph, profile id, count), cached. */
export function landmarksFor(
  graph: RoadGraph,
  profile: TravelProfile = truckProfile,
  count = DEFAULT_LANDMARKS,
): Landmarks {
  let byKey = cache.get(graph);
  if (!byKey) {
    byKey = new Map();
    cache.set(graph, byKey);
  }
  const key = `${profile.id}|${count}`;
  let landmarks = byKey.get(key);
  if (!landmarks) {
    landmarks = buildLandmarks(graph, profile, count);
    byKey.set(key, landmarks);
  }
  return landmarks;
}

/**
 * Landmark distances of a target: d(L_k, t) in `from[k]`, d(t, L_k) in `to[k]`. For a node
 * these are its rows of the tables; for a point mid-edge `truck-route.ts` derives them from
 * the edge's end nodes.
 */
export interface LandmarkTarget {
  from: Float64Array;
  to: Float64Array;
}

/** The landmark distances of node `v` as a target. */
export function nodeTarget(landmarks: Landmarks, v: number): LandmarkTarget {
  const k = landmarks.count;
  return { from: landmarks.fromLandmark.slice(v * k, v * k + k), to: landmarks.toLandmark.slice(v * k, v * k + k) };
}

/**
 * Lower bound of the cost from node v to `target`: the max over landmarks of
 * d(L,t) − d(L,v) and d(v,L) − d(t,L), at least 0. Unreachable is handled so the bound
 * stays admissible: a term whose subtrahend is Infinity says nothing and is skipped; if L
 * reaches v but not t (or t reaches L but v does not), v cannot reach t and the bound is
 * Infinity. Consistent, so A* that never reopens closed nodes stays optimal.
 */
export function altBound(landmarks: Landmarks, v: number, target: LandmarkTarget): number {
  const k = landmarks.count;
  const fromL = landmarks.fromLandmark;
  const toL = landmarks.toLandmark;
  let bound = 0;
  for (let i = 0, j = v * k; i < k; i++, j++) {
    const lv = fromL[j];
    if (lv < Infinity) {
      const b = target.from[i] - lv;
      if (b > bound) bound = b;
    }
    const tl = target.to[i];
    if (tl < Infinity) {
      const b = toL[j] - tl;
      if (b > bound) bound = b;
    }
  }
  return bound;
}

/** `altBound` between two nodes: a lower bound of the cost from `from` to `to`. */
export function altLowerBound(landmarks: Landmarks, from: number, to: number): number {
  return altBound(landmarks, from, nodeTarget(landmarks, to));
}
