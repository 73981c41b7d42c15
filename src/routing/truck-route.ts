import type { Position } from 'geojson';
import type { ClosureBase, LegClosures } from './closures.ts';
import { haversineM } from './distance.ts';
import {
  altBound,
  DEFAULT_LANDMARKS,
  landmarksFor,
  portalTarget,
  type LandmarkTarget,
  type Landmarks,
} from './landmarks.ts';
import { nearestTargets, type Closures, type SearchTree } from './nearest-targets.ts';
import { ngraphView, type ViewQuery } from './ngraph-view.ts';
import { pathToTarget } from './path-geometry.ts';
import { edgeCosts, truckProfile } from './profiles.ts';
import type { RoadGraph } from './road-graph.ts';
import type { RoutingNetwork } from './routing-network.ts';
import { snapForProfile, type Snap } from './snap.ts';

/** Search used by `routeTruck`; all three return the same cost (tests and bench assert it). */
export type TruckAlgorithm = 'alt' | 'astar' | 'dijkstra';

export interface TruckRouteOptions {
  /** Per-leg closures (see `legClosures`); the ends snap only to open roads. */
  closures?: Closures;
  /** Default 'alt': ngraph.path A* with the landmark bound. 'astar': straight-line bound. */
  algorithm?: TruckAlgorithm;
  /** An end farther than this from every open road is not routed, metres. Default 1,000. */
  maxSnapDistanceM?: number;
  /**
   * Landmarks on the open network for 'alt'; default `landmarksFor(graph)` (built on first use,
   * cached). Legs from `legClosures` also use `closureLandmarks` of their base.
   */
  landmarks?: Landmarks;
}

export interface TruckRoute {
  /** Travel time, seconds, including the slow legs between the points and the road. */
  seconds: number;
  /** Length, metres, including those legs. */
  metres: number;
  /** Edge indices in travel order; the first and last are travelled in part. */
  edges: number[];
  /** `roads.id` of `edges`. */
  roads: string[];
  /** From `from` over the roads to `to`: LineString coordinates. */
  geometry: Position[];
}

const scratchTrees = new WeakMap<RoadGraph, SearchTree>();
const maxSpeeds = new WeakMap<RoadGraph, number>();

/** Highest speed on the network for trucks, m/s (length / cost over all edges). */
function maxSpeed(graph: RoadGraph): number {
  let v = maxSpeeds.get(graph);
  if (v === undefined) {
    const costs = edgeCosts(graph, truckProfile);
    v = 0;
    for (let e = 0; e < graph.edgeCount; e++)
      if (costs[e] > 0 && costs[e] < Infinity) v = Math.max(v, graph.edgeLengthM[e] / costs[e]);
    maxSpeeds.set(graph, v);
  }
  return v;
}

/** The scratch search tree `pathToTarget` reads, one per graph; entries are reset after use. */
function scratchTree(graph: RoadGraph): SearchTree {
  let tree = scratchTrees.get(graph);
  if (!tree) {
    const size = graph.nodeCount + 1;
    tree = {
      cost: new Float64Array(0),
      prevNode: new Int32Array(size).fill(-1),
      prevEdge: new Int32Array(size).fill(-1),
      prevForward: new Uint8Array(size),
    };
    scratchTrees.set(graph, tree);
  }
  return tree;
}

/** Landmark distances of the end point, mid-edge: through either end node of its edge. */
function endTarget(graph: RoadGraph, landmarks: Landmarks, end: Snap): LandmarkTarget {
  const costs = edgeCosts(graph, landmarks.profile);
  const e = end.edge;
  const len = graph.edgeLengthM[e];
  const toEnd = len > 0 ? (costs[e] * end.offsetM) / len : 0;
  const fromEnd = len > 0 ? (costs[e] * (len - end.offsetM)) / len : 0;
  const a = graph.edgeFrom[e];
  const b = graph.edgeTo[e];
  const twoWay = !(landmarks.profile.respectOneway && graph.edgeOneway[e]);
  const k = landmarks.count;
  const from = new Float64Array(k);
  const to = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    from[i] = Math.min(
      landmarks.fromLandmark[a * k + i] + toEnd,
      twoWay ? landmarks.fromLandmark[b * k + i] + fromEnd : Infinity,
    );
    to[i] = Math.min(
      fromEnd + landmarks.toLandmark[b * k + i],
      twoWay ? toEnd + landmarks.toLandmark[a * k + i] : Infinity,
    );
  }
  return { from, to };
}

