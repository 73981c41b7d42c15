import type { Feature, FeatureCollection, Geometry, LineString, Position } from 'geojson';
import { cellKey, tileRange, tilesCovering, type BBox, type TileCoord } from './tile-grid.ts';

/**
 * The grid the roads are chunked on for the walking search: slippy-map cells at zoom 13, about
 * 4.2 km on a side in Nantong (at scale 80, ~750 road edges and ~150 KB a cell).
 */
export const ROAD_CELL_ZOOM = 13;

/** `roads-<hash>/index.json`: which cells exist, and the bounds of all roads. */
export interface RoadCellIndex {
  zoom: number;
  /** `z-x-y` keys; each is the file `<key>.json` beside the index. */
  cells: string[];
  bounds: BBox;
}

/** A road edge as a cell holds it: whole (never clipped), with a stable id across cells. */
export type CellRoad<P = Record<string, unknown>> = Feature<LineString, P> & { id: number };

function lineBBox(line: readonly Position[]): BBox {
  let west = Infinity;
  let south = Infinity;
  let east = -Infinity;
  let north = -Infinity;
  for (const [lng, lat] of line) {
    if (lng < west) west = lng;
    if (lng > east) east = lng;
    if (lat < south) south = lat;
    if (lat > north) north = lat;
  }
  return [west, south, east, north];
}

/**
 * Chunks road edges on the cell grid: each edge goes whole into every cell its bbox touches, with
 * its position in `roads` as its id (stable for a dataset, and the order the whole network has).
 * Edges without a usable LineString are left out. Returns the cells in key order and the index.
 */
export function buildRoadCells(
  roads: FeatureCollection<Geometry | null>,
  zoom = ROAD_CELL_ZOOM,
): { cells: Map<string, CellRoad[]>; index: RoadCellIndex } {
  const byCell = new Map<string, CellRoad[]>();
  const bounds: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  roads.features.forEach((feature, id) => {
    const geometry = feature.geometry;
    if (geometry?.type !== 'LineString' || geometry.coordinates.length < 2) return;
    const box = lineBBox(geometry.coordinates);
    bounds[0] = Math.min(bounds[0], box[0]);
    bounds[1] = Math.min(bounds[1], box[1]);
    bounds[2] = Math.max(bounds[2], box[2]);
    bounds[3] = Math.max(bounds[3], box[3]);
    const road: CellRoad = { type: 'Feature', id, properties: feature.properties ?? {}, geometry };
    const { x0, x1, y0, y1 } = tileRange(box, zoom);
    for (let x = x0; x <= x1; x++) {
      for (let y = y0; y <= y1; y++) {
        const key = cellKey({ z: zoom, x, y });
        const list = byCell.get(key);
        if (list) list.push(road);
        else byCell.set(key, [road]);
      }
    }
  });
  if (byCell.size === 0) throw new Error('No road with a usable line to chunk');
  const keys = [...byCell.keys()].sort(compareKeys);
  const cells = new Map(keys.map((key) => [key, byCell.get(key)!]));
  return { cells, index: { zoom, cells: keys, bounds } };
}

function parseKey(key: string): TileCoord {
  const [z, x, y] = key.split('-').map(Number);
  return { z, x, y };
}

function compareKeys(a: string, b: string): number {
  const p = parseKey(a);
  const q = parseKey(b);
  return p.z - q.z || p.y - q.y || p.x - q.x;
}

/** The keys of the index's cells that a bbox touches (cells without roads do not exist). */
export function cellsFor(index: RoadCellIndex, bbox: BBox): string[] {
  const existing = new Set(index.cells);
  return tilesCovering(bbox, index.zoom)
    .map(cellKey)
    .filter((key) => existing.has(key));
}

/**
 * The roads of several cells as one list: each edge once (by id) and in id order, which is the
 * order of the whole network, so a graph built from them numbers its edges consistently.
 */
export function mergeCellRoads<P>(cells: Iterable<readonly CellRoad<P>[]>): CellRoad<P>[] {
  const byId = new Map<number, CellRoad<P>>();
  for (const roads of cells) for (const road of roads) if (!byId.has(road.id)) byId.set(road.id, road);
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

/** Whether `outer` contains `inner` entirely. */
export function bboxContains(outer: BBox, inner: BBox): boolean {
  return outer[0] <= inner[0] && outer[1] <= inner[1] && outer[2] >= inner[2] && outer[3] >= inner[3];
}
