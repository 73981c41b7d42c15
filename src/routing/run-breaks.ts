/**
 * Whether a saved supply run's route is now broken by the zones and checkpoints in force, and
 * why: the check behind "this run needs re-planning" whenever zones or checkpoints change.
 *
 * A run's route (`deliveries.route`) is one LineString, depot → stop 1's drop point → … → last
 * stop → depot. It is cut into legs at the stops' drop points, and each leg still to drive is
 * checked against the truck rules of `legClosures` (closures.ts), on the route itself rather than
 * on the road graph:
 *
 * - **Zones.** An active lockdown or control zone breaks a leg when the leg crosses its interior
 *   (holes are outside) and its filled outline (holes filled) covers neither end of the leg: a
 *   truck may drive into the zone around the compound it serves, through no other. "Crosses the
 *   interior" means: some point of the leg lies inside the zone farther than
 *   `ZONE_EDGE_TOLERANCE_M` from its boundary, i.e. the leg meets the zone shrunk by that much.
 *   So a route running along a zone's edge, touching a corner, or wobbling across the edge by
 *   rounding or snapping noise (coordinates at 6 decimals are ±0.06 m) is not a crossing.
 *   Computed exactly, not by sampling: per route segment, the stretches within the tolerance of
 *   a boundary edge (the segment against each edge's capsule, an interval of the segment) are
 *   removed, and each stretch left is wholly inside or wholly outside, so its midpoint decides.
 *   `legClosures` closes a whole road when a piece of it lies inside by as little as 0.1 mm, so
 *   the router is the stricter of the two: a route it planned under the same zones is not
 *   reported broken (the demo test checks this).
 * - **Checkpoints.** A 'closed' checkpoint, or a 'restricted' one when the truck has no pass,
 *   breaks a leg passing within `CHECKPOINT_RADIUS_M` of it. (`legClosures` also closes the
 *   nearest road within 50 m of a checkpoint off every road, and roads whose id is its `road`;
 *   neither can be told from a route's geometry alone.)
 *
 * Legs are numbered from the depot: leg `i` ends at stop `i` (0-based, seq order), leg
 * `stops.length` is the way back to the depot. Only the legs after the last stop that is
 * arrived, delivered or skipped are checked; a run whose stops are all done is never broken.
 *
 * Zones and checkpoints are prepared once (`prepareRunClosures`: filled outlines, metric
 * coordinates, a flatbush over zone boxes) and shared by every run checked against them
 * (`checkRuns`); per leg only zones whose box meets the leg's box are looked at, and per route
 * segment only zone edges whose box meets the segment's.
 *
 * Pure TypeScript, no DOM, map or network imports.
 */
import { booleanPointInPolygon } from '@turf/turf';
import Flatbush from 'flatbush';
import type { LineString, MultiPolygon, Position } from 'geojson';
import type { DeliveryStatus, StopStatus } from '../domain/rows.ts';
import { filledOutline, polygonsOf } from '../geo/zone-geometry.ts';
import { CHECKPOINT_RADIUS_M, CLOSING_LEVELS, type ClosureInput } from './closures.ts';
import { EARTH_RADIUS_M } from './distance.ts';

/** A leg inside a zone by no more than this (metres) runs along its edge and does not cross it. */
export const ZONE_EDGE_TOLERANCE_M = 1;

/** A route passing within this many metres of a drop point is taken to stop there (first such pass). */
export const DROP_POINT_TOLERANCE_M = 1;

/** Stop statuses after which the truck has left (or never goes to) the stop: the run resumes after it. */
export const DONE_STOP_STATUSES: ReadonlySet<string> = new Set<StopStatus>(['arrived', 'delivered', 'skipped']);

/** Run statuses whose route no longer matters: never broken. */
export const FINISHED_RUN_STATUSES: ReadonlySet<string> = new Set<DeliveryStatus>(['completed', 'cancelled']);

/** A stop of a run, in seq order. */
export interface RunStop {
  /** The compound's drop point, [lng, lat] (what the run was planned to). */
  position: Position;
  status: StopStatus | string;
}

