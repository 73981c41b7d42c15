import type { Feature, FeatureCollection, LineString } from 'geojson';
import { haversineM } from './distance.ts';

/** Properties of a `roads` row as the routing code reads them (other columns are ignored). */
export interface RoadProperties {
  id: string;
  class: string;
  name?: string | null;
  oneway?: boolean | null;
  speed_kmh?: number | null;
}

export type RoadFeature = Feature<LineString, RoadProperties>;
export type RoadCollection = FeatureCollection<LineString, RoadProperties>;

/**
 * The road network as flat typed arrays: nodes are line endpoints (coordinates rounded to
 * 6 decimals decide identity), every road feature is one edge between its two endpoints that
 * keeps its full geometry. Built once; searches never mutate it, so closures and travel
 * modes are per-query inputs.
 */
export interface RoadGraph {
  readonly nodeCount: number;
  readonly edgeCount: number;
  /** Node positions, degrees. */
  readonly nodeLng: Float64Array;
  readonly nodeLat: Float64Array;
  /** Edge endpoints: the edge runs from `edgeFrom` to `edgeTo` along its geometry. */
  readonly edgeFrom: Uint32Array;
  readonly edgeTo: Uint32Array;
  /** Great-circle length along the geometry, metres. */
  readonly edgeLengthM: Float64Array;
  /** Posted speed, km/h; 0 where the road has none. */
  readonly edgeSpeedKmh: Float32Array;
  /** 1 where traffic may only follow the geometry's direction. */
  readonly edgeOneway: Uint8Array;
  /** Index into `classes`. */
  readonly edgeClass: Uint16Array;
  readonly classes: readonly string[];
  /** `roads.id` of each edge. */
  readonly edgeRoadId: readonly string[];
  /** Edge e's vertices are `coords[2 * i], coords[2 * i + 1]` for i in [coordStart[e], coordStart[e + 1]). */
  readonly coordStart: Uint32Array;
  readonly coords: Float64Array;
  /** Edges incident to node n are `adjEdge[i]` for i in [adjStart[n], adjStart[n + 1]). */
  readonly adjStart: Uint32Array;
  readonly adjEdge: Uint32Array;
  /** 1 when leaving node n through `adjEdge[i]` follows the geometry (n is its `edgeFrom`). */
  readonly adjForward: Uint8Array;
  /** Features left out because they had no LineString with two or more positions. */
  readonly skippedRoads: number;
}

/**
 * Node identity: endpoints equal at 6 decimals are one node. Keys are integers in micro-degrees
 * packed into one number when the network's extent allows it exactly (any city does), which
 * makes the lookup several times faster than string keys; strings otherwise.
 */
