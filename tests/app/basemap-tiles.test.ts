import { VectorTile } from '@mapbox/vector-tile';
import type { Feature, FeatureCollection, LineString, Position } from 'geojson';
import { PbfReader } from 'pbf';
import { describe, expect, it } from 'vitest';
import { BASEMAP_LAYERS, slimLayer, type BasemapLayer } from '../../src/map/basemap/basemap-data.ts';
import { mergeRoadLines } from '../../src/map/basemap/road-lines.ts';
import {
  lngToTileX,
  latToTileY,
  tileBBox,
  tileXToLng,
  tileYToLat,
  tilesCovering,
  viewBBox,
  zoomToFit,
} from '../../src/map/basemap/tile-grid.ts';
import { TILE_LAYERS, TILE_MAX_ZOOM, TILE_MIN_ZOOM, tileZoomBands } from '../../src/map/basemap/tile-schema.ts';
import { buildVectorTiles } from '../../src/map/basemap/vector-tiles.ts';
import { demoLayer } from '../helpers/demo-district.ts';

const line = (properties: Record<string, unknown>, coordinates: Position[]): Feature<LineString> => ({
  type: 'Feature',
  properties,
  geometry: { type: 'LineString', coordinates },
});
const collection = (features: Feature[]): FeatureCollection => ({ type: 'FeatureCollection', features });
const square = (w: number, s: number, size: number, properties: Record<string, unknown>): Feature => ({
  type: 'Feature',
  properties,
  geometry: {
    type: 'Polygon',
    coordinates: [
      [
        [w, s],
        [w + size, s],
        [w + size, s + size],
        [w, s + size],
        [w, s],
      ],
    ],
  },
});

/** The z14 tile column boundary nearest 120.95°: a street crossing it lies in two tiles. */
const EDGE_LNG = tileXToLng(Math.round(lngToTileX(120.95, 14)), 14);

function smallCity(): Record<BasemapLayer, FeatureCollection> {
  return {
    districts: collection([square(120.94, 31.94, 0.02, { name_zh: '小海街道', name_en: 'Xiaohai' })]),
    water: collection([square(120.955, 31.955, 0.002, { name_zh: '河', name_en: 'River', kind: 'canal' })]),
    roads: collection([
      // One primary street in three edges, crossing a z14 tile column boundary.
      line({ class: 'primary', name_zh: '星湖大道', name_en: 'Xinghu Avenue' }, [
        [EDGE_LNG - 0.004, 31.945],
        [EDGE_LNG - 0.001, 31.945],
      ]),
      line({ class: 'primary', name_zh: '星湖大道', name_en: 'Xinghu Avenue' }, [
        [EDGE_LNG - 0.001, 31.945],
        [EDGE_LNG + 0.001, 31.945],
      ]),
      line({ class: 'primary', name_zh: '星湖大道', name_en: 'Xinghu Avenue' }, [
        [EDGE_LNG + 0.001, 31.945],
        [EDGE_LNG + 0.004, 31.945],
      ]),
      line({ class: 'residential', name_zh: '小巷', name_en: 'Lane' }, [
        [120.945, 31.95],
        [120.946, 31.951],
      ]),
      line({ class: 'footpath', name_zh: '小路' }, [
        [120.945, 31.952],
        [120.946, 31.953],
      ]),
    ]),
    compounds: collection([square(120.947, 31.947, 0.001, { name_zh: '江山鼎', name_en: 'Jiangshanding' })]),
  };
}

/** Every feature of a tile: source layer, properties, and its geometry in degrees. */
function decode(bytes: Uint8Array, key: string) {
  const [z, x, y] = key.split('/').map(Number);
  const tile = new VectorTile(new PbfReader(bytes));
  return Object.entries(tile.layers).flatMap(([name, layer]) =>
    Array.from({ length: layer.length }, (_, i) => {
      const feature = layer.feature(i);
      return { layer: name, properties: feature.properties, geojson: feature.toGeoJSON(x, y, z) };
    }),
  );
}