/** A saved run as the check needs it (a `deliveries` row, its depot and its stops). */
export interface RunToCheck {
  /** `deliveries.route`: depot → each stop's drop point in seq order → depot; null when none was saved. */
  route: LineString | null;
  /** `deliveries.has_pass`: restricted checkpoints let the truck through. */
  hasPass: boolean;
  /** The depot site's position, [lng, lat]: the far end of the first and last legs. */
  depot: Position;
  /** The run's stops in seq order. */
  stops: readonly RunStop[];
  /** `deliveries.status`; a completed or cancelled run is never broken. Optional. */
  status?: DeliveryStatus | string | null;
}

/** One zone or checkpoint breaking one leg. */
export interface RunBreakCause {
  kind: 'zone' | 'checkpoint';
  id: string;
  /** For zones the level ('lockdown' / 'control'); for checkpoints 'closed' or 'restricted'. */
  state: string;
  /** Leg index: leg i ends at stop i (seq order, 0-based); leg `stops.length` returns to the depot. */
  leg: number;
  /** Where: for a zone, a point of the leg well inside it; for a checkpoint, its position. [lng, lat]. */
  at: Position;
}

export interface RunBreaks {
  /** Some leg still to drive crosses a closing zone or passes a checkpoint closed to this truck. */
  broken: boolean;
  /** Every cause on every leg still to drive: by leg, then in the order the route meets them; one per (leg, zone or checkpoint). */
  causes: RunBreakCause[];
  /** Where the rest of the run starts: the last done stop (index into `stops`), or the depot (null). */
  resumeFrom: { stopIndex: number | null; position: Position };
  /** The first leg still to drive; `stops.length + 1` when nothing is left (all stops done, or the run finished). */
  firstLeg: number;
  /** Legs are left to drive but the run has no route to check (null or a single point): not broken, unknown. */
  missingRoute: boolean;
}

interface PreparedZone {
  id: string;
  level: string;
  /** Filled outline in degrees and its box, for "covers an end of the leg". */
  outline: MultiPolygon;
  outlineBox: [number, number, number, number];
  /** Every ring edge (holes included), metres: x0, y0, x1, y1 per edge. */
  edges: Float64Array;
  /** Per polygon, its rings as closed x, y sequences in metres (point-in-polygon, even-odd within a polygon). */
  polygons: Float64Array[][];
  /** Box of the zone, metres. */
  box: [number, number, number, number];
}

interface PreparedCheckpoint {
  id: string;
  state: 'closed' | 'restricted';
  position: Position;
  x: number;
  y: number;
}

/** Zones and checkpoints prepared for checking runs (`prepareRunClosures`); treat as opaque. */
export interface PreparedRunClosures {
  readonly zones: readonly PreparedZone[];
  /** Flatbush over `zones`' boxes (metres); null without zones. */
  readonly zoneIndex: Flatbush | null;
  /** Closed and restricted checkpoints (open ones never matter). */
  readonly checkpoints: readonly PreparedCheckpoint[];
  /** Equirectangular metres per degree around the closures' mean latitude. */
  readonly kx: number;
  readonly ky: number;
}

const RAD = Math.PI / 180;

/** Metres per degree of longitude and latitude at `lat` (equirectangular; a city is well within its accuracy). */
function scales(lat: number): { kx: number; ky: number } {
  return { kx: Math.cos(lat * RAD) * EARTH_RADIUS_M * RAD, ky: EARTH_RADIUS_M * RAD };
}

function boxOf(coords: Iterable<Position>): [number, number, number, number] {
  const box: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of coords) {
    if (x < box[0]) box[0] = x;
    if (y < box[1]) box[1] = y;
    if (x > box[2]) box[2] = x;
    if (y > box[3]) box[3] = y;
  }
  return box;
}

/**
 * Prepares the closures in force for checking runs: the active lockdown and control zones (filled
 * outline, edges and rings in metres, a flatbush over their boxes) and the closed and restricted
 * checkpoints. `input.hasPass` is ignored: each run says whether it carries a pass.
 */