function nodeKeys(features: readonly RoadFeature[]): (lng: number, lat: number) => number | string {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const { geometry } of features) {
    for (const p of [geometry.coordinates[0], geometry.coordinates[geometry.coordinates.length - 1]]) {
      const x = Math.round(p[0] * 1e6);
      const y = Math.round(p[1] * 1e6);
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  const rows = maxY - minY + 1;
  if ((maxX - minX + 1) * rows < Number.MAX_SAFE_INTEGER) {
    return (lng, lat) => (Math.round(lng * 1e6) - minX) * rows + (Math.round(lat * 1e6) - minY);
  }
  return (lng, lat) => `${Math.round(lng * 1e6)},${Math.round(lat * 1e6)}`;
}

function isUsableLine(feature: RoadFeature | null | undefined): feature is RoadFeature {
  const geometry = feature?.geometry;
  return geometry?.type === 'LineString' && Array.isArray(geometry.coordinates) && geometry.coordinates.length >= 2;
}

/**
 * Builds the road graph from `roads` features. Runs in O(vertices); about 50 ms for the
 * scale-10 city. Call once per network and keep the result.
 */
export function buildRoadGraph(roads: RoadCollection | readonly RoadFeature[]): RoadGraph {
  const all = 'features' in roads ? roads.features : roads;
  const features = all.filter(isUsableLine);
  const skippedRoads = all.length - features.length;
  const edgeCount = features.length;

  let vertexCount = 0;
  for (const f of features) vertexCount += f.geometry.coordinates.length;

  const nodeKey = nodeKeys(features);
  const nodeIndex = new Map<number | string, number>();
  const nodeLngList: number[] = [];
  const nodeLatList: number[] = [];
  const nodeOf = (lng: number, lat: number): number => {
    const key = nodeKey(lng, lat);
    let n = nodeIndex.get(key);
    if (n === undefined) {
      n = nodeLngList.length;
      nodeIndex.set(key, n);
      nodeLngList.push(Math.round(lng * 1e6) / 1e6);
      nodeLatList.push(Math.round(lat * 1e6) / 1e6);
    }
    return n;
  };

  const edgeFrom = new Uint32Array(edgeCount);
  const edgeTo = new Uint32Array(edgeCount);
  const edgeLengthM = new Float64Array(edgeCount);
  const edgeSpeedKmh = new Float32Array(edgeCount);
  const edgeOneway = new Uint8Array(edgeCount);
  const edgeClass = new Uint16Array(edgeCount);
  const edgeRoadId: string[] = new Array(edgeCount);
  const coordStart = new Uint32Array(edgeCount + 1);
  const coords = new Float64Array(vertexCount * 2);
  const classIndex = new Map<string, number>();
  const classes: string[] = [];

  let c = 0;
  for (let e = 0; e < edgeCount; e++) {
    const { geometry, properties } = features[e];
    const line = geometry.coordinates;
    coordStart[e] = c;
    let length = 0;
    for (let i = 0; i < line.length; i++) {
      coords[2 * c] = line[i][0];
      coords[2 * c + 1] = line[i][1];
      if (i > 0) length += haversineM(line[i - 1][0], line[i - 1][1], line[i][0], line[i][1]);
      c++;
    }
    const first = line[0];
    const last = line[line.length - 1];
    edgeFrom[e] = nodeOf(first[0], first[1]);
    edgeTo[e] = nodeOf(last[0], last[1]);
    edgeLengthM[e] = length;
    edgeSpeedKmh[e] = properties?.speed_kmh ?? 0;
    edgeOneway[e] = properties?.oneway ? 1 : 0;
    const cls = properties?.class ?? '';
    let k = classIndex.get(cls);
    if (k === undefined) {
      k = classes.length;
      classIndex.set(cls, k);
      classes.push(cls);
    }
    edgeClass[e] = k;
    edgeRoadId[e] = String(properties?.id ?? e);
  }
  coordStart[edgeCount] = c;

  const nodeCount = nodeLngList.length;
  // Counting sort of edge ends by node gives the compressed adjacency in two passes.
  const adjStart = new Uint32Array(nodeCount + 1);
  for (let e = 0; e < edgeCount; e++) {
    adjStart[edgeFrom[e] + 1]++;
    adjStart[edgeTo[e] + 1]++;
  }
  for (let n = 0; n < nodeCount; n++) adjStart[n + 1] += adjStart[n];
  const fill = adjStart.slice(0, nodeCount);
  const adjEdge = new Uint32Array(edgeCount * 2);
  const adjForward = new Uint8Array(edgeCount * 2);
  for (let e = 0; e < edgeCount; e++) {
    const a = fill[edgeFrom[e]]++;
    adjEdge[a] = e;
    adjForward[a] = 1;
    const b = fill[edgeTo[e]]++;
    adjEdge[b] = e;
    adjForward[b] = 0;
  }

  return {
    nodeCount,
    edgeCount,
    nodeLng: Float64Array.from(nodeLngList),
    nodeLat: Float64Array.from(nodeLatList),
    edgeFrom,
    edgeTo,
    edgeLengthM,
    edgeSpeedKmh,
    edgeOneway,
    edgeClass,
    classes,
    edgeRoadId,
    coordStart,
    coords,
    adjStart,
    adjEdge,
    adjForward,
    skippedRoads,
  };
}