/**
 * Landmarks on the network under a leg's base closures (every zone and checkpoint in force),
 * built on first use per closure state (2 * 8 + 2 Dijkstras, as `landmarksFor`) and freed with
 * the base. Their bounds see the detours the closures force, which the open network's miss:
 * on the scale-10 city a truck kept off the cut motorway takes ~25 % longer than the open
 * network's route, and A* with open-network landmarks alone searched 2.8 times as many nodes
 * (2.6 times at the 99th percentile).
 */
export function closureLandmarks(graph: RoadGraph, base: ClosureBase): Landmarks {
  return landmarksFor(graph, truckProfile, DEFAULT_LANDMARKS, base.closedEdges);
}

interface MarkScratch {
  stamp: number;
  atStart: Uint32Array;
  atEnd: Uint32Array;
}
const markScratch = new WeakMap<RoadGraph, MarkScratch>();

/**
 * The ALT bound of a leg from `legClosures`: landmarks on its base network (`closureLandmarks`)
 * with the roads the leg reopens (the zones covering its ends) as portals, combined with the
 * open network's bound `openBound`, which is consistent everywhere. Write R_t for the roads
 * reopened at the end (and the end edge if the base closes it), R_s for those reopened at the
 * start only, P_t and P_s for their nodes.
 *
 * - L1(v), a bound of v's cost to the end over the base network plus R_t: `openBound` on P_t;
 *   elsewhere also the landmarks' bound to the `portalTarget` whose entries are the P_t nodes
 *   a base road leads into, each costing its `openBound`.
 * - m = min of L1 over the exits of P_s (nodes with an allowed road out that is not in R_s):
 *   after the last P_s node a route uses no R_s road, so a route touching P_s costs at least m.
 * - h(v) = max(openBound, m) on P_s, `openBound` on P_t, max(openBound, min(m, L1)) elsewhere.
 *
 * Admissible by the two decompositions above. Consistent: L1 is consistent on base roads and
 * R_t (on R_t and P_t it is `openBound`, which no entry's cost exceeds); on an R_s road both
 * ends give max(openBound, m); leaving P_s by another road from exit u to w, m ≤ L1(u) ≤
 * cost + L1(w). The base part is shrunk by 1e-9 so rounding cannot break that by an ulp.
 */
function closureBound(
  graph: RoadGraph,
  leg: LegClosures,
  based: Landmarks,
  end: Snap,
  openBound: (v: number) => number,
): (v: number) => number {
  const n = graph.nodeCount;
  let s = markScratch.get(graph);
  if (!s || s.stamp >= 0xfffffff0) {
    s = { stamp: 0, atStart: new Uint32Array(n), atEnd: new Uint32Array(n) };
    markScratch.set(graph, s);
  }
  const stamp = ++s.stamp;
  const { atStart, atEnd } = s;
  const { edgeFrom, edgeTo, edgeOneway, adjStart, adjEdge, adjForward } = graph;
  const costs = edgeCosts(graph, truckProfile);
  const baseClosed = leg.base.closedEdges;
  const legClosed = leg.closedEdges;
  const ee = end.edge;
  /** Whether edge e may be driven out of (`out`) or into the node at adjacency slot a on `closed`. */
  const drivable = (a: number, out: boolean, closed: Uint8Array) => {
    const e = adjEdge[a];
    return costs[e] < Infinity && !closed[e] && (!edgeOneway[e] || (adjForward[a] === 1) === out);
  };

  const endNodes: number[] = [];
  const markEnd = (e: number) => {
    for (const v of [edgeFrom[e], edgeTo[e]]) {
      if (atEnd[v] !== stamp) {
        atEnd[v] = stamp;
        endNodes.push(v);
      }
    }
  };
  for (const e of leg.reopenedTo) markEnd(e);
  if (baseClosed[ee]) markEnd(ee);
  const entries: number[] = [];
  const entryCosts: number[] = [];
  for (const v of endNodes) {
    for (let a = adjStart[v]; a < adjStart[v + 1]; a++) {
      if (drivable(a, false, baseClosed)) {
        entries.push(v);
        entryCosts.push(openBound(v));
        break;
      }
    }
  }
  const target = portalTarget(based, baseClosed[ee] ? null : endTarget(graph, based, end), entries, entryCosts);
  const baseBound = (v: number) => altBound(based, v, target);
  const l1 = (v: number) => (atEnd[v] === stamp ? openBound(v) : Math.max(openBound(v), baseBound(v)));

  const startEdges = new Set<number>();
  for (const e of leg.reopenedFrom) if (e !== ee) startEdges.add(e);
  for (const e of startEdges) atStart[edgeFrom[e]] = atStart[edgeTo[e]] = stamp;
  let m = Infinity;
  for (const e of startEdges) {
    for (const v of [edgeFrom[e], edgeTo[e]]) {
      for (let a = adjStart[v]; a < adjStart[v + 1]; a++) {
        if (!startEdges.has(adjEdge[a]) && drivable(a, true, legClosed)) {
          m = Math.min(m, l1(v));
          break;
        }
      }
    }
  }
  const shrink = 1 - 1e-9;
  return (v) => {
    const open = openBound(v);
    if (atStart[v] === stamp) return Math.max(open, shrink * m);
    if (atEnd[v] === stamp) return open;
    return Math.max(open, shrink * Math.min(m, baseBound(v)));
  };
}

