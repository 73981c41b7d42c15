import type {
  ExpressionSpecification,
  FontFacesSpecification,
  LayerSpecification,
  StyleSpecification,
} from '@maplibre/maplibre-gl-style-spec';
import type { Locale } from '../../navigation/hash-state.ts';
import {
  COMPOUND_LABEL_MINZOOM,
  DISTRICT_LABEL_MAXZOOM,
  COMPOUND_MINZOOM,
  ROAD_CLASS_MINZOOM,
  ROAD_LABEL_CLASSES,
  ROAD_LABEL_MINZOOM,
  TILE_MAX_ZOOM,
  TILE_MIN_ZOOM,
  WATER_LABEL_MINZOOM,
  type TileLayer,
} from './tile-schema.ts';

/** The one font stack of the offline style; `font-faces` maps it to the bundled Noto Sans SC files. */
export const MAP_FONT = 'Noto Sans SC Regular';

/** Ink of the sub-district names (the browser suite looks for it to see that labels render). */
export const DISTRICT_LABEL_COLOR = '#4d4275';

/** Ids of the symbol layers whose text follows the UI language. */
export const LABEL_LAYER_IDS = ['water-label', 'road-label', 'compound-label', 'district-label'] as const;

/** The label text for a language: English where the data have it, else the official Chinese name. */
export function labelText(locale: Locale): ExpressionSpecification {
  return locale === 'en'
    ? ['coalesce', ['get', 'name_en'], ['get', 'name_zh'], '']
    : ['coalesce', ['get', 'name_zh'], ''];
}

/** The one vector source: the basemap's tiles, a source layer per basemap layer. */
export const BASEMAP_SOURCE = 'basemap';

/** Road classes in drawing order from the top; each appears at its ROAD_CLASS_MINZOOM. */
const ROAD_STYLE: Record<string, { color: string; casing: string; width: [number, number] }> = {
  motorway: { color: '#f0a848', casing: '#c07a25', width: [2.2, 9] },
  trunk: { color: '#f6cb74', casing: '#c9a04f', width: [1.8, 8] },
  primary: { color: '#fff6d8', casing: '#c9b98a', width: [1.4, 7] },
  secondary: { color: '#ffffff', casing: '#c4bcae', width: [1.1, 6] },
  tertiary: { color: '#ffffff', casing: '#cbc4b6', width: [0.9, 5] },
  residential: { color: '#ffffff', casing: '#d6d0c4', width: [0.6, 4] },
  service: { color: '#fbfaf7', casing: '#dcd6ca', width: [0.4, 2.5] },
};

/** Where a layer reads from: the basemap source and one of its layers. */
const from = (layer: TileLayer) => ({ source: BASEMAP_SOURCE, 'source-layer': layer });

function roadLayers(): LayerSpecification[] {
  const classes = Object.keys(ROAD_STYLE);
  // Drawn minor first so that motorways stay on top where classes meet.
  const ordered = [...classes].reverse();
  const width = (w: [number, number], scale = 1): ExpressionSpecification => [
    'interpolate',
    ['exponential', 1.6],
    ['zoom'],
    10,
    w[0] * scale,
    17,
    w[1] * scale,
  ];
  const casings: LayerSpecification[] = ordered.map((cls) => ({
    id: `road-${cls}-casing`,
    type: 'line',
    ...from('roads'),
    minzoom: ROAD_CLASS_MINZOOM[cls],
    filter: ['==', ['get', 'class'], cls],
    layout: { 'line-cap': 'round', 'line-join': 'round' },
    paint: { 'line-color': ROAD_STYLE[cls].casing, 'line-width': width(ROAD_STYLE[cls].width, 1.35) },
  }));
  const fills: LayerSpecification[] = ordered.map((cls) => ({
    id: `road-${cls}`,
    type: 'line',
    ...from('roads'),
    minzoom: ROAD_CLASS_MINZOOM[cls],
    filter: ['==', ['get', 'class'], cls],
    layout: { 'line-cap': 'round', 'line-join': 'round' },
    paint: { 'line-color': ROAD_STYLE[cls].color, 'line-width': width(ROAD_STYLE[cls].width) },
  }));
  return [...casings, ...fills];
}

export interface OfflineStyleOptions {
  /**
   * Absolute URLs of the basemap's files (`virtual:basemap`'s `basemapFiles`, made absolute);
   * the style reads `tiles`, the tile URL template. `{z}`, `{x}` and `{y}` may come
   * percent-encoded (as `new URL()` writes them): they are restored.
   */
  files: Readonly<Record<string, string>>;
  /** West, south, east, north of the tiles' data (`basemapTiles.bounds`): no tile is asked for outside. */
  bounds?: [number, number, number, number];
  fontFaces: FontFacesSpecification[string];
  locale: Locale;
}

