import { area, booleanIntersects, booleanPointInPolygon, lineString } from '@turf/turf';
import type { LineString, MultiPolygon, Polygon, Position } from 'geojson';
import { validatePolygon } from './validate-polygon.ts';
import { polygonsOf } from './zone-geometry.ts';

export type SplitFailure =
  'invalid_zone' | 'invalid_line' | 'line_self_intersects' | 'line_misses' | 'line_does_not_cross' | 'invalid_result';

export type SplitResult = { ok: true; pieces: MultiPolygon[] } | { ok: false; reason: SplitFailure };

interface Segment {
  a: Position;
  b: Position;
  /** Points where other segments meet this one, to split it at. */
  cuts: Position[];
}

const key = (p: Position) => `${p[0]},${p[1]}`;
const orient = (a: Position, b: Position, c: Position) => (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);

/**
 * Closer than this to a segment, in degrees (about 1 µm), a position is on it. Without it a
 * vertex the line passes through exactly in decimal (on the 0.001° grid, say) lands a rounding
 * error to one side, and the cut leaves a piece pinched to nothing there.
 */
const ON_SEGMENT_DEG = 1e-11;

/** Which side of segment s position p is on: 1 left, -1 right, 0 on its line. */
function side(s: Segment, p: Position): number {
  const o = orient(s.a, s.b, p);
  return Math.abs(o) <= ON_SEGMENT_DEG * Math.hypot(s.b[0] - s.a[0], s.b[1] - s.a[1]) ? 0 : Math.sign(o);
}

const inBox = (s: Segment, p: Position) =>
  Math.min(s.a[0], s.b[0]) - ON_SEGMENT_DEG <= p[0] &&
  p[0] <= Math.max(s.a[0], s.b[0]) + ON_SEGMENT_DEG &&
  Math.min(s.a[1], s.b[1]) - ON_SEGMENT_DEG <= p[1] &&
  p[1] <= Math.max(s.a[1], s.b[1]) + ON_SEGMENT_DEG;

/** Twice the signed area in degrees²: positive for a counter-clockwise ring (open or closed). */
function signedArea(ring: Position[]): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    sum += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
  }
  return sum;
}

/** Records where segments p and q meet, as one shared position object, on both. */
function node(p: Segment, q: Segment) {
  const d1 = side(q, p.a);
  const d2 = side(q, p.b);
  const d3 = side(p, q.a);
  const d4 = side(p, q.b);
  if (d1 * d2 < 0 && d3 * d4 < 0) {
    const o1 = orient(q.a, q.b, p.a);
    const t = o1 / (o1 - orient(q.a, q.b, p.b));
    const x = [p.a[0] + t * (p.b[0] - p.a[0]), p.a[1] + t * (p.b[1] - p.a[1])];
    p.cuts.push(x);
    q.cuts.push(x);
    return;
  }
  // Touching or collinear: an end of one segment lies on the other.
  if (d1 === 0 && inBox(q, p.a)) q.cuts.push(p.a);
  if (d2 === 0 && inBox(q, p.b)) q.cuts.push(p.b);
  if (d3 === 0 && inBox(p, q.a)) p.cuts.push(q.a);
  if (d4 === 0 && inBox(p, q.b)) p.cuts.push(q.b);
}

/** Whether the line crosses or touches itself anywhere but where one segment follows another. */
function selfIntersects(segments: Segment[]): boolean {
  for (let i = 0; i < segments.length; i++) {
    for (let j = i + 1; j < segments.length; j++) {
      const p = { ...segments[i], cuts: [] };
      const q = { ...segments[j], cuts: [] };
      node(p, q);
      const joint = j === i + 1 ? key(p.b) : null;
      if ([...p.cuts, ...q.cuts].some((x) => key(x) !== joint)) return true;
    }
  }
  return false;
}

