import { area as turfArea, booleanPointInPolygon } from '@turf/turf';
import type { Feature, MultiPolygon, Point, Polygon, Position } from 'geojson';
import type { SiteKind, ZoneImpact } from '../domain/rows.ts';
import { pointOnSurface } from './point-on-surface.ts';
import { polygonsOf } from './zone-geometry.ts';

export interface ImpactCompound {
  id: string;
  households: number;
  residents: number;
  geom: Polygon | MultiPolygon;
}

export interface ImpactSite {
  kind: SiteKind;
  /** Key enterprise flag (staff rows only). */
  key?: boolean | null;
  geom: Point;
}

// Compound footprints do not change while a commander drags a vertex: compute each
// point-on-surface once per geometry object.
const surfacePoints = new WeakMap<object, Position>();

function surfacePoint(geometry: Polygon | MultiPolygon): Position {
  let point = surfacePoints.get(geometry);
  if (!point) {
    point = pointOnSurface(geometry);
    surfacePoints.set(geometry, point);
  }
  return point;
}

/** The bounding box of a polygon's outer rings, `[minX, minY, maxX, maxY]` in degrees. */
export function outerBounds(geometry: Polygon | MultiPolygon): [number, number, number, number] {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const rings of polygonsOf(geometry)) {
    for (const [x, y] of rings[0] ?? []) {
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  return [minX, minY, maxX, maxY];
}

/**
 * Adds up compounds and sites already found inside `geometry` the way `zone_impact` does:
 * ids sorted, sites by kind in the order met, key enterprises counted, area measured.
 * Shared by `zoneImpact` and the spatial index (`buildImpactIndex`) so both answer alike.
 */
export function tallyImpact(
  geometry: Polygon | MultiPolygon,
  compounds: Iterable<ImpactCompound>,
  sites: Iterable<ImpactSite>,
): ZoneImpact {
  const impact: ZoneImpact = {
    households: 0,
    residents: 0,
    compounds: 0,
    compound_ids: [],
    sites: {},
    key_enterprises: 0,
    area_m2: 0,
  };
  for (const compound of compounds) {
    impact.households += compound.households;
    impact.residents += compound.residents;
    impact.compound_ids.push(compound.id);
  }
  impact.compound_ids.sort();
  impact.compounds = impact.compound_ids.length;
  for (const site of sites) {
    impact.sites[site.kind] = (impact.sites[site.kind] ?? 0) + 1;
    if (site.kind === 'enterprise' && site.key) impact.key_enterprises++;
  }
  impact.area_m2 = Math.round(turfArea(geometry));
  return impact;
}

/**
 * What a polygon covers: the client-side twin of the `zone_impact` RPC, for live figures
 * while a boundary is drawn. A compound counts whole when its point-on-surface is inside
 * (boundary included); sites count when their point is inside; key enterprises are
 * enterprise sites with `key`. `area_m2` is Turf's spherical area, within about 0.5% of
 * PostGIS's ellipsoidal one. Check the polygon with `validatePolygon` first: the RPC
 * refuses invalid polygons, this function does not. It tests every compound and site; for
 * repeated calls over the same data (dragging a vertex) use `buildImpactIndex`.
 */
export function zoneImpact(
  polygon: Polygon | MultiPolygon | Feature<Polygon | MultiPolygon>,
  data: { compounds: readonly ImpactCompound[]; sites: readonly ImpactSite[] },
): ZoneImpact {
  const geometry = polygon.type === 'Feature' ? polygon.geometry : polygon;
  const [minX, minY, maxX, maxY] = outerBounds(geometry);
  const contains = ([x, y]: Position) =>
    x >= minX && x <= maxX && y >= minY && y <= maxY && booleanPointInPolygon([x, y], geometry);
  return tallyImpact(
    geometry,
    data.compounds.filter((compound) => contains(surfacePoint(compound.geom))),
    data.sites.filter((site) => contains(site.geom.coordinates)),
  );
}
