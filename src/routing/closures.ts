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

/**
 * Every cause in force under one closure input: the closures of a leg whose ends no zone
 * covers. Legs under the same input share one object (see `legClosures`), so what is derived
 * from it (the landmarks of truck-route.ts) is computed once per closure state.
 */
export interface ClosureBase {
  readonly causes: readonly ClosureCause[];
  /** 1 where some cause closes the edge. */
  readonly closedEdges: Uint8Array;
  /** How many causes close each edge. */
  readonly causeCount: Uint16Array;
}

/** Closures of one leg: the mask plus the causes behind it (the side table "why closed"). */
export interface LegClosures extends Closures {
  /**
   * Built on first read (the base's mask with the reopened edges cleared) and kept: a stop
   * matrix makes a leg's closures for thousands of zone pairs and reads few masks
   * (`legClosed` answers without one).
   */
  readonly closedEdges: Uint8Array;
  /** Causes in force on this leg; an edge is closed iff some cause lists it. */
  causes: ClosureCause[];
  /** Active closing zones left open on this leg because their filled outline covers an end. */
  openZones: string[];
  /** The closures in force for every leg under the same input; `closedEdges` is its mask less `reopenedFrom` and `reopenedTo`. */
  base: ClosureBase;
  /** Edges closed in `base` but open on this leg because a zone covering `from` (and none covering `to`) is left open. */
  reopenedFrom: Uint32Array;
  /** Edges closed in `base` but open on this leg because a zone covering `to` is left open. */
  reopenedTo: Uint32Array;
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
 * Edges each checkpoint closes: those passing within `CHECKPOINT_RADIUS_M` of it (the roads it
 * sits on, e.g. the ramps and toll connector at an exit), plus every edge whose road id is
 * its `road` (in the demo data `road` names the expressway, which matches no id and so
 * leaves the main line open). A checkpoint off every road closes the nearest within 50 m.
 * Cached per position and road; the road ids of the checkpoints not yet cached are looked up
 * in one pass over the edges (a pass per checkpoint took seconds on the scale-80 city).
 */
function checkpointEdges(network: RoutingNetwork, checkpoints: readonly ClosureCheckpoint[]): Uint32Array[] {
  const { graph, snapIndex } = network;
  let cache = checkpointEdgeCache.get(graph);
  if (!cache) {
    cache = new Map();
    checkpointEdgeCache.set(graph, cache);
  }
  const keys = checkpoints.map((cp) => `${cp.position[0]},${cp.position[1]},${cp.road}`);
  const roads = new Map<string, number[]>();
  checkpoints.forEach((cp, i) => cp.road && !cache.has(keys[i]) && roads.set(cp.road, []));
  if (roads.size > 0) for (let e = 0; e < graph.edgeCount; e++) roads.get(graph.edgeRoadId[e])?.push(e);
  return checkpoints.map((cp, i) => {
    let edges = cache.get(keys[i]);
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
      for (const e of (cp.road && roads.get(cp.road)) || []) found.add(e);
      edges = Uint32Array.from(found).sort();
      cache.set(keys[i], edges);
    }
    return edges;
  });
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

const bases = new WeakMap<RoadGraph, ClosureBase[]>();

/** Bases kept per graph: a truck with a pass and one without alternate between two. */
const KEPT_BASES = 2;

/**
 * The base of `causes` (all in force, in order): one of the graph's recent bases when it lists
 * the same causes (same zones and checkpoints, same cached edge lists), else a new one. The
 * most recent `KEPT_BASES` are kept, so what is derived from a base (its landmarks) is not
 * rebuilt while inputs alternate. Comparing is linear in the causes; building in the edges.
 */
function closureBase(graph: RoadGraph, causes: ClosureCause[]): ClosureBase {
  const recent = bases.get(graph) ?? [];
  const same = (a: ClosureCause, b: ClosureCause) =>
    a.kind === b.kind && a.id === b.id && a.state === b.state && a.edges === b.edges;
  let base = recent.find((b) => b.causes.length === causes.length && b.causes.every((c, i) => same(c, causes[i])));
  if (!base) {
    const causeCount = new Uint16Array(graph.edgeCount);
    for (const cause of causes) for (const e of cause.edges) causeCount[e]++;
    base = { causes, closedEdges: Uint8Array.from(causeCount, (c) => (c > 0 ? 1 : 0)), causeCount };
  }
  bases.set(graph, [base, ...recent.filter((b) => b !== base)].slice(0, KEPT_BASES));
  return base;
}

/**
 * What `legClosures` derives from one closure input: the active closing zones prepared, with a
 * spatial index of their outlines' boxes and a cause each, the checkpoints' causes, and the
 * base of them all. Kept per graph for the last input and reused while it is unchanged (same
 * arrays, same zone and checkpoint objects with the same fields), so a leg costs a box lookup
 * at each end and a copy of the base mask, instead of a pass over every zone (~5 ms a leg on
 * the scale-80 city's 18,000 zones).
 */
interface ClosureState {
  input: { zones: readonly ClosureZone[]; checkpoints: readonly ClosureCheckpoint[]; hasPass: boolean };
  /** The fields `legClosures` reads, per zone and per checkpoint, as they were (see `sameInput`). */
  fields: unknown[];
  zones: PreparedZone[];
  zoneCauses: ClosureCause[];
  /** Flatbush item i is `zones[i]`'s outline box; null without zones. */
  zoneIndex: Flatbush | null;
  checkpointCauses: ClosureCause[];
  base: ClosureBase;
}
const closureStates = new WeakMap<RoadGraph, ClosureState>();

const ZONE_FIELDS = 5;
const CHECKPOINT_FIELDS = 6;

function inputFields(input: ClosureInput): unknown[] {
  const fields: unknown[] = [];
  for (const z of input.zones) fields.push(z, z.id, z.level, z.status, z.geom);
  for (const c of input.checkpoints) fields.push(c, c.id, c.state, c.road, c.position[0], c.position[1]);
  return fields;
}

/** Whether `input` is the state's input, unchanged: a loop of identity checks, no allocation. */
function sameInput(state: ClosureState, input: ClosureInput): boolean {
  const { zones, checkpoints } = input;
  const f = state.fields;
  if (state.input.zones !== zones || state.input.checkpoints !== checkpoints || state.input.hasPass !== !!input.hasPass)
    return false;
  if (f.length !== zones.length * ZONE_FIELDS + checkpoints.length * CHECKPOINT_FIELDS) return false;
  let j = 0;
  for (const z of zones) {
    if (f[j] !== z || f[j + 1] !== z.id || f[j + 2] !== z.level || f[j + 3] !== z.status || f[j + 4] !== z.geom)
      return false;
    j += ZONE_FIELDS;
  }
  for (const c of checkpoints) {
    if (
      f[j] !== c ||
      f[j + 1] !== c.id ||
      f[j + 2] !== c.state ||
      f[j + 3] !== c.road ||
      f[j + 4] !== c.position[0] ||
      f[j + 5] !== c.position[1]
    )
      return false;
    j += CHECKPOINT_FIELDS;
  }
  return true;
}

function closureState(network: RoutingNetwork, input: ClosureInput): ClosureState {
  const { graph } = network;
  const last = closureStates.get(graph);
  if (last && sameInput(last, input)) return last;
  const zones = closingZones(network, input.zones);
  const zoneCauses = zones.map((z): ClosureCause => ({
    kind: 'zone',
    id: z.zone.id,
    state: z.zone.level,
    edges: z.edges,
  }));
  let zoneIndex: Flatbush | null = null;
  if (zones.length > 0) {
    zoneIndex = new Flatbush(zones.length);
    for (const z of zones) zoneIndex.add(...z.bbox);
    zoneIndex.finish();
  }
  const closing = input.checkpoints.filter(
    (cp) => cp.state === 'closed' || (cp.state === 'restricted' && !input.hasPass),
  );
  const closingEdges = checkpointEdges(network, closing);
  const checkpointCauses = closing.map((cp, i): ClosureCause => ({
    kind: 'checkpoint',
    id: cp.id,
    state: cp.state!,
    edges: closingEdges[i],
  }));
  const base = closureBase(graph, [...zoneCauses, ...checkpointCauses]);
  const state: ClosureState = {
    input: { zones: input.zones, checkpoints: input.checkpoints, hasPass: !!input.hasPass },
    fields: inputFields(input),
    zones,
    zoneCauses,
    zoneIndex,
    checkpointCauses,
    base,
  };
  closureStates.set(graph, state);
  return state;
}

/**
 * Closures for a truck leg from `from` to `to`. A road is closed when its interior crosses
 * the interior of an active lockdown or control zone whose filled outline (holes filled)
 * covers neither end: a truck may cross the control ring around the sealed compound it
 * serves and drive in to the drop point, but through no other zone. A closed checkpoint
 * closes its roads; a restricted one does too unless `hasPass`. Edge–zone incidence is
 * computed once per zone geometry (flatbush over edge boxes) and cached, and so are the
 * causes of an input and their mask (`base`, shared by the legs under the same input); per
 * leg only the zones covering an end are dropped: the mask is the base's copied, with the
 * roads no remaining cause closes reopened.
 */
export function legClosures(network: RoutingNetwork, input: ClosureInput, from: Position, to: Position): LegClosures {
  const state = closureState(network, input);
  const { zones, zoneCauses, zoneIndex, base } = state;
  /** Zones dropped for this leg, by index, with the end they cover ('to' wins when both). */
  const dropped = new Map<number, 'from' | 'to'>();
  for (const [p, end] of [
    [to, 'to'],
    [from, 'from'],
  ] as const) {
    for (const i of zoneIndex?.search(p[0], p[1], p[0], p[1]) ?? []) {
      if (!dropped.has(i) && covers(zones[i], p)) dropped.set(i, end);
    }
  }
  const order = [...dropped.keys()].sort((a, b) => a - b);
  // An edge reopens when every cause closing it is dropped; it reopens at `to` if a zone covering `to` closed it.
  const droppedCount = new Map<number, number>();
  const atTo = new Set<number>();
  for (const i of order) {
    for (const e of zones[i].edges) {
      droppedCount.set(e, (droppedCount.get(e) ?? 0) + 1);
      if (dropped.get(i) === 'to') atTo.add(e);
    }
  }
  const reopenedFrom: number[] = [];
  const reopenedTo: number[] = [];
  for (const [e, count] of droppedCount) {
    if (count === base.causeCount[e]) (atTo.has(e) ? reopenedTo : reopenedFrom).push(e);
  }
  let mask: Uint8Array | undefined;
  return {
    get closedEdges() {
      if (!mask) {
        mask = base.closedEdges.slice();
        for (const e of reopenedFrom) mask[e] = 0;
        for (const e of reopenedTo) mask[e] = 0;
      }
      return mask;
    },
    causes: [...zoneCauses.filter((_, i) => !dropped.has(i)), ...state.checkpointCauses],
    openZones: order.map((i) => zones[i].zone.id),
    base,
    reopenedFrom: Uint32Array.from(reopenedFrom),
    reopenedTo: Uint32Array.from(reopenedTo),
  };
}

/** Whether `leg` closes edge e, read without building its mask: closed in the base and not reopened. */
export function legClosed(leg: LegClosures): (e: number) => boolean {
  const reopened = new Set([...leg.reopenedFrom, ...leg.reopenedTo]);
  const closed = leg.base.closedEdges;
  return (e) => closed[e] === 1 && !reopened.has(e);
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