/** Nodes the reachability check may visit before leaving the question to the search. */
const REACH_BUDGET = 1024;

interface ReachScratch {
  stamp: number;
  fwd: Uint32Array;
  bwd: Uint32Array;
  qf: Int32Array;
  qb: Int32Array;
}
const reachScratch = new WeakMap<RoadGraph, ReachScratch>();

/**
 * Whether the closures provably cut every route between the snapped start and end, by a
 * bidirectional breadth-first search over the typed arrays (no costs): exactly the moves the
 * search allows (open edges, one-way roads along their geometry, no closed node entered, the
 * end edge's ends to the end point, start and end on one edge). Expanding the smaller frontier
 * first, an end shut in a pocket is proved cut off after visiting the pocket only, instead of
 * A* visiting everything the other end reaches. It stops, answering false, when the frontiers
 * meet or after `REACH_BUDGET` nodes: between far-apart ends the two breadth-first balls hold
 * more nodes than A* settles, so proving a route exists is left to the search.
 */
function cutOff(graph: RoadGraph, start: Snap, end: Snap, closures: Closures): boolean {
  const { edgeFrom, edgeTo, edgeOneway, adjStart, adjEdge, adjForward } = graph;
  const { closedEdges, closedNodes } = closures;
  const costs = edgeCosts(graph, truckProfile);
  const es = start.edge;
  const ee = end.edge;
  if (es === ee && (end.offsetM >= start.offsetM || !edgeOneway[es])) return false;
  let s = reachScratch.get(graph);
  if (!s || s.stamp >= 0xfffffff0) {
    const size = graph.nodeCount;
    s = {
      stamp: 0,
      fwd: new Uint32Array(size),
      bwd: new Uint32Array(size),
      qf: new Int32Array(size),
      qb: new Int32Array(size),
    };
    reachScratch.set(graph, s);
  }
  const stamp = ++s.stamp;
  const { fwd, bwd, qf, qb } = s;
  let hf = 0;
  let tf = 0;
  let hb = 0;
  let tb = 0;
  const seeds: [number, boolean][] = [
    [edgeTo[es], true],
    [edgeFrom[es], !edgeOneway[es]],
  ];
  for (const [v, ok] of seeds) {
    if (!ok || closedNodes?.[v] || fwd[v] === stamp) continue;
    fwd[v] = stamp;
    qf[tf++] = v;
  }
  const ends: [number, boolean][] = [
    [edgeFrom[ee], true],
    [edgeTo[ee], !edgeOneway[ee]],
  ];
  for (const [v, ok] of ends) {
    if (!ok || closedNodes?.[v] || bwd[v] === stamp) continue;
    if (fwd[v] === stamp) return false;
    bwd[v] = stamp;
    qb[tb++] = v;
  }
  while (hf < tf && hb < tb) {
    if (hf + hb >= REACH_BUDGET) return false;
    if (tf - hf <= tb - hb) {
      const u = qf[hf++];
      for (let a = adjStart[u]; a < adjStart[u + 1]; a++) {
        const e = adjEdge[a];
        if (costs[e] === Infinity || closedEdges?.[e]) continue;
        const forward = adjForward[a] === 1;
        if (edgeOneway[e] && !forward) continue;
        const v = forward ? edgeTo[e] : edgeFrom[e];
        if (closedNodes?.[v] || fwd[v] === stamp) continue;
        if (bwd[v] === stamp) return false;
        fwd[v] = stamp;
        qf[tf++] = v;
      }
    } else {
      const v = qb[hb++];
      for (let a = adjStart[v]; a < adjStart[v + 1]; a++) {
        const e = adjEdge[a];
        if (costs[e] === Infinity || closedEdges?.[e]) continue;
        // u -> v along e: v is the edge's end, or the edge is two-way.
        const forward = adjForward[a] === 1;
        if (edgeOneway[e] && forward) continue;
        const u = forward ? edgeTo[e] : edgeFrom[e];
        if (closedNodes?.[u] || bwd[u] === stamp) continue;
        if (fwd[u] === stamp) return false;
        bwd[u] = stamp;
        qb[tb++] = u;
      }
    }
  }
  return true;
}

