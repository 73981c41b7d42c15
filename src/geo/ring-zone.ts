import { buffer, difference, feature, featureCollection } from '@turf/turf';
import type { MultiPolygon, Polygon } from 'geojson';
import { validatePolygon } from './validate-polygon.ts';
import { asMultiPolygon, filledOutline } from './zone-geometry.ts';

export type RingFailure = 'distance_out_of_range' | 'invalid_zone' | 'clip_failed' | 'invalid_result';

export type RingResult = { ok: true; geom: MultiPolygon } | { ok: false; reason: RingFailure };

/** The widest ring a commander may draw, in metres. */
export const MAX_RING_METRES = 5000;

/**
 * The control ring around a zone: everything within `metres` (0 < metres ≤ 5000) of the
 * zone's outline with its holes filled, less the zone itself, so the ring never covers the
 * zone and its inner edge is the zone's boundary, vertex for vertex; the zone's holes become
 * part of the ring. `steps` (default 8) is turf buffer's segments per quarter circle at a
 * corner: fewer vertices, coarser corners. The inner zone must be valid (`validatePolygon`).
 */
export function ringAround(inner: Polygon | MultiPolygon, metres: number, steps = 8): RingResult {
  if (!(metres > 0 && metres <= MAX_RING_METRES)) return { ok: false, reason: 'distance_out_of_range' };
  if (!validatePolygon(inner).valid) return { ok: false, reason: 'invalid_zone' };
  const outline = filledOutline(inner);
  let ring;
  try {
    const around = buffer(outline, metres, { units: 'meters', steps });
    ring = around && difference(featureCollection([around, feature(inner)]));
  } catch {
    return { ok: false, reason: 'clip_failed' };
  }
  if (!ring) return { ok: false, reason: 'invalid_result' };
  const geom = asMultiPolygon(ring.geometry);
  return validatePolygon(geom).valid ? { ok: true, geom } : { ok: false, reason: 'invalid_result' };
}