export function prepareRunClosures(input: ClosureInput): PreparedRunClosures {
  const closing = input.zones.filter((z) => z.status === 'active' && CLOSING_LEVELS.has(z.level));
  const checkpoints = input.checkpoints.filter((cp) => cp.state === 'closed' || cp.state === 'restricted');
  let latSum = 0;
  let latCount = 0;
  const outlines = closing.map((z) => {
    const outline = filledOutline(z.geom);
    const outlineBox = boxOf(outline.coordinates.flatMap((polygon) => polygon[0]));
    latSum += (outlineBox[1] + outlineBox[3]) / 2;
    latCount++;
    return { outline, outlineBox };
  });
  for (const cp of checkpoints) {
    latSum += cp.position[1];
    latCount++;
  }
  const { kx, ky } = scales(latCount > 0 ? latSum / latCount : 0);

  const zones = closing.map((z, i): PreparedZone => {
    const rings = polygonsOf(z.geom);
    const edges: number[] = [];
    const polygons = rings.map((polygon) =>
      polygon.map((ring) => {
        const flat = new Float64Array(ring.length * 2);
        ring.forEach(([lng, lat], v) => {
          flat[2 * v] = lng * kx;
          flat[2 * v + 1] = lat * ky;
        });
        for (let v = 1; v < ring.length; v++)
          edges.push(flat[2 * v - 2], flat[2 * v - 1], flat[2 * v], flat[2 * v + 1]);
        return flat;
      }),
    );
    const degrees = boxOf(rings.flatMap((polygon) => polygon[0]));
    return {
      id: z.id,
      level: z.level,
      ...outlines[i],
      edges: Float64Array.from(edges),
      polygons,
      box: [degrees[0] * kx, degrees[1] * ky, degrees[2] * kx, degrees[3] * ky],
    };
  });

  let zoneIndex: Flatbush | null = null;
  if (zones.length > 0) {
    zoneIndex = new Flatbush(zones.length);
    for (const z of zones) zoneIndex.add(z.box[0], z.box[1], z.box[2], z.box[3]);
    zoneIndex.finish();
  }
  return {
    zones,
    zoneIndex,
    checkpoints: checkpoints.map((cp) => ({
      id: cp.id,
      state: cp.state as 'closed' | 'restricted',
      position: cp.position,
      x: cp.position[0] * kx,
      y: cp.position[1] * ky,
    })),
    kx,
    ky,
  };
}

/** A position along a polyline: segment index and parameter within it (0..1). */
interface Cut {
  seg: number;
  t: number;
}

/** Squared distance from (px, py) to the point of a→b at the parameter nearest it, no lower than `tMin`. */
function nearestOnSegment(
  px: number,
  py: number,
  ax: number,
  ay: number,
  bx: number,
  by: number,
  tMin: number,
): { t: number; d2: number } {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? Math.max(tMin, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2)) : tMin;
  const cx = ax + t * dx - px;
  const cy = ay + t * dy - py;
  return { t, d2: cx * cx + cy * cy };
}

/**
 * Where the route (x, y interleaved, metres) stops at (px, py), at or after `after`: the nearest
 * point of its first pass within `tolerance` metres (the pass followed while it keeps getting
 * closer), else the nearest point of the rest of the route (the first of equals).
 */
function cutAt(xy: Float64Array, px: number, py: number, after: Cut, tolerance: number): Cut {
  const segments = xy.length / 2 - 1;
  const tol2 = tolerance * tolerance;
  let pass: (Cut & { d2: number }) | null = null;
  let best: Cut & { d2: number } = { seg: after.seg, t: after.t, d2: Infinity };
  for (let j = after.seg; j < segments; j++) {
    const near = nearestOnSegment(
      px,
      py,
      xy[2 * j],
      xy[2 * j + 1],
      xy[2 * j + 2],
      xy[2 * j + 3],
      j === after.seg ? after.t : 0,
    );
    if (near.d2 <= tol2) {
      if (!pass || near.d2 < pass.d2) pass = { seg: j, ...near };
      else break;
    } else if (pass) break;
    if (near.d2 < best.d2) best = { seg: j, ...near };
  }
  return pass ?? best;
}

/** Cuts of the route at each stop in turn (each at or after the previous one). */
function cutsAt(xy: Float64Array, stops: readonly Position[], kx: number, ky: number): Cut[] {
  const cuts: Cut[] = [];
  let after: Cut = { seg: 0, t: 0 };
  for (const [lng, lat] of stops) {
    after = cutAt(xy, lng * kx, lat * ky, after, DROP_POINT_TOLERANCE_M);
    cuts.push(after);
  }
  return cuts;
}

