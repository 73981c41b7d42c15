import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type {
  GeoJSONSourceSpecification,
  LayerSpecification,
  StyleSpecification,
} from '@maplibre/maplibre-gl-style-spec';
import type { Locale } from '../navigation/hash-state.ts';
import { ZONE_LEVELS, type ZoneLevel } from '../domain/rows.ts';
import { MAP_FONT, ZONE_FILL_BEFORE_LAYER, ZONE_LINE_BEFORE_LAYER, labelText } from './basemap/style.ts';

/** Lockdown red, control orange, precaution yellow: the fills the legend and the map share. */
export const ZONE_COLORS: Record<ZoneLevel, string> = {
  lockdown: '#d7263d',
  control: '#f08a24',
  precaution: '#f2c500',
};

/**
 * The outline of each level: a darker shade of its fill that stands out at least 3:1 from the
 * basemap's land (#f2efe6), where the orange and the yellow themselves reach only 2.2:1 and 1.4:1
 * (tests/app/zone-layers.test.ts checks the figures: about 6.8, 4.8 and 4.3:1).
 */
export const ZONE_OUTLINE_COLORS: Record<ZoneLevel, string> = {
  lockdown: '#a3142c',
  control: '#b34700',
  precaution: '#8c6d00',
};

/** Fill opacity by zoom (draft zones fainter): the fills tint, the outlines draw the boundary. */
export const ZONE_FILL_OPACITY = { zoomedOut: 0.5, zoomedIn: 0.3, draftZoomedOut: 0.2, draftZoomedIn: 0.12 } as const;

/** What the map needs of a zone row. */
export interface MapZone {
  id: string;
  name: string;
  name_en?: string | null;
  level: ZoneLevel;
  geom: MultiPolygon | Polygon;
  /** Not what the public sees (a draft, or unsaved or unpublished changes): drawn dashed, fainter. */
  draft?: boolean;
}

export const ZONE_SOURCE = 'zones';

/**
 * The zones as one FeatureCollection; properties are what the layers and labels read.
 * Lower levels come first so that a lockdown zone is drawn over the control zone around it.
 */
export function zonesToGeoJSON(zones: readonly MapZone[]): FeatureCollection {
  const order = (level: ZoneLevel) => ZONE_LEVELS.length - ZONE_LEVELS.indexOf(level);
  return {
    type: 'FeatureCollection',
    features: [...zones]
      .sort((a, b) => order(a.level) - order(b.level))
      .map((zone) => ({
        type: 'Feature',
        id: zone.id,
        properties: {
          id: zone.id,
          level: zone.level,
          name_zh: zone.name,
          name_en: zone.name_en ?? null,
          ...(zone.draft ? { draft: true } : {}),
        },
        geometry: zone.geom,
      })),
  };
}

const isDraft = ['boolean', ['get', 'draft'], false] as const;

const byLevel = (colors: Record<ZoneLevel, string>) =>
  ['match', ['get', 'level'], 'lockdown', colors.lockdown, 'control', colors.control, colors.precaution] as const;
const levelColor = byLevel(ZONE_COLORS);
const outlineColor = byLevel(ZONE_OUTLINE_COLORS);

/** Fill, outline, selected outline and label layers of the zones source. */
export function zoneLayers(locale: Locale): { fill: LayerSpecification[]; lines: LayerSpecification[] } {
  return {
    fill: [
      {
        id: 'zone-fill',
        type: 'fill',
        source: ZONE_SOURCE,
        paint: {
          'fill-color': levelColor as never,
          'fill-opacity': [
            'interpolate',
            ['linear'],
            ['zoom'],
            10,
            ['case', isDraft, ZONE_FILL_OPACITY.draftZoomedOut, ZONE_FILL_OPACITY.zoomedOut],
            16,
            ['case', isDraft, ZONE_FILL_OPACITY.draftZoomedIn, ZONE_FILL_OPACITY.zoomedIn],
          ] as never,
        },
      },
    ],
    lines: [
      {
        id: 'zone-line',
        type: 'line',
        source: ZONE_SOURCE,
        filter: ['!', isDraft] as never,
        layout: { 'line-join': 'round' },
        paint: {
          'line-color': outlineColor as never,
          'line-width': ['interpolate', ['linear'], ['zoom'], 10, 2, 16, 3.5],
        },
      },
      {
        // Staff maps only: what the public does not see yet is dashed.
        id: 'zone-draft-line',
        type: 'line',
        source: ZONE_SOURCE,
        filter: isDraft as never,
        paint: { 'line-color': outlineColor as never, 'line-width': 2.5, 'line-dasharray': [2, 1.5] },
      },
      {
        // Selection by feature state, not by filter: a filter change re-tiles the whole source.
        id: 'zone-selected',
        type: 'line',
        source: ZONE_SOURCE,
        layout: { 'line-join': 'round' },
        paint: {
          'line-color': '#1b1b3a',
          'line-width': 5,
          'line-opacity': ['case', ['boolean', ['feature-state', 'selected'], false], 1, 0],
        },
      },
      {
        id: 'zone-label',
        type: 'symbol',
        source: ZONE_SOURCE,
        minzoom: 12.5,
        layout: {
          'text-field': labelText(locale),
          'text-font': [MAP_FONT],
          'text-size': 12,
          'text-max-width': 8,
          'text-padding': 6,
        },
        paint: { 'text-color': '#3a1016', 'text-halo-color': 'rgba(255,255,255,0.95)', 'text-halo-width': 1.6 },
      },
    ],
  };
}

/** Counts of zones per level, for the legend. */
export function countByLevel(zones: readonly Pick<MapZone, 'level'>[]): Record<ZoneLevel, number> {
  const counts: Record<ZoneLevel, number> = { lockdown: 0, control: 0, precaution: 0 };
  for (const zone of zones) if (zone.level in counts) counts[zone.level] += 1;
  return counts;
}

export const EMPTY_ZONES: GeoJSONSourceSpecification = {
  type: 'geojson',
  data: { type: 'FeatureCollection', features: [] },
  promoteId: 'id',
};

/**
 * The offline style with the zones in it from the start: the zones source comes first, so
 * MapLibre gives it a worker of its own rather than one busy tiling the roads, and the zone
 * layers sit under the basemap labels.
 */
export function withZones(style: StyleSpecification, locale: Locale): StyleSpecification {
  const { fill, lines } = zoneLayers(locale);
  const layers = [...style.layers];
  layers.splice(
    layers.findIndex((layer) => layer.id === ZONE_FILL_BEFORE_LAYER),
    0,
    ...fill,
  );
  layers.splice(
    layers.findIndex((layer) => layer.id === ZONE_LINE_BEFORE_LAYER),
    0,
    ...lines,
  );
  return { ...style, sources: { [ZONE_SOURCE]: EMPTY_ZONES, ...style.sources }, layers };
}