/** The tile URL template with its `{z}`, `{x}`, `{y}` placeholders as MapLibre expects them. */
export function tileUrlTemplate(url: string): string {
  return url.replace(/%7B(z|x|y)%7D/gi, '{$1}');
}

/**
 * The offline basemap: land, water, sub-district boundaries, compounds, roads by class and
 * labels in the chosen language, all from the app's own vector tiles (tile-schema.ts says what
 * each zoom holds). Zones and sites are added on top by the map view, under the labels.
 */
export function buildOfflineStyle({ files, bounds, fontFaces, locale }: OfflineStyleOptions): StyleSpecification {
  if (!files.tiles) throw new Error('The offline style needs the basemap tiles URL (files.tiles)');
  const text = labelText(locale);
  const halo = { 'text-halo-color': 'rgba(255,255,255,0.92)', 'text-halo-width': 1.4 };
  return {
    version: 8,
    name: 'nantong-offline',
    'font-faces': { [MAP_FONT]: fontFaces },
    sources: {
      [BASEMAP_SOURCE]: {
        type: 'vector',
        tiles: [tileUrlTemplate(files.tiles)],
        minzoom: TILE_MIN_ZOOM,
        maxzoom: TILE_MAX_ZOOM,
        ...(bounds ? { bounds } : {}),
      },
    },
    layers: [
      { id: 'land', type: 'background', paint: { 'background-color': '#f2efe6' } },
      {
        id: 'district-fill',
        type: 'fill',
        ...from('districts'),
        paint: { 'fill-color': '#eeeadf', 'fill-opacity': 0.6 },
      },
      { id: 'water', type: 'fill', ...from('water'), paint: { 'fill-color': '#a8cbe4' } },
      {
        id: 'compound-fill',
        type: 'fill',
        ...from('compounds'),
        minzoom: COMPOUND_MINZOOM,
        paint: { 'fill-color': '#e2dccd', 'fill-outline-color': '#c8bea9' },
      },
      ...roadLayers(),
      {
        id: 'district-line',
        type: 'line',
        ...from('districts'),
        layout: { 'line-join': 'round' },
        paint: {
          'line-color': '#7d6f9e',
          'line-width': ['interpolate', ['linear'], ['zoom'], 10, 1, 16, 2.5],
          'line-dasharray': [3, 2],
        },
      },
      {
        id: 'water-label',
        type: 'symbol',
        ...from('water_labels'),
        minzoom: WATER_LABEL_MINZOOM,
        layout: { 'text-field': text, 'text-font': [MAP_FONT], 'text-size': 12, 'text-max-width': 8 },
        paint: { 'text-color': '#2f6690', 'text-halo-color': 'rgba(220,235,246,0.9)', 'text-halo-width': 1 },
      },
      {
        id: 'road-label',
        type: 'symbol',
        ...from('roads'),
        minzoom: ROAD_LABEL_MINZOOM,
        filter: ['match', ['get', 'class'], [...ROAD_LABEL_CLASSES], true, false],
        layout: {
          'symbol-placement': 'line',
          'text-field': text,
          'text-font': [MAP_FONT],
          'text-size': 11,
          'symbol-spacing': 400,
        },
        paint: { 'text-color': '#5b5346', ...halo },
      },
      {
        id: 'compound-label',
        type: 'symbol',
        ...from('compound_labels'),
        minzoom: COMPOUND_LABEL_MINZOOM,
        layout: {
          'text-field': text,
          'text-font': [MAP_FONT],
          'text-size': 11,
          'text-max-width': 7,
          'text-padding': 4,
        },
        paint: { 'text-color': '#6b604c', ...halo },
      },
      {
        id: 'district-label',
        type: 'symbol',
        ...from('district_labels'),
        maxzoom: DISTRICT_LABEL_MAXZOOM,
        layout: {
          'text-field': text,
          'text-font': [MAP_FONT],
          'text-size': ['interpolate', ['linear'], ['zoom'], 10, 13, 13, 17],
          'text-max-width': 8,
          'text-letter-spacing': 0.05,
        },
        paint: { 'text-color': DISTRICT_LABEL_COLOR, ...halo },
      },
    ],
  };
}

/** Zone fills go under the roads (so streets stay readable inside a zone), outlines above them. */
export const ZONE_FILL_BEFORE_LAYER = 'road-service-casing';
export const ZONE_LINE_BEFORE_LAYER = 'water-label';
