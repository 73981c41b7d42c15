import { MinHeap } from './min-heap.ts';
import { edgeCosts, truckProfile, type TravelProfile } from './profiles.ts';
import type { RoadGraph } from './road-graph.ts';

/**
 * Landmark distances for the ALT lower bound (A*, Landmarks, Triangle inequality), computed
 * once on a fixed network: the open one, or the open one less `closedEdges` (the closures in
 * force for every leg, see `ClosureBase`). Distances on a network never exceed those on a part
 * of it, so the open network's bound is admissible for every query; a bound on a closed
 * network needs the roads a query reopens taken into account (`portalTarget`).
 * Distances are node-major: landmark k of node v is at `v * count + k`.
 */
export interface Landmarks {
  readonly profile: TravelProfile;
  /** Edges left out of the network the distances were computed on; absent for the open network. */
  readonly closedEdges?: Uint8Array;
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
 * One-to-all Dijkstra from node `source` over open edges (those the profile may use and
 * `closedEdges` leaves open). `reverse` follows edges backwards, giving d(v, source) for every
 * v. Returns costs per node (Infinity where unreachable).
 */
export function dijkstraFromNode(
  graph: RoadGraph,
  profile: TravelProfile,
  source: number,
  reverse = false,
  closedEdges?: Uint8Array,
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
      if (ce === Infinity || closedEdges?.[e]) continue;
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
 * The node the landmark choice starts from and its forward distances: the first of a few
 * spread-out nodes whose strongly connected part (reached from it and reaching it) holds half
 * the nodes, else the one with the largest part. On a network with closures, node 0 may sit in
 * a pocket a closed zone cuts off, or a landmark in a one-way dead end; a landmark outside the
 * main part bounds almost nothing.
 */
function landmarkRoot(
  graph: RoadGraph,
  profile: TravelProfile,
  closedEdges: Uint8Array | undefined,
): { forward: Float64Array; inPart: Uint8Array } {
  const n = graph.nodeCount;
  let best: { forward: Float64Array; inPart: Uint8Array; size: number } | null = null;
  for (const root of [0, n >> 2, n >> 1, (3 * n) >> 2]) {
    const forward = dijkstraFromNode(graph, profile, root, false, closedEdges);
    const backward = dijkstraFromNode(graph, profile, root, true, closedEdges);
    const inPart = new Uint8Array(n);
    let size = 0;
    for (let v = 0; v < n; v++) {
      if (forward[v] < Infinity && backward[v] < Infinity) {
        inPart[v] = 1;
        size++;
      }
    }
    if (!best || size > best.size) best = { forward, inPart, size };
    if (2 * size >= n) break;
  }
  return best!;
}

/**
 * Chooses `count` landmarks by farthest-point selection within the main strongly connected part
 * of the network (each new one is the node farthest from all chosen so far, which spreads them
 * around the edge of the city, where they give the tightest bounds) and stores forward and
 * backward distances for each. `closedEdges`: roads left out (closures in force for every leg).
 * Cost: 2 * count + 2 full Dijkstras; about 2 s for 8 landmarks on the scale-80 city.
 */
export function buildLandmarks(
  graph: RoadGraph,
  profile: TravelProfile = truckProfile,
  count = DEFAULT_LANDMARKS,
  closedEdges?: Uint8Array,
): Landmarks {
  const t0 = performance.now();
  const n = graph.nodeCount;
  const k = Math.min(count, n);
  const nodes = new Uint32Array(k);
  const fromLandmark = new Float64Array(n * k);
  const toLandmark = new Float64Array(n * k);
  // Distance to the nearest chosen landmark; the first search starts at the root.
  const { forward: nearest, inPart } =
    n > 0 ? landmarkRoot(graph, profile, closedEdges) : { forward: new Float64Array(0), inPart: new Uint8Array(0) };
  for (let i = 0; i < k; i++) {
    let best = 0;
    let bestD = -1;
    for (let v = 0; v < n; v++) {
      const d = nearest[v];
      if (inPart[v] && d > bestD) {
        bestD = d;
        best = v;
      }
    }
    nodes[i] = best;
    const forward = dijkstraFromNode(graph, profile, best, false, closedEdges);
    const backward = dijkstraFromNode(graph, profile, best, true, closedEdges);
    for (let v = 0; v < n; v++) {
      fromLandmark[v * k + i] = forward[v];
      toLandmark[v * k + i] = backward[v];
      if (forward[v] < nearest[v]) nearest[v] = forward[v];
    }
  }
  return { profile, closedEdges, count: k, nodes, fromLandmark, toLandmark, buildMs: performance.now() - t0 };
}

const cache = new WeakMap<RoadGraph, Map<string, Landmarks>>();
const closedCache = new WeakMap<Uint8Array, Map<string, Landmarks>>();

/**
 * `buildLandmarks` once per (graph, profile id, count) and, with `closedEdges`, per mask object,
 * cached (weakly by the mask: landmarks of closures no longer in force go with them).
 */
export function landmarksFor(
  graph: RoadGraph,
  profile: TravelProfile = truckProfile,
  count = DEFAULT_LANDMARKS,
  closedEdges?: Uint8Array,
): Landmarks {
  let byKey = closedEdges ? closedCache.get(closedEdges) : cache.get(graph);
  if (!byKey) {
    byKey = new Map();
    if (closedEdges) closedCache.set(closedEdges, byKey);
    else cache.set(graph, byKey);
  }
  const key = `${profile.id}|${count}`;
  let landmarks = byKey.get(key);
  if (!landmarks) {
    landmarks = buildLandmarks(graph, profile, count, closedEdges);
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

/**
 * A target behind reopened roads, for landmarks on a network with closures (`closedEdges`)
 * that a query partly lifts: the query's network is the landmarks' network plus the reopened
 * roads. A route from a node off the reopened roads either stays on the landmarks' network
 * (cost ≥ d(v,t)) or first touches a reopened road at a node p it entered by a road of that
 * network (cost ≥ d(v,p) + a lower bound of p's cost to the target); so it costs at least the
 * distance to a virtual target t* joined from t and from each such entry by an edge of that
 * cost, and `altBound` of that target is a lower bound (with its usual handling of Infinity,
 * as t* is left only through t and the entries). `own` is the target's own distances, or null
 * when its edge is not on the landmarks' network; `entries[i]` an entry node and
 * `entryCosts[i]` its lower bound. Nodes on reopened roads need their own bound (truck-route.ts).
 */
export function portalTarget(
  landmarks: Landmarks,
  own: LandmarkTarget | null,
  entries: ArrayLike<number>,
  entryCosts: ArrayLike<number>,
): LandmarkTarget {
  const k = landmarks.count;
  const fromL = landmarks.fromLandmark;
  const toL = landmarks.toLandmark;
  const from = new Float64Array(k);
  const to = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let f = own ? own.from[i] : Infinity;
    let t = own ? own.to[i] : -Infinity;
    for (let p = 0; p < entries.length; p++) {
      const j = entries[p] * k + i;
      f = Math.min(f, fromL[j] + entryCosts[p]);
      t = Math.max(t, toL[j] - entryCosts[p]);
    }
    from[i] = f;
    to[i] = t;
  }
  return { from, to };
}
