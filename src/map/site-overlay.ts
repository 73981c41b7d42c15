import { MapboxOverlay } from '@deck.gl/mapbox';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { siteLayers, type MapSite, type SiteLayerInput } from './site-layers.ts';

/** The deck.gl overlay of the site markers on a map. */
export interface SiteOverlay<T extends MapSite> {
  /** The site under a screen point (CSS pixels from the map's corner), if any. */
  pick(x: number, y: number): T | null;
  update(input: SiteLayerInput<T>): void;
  remove(): void;
}

/**
 * Adds the site overlay to a map. Loaded on its own (deck.gl is a third of the public route's
 * code) after the map has started, so the zones' first frame does not wait for it.
 */
export function createSiteOverlay<T extends MapSite>(map: MapLibreMap): SiteOverlay<T> {
  // interleaved: true throws in getViewport with maplibre-gl 6.17 (DESIGN.md); a separate canvas
  // over the map works, and the markers belong above the zones anyway.
  const overlay = new MapboxOverlay({ interleaved: false, layers: [] });
  map.addControl(overlay);
  return {
    pick(x, y) {
      const picked = overlay.pickObject({ x, y, radius: 8 });
      return (picked?.object as T | undefined) ?? null;
    },
    update(input) {
      overlay.setProps({ layers: siteLayers(input) });
    },
    remove() {
      map.removeControl(overlay);
    },
  };
}
