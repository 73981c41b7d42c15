import { area, bbox, difference, feature, featureCollection, intersect } from '@turf/turf';
import type { BBox, MultiPolygon, Polygon } from 'geojson';
import type { ZoneLevel } from '../domain/rows.ts';
import { asMultiPolygon, filledOutline } from './zone-geometry.ts';

export interface LeveledZone {
  id: string;
  level: ZoneLevel;
  geom: Polygon | MultiPolygon;
}

export type NestingWarning =
  | { code: 'lockdown_outside_control' | 'control_outside_precaution'; areaM2: number }
  | { code: 'overlaps_same_level'; otherId: string; areaM2: number; geom: MultiPolygon };

/** Less than this (m², turf area) outside or overlapping is floating point, not a mistake. */
const TOLERANCE_M2 = 1;

/** The level a zone of each level should lie inside. */
const ENCLOSING: Partial<Record<ZoneLevel, ZoneLevel>> = { lockdown: 'control', control: 'precaution' };

// Zones do not change while another is edited: compute each extent once per geometry object.
const extents = new WeakMap<object, BBox>();

function extent(geom: Polygon | MultiPolygon): BBox {
  let box = extents.get(geom);
  if (!box) {
    box = bbox(geom);
    extents.set(geom, box);
  }
  return box;
}

const boxesMeet = (a: BBox, b: BBox) => a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];

/**
 * Advice on how a zone sits among the others (never blocking): a lockdown zone should lie
 * inside the control zones, a control zone inside the precaution zones (the area outside,
 * m², turf area), and zones of one level should not overlap (the other zone's id, the
 * overlap's area in m² and geometry, for the map to show). Differences under 1 m² are
 * ignored. Zones whose extents do not meet are skipped before any clipping, so checking one
 * zone against 100+ is cheap; an entry with the zone's own id is skipped.
 */
export function nestingWarnings(zone: LeveledZone, others: LeveledZone[]): NestingWarning[] {
  const box = extent(zone.geom);
  const near = others.filter((o) => o.id !== zone.id && boxesMeet(box, extent(o.geom)));
  const warnings: NestingWarning[] = [];
  try {
    const enclosing = ENCLOSING[zone.level];
    if (enclosing) {
      // Inside means within the outline: a lockdown zone sits in the hole of the ring around it.
      const around = near.filter((o) => o.level === enclosing).map((o) => feature(filledOutline(o.geom)));
      const outside =
        around.length === 0 ? feature(zone.geom) : difference(featureCollection([feature(zone.geom), ...around]));
      const areaM2 = outside ? area(outside) : 0;
      if (areaM2 >= TOLERANCE_M2) {
        warnings.push({
          code: enclosing === 'control' ? 'lockdown_outside_control' : 'control_outside_precaution',
          areaM2,
        });
      }
    }
    for (const other of near.filter((o) => o.level === zone.level)) {
      const overlap = intersect(featureCollection([feature(zone.geom), feature(other.geom)]));
      const areaM2 = overlap ? area(overlap) : 0;
      if (overlap && areaM2 >= TOLERANCE_M2) {
        warnings.push({
          code: 'overlaps_same_level',
          otherId: other.id,
          areaM2,
          geom: asMultiPolygon(overlap.geometry),
        });
      }
    }
  } catch {
    // Advice only: what polyclip could not clip goes unmentioned.
  }
  return warnings;
}
