import type { MultiPolygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { countByLevel, zonesToGeoJSON, type MapZone } from '../../src/map/zone-layers.ts';

const square: MultiPolygon = { type: 'MultiPolygon', coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]] };
const zones = (): MapZone[] => [
  { id: 'z-lock', name: '江山鼎封控区', name_en: 'Jiangshanding lockdown zone', level: 'lockdown', geom: square },
  { id: 'z-prec', name: '防范区', name_en: null, level: 'precaution', geom: square },
  { id: 'z-ctrl', name: '管控区', level: 'control', geom: square },
];

describe('zonesToGeoJSON', () => {
  it('puts lockdown zones last so they are drawn over the zones around them', () => {
    expect(zonesToGeoJSON(zones()).features.map((f) => f.id)).toEqual(['z-prec', 'z-ctrl', 'z-lock']);
  });

  it('carries the names under the label keys of the basemap', () => {
    const lockdown = zonesToGeoJSON(zones()).features.find((f) => f.id === 'z-lock');
    expect(lockdown?.properties).toEqual({ id: 'z-lock', level: 'lockdown', name_zh: '江山鼎封控区', name_en: 'Jiangshanding lockdown zone' });
  });
});

describe('countByLevel', () => {
  it('counts zones per level, zero for levels without zones', () => {
    expect(countByLevel(zones().slice(0, 2))).toEqual({ lockdown: 1, control: 0, precaution: 1 });
  });
});
