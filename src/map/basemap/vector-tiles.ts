import { createHash } from 'node:crypto';
import type { Feature, FeatureCollection, LineString, MultiPolygon, Polygon } from 'geojson';
import GeoJSONVT, { type LegacyTile } from 'geojson-vt';
import vtpbf from 'vt-pbf';
import { pointOnSurface } from '../../geo/point-on-surface.ts';
import { BASEMAP_LAYERS, boundsOf, type BasemapLayer } from './basemap-data.ts';
import { mergeRoadLines } from './road-lines.ts';
import { tilesCovering, type BBox } from './tile-grid.ts';
import {
  LABELLED_LAYER,
  TILE_LAYERS,
  TILE_MAX_ZOOM,
  TILE_MIN_ZOOM,
  tileProperties,
  tileZoomBands,
  type TileLayer,
} from './tile-schema.ts';

/** Tile units per tile side, as MapLibre expects. */
export const TILE_EXTENT = 4096;

export interface VectorTileOptions {
  /** Default TILE_MIN_ZOOM / TILE_MAX_ZOOM. */
  minzoom?: number;
  maxzoom?: number;
  /** Douglas-Peucker tolerance in tile units (of TILE_EXTENT) below the max zoom; default 3. */
  tolerance?: number;
}

export interface VectorTileSet {
  /** Protobuf bytes by `z/x/y`; tiles with nothing in them are not there. */
  tiles: Map<string, Uint8Array>;
  minzoom: number;
  maxzoom: number;
  /** West, south, east, north of every feature: no tile lies outside. */
  bounds: BBox;
  /** Hex SHA-256 over every tile's name and bytes: changes when any tile does. */
  hash: string;
}

type Properties = Record<string, unknown>;

/** One point inside each polygon (as PostGIS's ST_PointOnSurface), with the polygon's properties. */
function labelPoints(polygons: readonly Feature[]): Feature[] {
  return polygons.flatMap((feature): Feature[] => {
    const geometry = feature.geometry;
    if (geometry?.type !== 'Polygon' && geometry?.type !== 'MultiPolygon') return [];
    const coordinates = pointOnSurface(geometry as Polygon | MultiPolygon);
    return [{ type: 'Feature', properties: feature.properties, geometry: { type: 'Point', coordinates } }];
  });
}

/**
 * Cuts the slimmed basemap layers into Mapbox Vector Tiles with geojson-vt and vt-pbf: one tile
 * set, one source layer per basemap layer plus a label point layer per polygon layer
 * (TILE_LAYERS), each zoom holding only what the style draws there (tile-schema.ts),
 * simplified below the max zoom. Roads are first joined into whole streets (mergeRoadLines) so
 * that low zooms keep few vertices. Zooms are tiled band by band (a band shares one content
 * rule) and each band's index is dropped before the next, which bounds memory on a large city.
 * Tiles with nothing in them are not made. Pure (Node's hashing aside); runs at build time.
 */
export function buildVectorTiles(
  layers: Record<BasemapLayer, FeatureCollection>,
  options: VectorTileOptions = {},
): VectorTileSet {
  const minzoom = options.minzoom ?? TILE_MIN_ZOOM;
  const maxzoom = options.maxzoom ?? TILE_MAX_ZOOM;
  const bounds = boundsOf(BASEMAP_LAYERS.map((layer) => layers[layer]));
  const sources: Record<TileLayer, readonly Feature[]> = {
    districts: layers.districts.features,
    water: layers.water.features,
    roads: mergeRoadLines(layers.roads.features as Feature<LineString, Properties>[]),
    compounds: layers.compounds.features,
    district_labels: labelPoints(layers[LABELLED_LAYER.district_labels].features),
    water_labels: labelPoints(layers[LABELLED_LAYER.water_labels].features),
    compound_labels: labelPoints(layers[LABELLED_LAYER.compound_labels].features),
  };
  const tiles = new Map<string, Uint8Array>();

  for (const [first, last] of tileZoomBands()) {
    const from = Math.max(first, minzoom);
    const to = Math.min(last, maxzoom);
    if (from > to) continue;
    const indexes = TILE_LAYERS.flatMap((layer) => {
      const features: Feature[] = [];
      for (const feature of sources[layer]) {
        const properties = tileProperties(layer, feature.properties ?? {}, from);
        if (properties) features.push({ type: 'Feature', properties, geometry: feature.geometry });
      }
      if (features.length === 0) return [];
      const index = new GeoJSONVT(
        { type: 'FeatureCollection', features },
        { maxZoom: maxzoom, extent: TILE_EXTENT, tolerance: options.tolerance ?? 3, buffer: 64 },
      );
      return [{ layer, index }];
    });
    for (let z = from; z <= to; z++) {
      for (const { x, y } of tilesCovering(bounds, z)) {
        const content: Record<string, LegacyTile> = {};
        let empty = true;
        for (const { layer, index } of indexes) {
          const tile = index.getTile(z, x, y);
          if (tile && tile.features.length > 0) {
            content[layer] = tile;
            empty = false;
          }
        }
        if (!empty) tiles.set(`${z}/${x}/${y}`, vtpbf.fromGeojsonVt(content, { version: 2, extent: TILE_EXTENT }));
      }
    }
  }

  const hash = createHash('sha256');
  for (const [key, bytes] of tiles) hash.update(key).update('\0').update(bytes);
  return { tiles, minzoom, maxzoom, bounds, hash: hash.digest('hex') };
}