/**
 * Fastest truck route from `from` to `to` ([lng, lat]) under per-leg closures, or null when
 * an end has no open road within reach or no open route joins them. Both ends snap to the
 * nearest open road (`snapForProfile`, truck profile) and the route runs from the start
 * edge to the end edge, both travelled in part. 'alt' and 'astar' run ngraph.path's A* over
 * the graph's `NgraphView`; 'alt' bounds with landmarks on the open network and, for a leg
 * from `legClosures`, also on its base closures (`closureBound`).
 */
export function routeTruck(
  network: RoutingNetwork,
  from: Position,
  to: Position,
  options: TruckRouteOptions = {},
): TruckRoute | null {
  const { graph, snapIndex } = network;
  const closures = options.closures ?? {};
  const snapOptions = { maxDistanceM: options.maxSnapDistanceM ?? 1000, closedEdges: closures.closedEdges };
  const start = snapForProfile(snapIndex, from[0], from[1], truckProfile, snapOptions);
  const end = snapForProfile(snapIndex, to[0], to[1], truckProfile, snapOptions);
  if (!start || !end) return null;
  const algorithm = options.algorithm ?? 'alt';

  if (algorithm === 'dijkstra') {
    const { hits, tree } = nearestTargets(graph, start, [end], { profile: truckProfile, k: 1, ...closures });
    if (hits.length === 0) return null;
    const edges: number[] = [];
    for (let id = graph.nodeCount; id !== -1; id = tree.prevNode[id]) edges.push(tree.prevEdge[id]);
    edges.reverse();
    return finish(graph, hits[0].cost, edges, pathToTarget(graph, tree, from, start, end, to, 0));
  }

  if (cutOff(graph, start, end, closures)) return null;

  let bound: (v: number) => number;
  if (algorithm === 'alt') {
    const landmarks = options.landmarks ?? landmarksFor(graph, truckProfile);
    const target = endTarget(graph, landmarks, end);
    const openBound = (v: number) => altBound(landmarks, v, target);
    const leg = closures as Partial<LegClosures>;
    bound =
      leg.base && leg.reopenedFrom && leg.reopenedTo
        ? closureBound(graph, leg as LegClosures, closureLandmarks(graph, leg.base), end, openBound)
        : openBound;
  } else {
    // Straight line at the network's top speed never overestimates; the tiny shrink keeps
    // rounding from making the bound inconsistent on the fastest straight roads.
    const scale = (1 - 1e-9) / maxSpeed(graph);
    bound = (v) => haversineM(graph.nodeLng[v], graph.nodeLat[v], end.lng, end.lat) * scale;
  }
  const query: ViewQuery = {
    ...closures,
    costs: edgeCosts(graph, truckProfile),
    respectOneway: true,
    start,
    end,
    bound,
  };
  const view = ngraphView(graph);
  const nodes = view.find(query);
  if (!nodes) return null;
  const links = view.hopLinks(query, nodes);

  // Sum in the order nearestTargets does, so the three algorithms agree to the last bit
  // whenever they pick the same path.
  let seconds = start.distanceM * truckProfile.offNetworkCostPerM;
  for (const l of links) seconds += l.cost;
  seconds += end.distanceM * truckProfile.offNetworkCostPerM;

  const tree = scratchTree(graph);
  const target = graph.nodeCount;
  const roadNodes = nodes.slice(1, -1);
  let prev = -1;
  for (let i = 0; i < roadNodes.length; i++) {
    tree.prevNode[roadNodes[i]] = prev;
    tree.prevEdge[roadNodes[i]] = links[i].data;
    tree.prevForward[roadNodes[i]] = links[i].forward ? 1 : 0;
    prev = roadNodes[i];
  }
  const last = links[links.length - 1];
  tree.prevNode[target] = prev;
  tree.prevEdge[target] = last.data;
  tree.prevForward[target] = last.forward ? 1 : 0;
  const geometry = pathToTarget(graph, tree, from, start, end, to, 0);
  for (const v of [...roadNodes, target]) {
    tree.prevNode[v] = -1;
    tree.prevEdge[v] = -1;
  }
  return finish(
    graph,
    seconds,
    links.map((l) => l.data),
    geometry,
  );
}

/** Assembles the route; metres along its geometry (partial end edges and off-network legs included). */
function finish(graph: RoadGraph, seconds: number, edges: number[], geometry: Position[]): TruckRoute {
  let metres = 0;
  for (let i = 1; i < geometry.length; i++)
    metres += haversineM(geometry[i - 1][0], geometry[i - 1][1], geometry[i][0], geometry[i][1]);
  return { seconds, metres, edges, roads: edges.map((e) => graph.edgeRoadId[e]), geometry };
}
