import Flatbush from 'flatbush';
import { haversineM, localProjection } from './distance.ts';
import { edgeCosts, type TravelProfile } from './profiles.ts';
import type { RoadGraph } from './road-graph.ts';

/** Spatial index over every segment of every edge, for snapping points to the network. */
export interface SnapIndex {
  readonly graph: RoadGraph;
  /** Null for a graph without segments. */
  readonly tree: Flatbush | null;
  /** Segment i lies on edge `segmentEdge[i]` and starts at global vertex `segmentVertex[i]`. */
  readonly segmentEdge: Uint32Array;
  readonly segmentVertex: Uint32Array;
  /** Vertices projected to local metres (x, y interleaved), same indexing as `graph.coords`. */
  readonly projected: Float64Array;
  readonly project: (lng: number, lat: number) => [number, number];
}

/** Where a point meets the road network. */
export interface Snap {
  edge: number;
  /** Global vertex index where the snapped segment starts (see `RoadGraph.coords`). */
  vertex: number;
  /** The snapped position on the road, degrees. */
  lng: number;
  lat: number;
  /** Metres along the edge from `edgeFrom` to the snapped position. */
  offsetM: number;
  /** Metres from the query point to the snapped position. */
  distanceM: number;
}

export interface SnapOptions {
  /** Points farther than this from every allowed road do not snap. Default 2000 m. */
  maxDistanceM?: number;
  /** Edges the point may snap to (e.g. no motorways for walking). Default: all. */
  allowEdge?: (edge: number) => boolean;
}

/** Builds the segment index for `graph`. Call once per graph and keep it with the graph. */
export function buildSnapIndex(graph: RoadGraph): SnapIndex {
  const vertexCount = graph.coords.length / 2;
  let refLat = 0;
  for (let n = 0; n < graph.nodeCount; n++) refLat += graph.nodeLat[n];
  refLat = graph.nodeCount > 0 ? refLat / graph.nodeCount : 0;
  const proj = localProjection(refLat);
  const projected = new Float64Array(vertexCount * 2);
  for (let v = 0; v < vertexCount; v++) {
    projected[2 * v] = proj.x(graph.coords[2 * v]);
    projected[2 * v + 1] = proj.y(graph.coords[2 * v + 1]);
  }

  const segmentCount = vertexCount - graph.edgeCount;
  const segmentEdge = new Uint32Array(segmentCount);
  const segmentVertex = new Uint32Array(segmentCount);
  const tree = segmentCount > 0 ? new Flatbush(segmentCount) : null;
  let s = 0;
  for (let e = 0; e < graph.edgeCount; e++) {
    for (let v = graph.coordStart[e]; v < graph.coordStart[e + 1] - 1; v++) {
      segmentEdge[s] = e;
      segmentVertex[s] = v;
      const ax = projected[2 * v];
      const ay = projected[2 * v + 1];
      const bx = projected[2 * v + 2];
      const by = projected[2 * v + 3];
      tree!.add(Math.min(ax, bx), Math.min(ay, by), Math.max(ax, bx), Math.max(ay, by));
      s++;
    }
  }
  tree?.finish();
  return { graph, tree, segmentEdge, segmentVertex, projected, project: (lng, lat) => [proj.x(lng), proj.y(lat)] };
}

/** Squared distance from (px, py) to segment s and the clamped parameter t of the closest point. */
function segmentDistance(index: SnapIndex, s: number, px: number, py: number): { d2: number; t: number } {
  const v = index.segmentVertex[s];
  const p = index.projected;
  const ax = p[2 * v];
  const ay = p[2 * v + 1];
  const dx = p[2 * v + 2] - ax;
  const dy = p[2 * v + 3] - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2)) : 0;
  const cx = ax + t * dx - px;
  const cy = ay + t * dy - py;
  return { d2: cx * cx + cy * cy, t };
}

/**
 * Snaps a point to the nearest allowed road segment. Returns null when no allowed road lies
 * within `maxDistanceM`.
 */
export function snapToRoad(index: SnapIndex, lng: number, lat: number, options: SnapOptions = {}): Snap | null {
  const { tree, graph } = index;
  if (!tree) return null;
  const maxDistanceM = options.maxDistanceM ?? 2000;
  const allowEdge = options.allowEdge;
  const filter = allowEdge ? (s: number) => allowEdge(index.segmentEdge[s]) : undefined;
  const [px, py] = index.project(lng, lat);

  // Flatbush orders by box distance, a lower bound of the segment distance: the nearest box
  // gives an upper bound, and every segment that could beat it has a box within that bound.
  const [first] = tree.neighbors(px, py, 1, maxDistanceM, filter);
  if (first === undefined) return null;
  const nearestBox = segmentDistance(index, first, px, py);
  let best = first;
  let bestD2 = nearestBox.d2;
  let bestT = nearestBox.t;
  const bound = Math.sqrt(bestD2);
  for (const s of tree.neighbors(px, py, Infinity, bound, filter)) {
    const { d2, t } = segmentDistance(index, s, px, py);
    if (d2 < bestD2 || (d2 === bestD2 && s < best)) {
      best = s;
      bestD2 = d2;
      bestT = t;
    }
  }
  if (Math.sqrt(bestD2) > maxDistanceM) return null;

  const edge = index.segmentEdge[best];
  const v = index.segmentVertex[best];
  const c = graph.coords;
  const snappedLng = c[2 * v] + bestT * (c[2 * v + 2] - c[2 * v]);
  const snappedLat = c[2 * v + 1] + bestT * (c[2 * v + 3] - c[2 * v + 1]);
  let offsetM = 0;
  for (let u = graph.coordStart[edge]; u < v; u++) offsetM += haversineM(c[2 * u], c[2 * u + 1], c[2 * u + 2], c[2 * u + 3]);
  offsetM += bestT * haversineM(c[2 * v], c[2 * v + 1], c[2 * v + 2], c[2 * v + 3]);
  return {
    edge,
    vertex: v,
    lng: snappedLng,
    lat: snappedLat,
    offsetM: Math.min(offsetM, graph.edgeLengthM[edge]),
    distanceM: haversineM(lng, lat, snappedLng, snappedLat),
  };
}

/**
 * Snaps a point to the nearest road that `profile` may use and that is not closed: the
 * start or target of a search must sit on an edge the search can travel.
 */
export function snapForProfile(
  index: SnapIndex,
  lng: number,
  lat: number,
  profile: TravelProfile,
  options: { maxDistanceM?: number; closedEdges?: Uint8Array } = {},
): Snap | null {
  const costs = edgeCosts(index.graph, profile);
  const closed = options.closedEdges;
  return snapToRoad(index, lng, lat, {
    maxDistanceM: options.maxDistanceM,
    allowEdge: (e) => costs[e] < Infinity && !closed?.[e],
  });
}
