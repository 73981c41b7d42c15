import type {
  ExpressionSpecification,
  FontFacesSpecification,
  LayerSpecification,
  StyleSpecification,
} from '@maplibre/maplibre-gl-style-spec';
import type { Locale } from '../../navigation/hash-state.ts';
import type { BasemapLayer } from './basemap-data.ts';

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

const ROAD_STYLE: Record<string, { color: string; casing: string; width: [number, number]; minzoom: number }> = {
  motorway: { color: '#f0a848', casing: '#c07a25', width: [2.2, 9], minzoom: 0 },
  trunk: { color: '#f6cb74', casing: '#c9a04f', width: [1.8, 8], minzoom: 0 },
  primary: { color: '#fff6d8', casing: '#c9b98a', width: [1.4, 7], minzoom: 0 },
  secondary: { color: '#ffffff', casing: '#c4bcae', width: [1.1, 6], minzoom: 10 },
  tertiary: { color: '#ffffff', casing: '#cbc4b6', width: [0.9, 5], minzoom: 11 },
  residential: { color: '#ffffff', casing: '#d6d0c4', width: [0.6, 4], minzoom: 12.5 },
  service: { color: '#fbfaf7', casing: '#dcd6ca', width: [0.4, 2.5], minzoom: 13.5 },
};

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
    source: 'roads',
    minzoom: ROAD_STYLE[cls].minzoom,
    filter: ['==', ['get', 'class'], cls],
    layout: { 'line-cap': 'round', 'line-join': 'round' },
    paint: { 'line-color': ROAD_STYLE[cls].casing, 'line-width': width(ROAD_STYLE[cls].width, 1.35) },
  }));
  const fills: LayerSpecification[] = ordered.map((cls) => ({
    id: `road-${cls}`,
    type: 'line',
    source: 'roads',
    minzoom: ROAD_STYLE[cls].minzoom,
    filter: ['==', ['get', 'class'], cls],
    layout: { 'line-cap': 'round', 'line-join': 'round' },
    paint: { 'line-color': ROAD_STYLE[cls].color, 'line-width': width(ROAD_STYLE[cls].width) },
  }));
  return [...casings, ...fills];
}

export interface OfflineStyleOptions {
  /** Absolute URLs of the slimmed dataset layers. */
  files: Record<BasemapLayer, string>;
  fontFaces: FontFacesSpecification[string];
  locale: Locale;
}

/**
 * The offline basemap: land, water, sub-district boundaries, compounds, roads by class and
 * labels in the chosen language, all from the app's own files. Zones and sites are added on
 * top by the map view, under the labels.
 */
export function buildOfflineStyle({ files, fontFaces, locale }: OfflineStyleOptions): StyleSpecification {
  const text = labelText(locale);
  const halo = { 'text-halo-color': 'rgba(255,255,255,0.92)', 'text-halo-width': 1.4 };
  return {
    version: 8,
    name: 'nantong-offline',
    'font-faces': { [MAP_FONT]: fontFaces },
    sources: {
      districts: { type: 'geojson', data: files.districts },
      water: { type: 'geojson', data: files.water },
      roads: { type: 'geojson', data: files.roads },
      compounds: { type: 'geojson', data: files.compounds },
    },
    layers: [
      { id: 'land', type: 'background', paint: { 'background-color': '#f2efe6' } },
      {
        id: 'district-fill',
        type: 'fill',
        source: 'districts',
        paint: { 'fill-color': '#eeeadf', 'fill-opacity': 0.6 },
      },
      { id: 'water', type: 'fill', source: 'water', paint: { 'fill-color': '#a8cbe4' } },
      {
        id: 'compound-fill',
        type: 'fill',
        source: 'compounds',
        minzoom: 12,
        paint: { 'fill-color': '#e2dccd', 'fill-outline-color': '#c8bea9' },
      },
      ...roadLayers(),
      {
        id: 'district-line',
        type: 'line',
        source: 'districts',
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
        source: 'water',
        minzoom: 11,
        layout: { 'text-field': text, 'text-font': [MAP_FONT], 'text-size': 12, 'text-max-width': 8 },
        paint: { 'text-color': '#2f6690', 'text-halo-color': 'rgba(220,235,246,0.9)', 'text-halo-width': 1 },
      },
      {
        id: 'road-label',
        type: 'symbol',
        source: 'roads',
        minzoom: 13.5,
        filter: ['match', ['get', 'class'], ['motorway', 'trunk', 'primary', 'secondary'], true, false],
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
        source: 'compounds',
        minzoom: 14,
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
        source: 'districts',
        maxzoom: 14,
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
