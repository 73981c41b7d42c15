import { booleanPointInPolygon } from '@turf/turf';
import Flatbush from 'flatbush';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { filledOutline, polygonsOf } from '../geo/zone-geometry.ts';
import type { Closures } from './nearest-targets.ts';
import type { RoadGraph } from './road-graph.ts';
import type { RoutingNetwork } from './routing-network.ts';
import { snapToRoad } from './snap.ts';

/** Zone levels that close roads to trucks (precaution zones do not). */
export const CLOSING_LEVELS: ReadonlySet<string> = new Set(['lockdown', 'control']);

/** A checkpoint closes every edge passing within this distance of its position, metres. */
export const CHECKPOINT_RADIUS_M = 5;

/** A zone as closures need it (a `zones` row or a feature's properties plus geometry). */
export interface ClosureZone {
  id: string;
  level: string;
  status: string | null;
  geom: Polygon | MultiPolygon;
}

/** A checkpoint site: `state` open / restricted / closed; `road` the road it controls. */
export interface ClosureCheckpoint {
  id: string;
  state: string | null;
  road: string | null;
  /** [lng, lat]. */
  position: Position;
}

export interface ClosureInput {
  zones: readonly ClosureZone[];
  checkpoints: readonly ClosureCheckpoint[];
  /** The truck carries a pass: restricted checkpoints let it through. */
  hasPass?: boolean;
}

/** One reason roads are closed on a leg, with the edges it closes. */
export interface ClosureCause {
  kind: 'zone' | 'checkpoint';
  id: string;
  /** For checkpoints: 'closed' or 'restricted'; for zones: the zone level. */
  state: string;
  edges: Uint32Array;
}

/** Closures of one leg: the mask plus the causes behind it (the side table "why closed"). */
export interface LegClosures extends Closures {
  closedEdges: Uint8Array;
  /** Causes in force on this leg; an edge is closed iff some cause lists it. */
  causes: ClosureCause[];
  /** Active closing zones left open on this leg because their filled outline covers an end. */
  openZones: string[];
}

interface PreparedZone {
  zone: ClosureZone;
  outline: MultiPolygon;
  bbox: [number, number, number, number];
  edges: Uint32Array;
}

const edgeIndexes = new WeakMap<RoadGraph, Flatbush>();
const zoneEdgeCache = new WeakMap<RoadGraph, WeakMap<Polygon | MultiPolygon, PreparedZone>>();
const checkpointEdgeCache = new WeakMap<RoadGraph, Map<string, Uint32Array>>();

/** Flatbush over every edge's bounding box (degrees), built once per graph. */
function edgeIndex(graph: RoadGraph): Flatbush {
  let index = edgeIndexes.get(graph);
  if (!index) {
    index = new Flatbush(Math.max(1, graph.edgeCount));
    const c = graph.coords;
    for (let e = 0; e < graph.edgeCount; e++) {
      let minX = Infinity;
      let minY = Infinity;
      let maxX = -Infinity;
      let maxY = -Infinity;
      for (let v = graph.coordStart[e]; v < graph.coordStart[e + 1]; v++) {
        minX = Math.min(minX, c[2 * v]);
        maxX = Math.max(maxX, c[2 * v]);
        minY = Math.min(minY, c[2 * v + 1]);
        maxY = Math.max(maxY, c[2 * v + 1]);
      }
      index.add(minX, minY, maxX, maxY);
    }
    if (graph.edgeCount === 0) index.add(0, 0, 0, 0);
    index.finish();
    edgeIndexes.set(graph, index);
  }
  return index;
}

/** Degrees; a point closer than this to a zone's boundary counts as on it (≈ 0.1 mm). */
const BOUNDARY_EPS = 1e-9;

function distanceToSegment2(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2)) : 0;
  const cx = ax + t * dx - px;
  const cy = ay + t * dy - py;
  return cx * cx + cy * cy;
}

