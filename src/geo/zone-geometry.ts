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
