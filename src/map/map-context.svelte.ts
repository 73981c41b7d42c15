import type { Layer } from '@deck.gl/core';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { getContext, setContext } from 'svelte';
import type { DeckOverlay } from './deck-overlay.ts';

const KEY = Symbol('map-context');

/**
 * The one map of a screen, shared with the layers drawn on it. `MapView` creates it and the map;
 * layer components (zones, sites, compounds, drawing, routes) read it with `getMapContext()`,
 * add their sources and layers once the style has loaded and remove them when they unmount, so a
 * view composes the layers it needs and no view owns the map.
 */
export class MapContext {
  /** The MapLibre instance, set once it is created; never proxied (`$state.raw`). */
  map = $state.raw<MapLibreMap | null>(null);
  /** True once the style has loaded: sources and layers may be added from then on. */
  styleLoaded = $state(false);
  /** The deck.gl overlay, loaded on its own after the map starts (deck.gl is a large chunk). */
  deck = $state.raw<DeckOverlay | null>(null);
  /** Style layers whose features a click selects (their features carry an `id` property). */
  // Registries read on demand (a click, an overlay update), never rendered: not reactive on purpose.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly clickable = new Set<string>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #deckLayers = new Map<string, Layer[]>();
  readonly #order: string[] = [];

  /**
   * Runs `setup` with the map once the style has loaded, now or later, from inside a component's
   * `$effect`; the function it returns runs when the component unmounts (or the map goes away).
   */
  withStyle(setup: (map: MapLibreMap) => void | (() => void)): void | (() => void) {
    const map = this.map;
    if (!map || !this.styleLoaded) return;
    const teardown = setup(map);
    return () => {
      // A screen that unmounts removes the map before its layers' teardowns run.
      if (map.style) teardown?.();
    };
  }

  /**
   * Sets the deck.gl layers a component contributes under its key; one overlay draws them all, in
   * the order the keys were first seen. `null` removes them.
   */
  setDeckLayers(key: string, layers: Layer[] | null): void {
    if (layers) {
      if (!this.#deckLayers.has(key)) this.#order.push(key);
      this.#deckLayers.set(key, layers);
    } else {
      this.#deckLayers.delete(key);
      this.#order.splice(this.#order.indexOf(key) >>> 0, 1);
    }
    this.deck?.setLayers(this.#order.flatMap((k) => this.#deckLayers.get(k) ?? []));
  }

  /** Hands the overlay its layers once it has loaded. */
  attachDeck(deck: DeckOverlay): void {
    this.deck = deck;
    deck.setLayers(this.#order.flatMap((k) => this.#deckLayers.get(k) ?? []));
  }
}

export function setMapContext(context: MapContext): MapContext {
  return setContext(KEY, context);
}

/** The map context of the enclosing `MapView`; throws when used outside one. */
export function getMapContext(): MapContext {
  const context = getContext<MapContext | undefined>(KEY);
  if (!context) throw new Error('a map layer must be placed inside <MapView>');
  return context;
}
