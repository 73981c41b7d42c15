import { area } from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { repairPolygon } from '../../src/geo/repair-polygon.ts';
import { validatePolygon } from '../../src/geo/validate-polygon.ts';

const dir = 'tests/fixtures/geo/repair-polygon/in';
type Expect = { reason: string } | { parts: number; holes: number; units: number; unchanged?: boolean };
const fixtures = readdirSync(dir).map((file) => {
  const [input] = (JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) as { features: Feature<Polygon>[] }).features;
  return { file, geom: input.geometry, expected: input.properties!.expect as Expect };
});

/** One square of the fixtures' 0.001° grid, m². */
const unit = area({
  type: 'Polygon',
  coordinates: [
    [
      [120.9, 32],
      [120.901, 32],
      [120.901, 32.001],
      [120.9, 32.001],
      [120.9, 32],
    ],
  ],
});

describe('repairPolygon', () => {
  it.each(fixtures)('$file', ({ geom, expected }) => {
    const result = repairPolygon(geom);
    if ('reason' in expected) {
      expect(result).toEqual({ ok: false, reason: expected.reason });
      return;
    }
    if (!result.ok) throw new Error(`refused: ${result.reason}`);
    expect(validatePolygon(result.geom).valid).toBe(true);
    expect(result.geom.coordinates).toHaveLength(expected.parts);
    expect(result.geom.coordinates.reduce((n, rings) => n + rings.length - 1, 0)).toBe(expected.holes);
    expect(area(result.geom) / unit).toBeCloseTo(expected.units, 2);
    if (expected.unchanged) expect(result.geom).toEqual({ type: 'MultiPolygon', coordinates: [geom.coordinates] });
  });

  it('turns a bow-tie into two triangles meeting where the ring crossed', () => {
    const { geom } = fixtures.find((f) => f.file === 'bowtie.geojson')!;
    const result = repairPolygon(geom);
    if (!result.ok) throw new Error(result.reason);
    const [a, b] = result.geom.coordinates.map((rings) => rings[0].slice(1).map(String));
    expect(a.filter((v) => b.includes(v))).toEqual(['120.902,32.002']);
  });

  it('merges overlapping parts of a MultiPolygon', () => {
    const square = (u: number): Polygon['coordinates'] => [
      [
        [u, 0],
        [u + 2, 0],
        [u + 2, 2],
        [u, 2],
        [u, 0],
      ],
    ];
    const overlapping: MultiPolygon = { type: 'MultiPolygon', coordinates: [square(0), square(1)] };
    const result = repairPolygon(overlapping);
    if (!result.ok) throw new Error(result.reason);
    expect(result.geom.coordinates).toHaveLength(1);
    expect(area(result.geom)).toBeCloseTo(
      area({
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [3, 0],
            [3, 2],
            [0, 2],
            [0, 0],
          ],
        ],
      }),
      0,
    );
  });

  it('refuses what is not a polygon', () => {
    expect(
      repairPolygon({
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [Number.NaN, 1],
            [1, 1],
            [0, 0],
          ],
        ],
      }),
    ).toEqual({ ok: false, reason: 'not_polygon' });
    expect(repairPolygon({ type: 'Polygon', coordinates: [] })).toEqual({ ok: false, reason: 'not_polygon' });
    expect(
      repairPolygon({
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [200, 0],
            [200, 1],
            [0, 0],
          ],
        ],
      }),
    ).toEqual({ ok: false, reason: 'out_of_range' });
  });
});
