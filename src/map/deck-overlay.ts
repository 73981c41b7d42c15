import { MapboxOverlay } from '@deck.gl/mapbox';
import type { Layer } from '@deck.gl/core';
import type { Map as MapLibreMap } from 'maplibre-gl';

/** The deck.gl overlay of a map: markers and other layers drawn by deck.gl. */
export interface DeckOverlay {
  /** The object under a screen point (CSS pixels from the map's corner) and its layer, if any. */
  pick(x: number, y: number): { object: unknown; layerId: string } | null;
  setLayers(layers: Layer[]): void;
  remove(): void;
}

/**
 * Adds the deck.gl overlay to a map. Loaded on its own (deck.gl is a third of the public route's
 * code) after the map has started, so the zones' first frame does not wait for it.
 */
export function createDeckOverlay(map: MapLibreMap): DeckOverlay {
  // interleaved: true throws in getViewport with maplibre-gl 6.17 (docs/app.md); a separate canvas
  // over the map works, and the markers belong above the zones anyway.
  const overlay = new MapboxOverlay({ interleaved: false, layers: [] });
  map.addControl(overlay);
  // The app picks on click only (`pick` below). Left to itself, deck.gl would hover-pick, a
  // synchronous GPU read-back, on every mouse move: during a vertex drag MapLibre reports plain
  // mouse moves without the button flag that stops it, which cost 3x the script time of a pan on
  // the scale-10 city (tests/bench/vertex-drag.bench.ts).
  const hover = (overlay as unknown as { _handleMouseEvent?: (event: unknown) => void })._handleMouseEvent;
  if (hover) for (const type of ['mousemove', 'mouseout'] as const) map.off(type, hover);
  return {
    pick(x, y) {
      const picked = overlay.pickObject({ x, y, radius: 8 });
      return picked?.object && picked.layer ? { object: picked.object, layerId: picked.layer.id } : null;
    },
    setLayers(layers) {
      overlay.setProps({ layers });
    },
    remove() {
      map.removeControl(overlay);
    },
  };
}
