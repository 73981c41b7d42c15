import { Map as MapLibreMap, setWorkerUrl, type GeoJSONSource } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { basemapBounds, basemapFiles } from 'virtual:basemap';
import { mapFontFaces } from 'virtual:map-fonts';
import type { BasemapLayer } from './basemap/basemap-data.ts';
import { LABEL_LAYER_IDS, ZONE_FILL_BEFORE_LAYER, ZONE_LINE_BEFORE_LAYER, buildOfflineStyle, labelText } from './basemap/style.ts';
import type { Camera, Locale } from '../navigation/hash-state.ts';
import { ZONE_SOURCE, zoneLayers } from './zone-layers.ts';

setWorkerUrl(workerUrl);

const absolute = (path: string) => new URL(path, document.baseURI).href;

export interface CreateMapOptions {
  container: HTMLElement;
  camera: Camera | null;
  locale: Locale;
}

/**
 * The map with the offline basemap (or `VITE_MAP_STYLE_URL` when configured). The data bounds
 * give the first view unless the link carries a camera.
 */
export function createMap({ container, camera, locale }: CreateMapOptions): MapLibreMap {
  const onlineStyle = import.meta.env.VITE_MAP_STYLE_URL;
  const files = Object.fromEntries(
    Object.entries(basemapFiles).map(([layer, path]) => [layer, absolute(import.meta.env.BASE_URL + path)]),
  ) as Record<BasemapLayer, string>;
  const fontFaces = mapFontFaces.map((face) => ({ ...face, url: absolute(face.url) }));
  const [west, south, east, north] = basemapBounds;
  const margin = Math.max(east - west, north - south) * 0.5;
  return new MapLibreMap({
    container,
    style: onlineStyle || buildOfflineStyle({ files, fontFaces, locale }),
    ...(camera ? { center: camera.center, zoom: camera.zoom } : { bounds: [west, south, east, north], fitBoundsOptions: { padding: 16 } }),
    maxBounds: [west - margin, south - margin, east + margin, north + margin],
    minZoom: 8,
    maxZoom: 18,
    attributionControl: false,
    dragRotate: false,
    pitchWithRotate: false,
    // Labels come from the style's font-faces; nothing is drawn with whatever the device has.
    localIdeographFontFamily: false,
  });
}

/** Adds the zones source and layers (under the basemap labels when the offline style is used). */
export function addZoneLayers(map: MapLibreMap, locale: Locale): void {
  map.addSource(ZONE_SOURCE, { type: 'geojson', data: { type: 'FeatureCollection', features: [] }, promoteId: 'id' });
  const { fill, lines } = zoneLayers(locale);
  const before = (id: string) => (map.getLayer(id) ? id : undefined);
  for (const layer of fill) map.addLayer(layer as never, before(ZONE_FILL_BEFORE_LAYER));
  for (const layer of lines) map.addLayer(layer as never, before(ZONE_LINE_BEFORE_LAYER));
}

export function zoneSource(map: MapLibreMap): GeoJSONSource | undefined {
  return map.getSource(ZONE_SOURCE) as GeoJSONSource | undefined;
}

/** Switches every label the app owns to the language. */
export function setMapLocale(map: MapLibreMap, locale: Locale): void {
  for (const id of [...LABEL_LAYER_IDS, 'zone-label']) {
    if (map.getLayer(id)) map.setLayoutProperty(id, 'text-field', labelText(locale));
  }
}
