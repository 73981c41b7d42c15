import Flatbush from 'flatbush';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { polygonsOf } from './zone-geometry.ts';

export interface ZoneShape {
  id: string;
  geom: Polygon | MultiPolygon;
}

/** A vertex of a zone: 0-based polygon (0 for a Polygon), ring (0 = outer) and position in the ring. */
export interface VertexRef {
  zoneId: string;
  polygon: number;
  ring: number;
  index: number;
}

/** Positions closer than this, in degrees (about 0.1 mm), are the same vertex. */
export const SAME_VERTEX_DEG = 1e-9;

const near = (p: Position, q: Position, tolerance: number) =>
  Math.abs(p[0] - q[0]) <= tolerance && Math.abs(p[1] - q[1]) <= tolerance;

/** Vertices of a ring without its closing one, which repeats the first. */
const openLength = (ring: Position[]) =>
  ring.length > 1 && ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1]
    ? ring.length - 1
    : ring.length;

/**
 * Every vertex of the zones within `toleranceDeg` degrees (default 1e-9) of `at` in lng and
 * in lat: the vertices a drag at that point moves. A ring's closing vertex is reported as its
 * first (index 0), never twice.
 */
export function findSharedVertices(zones: ZoneShape[], at: Position, toleranceDeg = SAME_VERTEX_DEG): VertexRef[] {
  const refs: VertexRef[] = [];
  for (const zone of zones) {
    polygonsOf(zone.geom).forEach((rings, polygon) =>
      rings.forEach((ring, r) => {
        for (let index = 0; index < openLength(ring); index++) {
          if (near(ring[index], at, toleranceDeg)) refs.push({ zoneId: zone.id, polygon, ring: r, index });
        }
      }),
    );
  }
  return refs;
}

/**
 * Moves every vertex at `from` (within `toleranceDeg` degrees, default 1e-9) to `to`, in
 * every zone, so zones that share the vertex (neighbours along one road, a lockdown zone and
 * the ring around it) keep sharing it: no gap, no overlap. Returns only the zones that
 * changed, as copies with the new `geom` (same type, rings still closed); the inputs are not
 * modified. Check the results (`checkZoneShape`): a long move can make a ring cross itself.
 */
export function moveSharedVertex<Z extends ZoneShape>(
  zones: Z[],
  from: Position,
  to: Position,
  toleranceDeg = SAME_VERTEX_DEG,
): Z[] {
  const changed: Z[] = [];
  for (const zone of zones) {
    let moved = false;
    const polygons = polygonsOf(zone.geom).map((rings) =>
      rings.map((ring) =>
        ring.map((p) => {
          if (!near(p, from, toleranceDeg)) return p;
          moved = true;
          return [to[0], to[1]];
        }),
      ),
    );
    if (!moved) continue;
    const geom: Polygon | MultiPolygon =
      zone.geom.type === 'Polygon'
        ? { type: 'Polygon', coordinates: polygons[0] }
        : { type: 'MultiPolygon', coordinates: polygons };
    changed.push({ ...zone, geom });
  }
  return changed;
}

/**
 * Ids of the other zones that share at least one vertex with `zone` (within `toleranceDeg`
 * degrees, default 1e-9), in the order given: the zones an edit of its boundary can move
 * along with it ("moves with 2 neighbouring zones").
 */
export function sharedEdgeZones(zone: ZoneShape, others: ZoneShape[], toleranceDeg = SAME_VERTEX_DEG): string[] {
  const vertices = polygonsOf(zone.geom).flat(2);
  if (vertices.length === 0) return [];
  const index = new Flatbush(vertices.length);
  for (const [x, y] of vertices) index.add(x, y, x, y);
  index.finish();
  const t = toleranceDeg;
  return others
    .filter(
      (o) =>
        o.id !== zone.id &&
        polygonsOf(o.geom)
          .flat(2)
          .some(([x, y]) => index.search(x - t, y - t, x + t, y + t).length > 0),
    )
    .map((o) => o.id);
}