/** The segment as consecutive edges between its ends and its cuts. */
function edgesOf(s: Segment): [Position, Position][] {
  const d = (p: Position) => (p[0] - s.a[0]) ** 2 + (p[1] - s.a[1]) ** 2;
  const points = [s.a, ...s.cuts.sort((u, v) => d(u) - d(v)), s.b];
  const edges: [Position, Position][] = [];
  let from = s.a;
  for (const p of points) {
    if (key(p) === key(from)) continue;
    edges.push([from, p]);
    from = p;
  }
  return edges;
}

/** A closed ring's cycle split where it passes a position twice, into cycles that do not. */
function simpleCycles(cycle: Position[]): Position[][] {
  const seen = new Map<string, number>();
  for (let i = 0; i < cycle.length; i++) {
    const j = seen.get(key(cycle[i]));
    if (j !== undefined) {
      return [...simpleCycles(cycle.slice(j, i)), ...simpleCycles([...cycle.slice(0, j), ...cycle.slice(i)])];
    }
    seen.set(key(cycle[i]), i);
  }
  return [cycle];
}

const close = (ring: Position[]) => [...ring, ring[0]];

/**
 * Splits a zone along a drawn line into the pieces it falls into, largest first (turf area).
 * The line cuts where it crosses the zone from boundary to boundary (it may cross several
 * times, giving three pieces or more); stretches that end inside the zone, run outside it or
 * through a hole cut nothing. The cut is exact in the lng/lat plane, where PostGIS and
 * polyclip work: pieces share the crossing positions and the line's vertices between them, so
 * they neither overlap nor leave a gap, and together they are the zone. (Turf's area is not
 * additive when a position is added on a diagonal lng/lat edge, its edges being straight in
 * an equal-area projection instead: the pieces' turf areas add up to the zone's within about
 * 5e-6 relative per km of cut diagonal edge, exactly for axis-parallel edges and vertices.)
 * Line vertices within 1e-11° of a zone vertex are taken as that vertex. Holes stay with the
 * piece around them; parts of a MultiPolygon the line misses come back as pieces of their own
 * (each piece is one polygon). The zone must be valid (`validatePolygon`); the line must not
 * cross or touch itself.
 */
