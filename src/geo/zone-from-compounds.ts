import { buffer, difference, feature, featureCollection, simplify, union } from '@turf/turf';
import type { MultiPolygon, Polygon } from 'geojson';
import { validatePolygon } from './validate-polygon.ts';
import { asMultiPolygon } from './zone-geometry.ts';

export type FromCompoundsFailure =
  'no_footprints' | 'margin_out_of_range' | 'invalid_footprint' | 'clip_failed' | 'invalid_result';

export type FromCompoundsResult = { ok: true; geom: MultiPolygon } | { ok: false; reason: FromCompoundsFailure };

/** The widest margin, in metres. */
export const MAX_MARGIN_METRES = 1000;

/** Metres per degree of latitude; a degree of longitude is shorter, so this errs small. */
const METRES_PER_DEGREE = 111_320;

/** About 1 cm: simplifying finer than this removes nothing a commander would notice. */
const FINEST_TOLERANCE_DEG = 1e-7;

function unite(geoms: (Polygon | MultiPolygon)[]): Polygon | MultiPolygon | undefined {
  if (geoms.length === 1) return geoms[0];
  return union(featureCollection(geoms.map((g) => feature(g))))?.geometry;
}

/**
 * A zone drawn around compounds: their footprints grown by `marginMetres` (0 ≤ margin ≤ 1000,
 * turf buffer, 8 steps per quarter circle) and joined, then simplified so a commander can
 * still edit it by hand (Douglas–Peucker, tolerance a quarter of the margin, halved until the
 * result is valid and still covers every footprint entirely): its edge lies between 0.75 and
 * 1.25 margins from the nearest footprint. Compounds further apart than about twice the
 * margin give a zone of several parts. Footprints must be valid (`validatePolygon`).
 */
export function zoneFromCompounds(footprints: (Polygon | MultiPolygon)[], marginMetres: number): FromCompoundsResult {
  if (footprints.length === 0) return { ok: false, reason: 'no_footprints' };
  if (!(marginMetres >= 0 && marginMetres <= MAX_MARGIN_METRES)) return { ok: false, reason: 'margin_out_of_range' };
  if (!footprints.every((f) => validatePolygon(f).valid)) return { ok: false, reason: 'invalid_footprint' };
  try {
    const compounds = unite(footprints);
    const grown =
      marginMetres === 0
        ? compounds
        : unite(footprints.map((f) => buffer(f, marginMetres, { units: 'meters', steps: 8 })!.geometry));
    if (!compounds || !grown) return { ok: false, reason: 'invalid_result' };
    const covers = (zone: Polygon | MultiPolygon) =>
      !difference(featureCollection([feature(compounds), feature(zone)]));
    for (let tolerance = marginMetres / 4 / METRES_PER_DEGREE; tolerance > FINEST_TOLERANCE_DEG; tolerance /= 2) {
      const simple = asMultiPolygon(simplify(grown, { tolerance, highQuality: true }));
      if (validatePolygon(simple).valid && covers(simple)) return { ok: true, geom: simple };
    }
    const geom = asMultiPolygon(grown);
    return validatePolygon(geom).valid ? { ok: true, geom } : { ok: false, reason: 'invalid_result' };
  } catch {
    return { ok: false, reason: 'clip_failed' };
  }
}
