import { describe, expect, it } from 'vitest';
import { validatePolygon } from '../../src/geo/validate-polygon.ts';
import { polygonFixtures } from './polygon-fixtures.ts';

const fixtures = polygonFixtures();

describe('validatePolygon', () => {
  it.each(fixtures)('$file: $expected', ({ input, expected }) => {
    const result = validatePolygon(input);
    expect([...new Set(result.errors.map((e) => e.code))]).toEqual(expected);
    expect(result.valid).toBe(expected.length === 0);
  });

  it('says where a ring crosses itself', () => {
    const bowtie = fixtures.find((f) => f.file === 'bowtie.json')!;
    const [error] = validatePolygon(bowtie.input).errors;
    expect(error).toMatchObject({ polygon: 0, ring: 0 });
    expect(error.position![0]).toBeCloseTo(120.955, 9);
    expect(error.position![1]).toBeCloseTo(31.955, 9);
    expect(error.message).toMatch(/ring 1 of polygon 1 crosses or touches itself near 120\.955000, 31\.955000/);
  });

  it('reports at most 20 errors for a ring that zigzags across itself', () => {
    const zigzag = [];
    for (let i = 0; i <= 60; i++) zigzag.push([120.9 + i * 0.001, i % 2 ? 31.9 : 31.95]);
    for (let i = 60; i >= 0; i--) zigzag.push([120.9 + i * 0.001 + 0.0005, i % 2 ? 31.95 : 31.9]);
    zigzag.push(zigzag[0]);
    expect(validatePolygon({ type: 'Polygon', coordinates: [zigzag] }).errors).toHaveLength(20);
  });
});
