import { Map as MapLibreMap, getWorkerCount, setWorkerCount, setWorkerUrl, type GeoJSONSource } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { basemapBounds, basemapFiles, basemapTiles } from 'virtual:basemap';
import { mapFontFaces } from 'virtual:map-fonts';
import type { BasemapLayer } from './basemap/basemap-data.ts';
import { LABEL_LAYER_IDS, buildOfflineStyle, labelText } from './basemap/style.ts';
import type { Camera, Locale } from '../navigation/hash-state.ts';
import { EMPTY_ZONES, ZONE_LABEL_LAYERS, ZONE_SELECTION_LAYER, ZONE_SELECTION_SOURCE, ZONE_SOURCE, withZones, zoneLayers } from './zone-layers.ts';

setWorkerUrl(workerUrl);
// MapLibre gives a two-core phone one worker, where the zones would queue behind the roads
// being tiled; with two, sources are spread over both.
if (getWorkerCount() < 2) setWorkerCount(2);

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
    style: onlineStyle || withZones(buildOfflineStyle({ files, bounds: basemapTiles.bounds, fontFaces, locale }), locale),
    ...(camera
      ? { center: camera.center, zoom: camera.zoom }
      : { bounds: [west, south, east, north], fitBoundsOptions: { padding: 16 } }),
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

/** Adds the zones to a style that does not have them (an online style), on top. */
export function addZoneLayers(map: MapLibreMap, locale: Locale): void {
  if (map.getSource(ZONE_SOURCE)) return;
  map.addSource(ZONE_SOURCE, EMPTY_ZONES);
  map.addSource(ZONE_SELECTION_SOURCE, EMPTY_ZONES);
  const { fill, lines } = zoneLayers(locale);
  for (const layer of [...fill, ...lines, ZONE_SELECTION_LAYER]) map.addLayer(layer as never);
}

export function zoneSource(map: MapLibreMap): GeoJSONSource | undefined {
  return map.getSource(ZONE_SOURCE) as GeoJSONSource | undefined;
}

/** Switches every label the app owns to the language. */
export function setMapLocale(map: MapLibreMap, locale: Locale): void {
  for (const id of [...LABEL_LAYER_IDS, ...ZONE_LABEL_LAYERS]) {
    if (map.getLayer(id)) map.setLayoutProperty(id, 'text-field', labelText(locale));
  }
}
