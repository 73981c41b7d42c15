import GeoJSONVT from 'geojson-vt';
import vtpbf from 'vt-pbf';
import {
  ZONE_TILE_LAYER,
  zoneFeatures,
  zoneTileHasNames,
  type ZoneFeatureInput,
} from '../../functions/_shared/zone-features.ts';

/** The zooms the zone tiles are cut for (MapLibre over-zooms z14). */
export const ZONE_TILE_MIN_ZOOM = 0;
export const ZONE_TILE_MAX_ZOOM = 14;
const EXTENT = 4096;

/**
 * One publication's zones as Mapbox Vector Tiles, cut on demand: geojson-vt indexes the
 * polygons once (about 0.1 s for the 17,649 zones of the scale-80 city) and each tile is then
 * clipped, simplified and encoded when first asked for. A tile with no zone in it is an empty
 * protobuf (a valid tile with no layers), so the map never logs a failed request for one.
 * Tiles below the zoom the names are drawn at carry only the id and level.
 */
export class ZoneTiles {
  private readonly index: GeoJSONVT;

  constructor(zones: readonly ZoneFeatureInput[]) {
    this.index = new GeoJSONVT(
      { type: 'FeatureCollection', features: zoneFeatures(zones) as never },
      { maxZoom: ZONE_TILE_MAX_ZOOM, extent: EXTENT, tolerance: 3, buffer: 64 },
    );
  }

  /** The tile's bytes, or undefined when (z, x, y) is no tile of the zooms served. */
  tile(z: number, x: number, y: number): Uint8Array | undefined {
    if (!isTile(z, x, y)) return undefined;
    const tile = this.index.getTile(z, x, y);
    if (!tile || tile.features.length === 0) return new Uint8Array(0);
    const layer = zoneTileHasNames(z)
      ? tile
      : {
          ...tile,
          features: tile.features.map((feature) => ({
            ...feature,
            tags: { id: feature.tags?.id, level: feature.tags?.level },
          })),
        };
    return vtpbf.fromGeojsonVt({ [ZONE_TILE_LAYER]: layer }, { version: 2, extent: EXTENT });
  }
}

function isTile(z: number, x: number, y: number): boolean {
  const size = 2 ** z;
  return (
    Number.isInteger(z) &&
    z >= ZONE_TILE_MIN_ZOOM &&
    z <= ZONE_TILE_MAX_ZOOM &&
    Number.isInteger(x) &&
    x >= 0 &&
    x < size &&
    Number.isInteger(y) &&
    y >= 0 &&
    y < size
  );
}
