import type { FeatureCollection } from 'geojson';
import { describe, expect, it } from 'vitest';
import { boundsOf, slimLayer } from '../../src/map/basemap/basemap-data.ts';

const roads = (): FeatureCollection => ({
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      properties: { id: 'road-00001', class: 'primary', name_zh: '新港路', oneway: true, speed_kmh: 40, synthetic: true },
      geometry: { type: 'LineString', coordinates: [[120.9234567, 31.9123456], [120.95, 31.93]] },
    },
  ],
});

describe('slimLayer', () => {
  it('keeps only what the style reads and rounds coordinates to five decimals', () => {
    expect(slimLayer('roads', roads()).features[0]).toEqual({
      type: 'Feature',
      properties: { class: 'primary', name_zh: '新港路' },
      geometry: { type: 'LineString', coordinates: [[120.92346, 31.91235], [120.95, 31.93]] },
    });
  });

  it('drops features without geometry', () => {
    const collection: FeatureCollection = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: null as never }] };
    expect(slimLayer('water', collection).features).toEqual([]);
  });
});

describe('boundsOf', () => {
  it('spans every position', () => {
    expect(boundsOf([roads()])).toEqual([120.9234567, 31.9123456, 120.95, 31.93]);
  });

  it('refuses empty data instead of returning infinite bounds', () => {
    expect(() => boundsOf([{ type: 'FeatureCollection', features: [] }])).toThrow(/no coordinates/);
  });
});
