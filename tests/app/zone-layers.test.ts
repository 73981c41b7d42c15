import type { MultiPolygon } from 'geojson';
import { expression } from '@maplibre/maplibre-gl-style-spec';
import { describe, expect, it } from 'vitest';
import { ZONE_LEVELS } from '../../src/domain/rows.ts';
import { blend, contrastRatio, hexToRgb, relativeLuminance } from '../../src/map/contrast.ts';
import {
  ZONE_COLORS,
  ZONE_FILL_OPACITY,
  ZONE_OUTLINE_COLORS,
  countByLevel,
  zoneLayers,
  zonesToGeoJSON,
  type MapZone,
} from '../../src/map/zone-layers.ts';

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
    expect(lockdown?.properties).toEqual({
      id: 'z-lock',
      level: 'lockdown',
      name_zh: '江山鼎封控区',
      name_en: 'Jiangshanding lockdown zone',
    });
  });
});

describe('countByLevel', () => {
  it('counts zones per level, zero for levels without zones', () => {
    expect(countByLevel(zones().slice(0, 2))).toEqual({ lockdown: 1, control: 0, precaution: 1 });
  });
});

describe('zone colours against the basemap', () => {
  /** The basemap's land, and land under the sub-district tint (#eeeadf at 0.6). */
  const LAND = '#f2efe6';
  const DISTRICT_LAND = blend('#eeeadf', 0.6, LAND);

  it('draws every level’s outline at 3:1 or more against the land, where the orange and yellow fills fall short', () => {
    for (const level of ZONE_LEVELS) {
      expect(contrastRatio(ZONE_OUTLINE_COLORS[level], LAND), level).toBeGreaterThanOrEqual(4);
      expect(contrastRatio(ZONE_OUTLINE_COLORS[level], DISTRICT_LAND), level).toBeGreaterThanOrEqual(4);
      // The outline also stands off its own fill, tinted over the land, on the inner side.
      const tinted = blend(ZONE_COLORS[level], ZONE_FILL_OPACITY.zoomedOut, LAND);
      expect(contrastRatio(ZONE_OUTLINE_COLORS[level], tinted), level).toBeGreaterThanOrEqual(2);
    }
    expect(contrastRatio(ZONE_COLORS.control, LAND)).toBeLessThan(3);
    expect(contrastRatio(ZONE_COLORS.precaution, LAND)).toBeLessThan(3);
  });

  it('keeps the official fills and darkens each outline in the fill’s own hue', () => {
    expect(ZONE_COLORS).toEqual({ lockdown: '#d7263d', control: '#f08a24', precaution: '#f2c500' });
    const hue = (hex: string) => {
      const [r, g, b] = hexToRgb(hex).map((c) => c / 255);
      const max = Math.max(r, g, b);
      const min = Math.min(r, g, b);
      const d = max - min;
      const h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
      return (h * 60 + 360) % 360;
    };
    for (const level of ZONE_LEVELS) {
      expect(relativeLuminance(ZONE_OUTLINE_COLORS[level]), level).toBeLessThan(relativeLuminance(ZONE_COLORS[level]));
      expect(Math.abs(hue(ZONE_OUTLINE_COLORS[level]) - hue(ZONE_COLORS[level])), level).toBeLessThan(20);
    }
  });

  it('outlines by level in the darker colours and fills in the official ones', () => {
    const { fill, lines } = zoneLayers('zh-CN');
    const paint = (id: string) =>
      [...fill, ...lines].find((layer) => layer.id === id)!.paint as Record<string, unknown>;
    const colourOf = (spec: unknown, level: string) => {
      const parsed = expression.createExpression(spec, 'layers[0].paint.line-color');
      if (parsed.result !== 'success') throw new Error(JSON.stringify(parsed.value));
      return parsed.value.evaluate({ zoom: 12 }, { type: 'Polygon', properties: { level } } as never);
    };
    for (const level of ZONE_LEVELS) {
      expect(colourOf(paint('zone-line')['line-color'], level), level).toBe(ZONE_OUTLINE_COLORS[level]);
      expect(colourOf(paint('zone-draft-line')['line-color'], level), level).toBe(ZONE_OUTLINE_COLORS[level]);
      expect(colourOf(paint('zone-fill')['fill-color'], level), level).toBe(ZONE_COLORS[level]);
    }
  });
});
