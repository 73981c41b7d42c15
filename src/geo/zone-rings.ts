import { difference, featureCollection, intersect, multiPolygon, polygon, union } from '@turf/turf';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { validatePolygon, type PolygonErrorCode } from './validate-polygon.ts';
import { asMultiPolygon, polygonsOf } from './zone-geometry.ts';

/** One ring of a zone, as a ring-editing drawing tool holds it. */
export interface ZoneRing {
  /** 0-based polygon of the MultiPolygon (0 for a Polygon). */
  part: number;
  role: 'shell' | 'hole';
  ring: Position[];
}

export type RingsFailure =
  'empty' | 'hole_without_shell' | 'two_shells' | PolygonErrorCode | 'nothing_left' | 'clip_failed' | 'invalid_result';

export type RingsResult = { ok: true; geom: MultiPolygon } | { ok: false; reason: RingsFailure };

/** The zone's rings in order: each part's shell, then its holes. */
export function zoneToRings(geom: Polygon | MultiPolygon): ZoneRing[] {
  return polygonsOf(geom).flatMap((rings, part) =>
    rings.map((ring, i): ZoneRing => ({ part, role: i === 0 ? 'shell' : 'hole', ring })),
  );
}

/**
 * The zone back from its rings, after some were edited: each hole goes into the shell of its
 * `part`. Each ring must be valid on its own (closed, 3+ positions, not crossing itself):
 * otherwise the reason is `validatePolygon`'s code for it. When the rings still form a valid
 * MultiPolygon it comes back exactly as given. Otherwise edits that moved rings across each
 * other are resolved as the commander evidently meant: a hole dragged across its shell's edge
 * is clipped to the shell (a notch), holes that overlap join, parts that overlap merge. A hole
 * dragged entirely off its shell is refused (`hole_outside_shell`) rather than dropped
 * unnoticed; `nothing_left` when holes cover their shells.
 */
export function ringsToZone(rings: ZoneRing[]): RingsResult {
  if (rings.length === 0) return { ok: false, reason: 'empty' };
  for (const { ring } of rings) {
    const [error] = validatePolygon({ type: 'Polygon', coordinates: [ring] }).errors;
    if (error) return { ok: false, reason: error.code };
  }
  const parts = new Map<number, { shell?: Position[]; holes: Position[][] }>();
  for (const { part, role, ring } of [...rings].sort((a, b) => a.part - b.part)) {
    const entry = parts.get(part) ?? { holes: [] };
    parts.set(part, entry);
    if (role === 'hole') entry.holes.push(ring);
    else if (entry.shell) return { ok: false, reason: 'two_shells' };
    else entry.shell = ring;
  }
  const polygons: Position[][][] = [];
  for (const { shell, holes } of parts.values()) {
    if (!shell) return { ok: false, reason: 'hole_without_shell' };
    polygons.push([shell, ...holes]);
  }
  const asGiven: MultiPolygon = { type: 'MultiPolygon', coordinates: polygons };
  if (validatePolygon(asGiven).valid) return { ok: true, geom: asGiven };

  let joined;
  try {
    const pieces = [];
    for (const [shell, ...holes] of polygons) {
      if (holes.some((h) => !intersect(featureCollection([polygon([shell]), polygon([h])])))) {
        return { ok: false, reason: 'hole_outside_shell' };
      }
      pieces.push(
        holes.length === 0
          ? polygon([shell])
          : difference(featureCollection([polygon([shell]), ...holes.map((h) => polygon([h]))])),
      );
    }
    // Two empty geometries let a single piece go through union.
    joined = union(featureCollection([multiPolygon([]), multiPolygon([]), ...pieces.filter((p) => p !== null)]));
  } catch {
    return { ok: false, reason: 'clip_failed' };
  }
  if (!joined) return { ok: false, reason: 'nothing_left' };
  const geom = asMultiPolygon(joined.geometry);
  return validatePolygon(geom).valid ? { ok: true, geom } : { ok: false, reason: 'invalid_result' };
}
