import { area } from '@turf/turf';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { addPart, cutOut } from '../../src/geo/cut-out.ts';
import { validatePolygon } from '../../src/geo/validate-polygon.ts';

const dir = 'tests/fixtures/geo/cut-out/in';
type Expect = { reason: string } | { parts: number; holes: number; fraction: number };
const fixtures = readdirSync(dir).map((file) => {
  const { features } = JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) as FeatureCollection;
  const { op, expect } = features[1].properties as { op: 'cutOut' | 'addPart'; expect: Expect };
  return {
    file,
    op,
    zone: features[0].geometry as Polygon | MultiPolygon,
    other: features[1].geometry as Polygon | MultiPolygon,
    expected: expect,
  };
});

describe('cutOut and addPart', () => {
  it.each(fixtures)('$op: $file', ({ op, zone, other, expected }) => {
    const result = (op === 'cutOut' ? cutOut : addPart)(zone, other);
    if ('reason' in expected) {
      expect(result).toEqual({ ok: false, reason: expected.reason });
      return;
    }
    if (!result.ok) throw new Error(`refused: ${result.reason}`);
    expect(validatePolygon(result.geom).valid).toBe(true);
    expect(result.geom.coordinates).toHaveLength(expected.parts);
    expect(result.geom.coordinates.reduce((n, rings) => n + rings.length - 1, 0)).toBe(expected.holes);
    expect(area(result.geom) / area(zone)).toBeCloseTo(expected.fraction, 4);
  });

  it('cuts the lockdown block out as a hole with exactly its corners', () => {
    const { zone, other } = fixtures.find((f) => f.file === 'hole-inside.geojson')!;
    const result = cutOut(zone, other);
    if (!result.ok) throw new Error(result.reason);
    const hole = result.geom.coordinates[0][1];
    const corners = (ring: number[][]) => ring.slice(1).map(String).sort();
    expect(corners(hole)).toEqual(corners((other as Polygon).coordinates[0]));
  });

  it('refuses an invalid zone or cutter', () => {
    const square: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 0],
          [1, 1],
          [0, 1],
          [0, 0],
        ],
      ],
    };
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
    expect(cutOut(square, bowtie)).toEqual({ ok: false, reason: 'invalid_zone' });
    expect(addPart(bowtie, square)).toEqual({ ok: false, reason: 'invalid_zone' });
  });
});
