import type { Feature, LineString, MultiPolygon, Polygon, Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import {
  NEAREST_SEARCH_M,
  prepareBoundFeatures,
  SIDES,
  zoneBounds,
  type Bound,
  type NamedFeature,
  type Side,
} from '../../src/geo/zone-bounds.ts';
import { demoLayer } from '../helpers/demo-district.ts';

// Fixtures are drawn in metres east (x) and north (y) of a point in the ETDZ.
const ORIGIN = [120.95, 31.95];
const METRES_PER_DEGREE = 111_320;
const KX = Math.cos((ORIGIN[1] * Math.PI) / 180);
const at = (x: number, y: number): Position => [
  ORIGIN[0] + x / (METRES_PER_DEGREE * KX),
  ORIGIN[1] + y / METRES_PER_DEGREE,
];

/** A counter-clockwise rectangle ring, in metres. */
const ring = (x0: number, y0: number, x1: number, y1: number): Position[] => [
  at(x0, y0),
  at(x1, y0),
  at(x1, y1),
  at(x0, y1),
  at(x0, y0),
];
const rect = (x0: number, y0: number, x1: number, y1: number): Polygon => ({
  type: 'Polygon',
  coordinates: [ring(x0, y0, x1, y1)],
});

let nextId = 1;
/** A road through the given points (metres), one feature per segment as in roads.geojson. */
function road(name: string | null, ...points: [number, number][]): Feature<LineString>[] {
  return points.slice(1).map((end, i) => ({
    type: 'Feature',
    properties: { id: `r-${nextId++}`, name_zh: name, name_en: name ? `${name} (en)` : null },
    geometry: { type: 'LineString', coordinates: [at(...points[i]), at(...end)] },
  }));
}
const area = (id: string, name: string, geometry: Polygon): NamedFeature<Polygon> => ({
  type: 'Feature',
  properties: { id, name_zh: name, name_en: `${name} (en)` },
  geometry,
});

/** The zone of most fixtures: 200 m square, streets 12 m out from it as around a demo lockdown zone. */
const square = rect(0, 0, 200, 200);
const eastRoad = road('新港路', [212, -300], [212, 100], [212, 500]);
const southRoad = road('竹行路', [-300, -12], [500, -12]);
const westRoad = road('振兴路', [-12, -300], [-12, 500]);
const northRoad = road('江海路', [-300, 212], [100, 212], [500, 212]);

const names = (bounds: Record<Side, Bound>) => SIDES.map((side) => `${side}:${bounds[side].kind}:${bounds[side].name}`);

describe('zoneBounds on hand-made fixtures', () => {
  it('names the four roads around a rectangle on the sides they run along', () => {
    const prepared = prepareBoundFeatures({ roads: [...eastRoad, ...southRoad, ...westRoad, ...northRoad] });
    const bounds = zoneBounds(square, prepared);
    expect(names(bounds)).toEqual(['east:road:新港路', 'south:road:竹行路', 'west:road:振兴路', 'north:road:江海路']);
    expect(bounds.east).toMatchObject({ featureKind: 'road', nameEn: '新港路 (en)', coverage: 1 });
    expect(bounds.east.distanceM).toBeCloseTo(12, 0);
    // Both edges of 新港路 follow 100 m of the side: the road is one bound, listing both.
    expect(bounds.east.ids).toHaveLength(2);
    expect(bounds.east.ids).toEqual(expect.arrayContaining(eastRoad.map((f) => f.properties!.id)));
  });

  it('swaps the answer when the roads swap places', () => {
    const swapped = prepareBoundFeatures({
      roads: [
        ...road('振兴路', [212, -300], [212, 500]),
        ...road('江海路', [-300, -12], [500, -12]),
        ...road('新港路', [-12, -300], [-12, 500]),
        ...road('竹行路', [-300, 212], [500, 212]),
      ],
    });
    expect(names(zoneBounds(square, swapped))).toEqual([
      'east:road:振兴路',
      'south:road:江海路',
      'west:road:新港路',
      'north:road:竹行路',
    ]);
  });

  it('works whichever way the ring runs, and for a zone drawn on the centre lines', () => {
    const clockwise: Polygon = { type: 'Polygon', coordinates: [[...square.coordinates[0]].reverse()] };
    const prepared = prepareBoundFeatures({ roads: [...eastRoad, ...southRoad, ...westRoad, ...northRoad] });
    expect(names(zoneBounds(clockwise, prepared))).toEqual(names(zoneBounds(square, prepared)));
    const onCentreLines = zoneBounds(rect(-12, -12, 212, 212), prepared);
    expect(names(onCentreLines)).toEqual(names(zoneBounds(square, prepared)));
    expect(onCentreLines.north.distanceM).toBeLessThan(0.1);
  });

  it('does not count a road through the middle, an access road across a side, or one too far out', () => {
    // A strip 200 m by 80 m: the road through it runs 40 m from its north and south sides.
    const strip = rect(0, 0, 200, 80);
    const prepared = prepareBoundFeatures({
      roads: [
        ...road('穿心路', [-300, 40], [500, 40]), // east-west through the middle
        ...road('中轴路', [100, -300], [100, 500]), // north-south through the middle
        ...road('小区进出道路', [60, -12], [60, 30]), // across the south side to a gate
        ...road('外环路', [-300, 150], [500, 150]), // along the north side, 70 m out
        ...eastRoad,
        ...westRoad,
      ],
    });
    const bounds = zoneBounds(strip, prepared);
    expect(bounds.east.name).toBe('新港路');
    expect(bounds.west.name).toBe('振兴路');
    // Nothing runs along the south side: looking south, nothing named within the search.
    expect(bounds.south).toEqual({ kind: 'none' });
    // The ring road is 70 m north: the nearest thing, not the bound.
    expect(bounds.north).toMatchObject({ kind: 'nearest', featureKind: 'road', name: '外环路', coverage: 1 });
    expect(bounds.north.distanceM).toBeCloseTo(70, 0);
  });

  it('prefers the road following the longer stretch, and the closer of two parallel roads', () => {
    const prepared = prepareBoundFeatures({
      roads: [
        ...road('长路', [212, -100], [212, 130]), // 130 m of the east side
        ...road('短路', [215, 130], [215, 400]), // the other 70 m
        ...road('近路', [-300, 208], [500, 208]),
        ...road('远路', [-300, 250], [500, 250]),
      ],
    });
    const bounds = zoneBounds(square, prepared);
    expect(bounds.east.name).toBe('长路');
    expect(bounds.east.coverage).toBeCloseTo(0.65, 1);
    expect(bounds.north.name).toBe('近路');
  });

  it('takes a road split into many edges as one road', () => {
    // 新港路 follows 120 m of the east side in three edges of 40 m; 另一路 the other 80 m in one.
    const prepared = prepareBoundFeatures({
      roads: [...road('新港路', [212, 0], [212, 40], [212, 80], [212, 120]), ...road('另一路', [212, 120], [212, 200])],
    });
    const east = zoneBounds(square, prepared).east;
    expect(east).toMatchObject({ kind: 'road', name: '新港路' });
    expect(east.coverage).toBeCloseTo(0.6, 1);
    expect(east.ids).toHaveLength(3);
  });

  it('skips unnamed roads, however close', () => {
    const prepared = prepareBoundFeatures({
      roads: [
        ...road(null, [205, -300], [205, 500]),
        ...road('', [-5, -300], [-5, 500]),
        ...road('   ', [-300, 205], [500, 205]),
        ...eastRoad,
      ],
    });
    const bounds = zoneBounds(square, prepared);
    expect(bounds.east.name).toBe('新港路');
    expect(bounds.west).toEqual({ kind: 'none' });
    expect(bounds.north).toEqual({ kind: 'none' });
  });

  it('reads database rows (name, geom) as well as GeoJSON features', () => {
    const rows = eastRoad.map((f) => ({ id: f.properties!.id, name: '新港路', name_en: null, geom: f.geometry }));
    const east = zoneBounds(square, prepareBoundFeatures({ roads: rows })).east;
    expect(east).toMatchObject({ kind: 'road', name: '新港路', id: rows[0].id });
    expect(east.nameEn).toBeUndefined();
  });

  it('names a river along the south side, but a road along it first', () => {
    const river = area('wtr-1', '竹行河', rect(-500, -80, 700, -20));
    const withRiver = prepareBoundFeatures({ roads: [...eastRoad, ...westRoad, ...northRoad], water: [river] });
    const bounds = zoneBounds(square, withRiver);
    expect(bounds.south).toMatchObject({
      kind: 'water',
      featureKind: 'water',
      name: '竹行河',
      id: 'wtr-1',
      coverage: 1,
    });
    expect(bounds.south.distanceM).toBeCloseTo(20, 0);
    expect(bounds.east.name).toBe('新港路');
    // A zone drawn into the river is bounded by it too.
    expect(zoneBounds(rect(0, -50, 200, 200), withRiver).south).toMatchObject({ kind: 'water', name: '竹行河' });
    // An embankment road between zone and river is what the notice names.
    const withRoad = prepareBoundFeatures({ roads: road('滨河路', [-300, -10], [500, -10]), water: [river] });
    expect(zoneBounds(square, withRoad).south).toMatchObject({ kind: 'road', name: '滨河路' });
  });

  it("names a compound's wall where no road or water runs along the side", () => {
    const jiangshanding = area('cmp-1', '江山鼎', square);
    const neighbour = area('cmp-2', '锦绣府', rect(-20, 215, 220, 400));
    const noNorthRoad = [...eastRoad, ...southRoad, ...westRoad];
    // The zone is the compound: 北至江山鼎北侧围墙.
    const own = zoneBounds(square, prepareBoundFeatures({ roads: noNorthRoad, compounds: [jiangshanding] }));
    expect(own.north).toMatchObject({
      kind: 'compound-wall',
      featureKind: 'compound',
      name: '江山鼎',
      id: 'cmp-1',
      wall: 'north',
      coverage: 1,
    });
    expect(own.east.name).toBe('新港路');
    // The zone's own wall is nearer than the neighbour's fence 15 m on.
    const next = zoneBounds(
      square,
      prepareBoundFeatures({ roads: noNorthRoad, compounds: [jiangshanding, neighbour] }),
    );
    expect(next.north).toMatchObject({ kind: 'compound-wall', name: '江山鼎', wall: 'north' });
    // The zone stops at the neighbour's fence: 北至锦绣府南侧围墙.
    const beyond = zoneBounds(
      rect(0, 0, 200, 205),
      prepareBoundFeatures({ roads: noNorthRoad, compounds: [neighbour] }),
    );
    expect(beyond.north).toMatchObject({ kind: 'compound-wall', name: '锦绣府', wall: 'south' });
    expect(beyond.north.distanceM).toBeCloseTo(10, 0);
  });

  it('gives the nearest named feature beyond a bare side with its distance, or none beyond the search', () => {
    const far = (gap: number) =>
      zoneBounds(square, prepareBoundFeatures({ roads: [...road('新港路', [200 + gap, -300], [200 + gap, 500])] }))
        .east;
    expect(far(200)).toMatchObject({ kind: 'nearest', featureKind: 'road', name: '新港路', coverage: 1 });
    expect(far(200).distanceM).toBeCloseTo(200, 0);
    expect(far(NEAREST_SEARCH_M - 10).kind).toBe('nearest');
    expect(far(NEAREST_SEARCH_M + 10)).toEqual({ kind: 'none' });
    // A compound 150 m out faces the zone with its west wall; a road behind it is hidden.
    const hidden = zoneBounds(
      square,
      prepareBoundFeatures({
        roads: road('新港路', [400, -300], [400, 500]),
        compounds: [area('c', '百合苑', rect(350, -50, 380, 250))],
      }),
    ).east;
    expect(hidden).toMatchObject({ kind: 'nearest', featureKind: 'compound', name: '百合苑', wall: 'west' });
    expect(hidden.distanceM).toBeCloseTo(150, 0);
    // What lies beyond another side does not count: a road 200 m north, running east-west.
    expect(zoneBounds(square, prepareBoundFeatures({ roads: road('北路', [-300, 400], [500, 400]) })).east).toEqual({
      kind: 'none',
    });
  });

  it('takes a MultiPolygon by its outer sides: the facing sides of its parts bound nothing', () => {
    const twoParts: MultiPolygon = {
      type: 'MultiPolygon',
      coordinates: [[ring(0, 0, 200, 200)], [ring(260, 0, 460, 200)]],
    };
    const prepared = prepareBoundFeatures({
      roads: [
        ...road('振兴路', [-12, -300], [-12, 500]),
        ...road('中间路', [212, -300], [212, 500]), // between the parts: along the western one's east side
        ...road('新港路', [472, 0], [472, 100]), // along half the eastern part's east side
        ...road('竹行路', [-300, -12], [900, -12]),
        ...road('江海路', [250, 212], [900, 212]), // along the eastern part's north side only
      ],
    });
    const bounds = zoneBounds(twoParts, prepared);
    expect(names(bounds)).toEqual(['east:road:新港路', 'south:road:竹行路', 'west:road:振兴路', 'north:road:江海路']);
    // Half of each side, good to a sample (10 m of 400).
    for (const side of ['east', 'north'] as const) expect(Math.abs(bounds[side].coverage! - 0.5)).toBeLessThan(0.06);
    // The western part alone: the road between them is its east bound.
    expect(zoneBounds(square, prepared).east).toMatchObject({ kind: 'road', name: '中间路' });
  });

  it("ignores a zone's holes: a road along a hole's edge bounds nothing", () => {
    const ringed: Polygon = {
      type: 'Polygon',
      coordinates: [ring(0, 0, 200, 200), [...ring(60, 60, 140, 140)].reverse()],
    };
    const prepared = prepareBoundFeatures({ roads: [...road('内圈路', [150, -300], [150, 500]), ...eastRoad] });
    expect(zoneBounds(ringed, prepared).east.name).toBe('新港路');
    expect(zoneBounds(ringed, prepareBoundFeatures({ roads: road('内圈路', [150, -300], [150, 500]) })).east.kind).toBe(
      'none',
    );
  });

  it('gives each side an answer even where no edge faces it squarely (the apex of a triangle)', () => {
    const triangle: Polygon = { type: 'Polygon', coordinates: [[at(0, 0), at(200, 0), at(100, 300), at(0, 0)]] };
    const prepared = prepareBoundFeatures({ roads: [...road('斜路', [231, -56], [101, 334]), ...southRoad] });
    const bounds = zoneBounds(triangle, prepared);
    expect(bounds.east).toMatchObject({ kind: 'road', name: '斜路' });
    expect(bounds.north).toMatchObject({ kind: 'road', name: '斜路' });
    expect(bounds.south.name).toBe('竹行路');
  });
});

describe('zoneBounds on the demo district', () => {
  const roads = demoLayer('roads');
  const prepared = prepareBoundFeatures({ roads, water: demoLayer('water'), compounds: demoLayer('compounds') });
  const zones = new Map(demoLayer('zones').features.map((f) => [f.properties.id, f.geometry]));
  const roadById = new Map(roads.features.map((f) => [f.properties.id, f.geometry.coordinates]));
  const zoneById = (id: string) => zones.get(id)!;

  /** Mean of the positions. */
  const centre = (points: Position[]) => [0, 1].map((k) => points.reduce((s, p) => s + p[k], 0) / points.length);

  /**
   * The road's pieces lie off that side of the zone: seen from the zone's centre, their centre is
   * further that way than across (longitude scaled by the latitude).
   */
  function liesOff(side: Side, zone: Polygon, bound: Bound) {
    const [zx, zy] = centre(zone.coordinates[0].slice(1));
    const [rx, ry] = centre(bound.ids!.flatMap((id) => roadById.get(id)!));
    const [dx, dy] = [(rx - zx) * KX, ry - zy];
    const along = { east: dx, west: -dx, north: dy, south: -dy }[side];
    const across = side === 'east' || side === 'west' ? dy : dx;
    return along > Math.abs(across);
  }

  it.each([
    // Lockdown zones: a block short of its four streets, 10-15 m off each (checked by eye against
    // the road edges: e.g. 宏达二路 runs 121.005485,31.959028 to 121.006087,31.961028 along
    // zone-001's east side 121.005398,31.959148 to 121.005914,31.960908).
    ['zone-001', ['宏达二路', '东方二街', '金港二街', '秋实二大道']],
    ['zone-003', ['安居二街', '秋实二大道', '春晖二路', '观澜二街']],
    ['zone-005', ['景瑞二街', '鹏程二路', '宏达二路', '青枫二街']],
    ['zone-013', ['幸福路', '观澜二街', '振兴街', '新城二路']],
    // Control rings and the precaution zone: drawn on the centre lines of the streets around them,
    // their holes (the lockdown zones inside) left out.
    ['zone-002', ['景瑞二街', '海晏二路', '繁华二大道', '观澜二街']],
    ['zone-009', ['丽景二路', '通达二街', '梧桐二街', '蓝湾二街']],
  ])('%s is bounded by %j (east, south, west, north)', (id, expected) => {
    const zone = zoneById(id);
    const bounds = zoneBounds(zone, prepared);
    expect(SIDES.map((side) => bounds[side].name)).toEqual(expected);
    for (const side of SIDES) {
      expect(bounds[side]).toMatchObject({ kind: 'road', featureKind: 'road' });
      expect(bounds[side].coverage).toBeGreaterThan(0.95);
      expect(bounds[side].distanceM).toBeLessThan(id === 'zone-002' || id === 'zone-009' ? 1 : 16);
      expect(liesOff(side, zone as Polygon, bounds[side])).toBe(true);
    }
  });

  it("bounds Jiangshanding's lockdown zone inside its control ring, which the ring's streets bound", () => {
    const inner = zoneBounds(zoneById('zone-001'), prepared);
    const ring = zoneBounds(zoneById('zone-002'), prepared);
    // The ring reaches a block further out on every side: other streets.
    for (const side of SIDES) expect(inner[side].name).not.toBe(ring[side].name);
  });

  it('gives every demo zone an answer on each side', () => {
    for (const [id, zone] of zones) {
      const bounds = zoneBounds(zone, prepared);
      for (const side of SIDES) expect(bounds[side].kind, `${id} ${side}`).not.toBe('none');
    }
  });
});
