import type { GeoJSONSource } from 'maplibre-gl';
import type { Locale } from '../navigation/hash-state.ts';
import { addZoneLayers, createMap } from './create-map.ts';
import { ZONE_SOURCE, zonesToGeoJSON, type MapZone } from './zone-layers.ts';

/** Longest a picture may take to draw before the notice goes without one. */
const SNAPSHOT_TIMEOUT_MS = 20_000;

/**
 * A picture of zones on the basemap, framed on them, as a PNG data URL (null when it cannot be
 * drawn in time). Drawn on a map of its own, off screen and removed afterwards, so the
 * commander's map, its camera and the link keep exactly where they were.
 */
export async function snapshotZones(
  zones: readonly MapZone[],
  bounds: [number, number, number, number],
  { locale, width = 1000, height = 700 }: { locale: Locale; width?: number; height?: number },
): Promise<string | null> {
  const container = document.createElement('div');
  Object.assign(container.style, {
    position: 'fixed',
    left: '-10000px',
    top: '0',
    width: `${width}px`,
    height: `${height}px`,
  });
  container.setAttribute('aria-hidden', 'true');
  document.body.append(container);
  const map = createMap({ container, camera: null, locale });
  const once = (event: 'load' | 'idle') => new Promise<void>((resolve) => map.once(event, () => resolve()));
  const drawn = (async () => {
    await once('load');
    addZoneLayers(map, locale);
    (map.getSource(ZONE_SOURCE) as GeoJSONSource).setData(zonesToGeoJSON(zones));
    map.fitBounds(bounds, { padding: 40, animate: false, maxZoom: 17 });
    map.triggerRepaint();
    await once('idle');
    // WebGL keeps a frame only until the next is composed: read it in the render that draws it.
    return new Promise<string | null>((resolve) => {
      map.once('render', () => {
        try {
          resolve(map.getCanvas().toDataURL('image/png'));
        } catch {
          resolve(null);
        }
      });
      map.triggerRepaint();
    });
  })();
  const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), SNAPSHOT_TIMEOUT_MS));
  try {
    return await Promise.race([drawn, timeout]);
  } finally {
    map.remove();
    container.remove();
  }
}
