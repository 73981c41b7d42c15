import { area, difference, feature, featureCollection, intersect, point, pointToPolygonDistance } from '@turf/turf';
import fc from 'fast-check';
import type { MultiPolygon, Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { ringAround } from '../../src/geo/ring-zone.ts';
import { validatePolygon } from '../../src/geo/validate-polygon.ts';

const p = (u: number, v: number) => [120.9 + u / 1000, 32 + v / 1000];
const square: Polygon = { type: 'Polygon', coordinates: [[p(0, 0), p(4, 0), p(4, 4), p(0, 4), p(0, 0)]] };
const hole = [p(1, 1), p(1, 2), p(2, 2), p(2, 1), p(1, 1)];

function ring(inner: Polygon | MultiPolygon, metres: number): MultiPolygon {
  const result = ringAround(inner, metres);
  if (!result.ok) throw new Error(result.reason);
  expect(validatePolygon(result.geom).valid).toBe(true);
  return result.geom;
}

/** The ring does not cover the inner zone and leaves no gap around it. */
function expectAround(ringGeom: MultiPolygon, inner: Polygon | MultiPolygon) {
  const overlap = intersect(featureCollection([feature(ringGeom), feature(inner)]));
  expect(overlap ? area(overlap) : 0).toBeLessThan(1e-3);
  const shells = {
    type: 'MultiPolygon' as const,
    coordinates: (inner.type === 'Polygon' ? [inner.coordinates] : inner.coordinates).map((rings) => [rings[0]]),
  };
  const gap = difference(featureCollection([feature(shells), feature(ringGeom), feature(inner)]));
  expect(gap ? area(gap) : 0).toBeLessThan(1e-3);
}

describe('ringAround', () => {
  it('is a band of the given width whose inner edge is the zone’s outline, vertex for vertex', () => {
    const geom = ring(square, 200);
    expect(geom.coordinates).toHaveLength(1);
    const [outer, inner] = geom.coordinates[0];
    expect(inner.slice(1).map(String).sort()).toEqual(square.coordinates[0].slice(1).map(String).sort());
    for (const v of outer) expect(pointToPolygonDistance(point(v), square, { units: 'meters' })).toBeCloseTo(200, -1);
    expect(outer.length).toBeLessThan(60);
    expectAround(geom, square);
  });

  it('takes in the zone’s holes', () => {
    const holed: Polygon = { type: 'Polygon', coordinates: [square.coordinates[0], hole] };
    const geom = ring(holed, 100);
    expect(geom.coordinates).toHaveLength(2);
    expect(area(geom) - area(ring(square, 100))).toBeCloseTo(area({ type: 'Polygon', coordinates: [hole] }), 0);
    expectAround(geom, holed);
  });

  it('rings a zone of two blocks, and one block on an island in the other’s hole', () => {
    const far: Polygon = { type: 'Polygon', coordinates: [[p(20, 0), p(21, 0), p(21, 1), p(20, 1), p(20, 0)]] };
    const island = [p(1.3, 1.3), p(1.7, 1.3), p(1.7, 1.7), p(1.3, 1.7), p(1.3, 1.3)];
    const blocks: MultiPolygon = {
      type: 'MultiPolygon',
      coordinates: [[square.coordinates[0], hole], [island], far.coordinates],
    };
    const geom = ring(blocks, 50);
    expectAround(geom, blocks);
    // The two blocks are 1.5 km apart: two bands, and the hole less the island.
    expect(geom.coordinates).toHaveLength(3);
  });

  it('uses fewer vertices with fewer steps', () => {
    const coarse = ringAround(square, 200, 2);
    if (!coarse.ok) throw new Error(coarse.reason);
    expect(coarse.geom.coordinates[0][0].length).toBeLessThan(ring(square, 200).coordinates[0][0].length);
  });

  it.each([0, -10, 5001, Number.NaN])('refuses %s m', (metres) => {
    expect(ringAround(square, metres)).toEqual({ ok: false, reason: 'distance_out_of_range' });
  });

  it('refuses an invalid zone', () => {
    const bowtie: Polygon = { type: 'Polygon', coordinates: [[p(0, 0), p(1, 1), p(1, 0), p(0, 1), p(0, 0)]] };
    expect(ringAround(bowtie, 100)).toEqual({ ok: false, reason: 'invalid_zone' });
  });

  it('never covers the inner zone, whatever its shape and the width', () => {
    const uniform = (min: number, max: number) =>
      fc.noBias(fc.integer({ min: 0, max: 1_000_000 })).map((i) => min + ((max - min) * i) / 1_000_000);
    // Star-shaped zones (vertices at increasing angles less than 180° apart): concave, simple.
    const star = fc
      .array(fc.tuple(uniform(0.2, 1), uniform(0.5, 1)), { minLength: 4, maxLength: 10 })
      .map((spokes): Polygon => {
        const total = spokes.reduce((s, [, step]) => s + step, 0);
        let angle = 0;
        const vertices = spokes.map(([r, step]) => {
          angle += (step / total) * 2 * Math.PI;
          return [120.9 + 0.003 * r * Math.cos(angle), 32 + 0.003 * r * Math.sin(angle)];
        });
        return { type: 'Polygon', coordinates: [[...vertices, vertices[0]]] };
      });
    fc.assert(
      fc.property(star, uniform(5, 1000), (inner, metres) => {
        expectAround(ring(inner, metres), inner);
      }),
      { numRuns: 60 },
    );
  });
});
