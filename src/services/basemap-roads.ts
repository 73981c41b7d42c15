import type { FeatureCollection, Geometry, LineString } from 'geojson';
import { basemapFiles } from 'virtual:basemap';
import { mergeCellRoads, type CellRoad, type RoadCellIndex } from '../map/basemap/road-cells.ts';

/** Properties of the basemap's roads: what the style draws. */
export interface BasemapRoadProperties {
  class: string;
  name_zh?: string;
  name_en?: string;
}

export type BasemapRoad = CellRoad<BasemapRoadProperties>;

/** Cells fetched at once when the whole network is read. */
const PARALLEL_CELLS = 6;

/** The absolute URL of one of the basemap's files (a path relative to the app base). */
export function basemapUrl(path: string): string {
  return new URL(import.meta.env.BASE_URL + path, window.location.href).href;
}

async function fetchJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const response = await fetch(basemapUrl(path), { signal });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

let cellIndex: Promise<RoadCellIndex> | null = null;

/** Which road cells exist (fetched once). */
export function fetchRoadCellIndex(): Promise<RoadCellIndex> {
  cellIndex ??= fetchJson<RoadCellIndex>(basemapFiles.roads);
  cellIndex.catch(() => (cellIndex = null));
  return cellIndex;
}

/** The folder of the road cells, beside their index. */
const cellsFolder = () => basemapFiles.roads.slice(0, basemapFiles.roads.lastIndexOf('/') + 1);

/** One road cell: every road edge touching it, whole, with its stable id. */
export async function fetchRoadCell(key: string, signal?: AbortSignal): Promise<BasemapRoad[]> {
  const cell = await fetchJson<FeatureCollection<LineString, BasemapRoadProperties>>(
    `${cellsFolder()}${key}.json`,
    signal,
  );
  return cell.features as BasemapRoad[];
}

/**
 * The basemap's roads, the whole network: every cell (a few at a time), each edge once and in
 * the network's order. What snapping, boundary wording and the testing coverage read, without
 * paging `roads` through REST; the public walking search reads cells by area instead.
 */
export async function fetchBasemapRoads(
  signal?: AbortSignal,
): Promise<FeatureCollection<LineString, BasemapRoadProperties>> {
  const { cells } = await fetchRoadCellIndex();
  const loaded: BasemapRoad[][] = [];
  let next = 0;
  const worker = async () => {
    while (next < cells.length) loaded.push(await fetchRoadCell(cells[next++], signal));
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_CELLS, cells.length) }, worker));
  return { type: 'FeatureCollection', features: mergeCellRoads(loaded) };
}

/**
 * A basemap layer whole, as the style's data were slimmed (properties the style draws,
 * coordinates to 5 decimals): `water` is one file, `roads` all of the road cells.
 */
export async function fetchBasemapLayer<G extends Geometry, P>(
  layer: 'roads' | 'water',
  signal?: AbortSignal,
): Promise<FeatureCollection<G, P>> {
  if (layer === 'roads') return (await fetchBasemapRoads(signal)) as unknown as FeatureCollection<G, P>;
  return fetchJson<FeatureCollection<G, P>>(basemapFiles.water, signal);
}
