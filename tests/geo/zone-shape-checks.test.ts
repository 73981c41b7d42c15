import type { MultiPolygon, Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import {
  checkZoneShape,
  validateInsideDistrict,
  validateMinimumArea,
  validateNonZeroArea,
  validateNotSelfIntersecting,
} from '../../src/geo/zone-shape-checks.ts';

const p = (u: number, v: number) => [120.9 + u / 1000, 32 + v / 1000];
const rect = (u0: number, v0: number, u1: number, v1: number): Polygon => ({
  type: 'Polygon',
  coordinates: [[p(u0, v0), p(u1, v0), p(u1, v1), p(u0, v1), p(u0, v0)]],
});
const bowtie: Polygon = { type: 'Polygon', coordinates: [[p(0, 0), p(4, 4), p(4, 0), p(0, 4), p(0, 0)]] };
// Two sub-districts side by side, sharing the road at u = 10.
const district = [rect(0, 0, 10, 10), rect(10, 0, 20, 10)];

describe('zone shape validations', () => {
  it('marks where a ring crosses itself', () => {
    expect(validateNotSelfIntersecting(rect(0, 0, 1, 1))).toEqual({ valid: true });
    const result = validateNotSelfIntersecting(bowtie);
    expect(result).toMatchObject({ valid: false, reason: 'self_intersection' });
    expect(result.positions).toHaveLength(1);
    expect(result.positions![0][0]).toBeCloseTo(120.902, 9);
    expect(result.positions![0][1]).toBeCloseTo(32.002, 9);
  });

  it('reports overlapping parts with where they cross', () => {
    const parts: MultiPolygon = {
      type: 'MultiPolygon',
      coordinates: [rect(0, 0, 2, 2).coordinates, rect(1, 1, 3, 3).coordinates],
    };
    const result = validateNotSelfIntersecting(parts);
    expect(result).toMatchObject({ valid: false, reason: 'polygons_overlap' });
    expect(result.positions!.map(String)).toContain(String(p(2, 1)));
  });

  it('wants some area, and at least the minimum', () => {
    const flat: Polygon = { type: 'Polygon', coordinates: [[p(0, 0), p(1, 0), p(2, 0), p(0, 0)]] };
    expect(validateNonZeroArea(flat)).toEqual({ valid: false, reason: 'zero_area' });
    expect(validateNonZeroArea(rect(0, 0, 1, 1))).toEqual({ valid: true });
    // 0.0001° × 0.0001° is about 9.4 m × 11.1 m = 105 m².
    expect(validateMinimumArea(rect(0, 0, 0.1, 0.1))).toEqual({ valid: true });
    expect(validateMinimumArea(rect(0, 0, 0.09, 0.09))).toEqual({ valid: false, reason: 'area_too_small' });
    expect(validateMinimumArea(rect(0, 0, 0.1, 0.1), 200)).toEqual({ valid: false, reason: 'area_too_small' });
  });

  it('wants the zone inside the district, across the sub-districts’ shared boundary', () => {
    expect(validateInsideDistrict(rect(8, 2, 12, 4), district)).toEqual({ valid: true });
    expect(validateInsideDistrict(rect(0, 0, 20, 10), district)).toEqual({ valid: true });
    expect(validateInsideDistrict(rect(18, 2, 21, 4), district)).toEqual({ valid: false, reason: 'outside_district' });
    expect(validateInsideDistrict(rect(0, 0, 1, 1), [])).toEqual({ valid: false, reason: 'no_district' });
  });

  it('tolerates a square metre outside for floating point, not more', () => {
    // 1e-5° past the edge along 0.01°: about 0.95 m × 1110 m outside.
    expect(validateInsideDistrict(rect(18, 0, 20.00000001, 10), district)).toEqual({ valid: true });
    expect(validateInsideDistrict(rect(18, 0, 20.01, 10), district)).toEqual({
      valid: false,
      reason: 'outside_district',
    });
  });
});

describe('checkZoneShape', () => {
  it('passes a good zone', () => {
    expect(checkZoneShape(rect(1, 1, 3, 3), { district })).toEqual({ blocking: [] });
  });

  it('lists every blocking problem, crossings with their positions', () => {
    const small = rect(25, 0, 25.05, 0.05);
    expect(checkZoneShape(small, { district }).blocking.map((i) => i.code)).toEqual([
      'area_too_small',
      'outside_district',
    ]);
    const crossed: Polygon = {
      type: 'Polygon',
      coordinates: [[p(25, 0), p(25.05, 0.05), p(25.05, 0), p(25, 0.05), p(25, 0)]],
    };
    const { blocking } = checkZoneShape(crossed, { district });
    expect(blocking.map((i) => i.code)).toEqual(['self_intersection', 'outside_district']);
    expect(blocking[0].positions).toHaveLength(1);
  });

  it('uses the given minimum and skips the district check without a district', () => {
    expect(checkZoneShape(rect(30, 0, 31, 1), { minAreaM2: 20_000 }).blocking).toEqual([{ code: 'area_too_small' }]);
  });

  it('reports a malformed geometry alone', () => {
    const open: Polygon = { type: 'Polygon', coordinates: [[p(0, 0), p(1, 0), p(1, 1), p(0, 1)]] };
    expect(checkZoneShape(open, { district }).blocking).toEqual([{ code: 'ring_not_closed', positions: [p(0, 1)] }]);
  });
});
