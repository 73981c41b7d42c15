import { area } from '@turf/turf';
import type { Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { mergeZones } from '../../src/geo/merge-zones.ts';
import { validatePolygon } from '../../src/geo/validate-polygon.ts';

/** A rectangle on a 0.001° grid near Nantong, in grid units from 120.9E 32.0N. */
const rect = (u0: number, v0: number, u1: number, v1: number): Polygon => {
  const p = (u: number, v: number) => [120.9 + u / 1000, 32 + v / 1000];
  return { type: 'Polygon', coordinates: [[p(u0, v0), p(u1, v0), p(u1, v1), p(u0, v1), p(u0, v0)]] };
};

function merged(a: Polygon, b: Polygon) {
  const result = mergeZones(a, b);
  if (!result.ok) throw new Error(result.reason);
  expect(validatePolygon(result.geom).valid).toBe(true);
  return result.geom;
}

describe('mergeZones', () => {
  it('joins overlapping zones into one polygon covering both, overlap counted once', () => {
    const geom = merged(rect(0, 0, 4, 4), rect(2, 2, 6, 6));
    expect(geom.coordinates).toHaveLength(1);
    expect(geom.coordinates[0]).toHaveLength(1);
    expect(area(geom) / area(rect(0, 0, 1, 1))).toBeCloseTo(16 + 16 - 4, 2);
  });

  it('joins neighbours along a shared road into one polygon without the road between them', () => {
    const geom = merged(rect(0, 0, 2, 4), rect(2, 0, 5, 4));
    expect(geom.coordinates).toHaveLength(1);
    expect(geom.coordinates[0][0].slice(1).map(String).sort()).toEqual(
      rect(0, 0, 5, 4).coordinates[0].slice(1).map(String).sort(),
    );
  });

  it('keeps zones apart as two blocks of one zone', () => {
    const geom = merged(rect(0, 0, 2, 2), rect(5, 0, 6, 1));
    expect(geom.coordinates).toHaveLength(2);
    expect(area(geom)).toBeCloseTo(area(rect(0, 0, 2, 2)) + area(rect(5, 0, 6, 1)), 3);
  });

  it('fills a hole that the other zone covers', () => {
    const holed: Polygon = {
      type: 'Polygon',
      coordinates: [rect(0, 0, 4, 4).coordinates[0], [...rect(1, 1, 2, 2).coordinates[0]].reverse()],
    };
    const geom = merged(holed, rect(1, 1, 2, 2));
    expect(geom.coordinates).toEqual([[expect.any(Array)]]);
  });

  it('refuses an invalid zone', () => {
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
    expect(mergeZones(rect(0, 0, 1, 1), bowtie)).toEqual({ ok: false, reason: 'invalid_zone' });
  });
});
