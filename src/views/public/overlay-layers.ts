import type { Feature, FeatureCollection, LineString, MultiPolygon } from 'geojson';
import type { GeoJSONSourceSpecification, LayerSpecification } from '@maplibre/maplibre-gl-style-spec';

/** What the public view draws on top of the zones: the searched compound and walks to testing sites. */
export const OVERLAY_SOURCE = 'public-overlay';

export const OVERLAY_SOURCE_SPEC: GeoJSONSourceSpecification = {
  type: 'geojson',
  data: { type: 'FeatureCollection', features: [] },
};

function walkLine(id: string, color: string, width: number): LayerSpecification {
  return {
    id,
    type: 'line',
    source: OVERLAY_SOURCE,
    filter: ['==', ['get', 'role'], 'walk'],
    layout: { 'line-cap': 'round', 'line-join': 'round' },
    paint: { 'line-color': color, 'line-width': width },
  };
}

export const OVERLAY_LAYERS: LayerSpecification[] = [
  {
    id: 'overlay-compound',
    type: 'line',
    source: OVERLAY_SOURCE,
    filter: ['==', ['get', 'role'], 'compound'],
    paint: { 'line-color': '#1f3a5f', 'line-width': 3 },
  },
  // A white casing under the blue line keeps a walk readable over any zone colour.
  walkLine('overlay-walk-casing', '#ffffff', 7),
  walkLine('overlay-walk', '#2563eb', 4),
];

export function overlayData(compound: MultiPolygon | null, walks: readonly LineString[]): FeatureCollection {
  const features: Feature[] = walks.map((geometry) => ({ type: 'Feature', properties: { role: 'walk' }, geometry }));
  if (compound) features.push({ type: 'Feature', properties: { role: 'compound' }, geometry: compound });
  return { type: 'FeatureCollection', features };
}