describe('tile grid', () => {
  it('turns positions into tile columns and rows and back', () => {
    const [lng, lat] = [120.9521, 31.9501];
    const x = lngToTileX(lng, 14);
    const y = latToTileY(lat, 14);
    expect(tileXToLng(x, 14)).toBeCloseTo(lng, 10);
    expect(tileYToLat(y, 14)).toBeCloseTo(lat, 10);
    const [w, s, e, n] = tileBBox({ z: 14, x: Math.floor(x), y: Math.floor(y) });
    expect(w <= lng && lng < e && s < lat && lat <= n).toBe(true);
  });

  it('lists the tiles a bbox touches, and fits a bbox to a screen as MapLibre does', () => {
    const tiles = tilesCovering([EDGE_LNG - 0.001, 31.94, EDGE_LNG + 0.001, 31.941], 14);
    expect(tiles.map((t) => t.x)).toEqual([Math.round(lngToTileX(120.95, 14)) - 1, Math.round(lngToTileX(120.95, 14))]);
    // A 512-pixel tile fits a 512-pixel screen at its own zoom.
    expect(zoomToFit(tileBBox({ z: 12, x: 3425, y: 1662 }), 512, 512)).toBeCloseTo(12, 6);
    const view = viewBBox([120.95, 31.95], 12, 512, 512);
    expect(zoomToFit(view, 512, 512)).toBeCloseTo(12, 6);
  });
});

describe('mergeRoadLines', () => {
  it('joins the edges of one street end to end, keeps other streets apart, and stops where a third edge meets', () => {
    const a = { class: 'primary', name_zh: '甲路' };
    const b = { class: 'primary', name_zh: '乙路' };
    const merged = mergeRoadLines([
      line(a, [
        [1, 0],
        [2, 0],
      ]),
      line(a, [
        [0, 0],
        [1, 0],
      ]),
      // reversed edge of the same street
      line(a, [
        [3, 0],
        [2, 0],
      ]),
      // a branch of 甲路 at (3, 0): the street continues no further as one line
      line(a, [
        [3, 0],
        [4, 0],
      ]),
      line(a, [
        [3, 0],
        [3, 1],
      ]),
      line(b, [
        [1, 0],
        [1, 1],
      ]),
    ]);
    const coords = merged.filter((f) => f.properties.name_zh === '甲路').map((f) => f.geometry.coordinates);
    expect(coords).toHaveLength(3);
    expect(coords[0]).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
      [3, 0],
    ]);
    expect(merged.filter((f) => f.properties.name_zh === '乙路')).toHaveLength(1);
  });

  it('keeps a closed loop whole', () => {
    const p = { class: 'service' };
    const merged = mergeRoadLines([
      line(p, [
        [0, 0],
        [1, 0],
      ]),
      line(p, [
        [1, 0],
        [1, 1],
      ]),
      line(p, [
        [1, 1],
        [0, 0],
      ]),
    ]);
    expect(merged).toHaveLength(1);
    expect(merged[0].geometry.coordinates).toHaveLength(4);
  });
});