/** The part of a polyline (x, y interleaved; metres or degrees alike) between two cuts. */
function between(xy: Float64Array, from: Cut, to: Cut): Float64Array {
  const at = (c: Cut, out: number[]) => {
    const i = 2 * c.seg;
    if (c.t === 0 || c.t === 1) out.push(xy[i + 2 * c.t], xy[i + 1 + 2 * c.t]);
    else out.push(xy[i] + c.t * (xy[i + 2] - xy[i]), xy[i + 1] + c.t * (xy[i + 3] - xy[i + 1]));
  };
  const out: number[] = [];
  at(from, out);
  // The vertices strictly between the cuts (a cut at t = 0 or 1 is a vertex itself).
  const last = to.t === 0 ? to.seg - 1 : to.seg;
  for (let v = from.t === 1 ? from.seg + 2 : from.seg + 1; v <= last; v++) out.push(xy[2 * v], xy[2 * v + 1]);
  at(to, out);
  return Float64Array.from(out);
}

/** The route's legs between its ends and the cuts, x, y interleaved. */
function legsOf(xy: Float64Array, cuts: readonly Cut[]): Float64Array[] {
  const ends: Cut[] = [{ seg: 0, t: 0 }, ...cuts, { seg: xy.length / 2 - 2, t: 1 }];
  return ends.slice(1).map((to, i) => between(xy, ends[i], to));
}

function project(coords: readonly Position[], kx: number, ky: number): Float64Array {
  const xy = new Float64Array(coords.length * 2);
  coords.forEach(([lng, lat], i) => {
    xy[2 * i] = lng * kx;
    xy[2 * i + 1] = lat * ky;
  });
  return xy;
}

/**
 * The route cut at the stops' drop points, in order: `stops.length + 1` legs of [lng, lat]
 * (depot → stop 1, …, last stop → depot), each cut where the route first passes within
 * `DROP_POINT_TOLERANCE_M` of the drop point after the previous cut (else where it comes
 * nearest). For drawing the legs still to drive; `runBreaks` cuts the same way.
 */
export function splitRouteAtStops(route: readonly Position[], stops: readonly Position[]): Position[][] {
  if (route.length < 2) return [];
  const { kx, ky } = scales(route[0][1]);
  const cuts = cutsAt(project(route, kx, ky), stops, kx, ky);
  // Cut the degrees themselves (same parameters), so the route's own vertices come back unchanged.
  return legsOf(project(route, 1, 1), cuts).map((leg) =>
    Array.from({ length: leg.length / 2 }, (_, i) => [leg[2 * i], leg[2 * i + 1]]),
  );
}

