import Flatbush from 'flatbush';
import type { Position } from 'geojson';

/** Why a polygon is refused; the UI translates codes, `message` is for logs and developers. */
export type PolygonErrorCode =
  | 'not_polygon'
  | 'empty'
  | 'bad_position'
  | 'out_of_range'
  | 'ring_not_closed'
  | 'too_few_positions'
  | 'self_intersection'
  | 'rings_cross'
  | 'hole_outside_shell'
  | 'polygons_overlap';

export interface PolygonError {
  code: PolygonErrorCode;
  message: string;
  /** 0-based polygon (of a MultiPolygon; 0 for a Polygon) and ring (0 = outer) the error is in. */
  polygon?: number;
  ring?: number;
  /** Where to show it on the map. */
  position?: Position;
}

export interface PolygonValidation {
  valid: boolean;
  errors: PolygonError[];
}

/** Enough to fix a drawing; a pathological input does not flood the UI. */
const MAX_ERRORS = 20;

type Contact = 'none' | 'touch' | 'cross' | 'overlap';

const orient = (a: Position, b: Position, c: Position) => (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);

const within = (a: Position, b: Position, p: Position) =>
  Math.min(a[0], b[0]) <= p[0] && p[0] <= Math.max(a[0], b[0]) && Math.min(a[1], b[1]) <= p[1] && p[1] <= Math.max(a[1], b[1]);

/** How segments p1-p2 and q1-q2 meet, and a point where they do. */
function contact(p1: Position, p2: Position, q1: Position, q2: Position): [Contact, Position?] {
  const d1 = orient(q1, q2, p1);
  const d2 = orient(q1, q2, p2);
  const d3 = orient(p1, p2, q1);
  const d4 = orient(p1, p2, q2);
  if (d1 === 0 && d2 === 0 && d3 === 0 && d4 === 0) {
    const axis = p1[0] !== p2[0] ? 0 : 1;
    const lo = Math.max(Math.min(p1[axis], p2[axis]), Math.min(q1[axis], q2[axis]));
    const hi = Math.min(Math.max(p1[axis], p2[axis]), Math.max(q1[axis], q2[axis]));
    if (lo > hi) return ['none'];
    const at = [p1, p2, q1, q2].find((p) => p[axis] === lo)!;
    return [lo < hi ? 'overlap' : 'touch', at];
  }
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) {
    const t = d1 / (d1 - d2);
    return ['cross', [p1[0] + t * (p2[0] - p1[0]), p1[1] + t * (p2[1] - p1[1])]];
  }
  if (d1 === 0 && within(q1, q2, p1)) return ['touch', p1];
  if (d2 === 0 && within(q1, q2, p2)) return ['touch', p2];
  if (d3 === 0 && within(p1, p2, q1)) return ['touch', q1];
  if (d4 === 0 && within(p1, p2, q2)) return ['touch', q2];
  return ['none'];
}

function onRing(p: Position, ring: Position[]): boolean {
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) if (orient(ring[j], ring[i], p) === 0 && within(ring[j], ring[i], p)) return true;
  return false;
}

/** Even-odd test; points on the ring's edges count as outside. */
function strictlyInside(p: Position, ring: Position[]): boolean {
  if (onRing(p, ring)) return false;
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[j];
    const b = ring[i];
    if (a[1] > p[1] !== b[1] > p[1] && p[0] < ((b[0] - a[0]) * (p[1] - a[1])) / (b[1] - a[1]) + a[0]) inside = !inside;
  }
  return inside;
}

const label = (polygon: number, ring: number) => `ring ${ring + 1} of polygon ${polygon + 1}`;
const at = (p?: Position) => (p ? ` near ${p[0].toFixed(6)}, ${p[1].toFixed(6)}` : '');

/**
 * Checks a drawn or uploaded Polygon / MultiPolygon (or a Feature holding one) before it is
 * saved: nested coordinate arrays of finite [lng, lat] within range, closed rings of at least
 * three distinct positions, no ring crossing or touching itself, rings of a polygon not
 * crossing each other, holes inside their shell, and parts of a MultiPolygon not
 * overlapping. The same rules PostGIS's ST_IsValid applies, which the database enforces.
 */
