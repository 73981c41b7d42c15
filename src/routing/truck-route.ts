import type { Position } from 'geojson';
import type { Link, Node } from 'ngraph.graph';
import { aStar } from 'ngraph.path';
import { haversineM } from './distance.ts';
import { altBound, landmarksFor, type LandmarkTarget, type Landmarks } from './landmarks.ts';
import { nearestTargets, type Closures, type SearchTree } from './nearest-targets.ts';
import { toNgraph, type NgraphNodeData, type RoadNgraph } from './ngraph-view.ts';
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
  /** Landmarks for 'alt'; default `landmarksFor(graph)` (built on first use, cached). */
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

/** Node ids of the two virtual nodes added per query (road nodes are 0..nodeCount-1). */
const START = -1;
const END = -2;

/** A link to or from a virtual node: part of the start or end edge. */
interface VirtualLink extends Link<number> {
  cost: number;
  forward: boolean;
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

/**
 * A* between a snapped start and end with ngraph.path. ngraph.path searches node to node,
 * but a truck starts and stops mid-edge, so the query runs on an overlay of the cached
 * ngraph view: a virtual START node linked to both ends of the start edge (and straight to
 * END when both lie on one edge) and a virtual END node linked from both ends of the end
 * edge, each virtual link costing the part of the edge it covers. The overlay answers the
 * two calls aStar makes (`getNode`, `forEachLinkedNode`), so the shared view is never
 * mutated and concurrent queries cannot see each other's nodes.
 */
function searchNgraph(
  graph: RoadGraph,
  start: Snap,
  end: Snap,
  closures: Closures,
  heuristic: (v: number) => number,
): { nodes: number[]; links: VirtualLink[] } | null {
  const g = toNgraph(graph);
  const costs = edgeCosts(graph, truckProfile);
  const { edgeFrom, edgeTo, edgeLengthM, edgeOneway } = graph;
  const { closedEdges, closedNodes } = closures;
  const part = (e: number, metres: number) => (edgeLengthM[e] > 0 ? (costs[e] * metres) / edgeLengthM[e] : 0);
  const startNode: Node<NgraphNodeData> = { id: START, links: null, data: { lng: start.lng, lat: start.lat } };
  const endNode: Node<NgraphNodeData> = { id: END, links: null, data: { lng: end.lng, lat: end.lat } };
  const link = (fromId: number, toId: number, e: number, cost: number, forward: boolean): VirtualLink => ({
    id: `v${fromId}-${toId}`,
    fromId,
    toId,
    data: e,
    cost,
    forward,
  });

  const es = start.edge;
  const ee = end.edge;
  const fromStart: VirtualLink[] = [];
  if (!closedNodes?.[edgeTo[es]])
    fromStart.push(link(START, edgeTo[es], es, part(es, edgeLengthM[es] - start.offsetM), true));
  if (!edgeOneway[es] && !closedNodes?.[edgeFrom[es]])
    fromStart.push(link(START, edgeFrom[es], es, part(es, start.offsetM), false));
  if (es === ee && (end.offsetM >= start.offsetM || !edgeOneway[es])) {
    fromStart.push(link(START, END, es, part(es, Math.abs(end.offsetM - start.offsetM)), end.offsetM >= start.offsetM));
  }
  const toEnd = new Map<number, VirtualLink[]>();
  const addToEnd = (l: VirtualLink) => toEnd.set(l.fromId as number, [...(toEnd.get(l.fromId as number) ?? []), l]);
  addToEnd(link(edgeFrom[ee], END, ee, part(ee, end.offsetM), true));
  if (!edgeOneway[ee]) addToEnd(link(edgeTo[ee], END, ee, part(ee, edgeLengthM[ee] - end.offsetM), false));

  const overlay = {
    getNode: (id: number) => (id === START ? startNode : id === END ? endNode : g.getNode(id)),
    forEachLinkedNode(id: number, visit: (other: Node<NgraphNodeData>, l: Link<number>) => void) {
      if (id === START) {
        for (const l of fromStart) visit(overlay.getNode(l.toId as number)!, l);
        return;
      }
      g.forEachLinkedNode(id, visit, false);
      for (const l of toEnd.get(id) ?? []) visit(endNode, l);
    },
  } as unknown as RoadNgraph;

  const isVirtual = (l: Link<number>): l is VirtualLink => (l as VirtualLink).cost !== undefined;
  const blocked = (to: Node<NgraphNodeData>, from: Node<NgraphNodeData>, l: Link<number>): boolean => {
    if (isVirtual(l)) return false;
    const e = l.data;
    // With `oriented: false` ngraph.path walks links both ways: refuse travel against a one-way road.
    return (
      costs[e] === Infinity ||
      closedEdges?.[e] === 1 ||
      (edgeOneway[e] === 1 && l.fromId !== from.id) ||
      closedNodes?.[to.id as number] === 1
    );
  };
  const found = aStar<NgraphNodeData, number>(overlay, {
    oriented: false,
    blocked,
    distance: (_to, _from, l) => (isVirtual(l) ? l.cost : costs[l.data]),
    heuristic: (v) => (v.id === START ? 0 : v.id === END ? 0 : heuristic(v.id as number)),
  }).find(START, END);
  // ngraph.path answers [END] alone when END was queued through a blocked link but never reached.
  if (found.length < 2 || found[found.length - 1].id !== START) return null;
  const nodes = found.map((n) => n.id as number).reverse();

  // Recover the link of each hop: the cheapest open one (parallel roads join the same nodes).
  const links: VirtualLink[] = [];
  for (let i = 1; i < nodes.length; i++) {
    const a = nodes[i - 1];
    const b = nodes[i];
    let best: VirtualLink | null = null;
    const consider = (l: VirtualLink) => {
      if (!best || l.cost < best.cost) best = l;
    };
    if (a === START) fromStart.filter((l) => l.toId === b).forEach(consider);
    else if (b === END) (toEnd.get(a) ?? []).forEach(consider);
    else {
      g.forEachLinkedNode(
        a,
        (other, l) => {
          if (other.id === b && !blocked(other, g.getNode(a)!, l))
            consider({ ...l, cost: costs[l.data], forward: l.fromId === a });
        },
        false,
      );
    }
    links.push(best!);
  }
  return { nodes, links };
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

interface ReachScratch {
  stamp: number;
  fwd: Uint32Array;
  bwd: Uint32Array;
  qf: Int32Array;
  qb: Int32Array;
}
const reachScratch = new WeakMap<RoadGraph, ReachScratch>();

/**
 * Whether any route joins the snapped start and end under `closures`, by a bidirectional
 * breadth-first search over the typed arrays (no costs): exactly the moves `searchNgraph`
 * allows (open edges, one-way roads along their geometry, no closed node entered, the end
 * edge's ends to the end point, start and end on one edge). Expanding the smaller frontier
 * first, an end shut in a small pocket is proved unreachable after visiting the pocket only,
 * instead of ngraph.path's A* visiting everything the other end reaches.
 */
export function truckReachable(graph: RoadGraph, start: Snap, end: Snap, closures: Closures = {}): boolean {
  const { edgeFrom, edgeTo, edgeOneway, adjStart, adjEdge, adjForward } = graph;
  const { closedEdges, closedNodes } = closures;
  const costs = edgeCosts(graph, truckProfile);
  const es = start.edge;
  const ee = end.edge;
  if (es === ee && (end.offsetM >= start.offsetM || !edgeOneway[es])) return true;
  let s = reachScratch.get(graph);
  if (!s || s.stamp >= 0xfffffff0) {
    const size = graph.nodeCount;
    s = { stamp: 0, fwd: new Uint32Array(size), bwd: new Uint32Array(size), qf: new Int32Array(size), qb: new Int32Array(size) };
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
    if (fwd[v] === stamp) return true;
    bwd[v] = stamp;
    qb[tb++] = v;
  }
  while (hf < tf && hb < tb) {
    if (tf - hf <= tb - hb) {
      const u = qf[hf++];
      for (let a = adjStart[u]; a < adjStart[u + 1]; a++) {
        const e = adjEdge[a];
        if (costs[e] === Infinity || closedEdges?.[e]) continue;
        const forward = adjForward[a] === 1;
        if (edgeOneway[e] && !forward) continue;
        const v = forward ? edgeTo[e] : edgeFrom[e];
        if (closedNodes?.[v] || fwd[v] === stamp) continue;
        if (bwd[v] === stamp) return true;
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
        if (fwd[u] === stamp) return true;
        bwd[u] = stamp;
        qb[tb++] = u;
      }
    }
  }
  return false;
}

/**
 * Fastest truck route from `from` to `to` ([lng, lat]) under per-leg closures, or null when
 * an end has no open road within reach or no open route joins them. Both ends snap to the
 * nearest open road (`snapForProfile`, truck profile) and the route runs from the start
 * edge to the end edge, both travelled in part.
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

  // A cheap typed-array check first: with no route, ngraph.path's A* would visit everything
  // the start reaches before giving up.
  if (!truckReachable(graph, start, end, closures)) return null;

  let heuristic: (v: number) => number;
  if (algorithm === 'alt') {
    const landmarks = options.landmarks ?? landmarksFor(graph, truckProfile);
    const target = endTarget(graph, landmarks, end);
    heuristic = (v) => altBound(landmarks, v, target);
  } else {
    // Straight line at the network's top speed never overestimates; the tiny shrink keeps
    // rounding from making the bound inconsistent on the fastest straight roads.
    const scale = (1 - 1e-9) / maxSpeed(graph);
    heuristic = (v) => haversineM(graph.nodeLng[v], graph.nodeLat[v], end.lng, end.lat) * scale;
  }
  const found = searchNgraph(graph, start, end, closures, heuristic);
  if (!found) return null;

  // Sum in the order nearestTargets does, so the three algorithms agree to the last bit
  // whenever they pick the same path.
  const { nodes, links } = found;
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
