import { area, difference, feature, featureCollection, intersect } from '@turf/turf';
import type { MultiPolygon, Polygon } from 'geojson';
import { mergeZones, type MergeFailure } from './merge-zones.ts';
import { validatePolygon } from './validate-polygon.ts';
import { asMultiPolygon } from './zone-geometry.ts';

export type CutOutFailure = 'invalid_zone' | 'no_overlap' | 'nothing_left' | 'clip_failed' | 'invalid_result';

export type CutOutResult = { ok: true; geom: MultiPolygon } | { ok: false; reason: CutOutFailure };

export type AddPartResult = { ok: true; geom: MultiPolygon } | { ok: false; reason: MergeFailure | 'nothing_added' };

/** Less added area than this (m², turf area) is rounding, not a part. */
const NOTHING_M2 = 0.01;

/**
 * The zone less the cutter (lng/lat, planar as PostGIS's ST_Difference): "a precaution zone
 * with the lockdown zone cut out". A cutter inside the zone leaves a hole, one across its edge
 * a notch, one across its whole width two parts. Refuses a cutter whose inside does not meet
 * the zone's (`no_overlap`, touching is not overlapping) and one that covers it all
 * (`nothing_left`). Both must be valid (`validatePolygon`).
 */
export function cutOut(zone: Polygon | MultiPolygon, cutter: Polygon | MultiPolygon): CutOutResult {
  if (!validatePolygon(zone).valid || !validatePolygon(cutter).valid) return { ok: false, reason: 'invalid_zone' };
  let rest;
  try {
    const pair = featureCollection([feature(zone), feature(cutter)]);
    if (!intersect(pair)) return { ok: false, reason: 'no_overlap' };
    rest = difference(pair);
  } catch {
    return { ok: false, reason: 'clip_failed' };
  }
  if (!rest) return { ok: false, reason: 'nothing_left' };
  const geom = asMultiPolygon(rest.geometry);
  return validatePolygon(geom).valid ? { ok: true, geom } : { ok: false, reason: 'invalid_result' };
}

/**
 * The zone with another drawn part added (their union, as `mergeZones`); a part apart from
 * the zone becomes a second part of it. Refuses a part that adds less than 0.01 m² (turf
 * area), one already inside the zone (`nothing_added`).
 */
export function addPart(zone: Polygon | MultiPolygon, part: Polygon | MultiPolygon): AddPartResult {
  const merged = mergeZones(zone, part);
  if (merged.ok && area(merged.geom) - area(zone) < NOTHING_M2) return { ok: false, reason: 'nothing_added' };
  return merged;
}
