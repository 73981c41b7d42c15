import type { LineString, MultiPolygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { boundsOfPositions } from '../../src/map/map-focus.ts';
import { OVERLAY_LAYERS, OVERLAY_SOURCE, overlayData } from '../../src/views/public/overlay-layers.ts';

describe('public map overlay', () => {
  it('draws the walks and the searched compound as features its layers pick by role', () => {
    const walk: LineString = { type: 'LineString', coordinates: [[121, 31.9], [121.01, 31.91]] };
    const compound: MultiPolygon = { type: 'MultiPolygon', coordinates: [[[[121, 31.9], [121.001, 31.9], [121.001, 31.901], [121, 31.9]]]] };
    const data = overlayData(compound, [walk, walk]);
    expect(data.features.map((f) => f.properties?.role)).toEqual(['walk', 'walk', 'compound']);
    expect(overlayData(null, []).features).toEqual([]);
    const roles = OVERLAY_LAYERS.map((layer) => ('source' in layer ? layer.source : null));
    expect(new Set(roles)).toEqual(new Set([OVERLAY_SOURCE]));
  });

  it('frames positions by their west, south, east and north', () => {
    expect(boundsOfPositions([[121.01, 31.95], [120.99, 31.97], [121, 31.96]])).toEqual([120.99, 31.95, 121.01, 31.97]);
  });
});
