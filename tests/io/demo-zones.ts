import type { MultiPolygon, Polygon } from 'geojson';
import type { ZoneImpact } from '../../src/domain/rows.ts';
import { asMultiPolygon } from '../../src/geo/zone-geometry.ts';
import { zoneImpact } from '../../src/geo/zone-impact.ts';
import type { ExportZone } from '../../src/io/export-zones.ts';
import { demoLayer } from '../helpers/demo-district.ts';

/** The demo zones (data/nantong) as the app holds zone rows. */
export function demoZones(): ExportZone[] {
  return demoLayer('zones').features.map(({ properties: p, geometry }) => ({
    id: p.id,
    name: p.name_zh,
    name_en: p.name_en,
    level: p.level,
    status: p.status,
    district: p.district,
    effective_from: p.effective_from,
    review_days: p.review_days,
    geom: asMultiPolygon(geometry),
  }));
}

/** The demo compounds as compound rows need them here. */
export function demoCompounds() {
  return demoLayer('compounds').features.map(({ properties: p, geometry }) => ({
    id: p.id,
    name: p.name_zh,
    households: p.households,
    residents: p.residents,
    geom: geometry,
  }));
}

/** The demo district's sub-district outlines. */
export function demoDistrict(): (Polygon | MultiPolygon)[] {
  return demoLayer('districts').features.map((f) => f.geometry);
}

/** Each demo zone's figures, as the impact RPC would answer them. */
export function demoFigures(zones: ExportZone[]): Map<string, ZoneImpact> {
  const data = {
    compounds: demoCompounds(),
    sites: demoLayer('sites').features.map(({ properties: p, geometry }) => ({
      kind: p.kind,
      key: 'key' in p ? p.key : null,
      geom: geometry,
    })),
  };
  return new Map(zones.map((zone) => [zone.id, zoneImpact(zone.geom, data)]));
}
