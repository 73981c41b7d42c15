/**
 * The zones as map features: what the public map's zone tiles hold (the local publisher cuts
 * them) and what the app's GeoJSON zone source holds, so that both draw alike. Pure.
 */

/** The source layer of the public map's zone tiles. */
export const ZONE_TILE_LAYER = 'zones';

/** What a feature needs of a zone row (the public map file's zones and the app's rows). */
export interface ZoneFeatureInput {
  id: string;
  name: string;
  name_en?: string | null;
  level: string;
  geom: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown };
}

/** The map zoom from which the zones' names are drawn. */
export const ZONE_LABEL_MIN_ZOOM = 12.5;

/**
 * Whether a zone tile of zoom `z` carries the names: only where they are drawn. MapLibre draws a
 * 512-pixel tile of zoom z from map zoom z to z + 1, and below the labels the names are most of
 * a tile's bytes (the scale-80 city's whole-city tile: 541 KiB gzipped with them, 252 without).
 */
export function zoneTileHasNames(z: number): boolean {
  return z + 1 > ZONE_LABEL_MIN_ZOOM;
}

/** Drawn first to last: a lockdown zone lies over the control zone around it. */
const DRAW_ORDER = ['precaution', 'control', 'lockdown'];

export interface ZoneFeature<G = ZoneFeatureInput['geom']> {
  type: 'Feature';
  id: string;
  properties: { id: string; level: string; name_zh: string; name_en: string | null } & Record<string, unknown>;
  geometry: G;
}

/**
 * One feature per zone in drawing order; `extra` adds properties of the caller's own (the
 * staff map's `draft`). Properties are those the zone layers and labels read.
 */
export function zoneFeatures<Z extends ZoneFeatureInput>(
  zones: readonly Z[],
  extra?: (zone: Z) => Record<string, unknown>,
): ZoneFeature<Z['geom']>[] {
  const rank = (level: string) => DRAW_ORDER.indexOf(level);
  return [...zones]
    .sort((a, b) => rank(a.level) - rank(b.level))
    .map((zone): ZoneFeature<Z['geom']> => ({
      type: 'Feature',
      id: zone.id,
      properties: {
        id: zone.id,
        level: zone.level,
        name_zh: zone.name,
        name_en: zone.name_en ?? null,
        ...extra?.(zone),
      },
      geometry: zone.geom,
    }));
}
