import type { FeatureCollection, Geometry, LineString } from 'geojson';
import { basemapFiles } from 'virtual:basemap';

type BasemapLayer = keyof typeof basemapFiles;

/**
 * One of the basemap's own files (already fetched for the map, so usually from the cache): the
 * properties the style draws (class, names), coordinates to 5 decimals.
 */
export async function fetchBasemapLayer<G extends Geometry, P>(
  layer: BasemapLayer,
  signal?: AbortSignal,
): Promise<FeatureCollection<G, P>> {
  const url = new URL(import.meta.env.BASE_URL + basemapFiles[layer], window.location.href);
  const response = await fetch(url, { signal });
  if (!response.ok) throw new Error(`${layer}: HTTP ${response.status}`);
  return (await response.json()) as FeatureCollection<G, P>;
}

/** The basemap's roads: what the walking search and snapping read, without paging `roads` through REST. */
export function fetchBasemapRoads(signal?: AbortSignal): Promise<FeatureCollection<LineString, { class: string }>> {
  return fetchBasemapLayer('roads', signal);
}
