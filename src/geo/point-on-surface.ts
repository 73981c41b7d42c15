import type { MultiPolygon, Polygon, Position } from 'geojson';
import { polygonsOf } from './zone-geometry.ts';

/**
 * A point guaranteed to lie inside a polygon, chosen as PostGIS's ST_PointOnSurface (GEOS
 * InteriorPointArea) chooses it: on a horizontal line through the middle of each polygon's
 * extent, nudged between vertex heights, the midpoint of the widest inside stretch; for a
 * MultiPolygon, of the polygon with the widest stretch. Matching the database matters:
 * `zone_impact` counts a compound when this point is inside the zone.
 */
export function pointOnSurface(geometry: Polygon | MultiPolygon): Position {
  let best: Position | null = null;
  let bestWidth = -1;
  for (const rings of polygonsOf(geometry)) {
    const shell = rings[0];
    if (!shell || shell.length === 0) continue;
    let minY = Infinity;
    let maxY = -Infinity;
    for (const [, y] of shell) {
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    const centreY = (minY + maxY) / 2;
    let loY = minY;
    let hiY = maxY;
    for (const ring of rings) {
      for (const [, y] of ring) {
        if (y <= centreY) {
          if (y > loY) loY = y;
        } else if (y < hiY) {
          hiY = y;
        }
      }
    }
    const scanY = (loY + hiY) / 2;
    const crossings: number[] = [];
    for (const ring of rings) {
      for (let i = 1; i < ring.length; i++) {
        const [x0, y0] = ring[i - 1];
        const [x1, y1] = ring[i];
        if ((y0 > scanY && y1 > scanY) || (y0 < scanY && y1 < scanY) || y0 === y1) continue;
        crossings.push(x0 + ((scanY - y0) * (x1 - x0)) / (y1 - y0));
      }
    }
    crossings.sort((a, b) => a - b);
    for (let i = 0; i + 1 < crossings.length; i += 2) {
      const width = crossings[i + 1] - crossings[i];
      if (width > bestWidth) {
        bestWidth = width;
        best = [(crossings[i] + crossings[i + 1]) / 2, scanY];
      }
    }
    if (!best) best = shell[0];
  }
  if (!best) throw new Error('pointOnSurface: empty geometry');
  return best;
}
