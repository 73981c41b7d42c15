import { readFileSync } from 'node:fs';
import type { Feature, FeatureCollection, MultiPolygon, Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import type { CoordinateSystem } from '../../src/io/coordinates.ts';
import { exportZonesGeoJson, exportZonesKml, type ExportZone } from '../../src/io/export-zones.ts';
import { importZones, MAX_IMPORT_PROBLEMS, type ImportResult } from '../../src/io/import-zones.ts';
import { haversineM } from '../../src/routing/distance.ts';
import { demoDistrict, demoZones } from './demo-zones.ts';

// KML needs an XML DOM. Node has none, and @xmldom/xmldom (togeojson's choice) is not installed:
// the KML tests run once it is. Imported by a name in a variable, so type checks pass without it.
const XMLDOM = '@xmldom/xmldom';
const xmldom = await import(/* @vite-ignore */ XMLDOM).catch(() => null);
const parseXml: ((text: string) => Document) | undefined =
  xmldom &&
  ((text) =>
    new xmldom.DOMParser({
      onError: (level: string, message: string) => {
        if (level !== 'warning') throw new Error(message);
      },
    }).parseFromString(text, 'text/xml'));

const fixture = (name: string) => readFileSync(`tests/fixtures/io/${name}`, 'utf8');
const zones = demoZones();
const district = demoDistrict();
const all = { selection: zones.map((z) => z.id) };

/** Two of the demo lockdown zones as one zone of two parts (a MultiGeometry in KML). */
const twoParts: ExportZone = {
  ...zones[0],
  id: 'zone-two',
  name: '两片封控区',
  geom: { type: 'MultiPolygon', coordinates: [zones[0].geom.coordinates[0], zones[2].geom.coordinates[0]] },
};

const collection = (...features: Feature[]): string => JSON.stringify({ type: 'FeatureCollection', features });
const feature = (properties: Record<string, unknown> | null, geometry: unknown): Feature =>
  ({ type: 'Feature', properties, geometry }) as Feature;
const square = (x: number, y: number, size: number): Position[][] => [
  [
    [x, y],
    [x + size, y],
    [x + size, y + size],
    [x, y + size],
    [x, y],
  ],
];
/** A square of about 95 m × 110 m inside the demo district. */
const good = { type: 'Polygon', coordinates: square(121.0036, 31.9591, 0.001) };

function zonesOf(result: ImportResult) {
  if (!result.ok) throw new Error(`import refused: ${JSON.stringify(result.problems)}`);
  return result.zones;
}
const codes = (result: ImportResult) => (result.ok ? [] : result.problems.map((p) => p.code));

/** Largest distance in metres between corresponding positions. */
function furthest(a: MultiPolygon, b: MultiPolygon): number {
  expect(b.coordinates.map((p) => p.map((r) => r.length))).toEqual(a.coordinates.map((p) => p.map((r) => r.length)));
  let max = 0;
  a.coordinates.forEach((p, i) =>
    p.forEach((r, j) =>
      r.forEach(
        ([x, y], k) => (max = Math.max(max, haversineM(x, y, ...(b.coordinates[i][j][k] as [number, number])))),
      ),
    ),
  );
  return max;
}

function expectSameZones(
  text: string | Document,
  crs: CoordinateSystem,
  tolerance: (a: MultiPolygon, b: MultiPolygon) => void,
  source = zones,
) {
  const imported = zonesOf(importZones(text, { crs, district, parseXml }));
  expect(imported.map((z) => [z.name, z.name_en, z.level])).toEqual(source.map((z) => [z.name, z.name_en, z.level]));
  imported.forEach((z, i) => tolerance(z.geom, source[i].geom));
}
const within1e6 = (a: MultiPolygon, b: MultiPolygon) => {
  expect(a.coordinates.flat(3).length).toBe(b.coordinates.flat(3).length);
  a.coordinates
    .flat(3)
    .forEach((v, i) => expect(Math.abs(v - (b.coordinates.flat(3)[i] as number))).toBeLessThan(1e-6));
};
const within1m = (a: MultiPolygon, b: MultiPolygon) => expect(furthest(a, b)).toBeLessThan(1);

describe('importZones: GeoJSON', () => {
  it('reads the exported fixture', () => {
    expect(zonesOf(importZones(fixture('zones.geojson'), { district }))).toEqual(
      zones
        .filter((z) => ['zone-001', 'zone-002', 'zone-009'].includes(z.id))
        .map((z) => ({ name: z.name, name_en: z.name_en, level: z.level, geom: z.geom })),
    );
  });

  it('round-trips every demo zone and a two-part zone', () => {
    const source = [...zones, twoParts];
    expectSameZones(exportZonesGeoJson(source, { selection: source.map((z) => z.id) }), 'wgs84', within1e6, source);
  });

  it.each(['gcj02', 'bd09'] as const)('round-trips through %s within a metre', (crs) => {
    const text = exportZonesGeoJson(zones, { ...all, crs });
    expectSameZones(text, crs, within1m);
    // Read as WGS84, the same file is hundreds of metres off: the conversion is not skipped.
    expect(furthest(zonesOf(importZones(text))[0].geom, zones[0].geom)).toBeGreaterThan(300);
  });

  it('names each broken fixture’s problem', () => {
    expect(importZones(fixture('broken-point.geojson'))).toEqual({
      ok: false,
      problems: [{ feature: 0, name: '江山鼎核酸采样点', code: 'not_polygon', value: 'Point' }],
      total: 1,
    });
    const bowtie = importZones(fixture('broken-bowtie.geojson'));
    expect(bowtie).toMatchObject({
      ok: false,
      problems: [{ feature: 0, name: '江山鼎封控区', code: 'self_intersection' }],
    });
    expect(bowtie.ok || bowtie.problems[0].positions?.[0][0]).toBeCloseTo(121.00475, 6);
    expect(importZones(fixture('broken-no-level.geojson'))).toEqual({
      ok: false,
      problems: [{ feature: 0, name: '江山鼎封控区', code: 'no_level' }],
      total: 1,
    });
    expect(importZones(fixture('broken-not-json.geojson'))).toEqual({
      ok: false,
      problems: [{ code: 'unreadable' }],
      total: 1,
    });
  });

  it('refuses the whole file for one bad feature, listing every problem', () => {
    const features = ['broken-point.geojson', 'broken-bowtie.geojson', 'broken-no-level.geojson'].flatMap(
      (name) => (JSON.parse(fixture(name)) as FeatureCollection).features,
    );
    const result = importZones(collection(feature({ name: '好', level: 'control' }, good), ...features), { district });
    expect(result).toMatchObject({ ok: false, total: 3 });
    expect(result.ok || result.problems.map((p) => [p.feature, p.code])).toEqual([
      [1, 'not_polygon'],
      [2, 'self_intersection'],
      [3, 'no_level'],
    ]);
    expect(result).not.toHaveProperty('zones');
  });

  it('reads levels and names as Chinese files write them', () => {
    const read = zonesOf(
      importZones(
        collection(
          feature({ 名称: '甲', 等级: '封控区' }, good),
          feature({ name_zh: '乙', level: ' Control ' }, good),
          feature({ name: '丙', 级别: '防范' }, good),
          feature({ name: '丁', type: 'precaution', name_en: 'D' }, good),
        ),
      ),
    );
    expect(read.map((z) => [z.name, z.level, z.name_en])).toEqual([
      ['甲', 'lockdown', undefined],
      ['乙', 'control', undefined],
      ['丙', 'precaution', undefined],
      ['丁', 'precaution', 'D'],
    ]);
    expect(read[0]).not.toHaveProperty('name_en');
  });

  it('names missing names, unknown levels and features that are no areas', () => {
    const result = importZones(
      collection(
        feature({ level: 'lockdown' }, good),
        feature({ name: '甲', level: '高风险区' }, good),
        feature(
          { name: '乙', level: 'lockdown' },
          {
            type: 'LineString',
            coordinates: [
              [121, 31.96],
              [121.01, 31.96],
            ],
          },
        ),
        feature({ name: '丙', level: 'lockdown' }, null),
        feature(null, { type: 'GeometryCollection', geometries: [good, { type: 'Point', coordinates: [121, 31.96] }] }),
        feature({ name: '丁', level: 'lockdown' }, { type: 'Polygon', coordinates: 'none' }),
      ),
    );
    expect(result.ok || result.problems).toEqual([
      { feature: 0, code: 'no_name' },
      { feature: 1, name: '甲', code: 'unknown_level', value: '高风险区' },
      { feature: 2, name: '乙', code: 'not_polygon', value: 'LineString' },
      { feature: 3, name: '丙', code: 'no_geometry' },
      { feature: 4, code: 'no_name' },
      { feature: 4, code: 'no_level' },
      { feature: 4, code: 'not_polygon', value: 'Point' },
      { feature: 5, name: '丁', code: 'not_polygon' },
    ]);
  });

  it('applies the drawing rules to each shape, in WGS84', () => {
    const props = { name: '甲', level: 'lockdown' };
    const open = { type: 'Polygon', coordinates: [square(121.0036, 31.9591, 0.001)[0].slice(0, 4)] };
    const tiny = { type: 'Polygon', coordinates: square(121.0036, 31.9591, 0.00005) };
    const far = { type: 'Polygon', coordinates: square(121.2, 31.9591, 0.001) };
    const bad = {
      type: 'Polygon',
      coordinates: [
        [
          [121.0036, 'x'],
          [121.0046, 31.9591],
          [121.0046, 31.9601],
          [121.0036, 'x'],
        ],
      ],
    };
    const result = importZones(
      collection(...[open, tiny, far, { type: 'MultiPolygon', coordinates: [] }, bad].map((g) => feature(props, g))),
      { district, crs: 'gcj02' },
    );
    expect(codes(result)).toEqual(['ring_not_closed', 'area_too_small', 'outside_district', 'empty', 'bad_position']);
    // A square 110 m inside the district's northern edge, read as GCJ-02, lies 220 m further north in WGS84.
    const edge = { type: 'Polygon', coordinates: square(121.0036, 31.99711 - 0.001 - 0.0005, 0.0005) };
    expect(importZones(collection(feature(props, edge)), { district }).ok).toBe(true);
    expect(codes(importZones(collection(feature(props, edge)), { district, crs: 'gcj02' }))).toEqual([
      'outside_district',
    ]);
    expect(codes(importZones(collection(feature(props, good)), { minAreaM2: 20_000 }))).toEqual(['area_too_small']);
  });

  it('keeps two dimensions of positions with altitudes', () => {
    const high = { type: 'Polygon', coordinates: [square(121.0036, 31.9591, 0.001)[0].map(([x, y]) => [x, y, 12])] };
    const [zone] = zonesOf(importZones(collection(feature({ name: '甲', level: 'lockdown' }, high))));
    expect(zone.geom).toEqual({ type: 'MultiPolygon', coordinates: [square(121.0036, 31.9591, 0.001)] });
  });

  it('reads a single feature, a bare geometry, and a file with a byte order mark', () => {
    const one = feature({ name: '甲', level: 'lockdown' }, good);
    expect(zonesOf(importZones(JSON.stringify(one)))).toHaveLength(1);
    expect(zonesOf(importZones('\uFEFF\n' + collection(one)))).toHaveLength(1);
    expect(codes(importZones(JSON.stringify(good)))).toEqual(['no_name', 'no_level']);
  });

  it('names a file that is no GeoJSON, holds no features, or is KML with no parser', () => {
    expect(codes(importZones('[1, 2]'))).toEqual(['unknown_format']);
    expect(codes(importZones('{"type": "Topology", "objects": {}}'))).toEqual(['unknown_format']);
    expect(codes(importZones('{"type": "FeatureCollection"}'))).toEqual(['unknown_format']);
    expect(codes(importZones(''))).toEqual(['unreadable']);
    expect(importZones(collection())).toEqual({ ok: false, problems: [{ code: 'no_features' }], total: 1 });
    expect(importZones(fixture('zones.kml'))).toEqual({ ok: false, problems: [{ code: 'kml_unsupported' }], total: 1 });
  });

  it(`lists at most ${MAX_IMPORT_PROBLEMS} problems and counts them all`, () => {
    const points = Array.from({ length: 60 }, () =>
      feature({ name: '甲', level: 'lockdown' }, { type: 'Point', coordinates: [121, 31.96] }),
    );
    const result = importZones(collection(...points));
    expect(result).toMatchObject({ ok: false, total: 60 });
    expect(result.ok || result.problems).toHaveLength(MAX_IMPORT_PROBLEMS);
  });
});

describe.skipIf(!parseXml)('importZones: KML', () => {
  it('reads the exported fixture as its GeoJSON twin', () => {
    expect(importZones(fixture('zones.kml'), { district, parseXml })).toEqual(
      importZones(fixture('zones.geojson'), { district }),
    );
  });

  it('round-trips every demo zone and a two-part zone, and through GCJ-02 within a metre', () => {
    const source = [...zones, twoParts];
    expectSameZones(exportZonesKml(source, { selection: source.map((z) => z.id) }), 'wgs84', within1e6, source);
    expectSameZones(exportZonesKml(zones, { ...all, crs: 'gcj02' }), 'gcj02', within1m);
  });

  it('takes a document the caller parsed', () => {
    expectSameZones(parseXml!(exportZonesKml(zones, all)), 'wgs84', within1e6);
  });

  it('names each broken fixture’s problem', () => {
    const problems = (name: string) => {
      const result = importZones(fixture(name), { parseXml });
      return result.ok ? [] : result.problems.map(({ positions: _positions, ...p }) => p);
    };
    expect(problems('broken-point.kml')).toEqual([
      { feature: 0, name: '江山鼎核酸采样点', code: 'not_polygon', value: 'Point' },
    ]);
    expect(problems('broken-bowtie.kml')).toEqual([{ feature: 0, name: '江山鼎封控区', code: 'self_intersection' }]);
    expect(problems('broken-no-level.kml')).toEqual([{ feature: 0, name: '江山鼎封控区', code: 'no_level' }]);
    expect(problems('broken-not-xml.kml')).toEqual([{ code: 'unreadable' }]);
  });

  it('names XML that is not KML, and a document with a parser error', () => {
    expect(codes(importZones('<gpx version="1.1"><trk/></gpx>', { parseXml }))).toEqual(['unknown_format']);
    const reported = parseXml!('<html><parsererror>not well-formed</parsererror></html>');
    expect(codes(importZones(reported))).toEqual(['unreadable']);
  });
});
