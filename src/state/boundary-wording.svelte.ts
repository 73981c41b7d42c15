import type { FeatureCollection, LineString, MultiPolygon, Polygon } from 'geojson';
import {
  prepareBoundFeatures,
  zoneBounds,
  type BoundFeatures,
  type NameProperties,
  type ZoneBounds,
} from '../geo/zone-bounds.ts';
import { fetchBasemapLayer } from '../services/basemap-roads.ts';
import { staffCompounds } from './staff-data.svelte.ts';

/**
 * What a notice's boundary wording (四至) is found from: the basemap's named roads (every road
 * cell) and water (its whole-layer file) and the compounds, indexed once (re-indexed when the
 * compounds change). Fetched on first use.
 */
class BoundaryWording {
  #layers = $state.raw<{
    roads: FeatureCollection<LineString, NameProperties>;
    water: FeatureCollection<Polygon | MultiPolygon, NameProperties>;
  } | null>(null);
  #requested = false;
  problem = $state<string | null>(null);

  readonly features = $derived.by((): BoundFeatures | null =>
    this.#layers
      ? prepareBoundFeatures({
          roads: this.#layers.roads,
          water: this.#layers.water,
          compounds: staffCompounds.items,
        })
      : null,
  );

  load(): void {
    if (this.#requested) return;
    this.#requested = true;
    Promise.all([
      fetchBasemapLayer<LineString, NameProperties>('roads'),
      fetchBasemapLayer<Polygon | MultiPolygon, NameProperties>('water'),
    ])
      .then(([roads, water]) => (this.#layers = { roads, water }))
      .catch((error: Error) => {
        this.#requested = false;
        this.problem = error.message;
      });
  }

  /** The bounds of a zone shape, or null until the features are in. */
  boundsOf(geom: Polygon | MultiPolygon): ZoneBounds | null {
    return this.features ? zoneBounds(geom, this.features) : null;
  }
}

export const boundaryWording = new BoundaryWording();
