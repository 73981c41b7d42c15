import type { FeatureCollection, LineString } from 'geojson';
import { basemapFiles } from 'virtual:basemap';

/**
 * The basemap's own road file (already fetched for the map, so usually from the cache): class and
 * names, coordinates to 5 decimals. What the walking search and snapping read, without paging the
 * `roads` table through REST.
 */
export async function fetchBasemapRoads(
  signal?: AbortSignal,
): Promise<FeatureCollection<LineString, { class: string }>> {
  const url = new URL(import.meta.env.BASE_URL + basemapFiles.roads, window.location.href);
  const response = await fetch(url, { signal });
  if (!response.ok) throw new Error(`roads: HTTP ${response.status}`);
  return (await response.json()) as FeatureCollection<LineString, { class: string }>;
}