/** Even-odd over the rings of one polygon (x, y interleaved, closed). */
function insidePolygon(rings: readonly Float64Array[], x: number, y: number): boolean {
  let inside = false;
  for (const ring of rings) {
    for (let i = 2, n = ring.length; i < n; i += 2) {
      const xi = ring[i - 2];
      const yi = ring[i - 1];
      const xj = ring[i];
      const yj = ring[i + 1];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

/** Parameters t of p0 + t·dp within [lo, hi], as [from, to], or null. */
function slab(p0: number, dp: number, lo: number, hi: number): [number, number] | null {
  if (dp === 0) return p0 >= lo && p0 <= hi ? [-Infinity, Infinity] : null;
  const t1 = (lo - p0) / dp;
  const t2 = (hi - p0) / dp;
  return t1 < t2 ? [t1, t2] : [t2, t1];
}

/** Parameters of a + t·d within r of (cx, cy), or null. */
function disk(
  ax: number,
  ay: number,
  dx: number,
  dy: number,
  cx: number,
  cy: number,
  r: number,
): [number, number] | null {
  const fx = ax - cx;
  const fy = ay - cy;
  const a = dx * dx + dy * dy;
  const b = fx * dx + fy * dy;
  const disc = b * b - a * (fx * fx + fy * fy - r * r);
  if (disc < 0) return null;
  const s = Math.sqrt(disc);
  return [(-b - s) / a, (-b + s) / a];
}

/**
 * The parameters t of a + t·d (d non-zero) within r of the segment q0→q1: the line against the
 * edge's capsule (a rectangle and two disks), one interval since the capsule is convex.
 */
function capsule(
  ax: number,
  ay: number,
  dx: number,
  dy: number,
  q0x: number,
  q0y: number,
  q1x: number,
  q1y: number,
  r: number,
): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  const add = (iv: [number, number] | null) => {
    if (iv && iv[0] <= iv[1]) {
      lo = Math.min(lo, iv[0]);
      hi = Math.max(hi, iv[1]);
    }
  };
  add(disk(ax, ay, dx, dy, q0x, q0y, r));
  add(disk(ax, ay, dx, dy, q1x, q1y, r));
  const ex = q1x - q0x;
  const ey = q1y - q0y;
  const len = Math.hypot(ex, ey);
  if (len > 0) {
    const ux = ex / len;
    const uy = ey / len;
    const along = slab((ax - q0x) * ux + (ay - q0y) * uy, dx * ux + dy * uy, 0, len);
    const across = slab((ay - q0y) * ux - (ax - q0x) * uy, dy * ux - dx * uy, -r, r);
    if (along && across) add([Math.max(along[0], across[0]), Math.min(along[1], across[1])]);
  }
  return lo <= hi ? [lo, hi] : null;
}

/** A stretch shorter than this (metres) between two edges' tolerance bands is rounding, not a gap. */
const GAP_EPS_M = 1e-6;

/**
 * The first parameter of segment a→b (metres) lying inside the zone farther than
 * `ZONE_EDGE_TOLERANCE_M` from its boundary, or -1. The stretches of the segment within the
 * tolerance of some edge are removed; what is left cannot meet the boundary, so each stretch
 * left is wholly inside or outside and its midpoint decides.
 */
function firstDeepPoint(zone: PreparedZone, ax: number, ay: number, bx: number, by: number): number {
  const r = ZONE_EDGE_TOLERANCE_M;
  const dx = bx - ax;
  const dy = by - ay;
  const len = Math.hypot(dx, dy);
  if (len === 0) return -1;
  const minX = Math.min(ax, bx) - r;
  const minY = Math.min(ay, by) - r;
  const maxX = Math.max(ax, bx) + r;
  const maxY = Math.max(ay, by) + r;
  const bands: [number, number][] = [];
  const e = zone.edges;
  for (let i = 0; i < e.length; i += 4) {
    if (Math.max(e[i], e[i + 2]) < minX || Math.min(e[i], e[i + 2]) > maxX) continue;
    if (Math.max(e[i + 1], e[i + 3]) < minY || Math.min(e[i + 1], e[i + 3]) > maxY) continue;
    const band = capsule(ax, ay, dx, dy, e[i], e[i + 1], e[i + 2], e[i + 3], r);
    if (band && band[1] >= 0 && band[0] <= 1) bands.push(band);
  }
  bands.sort((p, q) => p[0] - q[0]);
  const deep = (from: number, to: number) => {
    if ((to - from) * len <= GAP_EPS_M) return false;
    const m = (from + to) / 2;
    const x = ax + m * dx;
    const y = ay + m * dy;
    return zone.polygons.some((rings) => insidePolygon(rings, x, y));
  };
  let cursor = 0;
  for (const [from, to] of bands) {
    if (from > cursor && deep(cursor, from)) return (cursor + from) / 2;
    cursor = Math.max(cursor, to);
    if (cursor >= 1) return -1;
  }
  return deep(cursor, 1) ? (cursor + 1) / 2 : -1;
}

/** Whether a zone's filled outline covers [lng, lat] (boundary included), as `legClosures` decides. */
function covers(zone: PreparedZone, p: Position): boolean {
  const [x0, y0, x1, y1] = zone.outlineBox;
  return p[0] >= x0 && p[0] <= x1 && p[1] >= y0 && p[1] <= y1 && booleanPointInPolygon(p, zone.outline);
}

/** A cause found on a leg, with how far along the leg (metres) the route first meets it. */
type Found = RunBreakCause & { along: number };

/** The causes on one leg (x, y interleaved, metres) from `from` to `to`. */
function legCauses(
  closures: PreparedRunClosures,
  checkpoints: readonly PreparedCheckpoint[],
  leg: Float64Array,
  index: number,
  from: Position,
  to: Position,
): Found[] {
  const { kx, ky } = closures;
  const n = leg.length / 2;
  if (n < 2) return [];
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    minX = Math.min(minX, leg[2 * i]);
    maxX = Math.max(maxX, leg[2 * i]);
    minY = Math.min(minY, leg[2 * i + 1]);
    maxY = Math.max(maxY, leg[2 * i + 1]);
  }
  const found: Found[] = [];
  const toDegrees = (x: number, y: number): Position => [x / kx, y / ky];

  for (const z of closures.zoneIndex?.search(minX, minY, maxX, maxY) ?? []) {
    const zone = closures.zones[z];
    if (covers(zone, from) || covers(zone, to)) continue;
    const [zx0, zy0, zx1, zy1] = zone.box;
    let along = 0;
    for (let i = 0; i < n - 1; i++) {
      const ax = leg[2 * i];
      const ay = leg[2 * i + 1];
      const bx = leg[2 * i + 2];
      const by = leg[2 * i + 3];
      const len = Math.hypot(bx - ax, by - ay);
      if (Math.max(ax, bx) >= zx0 && Math.min(ax, bx) <= zx1 && Math.max(ay, by) >= zy0 && Math.min(ay, by) <= zy1) {
        const t = firstDeepPoint(zone, ax, ay, bx, by);
        if (t >= 0) {
          const at = toDegrees(ax + t * (bx - ax), ay + t * (by - ay));
          found.push({ kind: 'zone', id: zone.id, state: zone.level, leg: index, at, along: along + t * len });
          break;
        }
      }
      along += len;
    }
  }

  const radius = CHECKPOINT_RADIUS_M;
  for (const cp of checkpoints) {
    if (cp.x < minX - radius || cp.x > maxX + radius || cp.y < minY - radius || cp.y > maxY + radius) continue;
    let along = 0;
    for (let i = 0; i < n - 1; i++) {
      const ax = leg[2 * i];
      const ay = leg[2 * i + 1];
      const bx = leg[2 * i + 2];
      const by = leg[2 * i + 3];
      const len = Math.hypot(bx - ax, by - ay);
      const near = nearestOnSegment(cp.x, cp.y, ax, ay, bx, by, 0);
      if (near.d2 <= radius * radius) {
        found.push({
          kind: 'checkpoint',
          id: cp.id,
          state: cp.state,
          leg: index,
          at: cp.position,
          along: along + near.t * len,
        });
        break;
      }
      along += len;
    }
  }
  return found.sort((p, q) => p.along - q.along);
}

/**
 * Whether the rest of a saved run is broken by the closures in force, and by what (see the
 * module comment for the rules). The legs after the last done stop (arrived, delivered or
 * skipped) are checked, the way back to the depot included; a run whose stops are all done, or
 * that is completed or cancelled, is never broken. Without a route there is nothing to check:
 * not broken, `missingRoute`.
 */
export function runBreaks(run: RunToCheck, closures: PreparedRunClosures): RunBreaks {
  const legCount = run.stops.length + 1;
  let lastDone = -1;
  run.stops.forEach((stop, i) => {
    if (DONE_STOP_STATUSES.has(stop.status)) lastDone = i;
  });
  const resumeFrom = {
    stopIndex: lastDone >= 0 ? lastDone : null,
    position: lastDone >= 0 ? run.stops[lastDone].position : run.depot,
  };
  const finished = lastDone === run.stops.length - 1 || (run.status != null && FINISHED_RUN_STATUSES.has(run.status));
  const firstLeg = finished ? legCount : lastDone + 1;
  const coords = run.route?.coordinates ?? [];
  if (finished || coords.length < 2) {
    return { broken: false, causes: [], resumeFrom, firstLeg, missingRoute: !finished };
  }

  const { kx, ky } = closures;
  const xy = project(coords, kx, ky);
  const legs = legsOf(
    xy,
    cutsAt(
      xy,
      run.stops.map((s) => s.position),
      kx,
      ky,
    ),
  );
  const ends = [run.depot, ...run.stops.map((s) => s.position), run.depot];
  const checkpoints = closures.checkpoints.filter((cp) => cp.state === 'closed' || !run.hasPass);
  const causes: RunBreakCause[] = [];
  for (let i = firstLeg; i < legCount; i++) {
    for (const { along: _along, ...cause } of legCauses(closures, checkpoints, legs[i], i, ends[i], ends[i + 1])) {
      causes.push(cause);
    }
  }
  return { broken: causes.length > 0, causes, resumeFrom, firstLeg, missingRoute: false };
}

/** `runBreaks` for many runs against the same closures, prepared once. Results in the order of `runs`. */
export function checkRuns(runs: readonly RunToCheck[], input: ClosureInput): RunBreaks[] {
  const closures = prepareRunClosures(input);
  return runs.map((run) => runBreaks(run, closures));
}
