import { feature, featureCollection, union } from '@turf/turf';
import type { MultiPolygon, Polygon } from 'geojson';
import { validatePolygon } from './validate-polygon.ts';
import { asMultiPolygon } from './zone-geometry.ts';

export type MergeFailure = 'invalid_zone' | 'clip_failed' | 'invalid_result';

export type MergeResult = { ok: true; geom: MultiPolygon } | { ok: false; reason: MergeFailure };

/**
 * The union of two zones (lng/lat, planar as PostGIS's ST_Union), as one MultiPolygon: zones
 * that overlap or share an edge become one polygon, zones apart stay two parts of one zone
 * ("a zone of two blocks"). Both must be valid (`validatePolygon`).
 */
export function mergeZones(a: Polygon | MultiPolygon, b: Polygon | MultiPolygon): MergeResult {
  if (!validatePolygon(a).valid || !validatePolygon(b).valid) return { ok: false, reason: 'invalid_zone' };
  let merged;
  try {
    merged = union(featureCollection([feature(a), feature(b)]));
  } catch {
    return { ok: false, reason: 'clip_failed' };
  }
  if (!merged) return { ok: false, reason: 'invalid_result' };
  const geom = asMultiPolygon(merged.geometry);
  return validatePolygon(geom).valid ? { ok: true, geom } : { ok: false, reason: 'invalid_result' };
}
