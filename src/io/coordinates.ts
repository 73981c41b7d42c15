import gcoord from 'gcoord';
import type { Feature, FeatureCollection, Geometry, Position } from 'geojson';

/**
 * The coordinate systems a district's files come in: WGS84 (GPS, the app's own), GCJ-02 (AMap,
 * Tencent: the national obfuscation, a few hundred metres off) and BD-09 (Baidu, GCJ-02 shifted
 * again).
 */
export const COORDINATE_SYSTEMS = ['wgs84', 'gcj02', 'bd09'] as const;
export type CoordinateSystem = (typeof COORDINATE_SYSTEMS)[number];

const GCOORD = { wgs84: gcoord.WGS84, gcj02: gcoord.GCJ02, bd09: gcoord.BD09 } as const;

/**
 * gcoord leaves positions outside its China box (72.004–137.8347°E, 0.8293–55.8271°N) as they
 * are, and its GCJ-02 → WGS84 inversion never returns for a position within an offset (≤ 0.011°)
 * of that box's edge: its guess steps out of the box, where nothing is shifted, and back. China's
 * land lies more than 1° inside, so this box is 0.1° smaller and positions outside it are left
 * as they are in every direction.
 */
const SHIFTED = { west: 72.104, east: 137.7347, south: 0.9293, north: 55.7271 };

function convertPosition(p: Position, from: CoordinateSystem, to: CoordinateSystem): Position {
  // An imported file may hold anything: a position that is not two finite numbers (gcoord would
  // throw) is kept for the zone checks to name.
  if (!Array.isArray(p) || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) return p;
  const [x, y] = p;
  if (x < SHIFTED.west || x > SHIFTED.east || y < SHIFTED.south || y > SHIFTED.north) return [...p];
  return [...gcoord.transform([x, y] as [number, number], GCOORD[from], GCOORD[to]), ...p.slice(2)];
}

// Rebuilt from the positions, so a `bbox` (which would no longer bound the shape) is left out.
function convertGeometry(g: Geometry, f: (p: Position) => Position): Geometry {
  switch (g.type) {
    case 'Point':
      return { type: 'Point', coordinates: f(g.coordinates) };
    case 'MultiPoint':
      return { type: 'MultiPoint', coordinates: g.coordinates.map(f) };
    case 'LineString':
      return { type: 'LineString', coordinates: g.coordinates.map(f) };
    case 'MultiLineString':
      return { type: 'MultiLineString', coordinates: g.coordinates.map((line) => line.map(f)) };
    case 'Polygon':
      return { type: 'Polygon', coordinates: g.coordinates.map((ring) => ring.map(f)) };
    case 'MultiPolygon':
      return { type: 'MultiPolygon', coordinates: g.coordinates.map((rings) => rings.map((ring) => ring.map(f))) };
    case 'GeometryCollection':
      return { type: 'GeometryCollection', geometries: g.geometries.map((member) => convertGeometry(member, f)) };
  }
}

function convertFeature(feature: Feature<Geometry | null>, f: (p: Position) => Position): Feature<Geometry | null> {
  const { bbox: _bbox, ...rest } = feature;
  return { ...rest, geometry: feature.geometry && convertGeometry(feature.geometry, f) };
}

/**
 * The same GeoJSON with every position moved from one coordinate system to another (altitudes
 * kept). gcoord converts GeoJSON in place and would move a position shared by two rings (or a
 * ring's first and closing position, when they are one array) twice; this builds new objects
 * position by position and never changes `input`, which it returns itself when `from` is `to`.
 */
export function convertCoordinates<T extends Geometry | Feature<Geometry | null> | FeatureCollection<Geometry | null>>(
  input: T,
  from: CoordinateSystem,
  to: CoordinateSystem,
): T {
  if (from === to) return input;
  const f = (p: Position) => convertPosition(p, from, to);
  if (input.type === 'FeatureCollection') {
    const { bbox: _bbox, ...rest } = input as FeatureCollection<Geometry | null>;
    return { ...rest, features: rest.features.map((feature) => convertFeature(feature, f)) } as T;
  }
  if (input.type === 'Feature') return convertFeature(input as Feature<Geometry | null>, f) as T;
  return convertGeometry(input as Geometry, f) as T;
}
