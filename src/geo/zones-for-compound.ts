import type { MultiPolygon, Polygon } from 'geojson';
import { pointInZones } from './point-in-zones.ts';
import { pointOnSurface } from './point-on-surface.ts';
import type { AreaLike } from './zone-geometry.ts';

/**
 * The zones a compound is in: those containing its point-on-surface, the rule `zone_impact`
 * uses (a compound is sealed whole or not at all). Most severe level first.
 */
export function zonesForCompound<Z extends AreaLike>(compound: { geom: Polygon | MultiPolygon }, zones: readonly Z[]): Z[] {
  return pointInZones(pointOnSurface(compound.geom), zones);
}
