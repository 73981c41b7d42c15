import type { Feature, FeatureCollection, Geometry, Position } from 'geojson';

/** The basemap layers built from the dataset (`data/README.md` describes the files). */
export const BASEMAP_LAYERS = ['districts', 'water', 'roads', 'compounds'] as const;
export type BasemapLayer = (typeof BASEMAP_LAYERS)[number];

/**
 * What the build writes for the basemap (`virtual:basemap`'s `basemapFiles`), paths relative to
 * the app base:
 * - `tiles`: the vector tiles' URL template, `basemap/tiles-<hash>/{z}/{x}/{y}.pbf` (the map);
 * - `roads`: the index of the road cells, `basemap/roads-<hash>/index.json`, beside the cells
 *   `<z>-<x>-<y>.json` (the walking search, snapping, boundary wording; road-cells.ts);
 * - `water`: the whole water layer, `basemap/water-<hash>.json` (boundary wording).
 */
export interface BasemapFiles {
  tiles: string;
  roads: string;
  water: string;
}

/** The vector tile set's zoom range and the bounds of all its data (`virtual:basemap`'s `basemapTiles`). */
export interface BasemapTileSet {
  minzoom: number;
  maxzoom: number;
  bounds: [number, number, number, number];
}

/** Properties each basemap layer keeps; everything else (figures, ids) stays out of the bundle. */
const KEPT_PROPERTIES: Record<BasemapLayer, readonly string[]> = {
  districts: ['name_zh', 'name_en'],
  water: ['name_zh', 'name_en', 'kind'],
  roads: ['class', 'name_zh', 'name_en'],
  compounds: ['name_zh', 'name_en'],
};

/** Five decimals is about one metre: plenty for a basemap and a third smaller than six. */
const COORDINATE_DECIMALS = 5;

function roundPositions(value: unknown): unknown {
  if (typeof value === 'number') return Number(value.toFixed(COORDINATE_DECIMALS));
  if (Array.isArray(value)) return value.map(roundPositions);
  return value;
}

function slimGeometry(geometry: Geometry): Geometry {
  if (geometry.type === 'GeometryCollection') {
    return { type: 'GeometryCollection', geometries: geometry.geometries.map(slimGeometry) };
  }
  return { type: geometry.type, coordinates: roundPositions(geometry.coordinates) } as Geometry;
}

/**
 * Strips a dataset layer down to what the basemap style reads. Used at build time by the Vite
 * plugin; pure so that it can be tested in Node.
 */
export function slimLayer(layer: BasemapLayer, collection: FeatureCollection): FeatureCollection {
  const kept = KEPT_PROPERTIES[layer];
  const features: Feature[] = collection.features
    .filter((feature) => feature.geometry !== null)
    .map((feature) => {
      const properties: Record<string, unknown> = {};
      for (const key of kept) {
        const value = feature.properties?.[key];
        if (value !== undefined && value !== null) properties[key] = value;
      }
      return { type: 'Feature', properties, geometry: slimGeometry(feature.geometry) };
    });
  return { type: 'FeatureCollection', features };
}

function visitPositions(value: unknown, visit: (position: Position) => void): void {
  if (!Array.isArray(value)) return;
  if (typeof value[0] === 'number') {
    visit(value as Position);
    return;
  }
  for (const item of value) visitPositions(item, visit);
}

/** West, south, east, north of every position in the collections; used for the first view. */
export function boundsOf(collections: readonly FeatureCollection[]): [number, number, number, number] {
  let west = Infinity;
  let south = Infinity;
  let east = -Infinity;
  let north = -Infinity;
  for (const collection of collections) {
    for (const feature of collection.features) {
      if (!feature.geometry || feature.geometry.type === 'GeometryCollection') continue;
      visitPositions(feature.geometry.coordinates, ([lng, lat]) => {
        if (lng < west) west = lng;
        if (lng > east) east = lng;
        if (lat < south) south = lat;
        if (lat > north) north = lat;
      });
    }
  }
  if (!Number.isFinite(west)) throw new Error('The basemap data have no coordinates to take bounds from');
  return [west, south, east, north];
}
