import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parseFontFaces } from '../../src/map/basemap/font-faces.ts';
import {
  BASEMAP_SOURCE,
  LABEL_LAYER_IDS,
  MAP_FONT,
  ZONE_FILL_BEFORE_LAYER,
  ZONE_LINE_BEFORE_LAYER,
  buildOfflineStyle,
  labelText,
} from '../../src/map/basemap/style.ts';
import {
  ROAD_CLASS_MINZOOM,
  TILE_LAYERS,
  TILE_MAX_ZOOM,
  tileProperties,
  type TileLayer,
} from '../../src/map/basemap/tile-schema.ts';
import { withZones } from '../../src/map/zone-layers.ts';

// As create-map.ts passes them: every path of `basemapFiles` made absolute with `new URL()`,
// which percent-encodes the template's braces.
const files = {
  tiles: new URL('basemap/tiles-0123456789/{z}/{x}/{y}.pbf', 'http://127.0.0.1/').href,
  roads: 'http://127.0.0.1/basemap/roads-0123456789/index.json',
  water: 'http://127.0.0.1/basemap/water-0123456789.json',
};
const fontFaces = [{ url: 'http://127.0.0.1/assets/latin.woff2', 'unicode-range': ['U+0000-00FF'] }];

describe('offline basemap style', () => {
  it('is a valid MapLibre style, with the zones first among sources and under the labels', () => {
    const full = withZones(buildOfflineStyle({ files, fontFaces, locale: 'zh-CN' }), 'zh-CN');
    expect(Object.keys(full.sources)[0]).toBe('zones');
    const ids = full.layers.map((layer) => layer.id);
    expect(ids.indexOf('zone-fill')).toBe(ids.indexOf(ZONE_FILL_BEFORE_LAYER) - 1);
    expect(ids.indexOf('zone-label')).toBe(ids.indexOf(ZONE_LINE_BEFORE_LAYER) - 2);
    expect(ids.indexOf('zone-selection')).toBe(ids.indexOf(ZONE_LINE_BEFORE_LAYER) - 1);
    expect(validateStyleMin(full)).toEqual([]);
  });

  it('reads only local files: no glyph server, sprite or remote source', () => {
    const style = buildOfflineStyle({ files, fontFaces, locale: 'en' });
    expect(style.glyphs).toBeUndefined();
    expect(style.sprite).toBeUndefined();
    const urls = [
      ...Object.values(style.sources).flatMap((s) => (s as { tiles: string[] }).tiles),
      ...fontFaces.map((f) => f.url),
    ];
    for (const url of urls) expect(new URL(url).hostname).toBe('127.0.0.1');
    expect(style['font-faces']).toEqual({ [MAP_FONT]: fontFaces });
  });

  it('draws every layer from one vector tile source, with the template’s placeholders restored', () => {
    const bounds: [number, number, number, number] = [120.9, 31.82, 121.07, 32];
    const style = buildOfflineStyle({ files, bounds, fontFaces, locale: 'zh-CN' });
    expect(style.sources).toEqual({
      [BASEMAP_SOURCE]: {
        type: 'vector',
        tiles: ['http://127.0.0.1/basemap/tiles-0123456789/{z}/{x}/{y}.pbf'],
        minzoom: 8,
        maxzoom: TILE_MAX_ZOOM,
        bounds,
      },
    });
    for (const layer of style.layers) {
      if (layer.type === 'background') continue;
      const { source, 'source-layer': sourceLayer } = layer as { source: string; 'source-layer': string };
      expect(source, layer.id).toBe(BASEMAP_SOURCE);
      expect(TILE_LAYERS, layer.id).toContain(sourceLayer);
    }
    expect(() => buildOfflineStyle({ files: { roads: files.roads }, fontFaces, locale: 'en' })).toThrow(/tiles/);
  });

  it('draws each road class from the zoom its tiles hold it, and labels from the zoom the tiles name it', () => {
    const style = buildOfflineStyle({ files, fontFaces, locale: 'en' });
    const roadLayers = style.layers.filter((l) => /^road-[a-z]+(-casing)?$/.test(l.id) && l.id !== 'road-label') as {
      id: string;
      minzoom: number;
      filter: unknown[];
    }[];
    expect(roadLayers).toHaveLength(2 * Object.keys(ROAD_CLASS_MINZOOM).length);
    for (const layer of roadLayers) {
      const cls = layer.filter[2] as string;
      // The tile of the zoom a layer appears at holds that class.
      expect(tileProperties('roads', { class: cls }, Math.max(8, Math.floor(layer.minzoom))), layer.id).not.toBeNull();
      expect(layer.minzoom, layer.id).toBe(ROAD_CLASS_MINZOOM[cls]);
    }
    for (const id of LABEL_LAYER_IDS) {
      const layer = style.layers.find((l) => l.id === id) as {
        minzoom?: number;
        maxzoom?: number;
        'source-layer': TileLayer;
      };
      const first = Math.max(8, Math.floor(layer.minzoom ?? 0));
      const last = Math.min(TILE_MAX_ZOOM, Math.ceil(layer.maxzoom ?? Infinity) - 1);
      for (const z of [first, last]) {
        const props = tileProperties(layer['source-layer'], { class: 'primary', name_zh: '路', name_en: 'Road' }, z);
        expect(props, `${id} at z${z}`).toMatchObject({ name_zh: '路', name_en: 'Road' });
      }
    }
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
          const [start, end = start] = range
            .slice(2)
            .split('-')
            .map((hex) => parseInt(hex, 16));
          return codePoint >= start && codePoint <= end;
        }),
      );
    for (const char of 'Az江山鼎封控区') expect(covers(char.codePointAt(0)!), char).toBe(true);
  });
});
