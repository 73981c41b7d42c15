import type { FeatureCollection } from 'geojson';
import { describe, expect, it } from 'vitest';
import { boundsOf, slimLayer } from '../../src/map/basemap/basemap-data.ts';
import { buildRoadCells, cellsFor, mergeCellRoads } from '../../src/map/basemap/road-cells.ts';
import { lngToTileX, tileXToLng } from '../../src/map/basemap/tile-grid.ts';

const roads = (): FeatureCollection => ({
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      properties: {
        id: 'road-00001',
        class: 'primary',
        name_zh: '新港路',
        oneway: true,
        speed_kmh: 40,
        synthetic: true,
      },
      geometry: {
        type: 'LineString',
        coordinates: [
          [120.9234567, 31.9123456],
          [120.95, 31.93],
        ],
      },
    },
  ],
});

describe('slimLayer', () => {
  it('keeps only what the style reads and rounds coordinates to five decimals', () => {
    expect(slimLayer('roads', roads()).features[0]).toEqual({
      type: 'Feature',
      properties: { class: 'primary', name_zh: '新港路' },
      geometry: {
        type: 'LineString',
        coordinates: [
          [120.92346, 31.91235],
          [120.95, 31.93],
        ],
      },
    });
  });

  it('drops features without geometry', () => {
    const collection: FeatureCollection = {
      type: 'FeatureCollection',
      features: [{ type: 'Feature', properties: {}, geometry: null as never }],
    };
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

describe('road cells', () => {
  // A z13 column boundary near 120.95°.
  const edge = tileXToLng(Math.round(lngToTileX(120.95, 13)), 13);
  const network = (): FeatureCollection => ({
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        properties: { class: 'primary', name_zh: '甲路' },
        geometry: {
          type: 'LineString',
          coordinates: [
            [edge - 0.01, 31.94],
            [edge - 0.005, 31.94],
          ],
        },
      },
      {
        type: 'Feature',
        properties: { class: 'primary', name_zh: '甲路' },
        geometry: {
          type: 'LineString',
          coordinates: [
            [edge - 0.005, 31.94],
            [edge + 0.005, 31.94],
          ],
        },
      },
      {
        type: 'Feature',
        properties: { class: 'service' },
        geometry: { type: 'LineString', coordinates: [[edge + 0.005, 31.94]] },
      },
      {
        type: 'Feature',
        properties: { class: 'tertiary' },
        geometry: {
          type: 'LineString',
          coordinates: [
            [edge + 0.005, 31.94],
            [edge + 0.01, 31.945],
          ],
        },
      },
    ],
  });

  it('puts a road crossing a cell edge whole into both cells, with its position as id, and lists the cells', () => {
    const { cells, index } = buildRoadCells(network());
    expect(index.zoom).toBe(13);
    expect(index.cells).toHaveLength(2);
    const [west, east] = index.cells.map((key) => cells.get(key)!);
    expect(west.map((r) => r.id)).toEqual([0, 1]);
    expect(east.map((r) => r.id)).toEqual([1, 3]);
    expect(east[0].geometry).toEqual(network().features[1].geometry);
    expect(index.bounds).toEqual([edge - 0.01, 31.94, edge + 0.01, 31.945]);
  });

  it('finds the cells a bbox needs among those that exist, and merges cells without repeating a road', () => {
    const { cells, index } = buildRoadCells(network());
    expect(cellsFor(index, [edge - 0.002, 31.939, edge - 0.001, 31.941])).toEqual([index.cells[0]]);
    expect(cellsFor(index, [edge - 0.002, 31.939, edge + 0.001, 31.941])).toEqual(index.cells);
    expect(cellsFor(index, [edge + 1, 31.939, edge + 1.1, 31.941])).toEqual([]);
    const merged = mergeCellRoads([cells.get(index.cells[1])!, cells.get(index.cells[0])!]);
    expect(merged.map((r) => r.id)).toEqual([0, 1, 3]);
  });
});
