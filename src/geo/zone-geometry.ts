import { booleanPointInPolygon } from '@turf/turf';
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson';

/** A zone or compound as the app holds it (a row with `geom`) or as a GeoJSON feature. */
export type AreaLike = { geom: Polygon | MultiPolygon } | Feature<Polygon | MultiPolygon>;

/** The polygon geometry of a row or feature. */
export function areaGeometry(area: AreaLike): Polygon | MultiPolygon {
  return 'geom' in area ? area.geom : area.geometry;
}

/** The polygons of a Polygon or MultiPolygon, each as its rings. */
export function polygonsOf(geometry: Polygon | MultiPolygon): Position[][][] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}

/** The geometry as a MultiPolygon, the shape the database stores a zone in. */
export function asMultiPolygon(geometry: Polygon | MultiPolygon): MultiPolygon {
  return geometry.type === 'MultiPolygon' ? geometry : { type: 'MultiPolygon', coordinates: [geometry.coordinates] };
}

/**
 * The outline of a zone with its holes filled: what a zone encloses, e.g. a control ring around
 * the lockdown zone in its hole. A part on an island in another part's hole is inside that
 * part's shell already and is dropped; a part merely touching another may start at the touching
 * point, hence "strictly inside".
 */
export function filledOutline(geometry: Polygon | MultiPolygon): MultiPolygon {
  const shells = polygonsOf(geometry).map((rings) => rings[0]);
  const inside = (p: Position, shell: Position[]) =>
    booleanPointInPolygon(p, { type: 'Polygon', coordinates: [shell] }, { ignoreBoundary: true });
  return {
    type: 'MultiPolygon',
    coordinates: shells.filter((s) => !shells.some((t) => t !== s && inside(s[0], t))).map((s) => [s]),
  };
}
