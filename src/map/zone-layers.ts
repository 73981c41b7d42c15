import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type {
  ExpressionSpecification,
  GeoJSONSourceSpecification,
  LayerSpecification,
  StyleSpecification,
} from '@maplibre/maplibre-gl-style-spec';
import type { Locale } from '../navigation/hash-state.ts';
import type { ZoneLevel } from '../domain/rows.ts';
import { ZONE_LABEL_MIN_ZOOM, ZONE_TILE_LAYER, zoneFeatures } from '../../supabase/functions/_shared/zone-features.ts';
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

/**
 * The zones as one FeatureCollection (the same features as the public map's zone tiles, lower
 * levels first so that a lockdown zone is drawn over the control zone around it).
 */
export function zonesToGeoJSON(zones: readonly MapZone[]): FeatureCollection {
  return { type: 'FeatureCollection', features: zoneFeatures(zones, (zone) => (zone.draft ? { draft: true } : {})) };
}

const isDraft = ['boolean', ['get', 'draft'], false] as const;
/**
 * A published tile's zone that changed since the tiles were cut (feature state, set by
 * zone-tile-sources.ts): drawn from its row by the changed zones' layers instead. A state, not a
 * filter: it applies to the tiles on screen at once, where a filter waits for them to be re-parsed.
 */
export const REPLACED_STATE = 'replaced';
const isReplaced: ExpressionSpecification = ['boolean', ['feature-state', REPLACED_STATE], false];

const byLevel = (colors: Record<ZoneLevel, string>) =>
  ['match', ['get', 'level'], 'lockdown', colors.lockdown, 'control', colors.control, colors.precaution] as const;
const levelColor = byLevel(ZONE_COLORS);
const outlineColor = byLevel(ZONE_OUTLINE_COLORS);

/** Zone outlines have round corners from this zoom, where a zone is large enough to show them. */
const ROUND_JOINS_FROM_ZOOM = 13;

export const ZONE_SOURCE = 'zones';
/** The public map's changed zones (since its tiles were cut), drawn from their rows over the tiles. */
export const CHANGED_ZONE_SOURCE = 'zones-changed';

/** Where a set of zone layers draws from: the zones source (GeoJSON or tiles) or the changed zones. */
export interface ZoneLayerTarget {
  source: string;
  /** Layer ids are `<prefix>-fill`, `<prefix>-line`, … */
  prefix: string;
  /** For a vector tile source. */
  sourceLayer?: string;
}

export const ZONES: ZoneLayerTarget = { source: ZONE_SOURCE, prefix: 'zone' };
export const ZONE_TILES: ZoneLayerTarget = { source: ZONE_SOURCE, prefix: 'zone', sourceLayer: ZONE_TILE_LAYER };
export const CHANGED_ZONES: ZoneLayerTarget = { source: CHANGED_ZONE_SOURCE, prefix: 'zone-changed' };

/** The fill layers a click on a zone hits, and the label layers a language switch rewrites. */
export const ZONE_FILL_LAYERS = [`${ZONES.prefix}-fill`, `${CHANGED_ZONES.prefix}-fill`];
export const ZONE_LABEL_LAYERS = [`${ZONES.prefix}-label`, `${CHANGED_ZONES.prefix}-label`];

/** Fill, outline, selected outline and label layers of one zone source. */
export function zoneLayers(locale: Locale, target: ZoneLayerTarget = ZONES): { fill: LayerSpecification[]; lines: LayerSpecification[] } {
  const { source, prefix } = target;
  const from = target.sourceLayer ? { source, 'source-layer': target.sourceLayer } : { source };
  return {
    fill: [
      {
        id: `${prefix}-fill`,
        type: 'fill',
        ...from,
        paint: {
          'fill-color': levelColor as never,
          'fill-opacity': [
            'interpolate',
            ['linear'],
            ['zoom'],
            10,
            ['case', isReplaced, 0, isDraft, ZONE_FILL_OPACITY.draftZoomedOut, ZONE_FILL_OPACITY.zoomedOut],
            16,
            ['case', isReplaced, 0, isDraft, ZONE_FILL_OPACITY.draftZoomedIn, ZONE_FILL_OPACITY.zoomedIn],
          ] as never,
        },
      },
    ],
    lines: [
      {
        id: `${prefix}-line`,
        type: 'line',
        ...from,
        filter: ['!', isDraft] as never,
        // Round joins add a fan of triangles at every vertex: over a whole city's zones that was
        // 40% of a frame drawn in software WebGL (measured), for corners too small to see there.
        layout: { 'line-join': ['step', ['zoom'], 'miter', ROUND_JOINS_FROM_ZOOM, 'round'] as never },
        paint: {
          'line-color': outlineColor as never,
          'line-width': ['interpolate', ['linear'], ['zoom'], 10, 2, 16, 3.5],
          'line-opacity': ['case', isReplaced, 0, 1],
        },
      },
      {
        // Staff maps only: what the public does not see yet is dashed.
        id: `${prefix}-draft-line`,
        type: 'line',
        ...from,
        filter: isDraft as never,
        paint: { 'line-color': outlineColor as never, 'line-width': 2.5, 'line-dasharray': [2, 1.5] },
      },
      {
        id: `${prefix}-label`,
        type: 'symbol',
        ...from,
        minzoom: ZONE_LABEL_MIN_ZOOM,
        layout: {
          'text-field': labelText(locale),
          'text-font': [MAP_FONT],
          'text-size': 12,
          'text-max-width': 8,
          'text-padding': 6,
        },
        paint: {
          'text-color': '#3a1016',
          'text-halo-color': 'rgba(255,255,255,0.95)',
          'text-halo-width': 1.6,
          'text-opacity': ['case', isReplaced, 0, 1],
        },
      },
    ],
  };
}

/**
 * The selected zone's outline, from a source of its own holding that one zone: an outline layer
 * over the whole zones source (shown by feature state) would be built and drawn for every zone.
 */
export const ZONE_SELECTION_SOURCE = 'zone-selection';
export const ZONE_SELECTION_LAYER: LayerSpecification = {
  id: 'zone-selection',
  type: 'line',
  source: ZONE_SELECTION_SOURCE,
  layout: { 'line-join': 'round' },
  paint: { 'line-color': '#1b1b3a', 'line-width': 5 },
};

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
    ZONE_SELECTION_LAYER,
  );
  return { ...style, sources: { [ZONE_SOURCE]: EMPTY_ZONES, ...style.sources, [ZONE_SELECTION_SOURCE]: EMPTY_ZONES }, layers };
}
