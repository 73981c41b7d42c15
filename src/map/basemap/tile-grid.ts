/** West, south, east, north in degrees. */
export type BBox = [number, number, number, number];

/** A slippy-map (Web Mercator, XYZ) tile or grid cell. */
export interface TileCoord {
  z: number;
  x: number;
  y: number;
}

const MAX_LAT = 85.0511287798066;

/** Fractional tile column of a longitude at zoom z. */
export function lngToTileX(lng: number, z: number): number {
  return ((lng + 180) / 360) * 2 ** z;
}

/** Fractional tile row of a latitude at zoom z (row 0 at the north). */
export function latToTileY(lat: number, z: number): number {
  const phi = (Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * Math.PI) / 180;
  return ((1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2) * 2 ** z;
}

/** Longitude of a tile column's west edge. */
export function tileXToLng(x: number, z: number): number {
  return (x / 2 ** z) * 360 - 180;
}

/** Latitude of a tile row's north edge. */
export function tileYToLat(y: number, z: number): number {
  return (Math.atan(Math.sinh(Math.PI * (1 - (2 * y) / 2 ** z))) * 180) / Math.PI;
}

/** The tile's west, south, east, north. */
export function tileBBox({ z, x, y }: TileCoord): BBox {
  return [tileXToLng(x, z), tileYToLat(y + 1, z), tileXToLng(x + 1, z), tileYToLat(y, z)];
}

/** Column and row ranges (inclusive) of the tiles at zoom z that a bbox touches. */
export function tileRange(
  [west, south, east, north]: BBox,
  z: number,
): { x0: number; x1: number; y0: number; y1: number } {
  const last = 2 ** z - 1;
  const clamp = (v: number) => Math.max(0, Math.min(last, Math.floor(v)));
  return {
    x0: clamp(lngToTileX(west, z)),
    x1: clamp(lngToTileX(east, z)),
    y0: clamp(latToTileY(north, z)),
    y1: clamp(latToTileY(south, z)),
  };
}

/** Every tile at zoom z that a bbox touches, row by row. */
export function tilesCovering(bbox: BBox, z: number): TileCoord[] {
  const { x0, x1, y0, y1 } = tileRange(bbox, z);
  const tiles: TileCoord[] = [];
  for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) tiles.push({ z, x, y });
  return tiles;
}

/** `z-x-y`: how a road cell is named (its file and its entry in the index). */
export function cellKey({ z, x, y }: TileCoord): string {
  return `${z}-${x}-${y}`;
}

/** Metres per degree of latitude, rounded down so that degree spans made from it err wide. */
const METRES_PER_DEGREE = 110_500;

/**
 * The bbox of every point within `radiusM` metres of `[lng, lat]` (slightly larger: it errs
 * wide), for choosing the road cells a walking search needs.
 */
export function bboxAround([lng, lat]: readonly number[], radiusM: number): BBox {
  const dLat = radiusM / METRES_PER_DEGREE;
  const farthestLat = Math.min(89, Math.abs(lat) + dLat);
  const dLng = radiusM / (METRES_PER_DEGREE * Math.cos((farthestLat * Math.PI) / 180));
  return [lng - dLng, lat - dLat, lng + dLng, lat + dLat];
}

/**
 * The zoom (fractional) at which a bbox fits a screen of `width` × `height` CSS pixels with
 * `padding` on every side, as MapLibre's `fitBounds` computes it (512-pixel world at zoom 0).
 */
export function zoomToFit([west, south, east, north]: BBox, width: number, height: number, padding = 0): number {
  const dx = (lngToTileX(east, 0) - lngToTileX(west, 0)) * 512;
  const dy = (latToTileY(south, 0) - latToTileY(north, 0)) * 512;
  return Math.log2(Math.min((width - 2 * padding) / dx, (height - 2 * padding) / dy));
}

/**
 * The bbox a `width` × `height` screen shows around `center` at `zoom` (512-pixel tiles, as
 * MapLibre), for finding the tiles a view loads.
 */
export function viewBBox(center: readonly number[], zoom: number, width: number, height: number): BBox {
  const worldPx = 512 * 2 ** zoom;
  const cx = lngToTileX(center[0], 0) * worldPx;
  const cy = latToTileY(center[1], 0) * worldPx;
  const toLng = (px: number) => (px / worldPx) * 360 - 180;
  const toLat = (py: number) => tileYToLat(py / worldPx, 0);
  return [toLng(cx - width / 2), toLat(cy + height / 2), toLng(cx + width / 2), toLat(cy - height / 2)];
}
