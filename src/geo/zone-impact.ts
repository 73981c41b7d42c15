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

/**
 * What a polygon covers: the client-side twin of the `zone_impact` RPC, for live figures
 * while a boundary is drawn. A compound counts whole when its point-on-surface is inside
 * (boundary included); sites count when their point is inside; key enterprises are
 * enterprise sites with `key`. `area_m2` is Turf's spherical area, within about 0.5% of
 * PostGIS's ellipsoidal one. Check the polygon with `validatePolygon` first: the RPC
 * refuses invalid polygons, this function does not.
 */
export function zoneImpact(
  polygon: Polygon | MultiPolygon | Feature<Polygon | MultiPolygon>,
  data: { compounds: readonly ImpactCompound[]; sites: readonly ImpactSite[] },
): ZoneImpact {
  const geometry = polygon.type === 'Feature' ? polygon.geometry : polygon;
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
  const contains = ([x, y]: Position) => x >= minX && x <= maxX && y >= minY && y <= maxY && booleanPointInPolygon([x, y], geometry);

  const impact: ZoneImpact = { households: 0, residents: 0, compounds: 0, compound_ids: [], sites: {}, key_enterprises: 0, area_m2: 0 };
  for (const compound of data.compounds) {
    if (!contains(surfacePoint(compound.geom))) continue;
    impact.households += compound.households;
    impact.residents += compound.residents;
    impact.compound_ids.push(compound.id);
  }
  impact.compound_ids.sort();
  impact.compounds = impact.compound_ids.length;
  for (const site of data.sites) {
    if (!contains(site.geom.coordinates)) continue;
    impact.sites[site.kind] = (impact.sites[site.kind] ?? 0) + 1;
    if (site.kind === 'enterprise' && site.key) impact.key_enterprises++;
  }
  impact.area_m2 = Math.round(turfArea(geometry));
  return impact;
}
