import type { BasemapLayer } from './basemap-data.ts';

/**
 * What the basemap's vector tiles hold at each zoom: only what the style draws there. The style
 * (style.ts) takes its layers' zooms from here, so the two cannot drift apart.
 *
 * A tile at zoom z is drawn from map zoom z to z + 1 (MapLibre's 512-pixel vector tiles), and
 * past the last zoom the map overzooms the z14 tiles. The map's own minimum zoom is 8.
 */
export const TILE_MIN_ZOOM = 8;
export const TILE_MAX_ZOOM = 14;

/**
 * The tiles' source layers: the four basemap layers, drawn without names, and a point layer per
 * polygon layer that carries the names at one point inside each polygon. (Labelled polygons
 * would be labelled once per tile they cross.)
 */
export const TILE_LAYERS = [
  'districts',
  'water',
  'roads',
  'compounds',
  'district_labels',
  'water_labels',
  'compound_labels',
] as const;
export type TileLayer = (typeof TILE_LAYERS)[number];

/** The polygon layer whose names each label layer carries. */
export const LABELLED_LAYER: Readonly<Record<'district_labels' | 'water_labels' | 'compound_labels', BasemapLayer>> = {
  district_labels: 'districts',
  water_labels: 'water',
  compound_labels: 'compounds',
};

/** Road classes the style draws, with the map zoom each appears at; others stay out of the tiles. */
export const ROAD_CLASS_MINZOOM: Readonly<Record<string, number>> = {
  motorway: 0,
  trunk: 0,
  primary: 0,
  secondary: 10,
  tertiary: 11,
  residential: 12.5,
  service: 13.5,
};

/** Road names are drawn from this zoom, on these classes only. */
export const ROAD_LABEL_MINZOOM = 13.5;
export const ROAD_LABEL_CLASSES: readonly string[] = ['motorway', 'trunk', 'primary', 'secondary'];
export const COMPOUND_MINZOOM = 12;
export const COMPOUND_LABEL_MINZOOM = 14;
export const WATER_LABEL_MINZOOM = 11;
/** Sub-district names are drawn below this zoom. */
export const DISTRICT_LABEL_MAXZOOM = 14;

/** The lowest tile zoom that serves a style layer appearing at map zoom `minzoom`. */
const tileZoom = (minzoom: number) => Math.floor(minzoom);

type Properties = Record<string, unknown>;

function names({ name_zh, name_en }: Properties): Properties {
  const kept: Properties = {};
  if (name_zh !== undefined) kept.name_zh = name_zh;
  if (name_en !== undefined) kept.name_en = name_en;
  return kept;
}

/**
 * The properties a feature of `layer` carries in a tile at zoom `z`, or null when the feature
 * stays out of that tile. Input properties are the slimmed layer's (basemap-data.ts); a label
 * layer's are those of the polygon it names.
 */
export function tileProperties(layer: TileLayer, properties: Properties, z: number): Properties | null {
  switch (layer) {
    case 'districts':
    case 'water':
      return {};
    case 'compounds':
      return z >= tileZoom(COMPOUND_MINZOOM) ? {} : null;
    case 'roads': {
      const cls = String(properties.class);
      const minzoom = ROAD_CLASS_MINZOOM[cls];
      if (minzoom === undefined || z < tileZoom(minzoom)) return null;
      const named = z >= tileZoom(ROAD_LABEL_MINZOOM) && ROAD_LABEL_CLASSES.includes(cls);
      return named ? { class: cls, ...names(properties) } : { class: cls };
    }
    case 'district_labels':
      return z < DISTRICT_LABEL_MAXZOOM ? names(properties) : null;
    case 'water_labels':
      return z >= tileZoom(WATER_LABEL_MINZOOM) ? names(properties) : null;
    case 'compound_labels':
      return z >= tileZoom(COMPOUND_LABEL_MINZOOM) ? names(properties) : null;
  }
}

/**
 * Zoom ranges within which every layer's tile content follows the same rule, so one tiling
 * serves the whole range: [first, last] pairs covering TILE_MIN_ZOOM..TILE_MAX_ZOOM.
 */
export function tileZoomBands(): [number, number][] {
  const starts = new Set<number>([TILE_MIN_ZOOM]);
  const thresholds = [
    ...Object.values(ROAD_CLASS_MINZOOM),
    ROAD_LABEL_MINZOOM,
    COMPOUND_MINZOOM,
    COMPOUND_LABEL_MINZOOM,
    WATER_LABEL_MINZOOM,
    DISTRICT_LABEL_MAXZOOM,
  ];
  for (const minzoom of thresholds) {
    const z = tileZoom(minzoom);
    if (z > TILE_MIN_ZOOM && z <= TILE_MAX_ZOOM) starts.add(z);
  }
  const sorted = [...starts].sort((a, b) => a - b);
  return sorted.map((start, i) => [start, i + 1 < sorted.length ? sorted[i + 1] - 1 : TILE_MAX_ZOOM]);
}
