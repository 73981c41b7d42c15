import type { MultiPolygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec';
import { areas, EDIT_LAYERS, EDIT_SOURCE, editOverlayData, points } from '../../src/map/edit-layers.ts';

const square: MultiPolygon = {
  type: 'MultiPolygon',
  coordinates: [
    [
      [
        [0, 0],
        [1, 0],
        [1, 1],
        [0, 1],
        [0, 0],
      ],
    ],
  ],
};

describe('the edit overlay', () => {
  it('is a valid style: every layer reads the overlay source', () => {
    const style = {
      version: 8 as const,
      glyphs: 'http://127.0.0.1/{fontstack}/{range}.pbf',
      sources: { [EDIT_SOURCE]: { type: 'geojson' as const, data: editOverlayData([]) } },
      layers: EDIT_LAYERS,
    };
    expect(validateStyleMin(style as never)).toEqual([]);
    expect(EDIT_LAYERS.every((layer) => 'source' in layer && layer.source === EDIT_SOURCE)).toBe(true);
  });

  it('tags features with their role, id and label', () => {
    const data = editOverlayData([
      ...areas('in', [square], ['c1']),
      ...points('crossing', [[0.5, 0.5]]),
      { role: 'remote', geometry: square, label: 'a@b' },
    ]);
    expect(data.features.map((f) => f.properties)).toEqual([
      { role: 'in', id: 'c1', label: null },
      { role: 'crossing', id: null, label: null },
      { role: 'remote', id: null, label: 'a@b' },
    ]);
  });
});