export function validatePolygon(input: unknown): PolygonValidation {
  const errors: PolygonError[] = [];
  const done = () => ({ valid: errors.length === 0, errors: errors.slice(0, MAX_ERRORS) });
  const add = (error: PolygonError) => {
    if (errors.length < MAX_ERRORS) errors.push(error);
  };

  let geometry = input as { type?: unknown; coordinates?: unknown; geometry?: unknown } | null;
  if (geometry && typeof geometry === 'object' && geometry.type === 'Feature') geometry = geometry.geometry as typeof geometry;
  if (!geometry || typeof geometry !== 'object' || (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon')) {
    add({ code: 'not_polygon', message: `expected a Polygon or MultiPolygon, got ${String((geometry as { type?: unknown } | null)?.type ?? geometry)}` });
    return done();
  }
  const raw = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  if (!Array.isArray(raw) || !raw.every((rings) => Array.isArray(rings) && rings.every((ring: unknown) => Array.isArray(ring)))) {
    add({ code: 'not_polygon', message: 'coordinates must be arrays of rings of positions' });
    return done();
  }
  const polygons = raw as unknown[][][];
  if (polygons.length === 0 || polygons.some((rings) => rings.length === 0)) {
    add({ code: 'empty', message: 'the geometry has no rings' });
    return done();
  }

  // Rings without consecutive repeats, closing position dropped: [polygon][ring][vertex].
  const clean: Position[][][] = polygons.map((rings, pi) =>
    rings.map((ring, ri) => {
      const where = { polygon: pi, ring: ri };
      for (const p of ring) {
        if (!Array.isArray(p) || p.length < 2 || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
          add({ code: 'bad_position', message: `${label(pi, ri)} has a position that is not [lng, lat] numbers`, ...where });
          return [];
        }
      }
      const positions = ring as Position[];
      const outside = positions.find(([x, y]) => x < -180 || x > 180 || y < -90 || y > 90);
      if (outside) {
        add({ code: 'out_of_range', message: `${label(pi, ri)} has a position outside lng [-180, 180] / lat [-90, 90]${at(outside)}`, position: outside, ...where });
      }
      const first = positions[0];
      const last = positions[positions.length - 1];
      if (positions.length > 0 && (first[0] !== last[0] || first[1] !== last[1])) {
        add({ code: 'ring_not_closed', message: `${label(pi, ri)} does not end where it starts`, position: last, ...where });
      }
      const distinct: Position[] = [];
      for (const p of positions) {
        const prev = distinct[distinct.length - 1];
        if (!prev || prev[0] !== p[0] || prev[1] !== p[1]) distinct.push([p[0], p[1]]);
      }
      if (distinct.length > 1 && distinct[0][0] === distinct[distinct.length - 1][0] && distinct[0][1] === distinct[distinct.length - 1][1]) distinct.pop();
      if (positions.length < 4 || distinct.length < 3) {
        add({ code: 'too_few_positions', message: `${label(pi, ri)} needs at least 3 distinct positions and 4 in all`, ...where });
      }
      return distinct;
    }),
  );
  if (errors.length > 0) return done();

  const segments: { polygon: number; ring: number; index: number; count: number; a: Position; b: Position }[] = [];
  clean.forEach((rings, polygon) =>
    rings.forEach((ring, r) => {
      for (let i = 0; i < ring.length; i++) segments.push({ polygon, ring: r, index: i, count: ring.length, a: ring[i], b: ring[(i + 1) % ring.length] });
    }),
  );
  const tree = new Flatbush(segments.length);
  for (const { a, b } of segments) tree.add(Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[0], b[0]), Math.max(a[1], b[1]));
  tree.finish();

  for (let s = 0; s < segments.length && errors.length < MAX_ERRORS; s++) {
    const S = segments[s];
    const box = [Math.min(S.a[0], S.b[0]), Math.min(S.a[1], S.b[1]), Math.max(S.a[0], S.b[0]), Math.max(S.a[1], S.b[1])] as const;
    for (const t of tree.search(...box)) {
      if (t <= s) continue;
      const T = segments[t];
      const where = { polygon: S.polygon, ring: S.ring };
      if (S.polygon === T.polygon && S.ring === T.ring) {
        const next = (S.index + 1) % S.count === T.index;
        const prev = (T.index + 1) % T.count === S.index;
        if (next || prev) {
          // Neighbours share a vertex; they are wrong only if the ring doubles back on itself.
          const [shared, p, q] = next ? [S.b, S.a, T.b] : [S.a, S.b, T.a];
          if (orient(p, shared, q) === 0 && (p[0] - shared[0]) * (q[0] - shared[0]) + (p[1] - shared[1]) * (q[1] - shared[1]) > 0) {
            add({ code: 'self_intersection', message: `${label(S.polygon, S.ring)} doubles back on itself${at(shared)}`, position: shared, ...where });
          }
          continue;
        }
        const [kind, point] = contact(S.a, S.b, T.a, T.b);
        if (kind !== 'none') {
          add({ code: 'self_intersection', message: `${label(S.polygon, S.ring)} crosses or touches itself${at(point)}`, position: point, ...where });
        }
        continue;
      }
      const [kind, point] = contact(S.a, S.b, T.a, T.b);
      if (kind !== 'cross' && kind !== 'overlap') continue;
      if (S.polygon === T.polygon) {
        add({ code: 'rings_cross', message: `${label(S.polygon, S.ring)} crosses ${label(T.polygon, T.ring)}${at(point)}`, position: point, ...where });
      } else {
        add({ code: 'polygons_overlap', message: `polygons ${S.polygon + 1} and ${T.polygon + 1} overlap${at(point)}`, position: point, ...where });
      }
    }
  }
  if (errors.length > 0) return done();

  clean.forEach((rings, pi) => {
    for (let ri = 1; ri < rings.length; ri++) {
      // A hole may touch its shell, so probe with a vertex off the shell's edges.
      const hole = rings[ri];
      const probe = hole.find((p) => !onRing(p, rings[0])) ?? [(hole[0][0] + hole[1][0]) / 2, (hole[0][1] + hole[1][1]) / 2];
      if (!strictlyInside(probe, rings[0])) {
        add({ code: 'hole_outside_shell', message: `${label(pi, ri)} is a hole outside its polygon's outer ring${at(probe)}`, position: probe, polygon: pi, ring: ri });
      }
    }
    clean.forEach((other, oi) => {
      if (oi === pi) return;
      // Edges do not cross (checked above), so one shell vertex inside the other's shell and
      // outside its holes means polygon pi lies within polygon oi.
      const probe = rings[0].find((p) => strictlyInside(p, other[0]));
      if (probe && !other.slice(1).some((hole) => strictlyInside(probe, hole))) {
        add({ code: 'polygons_overlap', message: `polygon ${pi + 1} lies inside polygon ${oi + 1}${at(probe)}`, position: probe, polygon: pi, ring: 0 });
      }
    });
  });
  return done();
}
