import { difference, featureCollection, multiPolygon, polygon, union } from '@turf/turf';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { validatePolygon } from './validate-polygon.ts';
import { asMultiPolygon } from './zone-geometry.ts';

export type RepairFailure = 'not_polygon' | 'out_of_range' | 'nothing_left' | 'clip_failed' | 'invalid_result';

export type RepairResult = { ok: true; geom: MultiPolygon } | { ok: false; reason: RepairFailure };

/** The ring closed, without repeated consecutive positions; null if it has under 3 left. */
function cleanRing(ring: Position[]): Position[] | null {
  const out: Position[] = [];
  for (const p of ring) {
    if (out.length === 0 || p[0] !== out[out.length - 1][0] || p[1] !== out[out.length - 1][1]) out.push([p[0], p[1]]);
  }
  if (out.length > 1 && out[0][0] === out[out.length - 1][0] && out[0][1] === out[out.length - 1][1]) out.pop();
  return out.length < 3 ? null : [...out, out[0]];
}

/**
 * A valid MultiPolygon from a drawn or uploaded polygon that is not: rings closed and
 * repeated positions dropped; a ring that crosses itself becomes the area it encloses (a
 * bow-tie two triangles meeting at a point, a ring with a small loop its main area plus the
 * loop); holes are cut out of their part where they reach, and parts that overlap are joined
 * (polyclip, planar in lng/lat). A valid input comes back as it was, as a MultiPolygon with
 * repeated positions dropped. `nothing_left` when no area remains (a ring folded flat, holes
 * covering their shell); `not_polygon` for other geometries or non-numeric positions.
 */
export function repairPolygon(geom: Polygon | MultiPolygon): RepairResult {
  const structure = validatePolygon(geom).errors.map((e) => e.code);
  if (structure.some((c) => c === 'not_polygon' || c === 'empty' || c === 'bad_position')) {
    return { ok: false, reason: 'not_polygon' };
  }
  if (structure.includes('out_of_range')) return { ok: false, reason: 'out_of_range' };
  const cleaned = (geom.type === 'Polygon' ? [geom.coordinates] : geom.coordinates).flatMap((rings) => {
    const [shell, ...holes] = rings.map(cleanRing);
    return shell ? [[shell, ...holes.filter((h) => h !== null)]] : [];
  });
  if (cleaned.length === 0) return { ok: false, reason: 'nothing_left' };
  const candidate: MultiPolygon = { type: 'MultiPolygon', coordinates: cleaned };
  if (validatePolygon(candidate).valid) return { ok: true, geom: candidate };
  let repaired;
  try {
    // polyclip takes crossing rings as input and never returns them. Union wants two
    // geometries at least: the empty ones let a single part, or none, through.
    const parts = cleaned.map(([shell, ...holes]) =>
      holes.length === 0
        ? polygon([shell])
        : difference(featureCollection([polygon([shell]), ...holes.map((h) => polygon([h]))])),
    );
    repaired = union(featureCollection([multiPolygon([]), multiPolygon([]), ...parts.filter((p) => p !== null)]));
  } catch {
    return { ok: false, reason: 'clip_failed' };
  }
  if (!repaired) return { ok: false, reason: 'nothing_left' };
  const result = asMultiPolygon(repaired.geometry);
  return validatePolygon(result).valid ? { ok: true, geom: result } : { ok: false, reason: 'invalid_result' };
}
