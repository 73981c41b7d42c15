import { area, difference, feature, featureCollection, intersect } from '@turf/turf';
import fc from 'fast-check';
import type { FeatureCollection, LineString, MultiPolygon, Polygon, Position } from 'geojson';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { splitZone } from '../../src/geo/split-zone.ts';
import { validatePolygon } from '../../src/geo/validate-polygon.ts';
import { polygonsOf } from '../../src/geo/zone-geometry.ts';

const dir = 'tests/fixtures/geo/split-zone/in';
type Expect = { reason: string } | { fractions: number[]; holes: number[] };
const fixtures = readdirSync(dir).map((file) => {
  const { features } = JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) as FeatureCollection;
  return {
    file,
    zone: features[0].geometry as Polygon | MultiPolygon,
    line: features[1].geometry as LineString,
    expected: features[1].properties!.expect as Expect,
  };
});

/** Planar area in degrees², the measure in which a cut in lng/lat is exact (shoelace about the fixtures' corner). */
const planarArea = (geom: Polygon | MultiPolygon) =>
  polygonsOf(geom).reduce(
    (sum, rings) =>
      sum +
      rings.reduce((s, ring, i) => {
        let twice = 0;
        for (let k = 1; k < ring.length; k++) {
          twice += (ring[k - 1][0] - 120.9) * (ring[k][1] - 32) - (ring[k][0] - 120.9) * (ring[k - 1][1] - 32);
        }
        return s + (i === 0 ? 1 : -1) * Math.abs(twice / 2);
      }, 0),
    0,
  );

/**
 * The pieces tile the zone: valid single polygons, largest first, no overlap, no gap. Measured
 * in the lng/lat plane, where the cut is exact; `turfTolerance` is for turf's area, which is
 * not additive when a position is added on a diagonal lng/lat edge (about 5e-6 relative for a
 * 1 km edge: its edges are straight in an equal-area projection instead).
 */
function expectTiling(zone: Polygon | MultiPolygon, pieces: MultiPolygon[], turfTolerance?: number) {
  for (const piece of pieces) {
    expect(validatePolygon(piece).valid).toBe(true);
    expect(piece.coordinates).toHaveLength(1);
  }
  const areas = pieces.map((p) => area(p));
  expect(areas).toEqual([...areas].sort((a, b) => b - a));
  const whole = planarArea(zone);
  expect(Math.abs(pieces.reduce((s, p) => s + planarArea(p), 0) - whole) / whole).toBeLessThan(1e-9);
  if (turfTolerance !== undefined) {
    expect(Math.abs(areas.reduce((s, a) => s + a, 0) - area(zone)) / area(zone)).toBeLessThan(turfTolerance);
  }
  for (let i = 0; i < pieces.length; i++) {
    for (let j = i + 1; j < pieces.length; j++) {
      const overlap = intersect(featureCollection([feature(pieces[i]), feature(pieces[j])]));
      expect(overlap ? planarArea(overlap.geometry) / whole : 0).toBeLessThan(1e-9);
    }
  }
  const gap = difference(featureCollection([feature(zone), ...pieces.map((p) => feature(p))]));
  expect(gap ? planarArea(gap.geometry) / whole : 0).toBeLessThan(1e-9);
}