export function splitZone(geom: Polygon | MultiPolygon, line: LineString): SplitResult {
  if (!validatePolygon(geom).valid) return { ok: false, reason: 'invalid_zone' };
  // Rings oriented with the zone on their left: shells counter-clockwise, holes clockwise.
  const rings = polygonsOf(geom).flatMap((polygon) =>
    polygon.map((ring, i) => (signedArea(ring) > 0 === (i === 0) ? ring : [...ring].reverse())),
  );
  // A line vertex drawn on a zone vertex (snapped, or typed in decimal) is that vertex.
  const vertices = rings.flat();
  const near = (p: Position) => (v: Position) =>
    Math.abs(v[0] - p[0]) <= ON_SEGMENT_DEG && Math.abs(v[1] - p[1]) <= ON_SEGMENT_DEG;
  const path: Position[] = [];
  for (const p of Array.isArray(line?.coordinates) ? line.coordinates : []) {
    if (!Array.isArray(p) || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
      return { ok: false, reason: 'invalid_line' };
    }
    const q = vertices.find(near(p)) ?? [p[0], p[1]];
    if (path.length === 0 || key(q) !== key(path[path.length - 1])) path.push(q);
  }
  if (path.length < 2) return { ok: false, reason: 'invalid_line' };
  const lineSegments = path.slice(1).map((b, i): Segment => ({ a: path[i], b, cuts: [] }));
  if (selfIntersects(lineSegments)) return { ok: false, reason: 'line_self_intersects' };
  if (!booleanIntersects(lineString(path), geom)) return { ok: false, reason: 'line_misses' };

  const ringSegments = rings.flatMap((ring) => ring.slice(1).map((b, i): Segment => ({ a: ring[i], b, cuts: [] })));
  for (const p of lineSegments) for (const q of ringSegments) node(p, q);

  const edges = new Map<string, [Position, Position]>();
  const undirected = (a: Position, b: Position) => (key(a) < key(b) ? `${key(a)}|${key(b)}` : `${key(b)}|${key(a)}`);
  const zoneOnLeft = new Set<string>();
  for (const [a, b] of ringSegments.flatMap(edgesOf)) {
    edges.set(undirected(a, b), [a, b]);
    zoneOnLeft.add(`${key(a)}>${key(b)}`);
  }
  for (const [a, b] of lineSegments.flatMap(edgesOf)) {
    const mid = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
    if (!edges.has(undirected(a, b)) && booleanPointInPolygon(mid, geom, { ignoreBoundary: true })) {
      edges.set(undirected(a, b), [a, b]);
    }
  }

  // Around each position, the edges leaving it counter-clockwise by angle.
  const around = new Map<string, Position[]>();
  const link = (a: Position, b: Position) => around.set(key(a), [...(around.get(key(a)) ?? []), b]);
  for (const [a, b] of edges.values()) {
    link(a, b);
    link(b, a);
  }
  for (const [k, ends] of around) {
    const [x, y] = k.split(',').map(Number);
    ends.sort((u, v) => Math.atan2(u[1] - y, u[0] - x) - Math.atan2(v[1] - y, v[0] - x));
  }

  // Walk each face with it on the left: from a→b, leave b by the next edge clockwise from b→a.
  // A cut stretch that ends inside the zone is walked out and back within one face, so it
  // never separates two faces and drops out as a cycle of two positions below.
  const walked = new Set<string>();
  const shells: Position[][] = [];
  const holes: Position[][] = [];
  for (const [a0, b0] of [...edges.values()].flatMap(([a, b]) => [[a, b] as const, [b, a] as const])) {
    if (walked.has(`${key(a0)}>${key(b0)}`)) continue;
    const cycle: Position[] = [];
    let inZone = false;
    for (let a = a0, b = b0; !walked.has(`${key(a)}>${key(b)}`);) {
      walked.add(`${key(a)}>${key(b)}`);
      inZone ||= zoneOnLeft.has(`${key(a)}>${key(b)}`);
      cycle.push(a);
      const ends = around.get(key(b))!;
      const back = ends.findIndex((p) => key(p) === key(a));
      [a, b] = [b, ends[(back - 1 + ends.length) % ends.length]];
    }
    if (!inZone) continue;
    for (const ring of simpleCycles(cycle)) {
      const twice = signedArea(ring);
      if (ring.length >= 3 && twice !== 0) (twice > 0 ? shells : holes).push(ring);
    }
  }
  if (shells.length <= polygonsOf(geom).length) return { ok: false, reason: 'line_does_not_cross' };

  // A hole goes to the smallest shell around it, tested at a vertex it does not share.
  const polygons = shells.map((shell) => [close(shell)]);
  for (const hole of holes) {
    let best = -1;
    shells.forEach((shell, i) => {
      const vertices = new Set(shell.map(key));
      const probe = hole.find((p) => !vertices.has(key(p)));
      const inside = !probe || booleanPointInPolygon(probe, { type: 'Polygon', coordinates: [close(shell)] });
      if (inside && (best < 0 || signedArea(shell) < signedArea(shells[best]))) best = i;
    });
    if (best >= 0) polygons[best].push(close(hole));
  }
  const pieces = polygons
    .map((coordinates): MultiPolygon => ({ type: 'MultiPolygon', coordinates: [coordinates] }))
    .map((piece) => ({ piece, area: area(piece) }))
    .sort((p, q) => q.area - p.area)
    .map(({ piece }) => piece);
  if (!pieces.every((piece) => validatePolygon(piece).valid)) return { ok: false, reason: 'invalid_result' };
  return { ok: true, pieces };
}
