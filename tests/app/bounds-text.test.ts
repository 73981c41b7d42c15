import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { prepareBoundFeatures, zoneBounds, type ZoneBounds } from '../../src/geo/zone-bounds.ts';
import { boundsText } from '../../src/views/command/bounds-text.ts';

const road = (name: string, nameEn: string) => ({ kind: 'road' as const, name, nameEn, featureKind: 'road' as const });

describe('boundsText', () => {
  const bounds: ZoneBounds = {
    east: road('新港路', 'Xingang Road'),
    south: { kind: 'water', name: '竹行河', nameEn: 'Zhuhang River', featureKind: 'water' },
    west: road('振兴路', 'Zhenxing Road'),
    north: { kind: 'compound-wall', name: '江山鼎', nameEn: 'Jiangshanding', featureKind: 'compound', wall: 'north' },
  };

  it('words the four sides as a notice does, in Chinese and English', () => {
    expect(boundsText('zh-CN', bounds)).toBe('东至新港路，南至竹行河，西至振兴路，北至江山鼎北侧围墙');
    expect(boundsText('en', bounds)).toBe(
      'east: Xingang Road; south: Zhuhang River; west: Zhenxing Road; north: the north wall of Jiangshanding',
    );
  });

  it('says how far short of the nearest feature a side stops, or that nothing named bounds it', () => {
    const open: ZoneBounds = {
      ...bounds,
      east: { kind: 'nearest', name: '新港路', nameEn: 'Xingang Road', featureKind: 'road', distanceM: 212.4 },
      west: { kind: 'none' },
    };
    expect(boundsText('zh-CN', open)).toBe(
      '东至距新港路约 212 米处，南至竹行河，西至（无可命名的道路或建筑），北至江山鼎北侧围墙',
    );
    expect(boundsText('en', open)).toContain('east: 212 m short of Xingang Road');
  });

  it('words a demo zone from the road network', () => {
    const read = (layer: string) => JSON.parse(readFileSync(`data/nantong/${layer}.geojson`, 'utf8'));
    const zone = read('zones').features.find((f: { properties: { id: string } }) => f.properties.id === 'zone-001');
    const features = prepareBoundFeatures({ roads: read('roads'), water: read('water'), compounds: read('compounds') });
    expect(boundsText('zh-CN', zoneBounds(zone.geometry, features))).toBe(
      '东至宏达二路，南至东方二街，西至金港二街，北至秋实二大道',
    );
  });
});
