import type { Position } from 'geojson';
import { buildSnapIndex, type SnapIndex } from '../geo/snap-index.ts';
import { polygonsOf } from '../geo/zone-geometry.ts';
import { fetchBasemapRoads } from '../services/basemap-roads.ts';
import { staffCompounds } from './staff-data.svelte.ts';

/**
 * What a drawing snaps to: compound outlines (as read by the staff store) and road centre lines
 * (the basemap's roads: every road cell, `fetchBasemapRoads`). The roads are fetched on first
 * use; until then, outlines alone.
 */
class SnappingStore {
  #roads = $state.raw<Position[][] | null>(null);
  #requested = false;

  readonly index = $derived.by((): SnapIndex => {
    const lines: Position[][] = [];
    for (const compound of staffCompounds.items)
      for (const polygon of polygonsOf(compound.geom)) lines.push(...polygon);
    if (this.#roads) lines.push(...this.#roads);
    return buildSnapIndex(lines);
  });

  /** Starts reading the roads (once); a failure leaves snapping to outlines only. */
  load(): void {
    if (this.#requested) return;
    this.#requested = true;
    fetchBasemapRoads()
      .then((roads) => (this.#roads = roads.features.map((feature) => feature.geometry.coordinates)))
      .catch(() => (this.#requested = false));
  }
}

export const snapping = new SnappingStore();