describe('basemap vector tiles', () => {
  const set = buildVectorTiles(smallCity());

  it('decode back to the layers, classes and names, on the zooms the style draws them', () => {
    const at = (z: number) =>
      [...set.tiles].filter(([key]) => key.startsWith(`${z}/`)).flatMap(([key, bytes]) => decode(bytes, key));
    const z14 = at(14);
    expect(new Set(z14.map((f) => f.layer))).toEqual(new Set(TILE_LAYERS.filter((l) => l !== 'district_labels')));
    const primary = z14.find((f) => f.layer === 'roads' && f.properties.class === 'primary')!;
    expect(primary.properties).toEqual({ class: 'primary', name_zh: '星湖大道', name_en: 'Xinghu Avenue' });
    expect(z14.find((f) => f.layer === 'compounds')?.properties).toEqual({});
    const compoundLabel = z14.find((f) => f.layer === 'compound_labels')!;
    expect(compoundLabel.properties).toEqual({ name_zh: '江山鼎', name_en: 'Jiangshanding' });
    const [lng, lat] = (compoundLabel.geojson.geometry as { coordinates: Position }).coordinates;
    expect(lng).toBeCloseTo(120.9475, 4);
    expect(lat).toBeCloseTo(31.9475, 4);
    // A class the style does not draw is not tiled.
    expect(z14.some((f) => f.properties.class === 'footpath')).toBe(false);

    const z9 = at(9);
    // (the district straddles two z9 rows: the street lies in the buffer of both)
    expect(new Set(z9.filter((f) => f.layer === 'roads').map((f) => JSON.stringify(f.properties)))).toEqual(
      new Set(['{"class":"primary"}']),
    );
    expect(z9.some((f) => f.layer === 'compounds' || f.layer === 'compound_labels' || f.layer === 'water_labels')).toBe(
      false,
    );
    expect(z9.filter((f) => f.layer === 'district_labels').map((f) => f.properties)).toContainEqual({
      name_zh: '小海街道',
      name_en: 'Xiaohai',
    });
    expect(z9.find((f) => f.layer === 'districts')?.properties).toEqual({});
    expect(at(11).find((f) => f.layer === 'water_labels')?.properties).toEqual({ name_zh: '河', name_en: 'River' });
  });

  it('puts a street crossing a tile edge in both tiles, each with its own part', () => {
    const column = Math.round(lngToTileX(120.95, 14));
    const row = Math.floor(latToTileY(31.945, 14));
    const parts = [column - 1, column].map((x) => {
      const key = `14/${x}/${row}`;
      const features = decode(set.tiles.get(key)!, key).filter((f) => f.properties.class === 'primary');
      expect(features, key).toHaveLength(1);
      const coords = (features[0].geojson.geometry as LineString).coordinates;
      return coords.map(([lng]) => lng);
    });
    // The western tile's part reaches the edge (and the buffer beyond), the eastern starts before it.
    expect(Math.min(...parts[0])).toBeCloseTo(EDGE_LNG - 0.004, 4);
    expect(Math.max(...parts[0])).toBeGreaterThanOrEqual(EDGE_LNG);
    expect(Math.min(...parts[1])).toBeLessThanOrEqual(EDGE_LNG);
    expect(Math.max(...parts[1])).toBeCloseTo(EDGE_LNG + 0.004, 4);
  });

  it('writes no empty tile, and covers the zoom range within the data bounds', () => {
    for (const bytes of set.tiles.values()) expect(bytes.length).toBeGreaterThan(0);
    for (const [key, bytes] of set.tiles) expect(decode(bytes, key).length, key).toBeGreaterThan(0);
    const zooms = new Set([...set.tiles.keys()].map((key) => Number(key.split('/')[0])));
    expect([...zooms].sort((a, b) => a - b)).toEqual(
      Array.from({ length: TILE_MAX_ZOOM - TILE_MIN_ZOOM + 1 }, (_, i) => TILE_MIN_ZOOM + i),
    );
    // Nothing is written outside the data's bounds.
    const inBounds = tilesCovering(set.bounds, 14).map(({ z, x, y }) => `${z}/${x}/${y}`);
    const written = [...set.tiles.keys()].filter((key) => key.startsWith('14/'));
    expect(written.every((key) => inBounds.includes(key))).toBe(true);
    const expected = [120.94, 31.94, EDGE_LNG + 0.004, 31.96];
    set.bounds.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 9));
  });

  it('leaves out the tiles where no layer has anything', () => {
    const sparse = smallCity();
    sparse.districts = collection([
      square(120.94, 31.94, 0.001, { name_zh: '甲' }),
      square(121.04, 32.04, 0.001, { name_zh: '乙' }),
    ]);
    sparse.water = collection([]);
    sparse.compounds = collection([]);
    sparse.roads = collection([]);
    const { tiles, bounds } = buildVectorTiles(sparse);
    const inBounds = tilesCovering(bounds, 14);
    const written = [...tiles.keys()].filter((key) => key.startsWith('14/'));
    expect(written.length).toBeGreaterThanOrEqual(2);
    expect(written.length).toBeLessThan(inBounds.length / 10);
  });

  it('hashes the content: the same data give the same hash, another road another', () => {
    expect(buildVectorTiles(smallCity()).hash).toBe(set.hash);
    const moved = smallCity();
    moved.roads.features.push(
      line({ class: 'secondary' }, [
        [120.95, 31.95],
        [120.951, 31.95],
      ]),
    );
    expect(buildVectorTiles(moved).hash).not.toBe(set.hash);
  });

  it('keeps the whole demo district small at the zoom that fits it, and drops minor roads there', () => {
    const demo = Object.fromEntries(
      BASEMAP_LAYERS.map((layer) => [layer, slimLayer(layer, demoLayer(layer) as unknown as FeatureCollection)]),
    ) as Record<BasemapLayer, FeatureCollection>;
    const tiles = buildVectorTiles(demo);
    const z = Math.floor(zoomToFit(tiles.bounds, 1280, 800, 16));
    const view = tilesCovering(tiles.bounds, z).map(({ x, y }) => `${z}/${x}/${y}`);
    const bytes = view.reduce((sum, key) => sum + (tiles.tiles.get(key)?.length ?? 0), 0);
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThan(64 * 1024);
    const classes = new Set(
      view
        .flatMap((key) => (tiles.tiles.has(key) ? decode(tiles.tiles.get(key)!, key) : []))
        .map((f) => f.properties.class),
    );
    expect(classes.has('residential')).toBe(false);
    expect(tileZoomBands()[0][0]).toBe(TILE_MIN_ZOOM);
  });
});
