import { area, difference, feature, featureCollection, union } from '@turf/turf';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { validatePolygon, type PolygonErrorCode } from './validate-polygon.ts';

/** What a validation says, as terra-draw's `validation` callbacks do; `reason` is a code. */
export interface ShapeValidation {
  valid: boolean;
  reason?: string;
  /** Where to mark the problem on the map. */
  positions?: Position[];
}

export interface Issue {
  code: string;
  positions?: Position[];
}

/** Default smallest zone, m². */
export const MIN_ZONE_AREA_M2 = 100;

/** Outside the district by less than this (m², turf area) is floating point, not a mistake. */
const OUTSIDE_TOLERANCE_M2 = 1;

/** Less than a 10 cm square (m², turf area) is no area: turf finds a little in a flat ring. */
const NO_AREA_M2 = 0.01;

const CROSSINGS: PolygonErrorCode[] = ['self_intersection', 'rings_cross', 'polygons_overlap'];

/**
 * No ring crosses or touches itself or another ring, and no parts overlap (`validatePolygon`).
 * `reason` is the first crossing's code, `positions` where each crossing is.
 */
export function validateNotSelfIntersecting(geom: Polygon | MultiPolygon): ShapeValidation {
  const crossings = validatePolygon(geom).errors.filter((e) => CROSSINGS.includes(e.code));
  if (crossings.length === 0) return { valid: true };
  return {
    valid: false,
    reason: crossings[0].code,
    positions: crossings.flatMap((e) => (e.position ? [e.position] : [])),
  };
}

/** The zone encloses some area (turf area ≥ 0.01 m²); `zero_area` for a flat drawing. */
export function validateNonZeroArea(geom: Polygon | MultiPolygon): ShapeValidation {
  return area(geom) >= NO_AREA_M2 ? { valid: true } : { valid: false, reason: 'zero_area' };
}

/** The zone is at least `minM2` square metres (turf area; default 100); `area_too_small` if not. */
export function validateMinimumArea(geom: Polygon | MultiPolygon, minM2 = MIN_ZONE_AREA_M2): ShapeValidation {
  return area(geom) >= minM2 ? { valid: true } : { valid: false, reason: 'area_too_small' };
}

/**
 * The zone lies within the union of the district's sub-districts, up to 1 m² outside (turf
 * area of the difference) for floating point. Reasons: `outside_district`, `no_district` for
 * an empty list, `clip_failed` if polyclip cannot compute it (an invalid zone).
 */
export function validateInsideDistrict(
  geom: Polygon | MultiPolygon,
  districtGeoms: (Polygon | MultiPolygon)[],
): ShapeValidation {
  if (districtGeoms.length === 0) return { valid: false, reason: 'no_district' };
  try {
    const district =
      districtGeoms.length === 1
        ? districtGeoms[0]
        : union(featureCollection(districtGeoms.map((g) => feature(g))))?.geometry;
    const outside = district ? difference(featureCollection([feature(geom), feature(district)])) : feature(geom);
    return !outside || area(outside) <= OUTSIDE_TOLERANCE_M2
      ? { valid: true }
      : { valid: false, reason: 'outside_district' };
  } catch {
    return { valid: false, reason: 'clip_failed' };
  }
}

/**
 * Every check a zone must pass before it is saved; `blocking` lists what fails, in order:
 * a malformed geometry (a `validatePolygon` code, nothing else checked), crossings (with
 * positions), zero area or less than `minAreaM2` (default 100 m²; not checked with crossings,
 * where turf's area is meaningless: a bow-tie's lobes cancel out), outside `district` (its
 * sub-districts' geometries; skipped when not given).
 */
export function checkZoneShape(
  geom: Polygon | MultiPolygon,
  { district, minAreaM2 = MIN_ZONE_AREA_M2 }: { district?: (Polygon | MultiPolygon)[]; minAreaM2?: number } = {},
): { blocking: Issue[] } {
  const blocking: Issue[] = [];
  const add = (v: ShapeValidation) => {
    if (!v.valid) blocking.push(v.positions ? { code: v.reason!, positions: v.positions } : { code: v.reason! });
  };
  const malformed = validatePolygon(geom).errors.find((e) => !CROSSINGS.includes(e.code));
  if (malformed) {
    add({ valid: false, reason: malformed.code, positions: malformed.position && [malformed.position] });
    return { blocking };
  }
  const crossings = validateNotSelfIntersecting(geom);
  add(crossings);
  if (crossings.valid) {
    const nonZero = validateNonZeroArea(geom);
    add(nonZero.valid ? validateMinimumArea(geom, minAreaM2) : nonZero);
  }
  if (district) add(validateInsideDistrict(geom, district));
  return { blocking };
}