/** Whether (x, y) lies in the interior of the polygon (rings with holes), clear of its boundary. */
function strictlyInside(rings: Position[][], x: number, y: number): boolean {
  let inside = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if (distanceToSegment2(x, y, xi, yi, xj, yj) < BOUNDARY_EPS * BOUNDARY_EPS) return false;
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

/**
 * Whether the segment a→b has interior points in the interior of the polygon. Cut the
 * segment wherever it meets the boundary (crossings and touches alike); each piece is then
 * wholly inside, outside or along the boundary, so its midpoint decides. A road merely
 * touching or running along the boundary is not inside.
 */
function segmentEntersPolygon(rings: Position[][], ax: number, ay: number, bx: number, by: number): boolean {
  const rx = bx - ax;
  const ry = by - ay;
  const cuts = [0, 1];
  for (const ring of rings) {
    for (let i = 1; i < ring.length; i++) {
      const [qx, qy] = ring[i - 1];
      const sx = ring[i][0] - qx;
      const sy = ring[i][1] - qy;
      const d = rx * sy - ry * sx;
      const wx = qx - ax;
      const wy = qy - ay;
      if (d !== 0) {
        const t = (wx * sy - wy * sx) / d;
        const u = (wx * ry - wy * rx) / d;
        if (t > 0 && t < 1 && u >= 0 && u <= 1) cuts.push(t);
      } else {
        // Parallel: the ring edge's ends that lie on the segment cut it.
        const len2 = rx * rx + ry * ry;
        for (const [px, py] of [ring[i - 1], ring[i]]) {
          const t = len2 > 0 ? ((px - ax) * rx + (py - ay) * ry) / len2 : 0;
          if (t > 0 && t < 1 && distanceToSegment2(px, py, ax, ay, bx, by) < BOUNDARY_EPS * BOUNDARY_EPS) cuts.push(t);
        }
      }
    }
  }
  cuts.sort((p, q) => p - q);
  for (let i = 1; i < cuts.length; i++) {
    const m = (cuts[i - 1] + cuts[i]) / 2;
    if (cuts[i] > cuts[i - 1] && strictlyInside(rings, ax + m * rx, ay + m * ry)) return true;
  }
  return false;
}

/** Edges whose interior crosses the zone's interior (holes are outside), via the edge index. */
function zoneEdges(graph: RoadGraph, geom: Polygon | MultiPolygon): Uint32Array {
  const index = edgeIndex(graph);
  const c = graph.coords;
  const out: number[] = [];
  for (const rings of polygonsOf(geom)) {
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (const [x, y] of rings[0]) {
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
    for (const e of index.search(minX, minY, maxX, maxY)) {
      if (e >= graph.edgeCount) continue;
      for (let v = graph.coordStart[e]; v < graph.coordStart[e + 1] - 1; v++) {
        if (segmentEntersPolygon(rings, c[2 * v], c[2 * v + 1], c[2 * v + 2], c[2 * v + 3])) {
          out.push(e);
          break;
        }
      }
    }
  }
  return Uint32Array.from(new Set(out)).sort();
}

/** Edge incidence and filled outline of a zone geometry, computed once per (graph, geometry object). */
function prepareZone(graph: RoadGraph, zone: ClosureZone): PreparedZone {
  let byGeom = zoneEdgeCache.get(graph);
  if (!byGeom) {
    byGeom = new WeakMap();
    zoneEdgeCache.set(graph, byGeom);
  }
  let prepared = byGeom.get(zone.geom);
  if (!prepared) {
    const outline = filledOutline(zone.geom);
    const bbox: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const [shell] of outline.coordinates) {
      for (const [x, y] of shell) {
        bbox[0] = Math.min(bbox[0], x);
        bbox[1] = Math.min(bbox[1], y);
        bbox[2] = Math.max(bbox[2], x);
        bbox[3] = Math.max(bbox[3], y);
      }
    }
    prepared = { zone, outline, bbox, edges: zoneEdges(graph, zone.geom) };
    byGeom.set(zone.geom, prepared);
  }
  return prepared.zone === zone ? prepared : { ...prepared, zone };
}

/**
 * Edges a checkpoint closes: those passing within `CHECKPOINT_RADIUS_M` of it (the roads it
 * sits on, e.g. the ramps and toll connector at an exit), plus every edge whose road id is
 * its `road` (in the demo data `road` names the expressway, which matches no id and so
 * leaves the main line open). A checkpoint off every road closes the nearest within 50 m.
 */
function checkpointEdges(network: RoutingNetwork, cp: ClosureCheckpoint): Uint32Array {
  const { graph, snapIndex } = network;
  let cache = checkpointEdgeCache.get(graph);
  if (!cache) {
    cache = new Map();
    checkpointEdgeCache.set(graph, cache);
  }
  const key = `${cp.position[0]},${cp.position[1]},${cp.road}`;
  let edges = cache.get(key);
  if (!edges) {
    const found = new Set<number>();
    const [px, py] = snapIndex.project(cp.position[0], cp.position[1]);
    const p = snapIndex.projected;
    for (const s of snapIndex.tree?.neighbors(px, py, Infinity, CHECKPOINT_RADIUS_M) ?? []) {
      const v = snapIndex.segmentVertex[s];
      const d2 = distanceToSegment2(px, py, p[2 * v], p[2 * v + 1], p[2 * v + 2], p[2 * v + 3]);
      if (d2 <= CHECKPOINT_RADIUS_M ** 2) found.add(snapIndex.segmentEdge[s]);
    }
    if (found.size === 0) {
      const snap = snapToRoad(snapIndex, cp.position[0], cp.position[1], { maxDistanceM: 50 });
      if (snap) found.add(snap.edge);
    }
    if (cp.road) graph.edgeRoadId.forEach((id, e) => id === cp.road && found.add(e));
    edges = Uint32Array.from(found).sort();
    cache.set(key, edges);
  }
  return edges;
}

/** Whether a zone's filled outline covers [lng, lat] (boundary included). */
function covers(zone: PreparedZone, p: Position): boolean {
  const [x0, y0, x1, y1] = zone.bbox;
  return p[0] >= x0 && p[0] <= x1 && p[1] >= y0 && p[1] <= y1 && booleanPointInPolygon(p, zone.outline);
}

/** Active lockdown / control zones, prepared (edge incidence cached per geometry). */
function closingZones(network: RoutingNetwork, zones: readonly ClosureZone[]): PreparedZone[] {
  return zones
    .filter((z) => z.status === 'active' && CLOSING_LEVELS.has(z.level))
    .map((z) => prepareZone(network.graph, z));
}

/** Ids of the active closing zones whose filled outline covers `p`: open for any leg ending there. */
export function zonesCovering(network: RoutingNetwork, zones: readonly ClosureZone[], p: Position): string[] {
  return closingZones(network, zones)
    .filter((z) => covers(z, p))
    .map((z) => z.zone.id);
}

/** The mask of a list of causes: an edge is closed iff some cause lists it. */
export function maskOf(graph: RoadGraph, causes: readonly ClosureCause[]): Uint8Array {
  const mask = new Uint8Array(graph.edgeCount);
  for (const cause of causes) for (const e of cause.edges) mask[e] = 1;
  return mask;
}

/**
 * Closures for a truck leg from `from` to `to`. A road is closed when its interior crosses
 * the interior of an active lockdown or control zone whose filled outline (holes filled)
 * covers neither end: a truck may cross the control ring around the sealed compound it
 * serves and drive in to the drop point, but through no other zone. A closed checkpoint
 * closes its roads; a restricted one does too unless `hasPass`. Edge–zone incidence is
 * computed once per zone geometry (flatbush over edge boxes) and cached, so per leg only the
 * zones covering an end are dropped and the mask is assembled.
 */
export function legClosures(network: RoutingNetwork, input: ClosureInput, from: Position, to: Position): LegClosures {
  const causes: ClosureCause[] = [];
  const openZones: string[] = [];
  for (const z of closingZones(network, input.zones)) {
    if (covers(z, from) || covers(z, to)) openZones.push(z.zone.id);
    else causes.push({ kind: 'zone', id: z.zone.id, state: z.zone.level, edges: z.edges });
  }
  for (const cp of input.checkpoints) {
    if (cp.state === 'closed' || (cp.state === 'restricted' && !input.hasPass)) {
      causes.push({ kind: 'checkpoint', id: cp.id, state: cp.state, edges: checkpointEdges(network, cp) });
    }
  }
  return { closedEdges: maskOf(network.graph, causes), causes, openZones };
}

/** The causes in `leg` that close any of `edges` (e.g. those on a route found without closures). */
export function causesOnEdges(leg: LegClosures, edges: readonly number[]): ClosureCause[] {
  const wanted = new Set(edges);
  return leg.causes.filter((c) => c.edges.some((e) => wanted.has(e)));
}

/** Site and zone GeoJSON features (as in `data/nantong`) as closure input. */
export function closureInputFromFeatures(
  zones: readonly { properties: Record<string, unknown> | null; geometry: Polygon | MultiPolygon }[],
  sites: readonly { properties: Record<string, unknown> | null; geometry: { type: 'Point'; coordinates: Position } }[],
  hasPass = false,
): ClosureInput {
  return {
    zones: zones.map((f) => ({
      id: String(f.properties?.id),
      level: String(f.properties?.level),
      status: (f.properties?.status as string | null) ?? null,
      geom: f.geometry,
    })),
    checkpoints: sites
      .filter((f) => f.properties?.kind === 'checkpoint')
      .map((f) => ({
        id: String(f.properties?.id),
        state: (f.properties?.state as string | null) ?? null,
        road: (f.properties?.road as string | null) ?? null,
        position: f.geometry.coordinates,
      })),
    hasPass,
  };
}
