import { booleanPointInPolygon } from '@turf/turf';
import type { Feature, Point, Position } from 'geojson';
import { areaGeometry, polygonsOf, type AreaLike } from './zone-geometry.ts';

const SEVERITY: Record<string, number> = { lockdown: 3, control: 2, precaution: 1 };

function levelOf(zone: AreaLike): string | undefined {
  const source = 'geom' in zone ? zone : zone.properties;
  const level = (source as { level?: unknown } | null)?.level;
  return typeof level === 'string' ? level : undefined;
}

/**
 * The zones that contain a point, boundary included (as the `zones_at_point` RPC), most
 * severe level first when zones carry a `level`. Zones are rows with `geom` (the public
 * map's zone store) or GeoJSON features. Used for "where am I" and taps on the map.
 */
export function pointInZones<Z extends AreaLike>(point: Position | Point | Feature<Point>, zones: readonly Z[]): Z[] {
  const position: Position = Array.isArray(point) ? point : 'coordinates' in point ? point.coordinates : point.geometry.coordinates;
  const [x, y] = position;
  const inside = zones.filter((zone) => {
    const geometry = areaGeometry(zone);
    let inBox = false;
    for (const rings of polygonsOf(geometry)) {
      let minX = Infinity;
      let minY = Infinity;
      let maxX = -Infinity;
      let maxY = -Infinity;
      for (const [px, py] of rings[0] ?? []) {
        if (px < minX) minX = px;
        if (px > maxX) maxX = px;
        if (py < minY) minY = py;
        if (py > maxY) maxY = py;
      }
      if (x >= minX && x <= maxX && y >= minY && y <= maxY) inBox = true;
    }
    return inBox && booleanPointInPolygon(position, geometry);
  });
  return inside.sort((a, b) => (SEVERITY[levelOf(b) ?? ''] ?? 0) - (SEVERITY[levelOf(a) ?? ''] ?? 0));
}