describe('splitZone', () => {
  it.each(fixtures)('$file', ({ zone, line, expected }) => {
    const result = splitZone(zone, line);
    if ('reason' in expected) {
      expect(result).toEqual({ ok: false, reason: expected.reason });
      return;
    }
    if (!result.ok) throw new Error(`refused: ${result.reason}`);
    const whole = area(zone);
    expect(result.pieces.map((p) => area(p) / whole)).toEqual(expected.fractions.map((f) => expect.closeTo(f, 4)));
    expect(result.pieces.map((p) => p.coordinates[0].length - 1)).toEqual(expected.holes);
    // Cuts across axis-parallel edges or through vertices: turf's area adds up exactly too.
    expectTiling(zone, result.pieces, 1e-9);
  });

  it('cuts at exactly the positions where the line crosses the outline, shared by both pieces', () => {
    const { zone, line } = fixtures.find((f) => f.file === 'square-straight.geojson')!;
    const result = splitZone(zone, line);
    if (!result.ok) throw new Error(result.reason);
    const onCut = (p: MultiPolygon) =>
      p.coordinates[0][0]
        .slice(1)
        .filter(([x]) => x === 120.901)
        .sort((a, b) => a[1] - b[1]);
    expect(onCut(result.pieces[0])).toEqual([
      [120.901, 32],
      [120.901, 32.004],
    ]);
    expect(onCut(result.pieces[1])).toEqual(onCut(result.pieces[0]));
  });

  it('refuses an invalid zone or a line of one position', () => {
    const square = fixtures.find((f) => f.file === 'square-straight.geojson')!;
    const bowtie: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 1],
          [1, 0],
          [0, 1],
          [0, 0],
        ],
      ],
    };
    expect(splitZone(bowtie, square.line)).toEqual({ ok: false, reason: 'invalid_zone' });
    expect(
      splitZone(square.zone, {
        type: 'LineString',
        coordinates: [
          [120.901, 32.001],
          [120.901, 32.001],
        ],
      }),
    ).toEqual({
      ok: false,
      reason: 'invalid_line',
    });
  });

  // fc.double is uniform over representable doubles, which crowd near 0: spread evenly instead.
  const uniform = (min: number, max: number) =>
    fc.noBias(fc.integer({ min: 0, max: 1_000_000 })).map((i) => min + ((max - min) * i) / 1_000_000);
  // A star-shaped zone (vertices at increasing angles less than 180° apart, so never
  // self-crossing) of about 200-600 m across.
  const centre: Position = [120.9, 32.0];
  const star = fc
    .array(uniform(0.3, 1), { minLength: 4, maxLength: 12 })
    .chain((radii) =>
      fc.tuple(fc.constant(radii), fc.array(uniform(0.5, 1), { minLength: radii.length, maxLength: radii.length })),
    )
    .map(([radii, steps]): Polygon => {
      const total = steps.reduce((s, x) => s + x, 0);
      let angle = 0;
      const ring = radii.map((r, i) => {
        angle += (steps[i] / total) * 2 * Math.PI;
        return [centre[0] + 0.003 * r * Math.cos(angle), centre[1] + 0.003 * r * Math.sin(angle)];
      });
      return { type: 'Polygon', coordinates: [[...ring, ring[0]]] };
    });
  // From outside the zone, optionally through a random bend, to outside again.
  const turn = uniform(0, 2 * Math.PI);
  const offset = uniform(-0.003, 0.003);
  const outside = (a: number): Position => [centre[0] + 0.004 * Math.cos(a), centre[1] + 0.004 * Math.sin(a)];
  const cut = fc.tuple(turn, turn, fc.option(fc.tuple(offset, offset))).map(([a, b, bend]): LineString => ({
    type: 'LineString',
    coordinates: [outside(a), ...(bend ? [[centre[0] + bend[0], centre[1] + bend[1]]] : []), outside(b)],
  }));

  it('pieces always tile the zone: areas add up, no overlap, no gap', () => {
    const pieceCounts: number[] = [];
    fc.assert(
      fc.property(star, cut, (zone, line) => {
        const result = splitZone(zone, line);
        if (!result.ok) {
          expect(['line_misses', 'line_does_not_cross', 'line_self_intersects', 'invalid_line']).toContain(
            result.reason,
          );
          return;
        }
        expect(result.pieces.length).toBeGreaterThanOrEqual(2);
        expectTiling(zone, result.pieces);
        pieceCounts.push(result.pieces.length);
      }),
      { numRuns: 150 },
    );
    // The generator does exercise cuts, including lines that cross twice.
    expect(pieceCounts.length).toBeGreaterThan(40);
    expect(pieceCounts.some((n) => n >= 3)).toBe(true);
  });

  it('tiles zones cut along grid lines, through vertices and along edges', () => {
    // Lines on the fixtures' 0.001° grid run along edges and through vertices of the U shape,
    // the holed square and the two blocks: the degenerate cases of cutting.
    const zones = ['concave-crossed-twice', 'hole-kept', 'multipolygon-one-part-cut'].map(
      (name) => fixtures.find((f) => f.file === `${name}.geojson`)!.zone,
    );
    const grid = fc.tuple(fc.integer({ min: -1, max: 9 }), fc.integer({ min: -1, max: 5 }));
    const pieceCounts: number[] = [];
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.array(grid, { minLength: 2, maxLength: 4 }), (zone, points) => {
        const line: LineString = {
          type: 'LineString',
          coordinates: points.map(([u, v]) => [120.9 + u / 1000, 32 + v / 1000]),
        };
        const result = splitZone(zone, line);
        if (!result.ok) {
          expect(['line_misses', 'line_does_not_cross', 'line_self_intersects', 'invalid_line']).toContain(
            result.reason,
          );
          return;
        }
        expectTiling(zone, result.pieces);
        pieceCounts.push(result.pieces.length);
      }),
      { numRuns: 300 },
    );
    expect(pieceCounts.length).toBeGreaterThan(50);
  });
});
