import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parseFontFaces } from '../../src/map/basemap/font-faces.ts';
import { LABEL_LAYER_IDS, MAP_FONT, ZONE_FILL_BEFORE_LAYER, ZONE_LINE_BEFORE_LAYER, buildOfflineStyle, labelText } from '../../src/map/basemap/style.ts';
import { withZones } from '../../src/map/zone-layers.ts';

const files = {
  districts: 'http://127.0.0.1/basemap/districts.json',
  water: 'http://127.0.0.1/basemap/water.json',
  roads: 'http://127.0.0.1/basemap/roads.json',
  compounds: 'http://127.0.0.1/basemap/compounds.json',
};
const fontFaces = [{ url: 'http://127.0.0.1/assets/latin.woff2', 'unicode-range': ['U+0000-00FF'] }];

describe('offline basemap style', () => {
  it('is a valid MapLibre style, with the zones first among sources and under the labels', () => {
    const full = withZones(buildOfflineStyle({ files, fontFaces, locale: 'zh-CN' }), 'zh-CN');
    expect(Object.keys(full.sources)[0]).toBe('zones');
    const ids = full.layers.map((layer) => layer.id);
    expect(ids.indexOf('zone-fill')).toBe(ids.indexOf(ZONE_FILL_BEFORE_LAYER) - 1);
    expect(ids.indexOf('zone-label')).toBe(ids.indexOf(ZONE_LINE_BEFORE_LAYER) - 1);
    expect(validateStyleMin(full)).toEqual([]);
  });

  it('reads only local files: no glyph server, sprite or remote source', () => {
    const style = buildOfflineStyle({ files, fontFaces, locale: 'en' });
    expect(style.glyphs).toBeUndefined();
    expect(style.sprite).toBeUndefined();
    const urls = [...Object.values(style.sources).map((s) => (s as { data: string }).data), ...fontFaces.map((f) => f.url)];
    for (const url of urls) expect(new URL(url).hostname).toBe('127.0.0.1');
    expect(style['font-faces']).toEqual({ [MAP_FONT]: fontFaces });
  });

  it('labels in the chosen language, falling back to the official Chinese name', () => {
    expect(labelText('zh-CN')).toEqual(['coalesce', ['get', 'name_zh'], '']);
    expect(labelText('en')).toEqual(['coalesce', ['get', 'name_en'], ['get', 'name_zh'], '']);
    const style = buildOfflineStyle({ files, fontFaces, locale: 'en' });
    for (const id of LABEL_LAYER_IDS) {
      const layer = style.layers.find((l) => l.id === id) as { layout: Record<string, unknown> };
      expect(layer.layout['text-field'], id).toEqual(labelText('en'));
      expect(layer.layout['text-font'], id).toEqual([MAP_FONT]);
    }
  });
});

describe('map font faces', () => {
  it('declares every woff2 subset of Noto Sans SC with its range, Latin and the common ideographs included', () => {
    const css = readFileSync(createRequire(import.meta.url).resolve('@fontsource/noto-sans-sc/400.css'), 'utf8');
    const faces = parseFontFaces(css);
    expect(faces.length).toBeGreaterThan(90);
    for (const face of faces) {
      expect(face.file).toMatch(/\.woff2$/);
      for (const range of face.unicodeRange) expect(range).toMatch(/^U\+[0-9A-F]+(-[0-9A-F]+)?$/);
    }
    const covers = (codePoint: number) =>
      faces.some((face) =>
        face.unicodeRange.some((range) => {
          const [start, end = start] = range.slice(2).split('-').map((hex) => parseInt(hex, 16));
          return codePoint >= start && codePoint <= end;
        }),
      );
    for (const char of 'Az江山鼎封控区') expect(covers(char.codePointAt(0)!), char).toBe(true);
  });
});
