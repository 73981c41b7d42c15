import { area, intersect } from '@turf/turf';
import type { Polygon } from 'geojson';
import { describe, expect, it, vi } from 'vitest';
import { nestingWarnings, type LeveledZone } from '../../src/geo/nesting-warnings.ts';
import { validatePolygon } from '../../src/geo/validate-polygon.ts';

// Counts the clipping calls, to see which zones the extent check skipped.
vi.mock('@turf/turf', async (importOriginal) => {
  const turf = await importOriginal<typeof import('@turf/turf')>();
  return { ...turf, intersect: vi.fn(turf.intersect) };
});

const p = (u: number, v: number) => [120.9 + u / 1000, 32 + v / 1000];
const rect = (u0: number, v0: number, u1: number, v1: number): Polygon => ({
  type: 'Polygon',
  coordinates: [[p(u0, v0), p(u1, v0), p(u1, v1), p(u0, v1), p(u0, v0)]],
});
const zone = (id: string, level: LeveledZone['level'], geom: Polygon): LeveledZone => ({ id, level, geom });

const precaution = zone('p', 'precaution', rect(0, 0, 10, 10));
const control = zone('c', 'control', rect(2, 2, 8, 8));

describe('nestingWarnings', () => {
  it('is quiet for a lockdown zone inside its control zone inside its precaution zone', () => {
    const lockdown = zone('l', 'lockdown', rect(3, 3, 5, 5));
    expect(nestingWarnings(lockdown, [precaution, control])).toEqual([]);
    expect(nestingWarnings(control, [precaution, lockdown])).toEqual([]);
  });

  it('says how much of a lockdown zone lies outside the control zones', () => {
    const lockdown = zone('l', 'lockdown', rect(7, 3, 9, 5));
    const [warning, ...rest] = nestingWarnings(lockdown, [precaution, control]);
    expect(rest).toEqual([]);
    expect(warning).toEqual({ code: 'lockdown_outside_control', areaM2: expect.closeTo(area(rect(8, 3, 9, 5)), 1) });
  });

  it('is quiet for a lockdown zone in the hole of the control ring around it', () => {
    const lockdown = zone('l', 'lockdown', rect(3, 3, 5, 5));
    const ring = zone('r', 'control', { type: 'Polygon', coordinates: [rect(2, 2, 6, 6).coordinates[0], [...rect(3, 3, 5, 5).coordinates[0]].reverse()] });
    expect(nestingWarnings(lockdown, [ring])).toEqual([]);
    expect(nestingWarnings(zone('l2', 'lockdown', rect(5, 3, 7, 5)), [ring])[0]).toMatchObject({ code: 'lockdown_outside_control' });
  });

  it('counts control zones together: a lockdown zone across two of them is inside', () => {
    const lockdown = zone('l', 'lockdown', rect(7, 3, 9, 5));
    expect(nestingWarnings(lockdown, [control, zone('c2', 'control', rect(8, 2, 9.5, 8))])).toEqual([]);
  });

  it('warns for a lockdown zone with no control zone at all, and a control zone outside every precaution zone', () => {
    const lockdown = zone('l', 'lockdown', rect(3, 3, 5, 5));
    expect(nestingWarnings(lockdown, [precaution])).toEqual([
      { code: 'lockdown_outside_control', areaM2: expect.closeTo(area(lockdown.geom), 1) },
    ]);
    const stray = zone('c2', 'control', rect(9, 9, 12, 12));
    expect(nestingWarnings(stray, [precaution, control])).toEqual([
      {
        code: 'control_outside_precaution',
        areaM2: expect.closeTo(area(rect(9, 9, 12, 12)) - area(rect(9, 9, 10, 10)), 1),
      },
    ]);
  });

  it('shows where two zones of one level overlap, and not neighbours sharing a road', () => {
    const a = zone('a', 'control', rect(0, 0, 4, 4));
    const b = zone('b', 'control', rect(3, 1, 6, 2));
    const neighbour = zone('n', 'control', rect(4, 2, 6, 4));
    const warnings = nestingWarnings(a, [a, b, neighbour, zone('x', 'precaution', rect(-1, -1, 7, 5))]);
    expect(warnings).toHaveLength(1);
    const [overlap] = warnings;
    if (overlap.code !== 'overlaps_same_level') throw new Error(overlap.code);
    expect(overlap.otherId).toBe('b');
    expect(overlap.areaM2).toBeCloseTo(area(rect(3, 1, 4, 2)), 1);
    expect(validatePolygon(overlap.geom).valid).toBe(true);
    expect(overlap.geom.coordinates[0][0].slice(1).map(String).sort()).toEqual(
      rect(3, 1, 4, 2).coordinates[0].slice(1).map(String).sort(),
    );
  });

  it('clips only against zones whose extent meets the zone’s, so 200 far zones cost nothing', () => {
    const others: LeveledZone[] = [control, zone('near', 'lockdown', rect(4, 4, 6, 6))];
    for (let i = 0; i < 200; i++) {
      const [u, v] = [50 + (i % 20) * 3, 50 + Math.floor(i / 20) * 3];
      others.push(zone(`far${i}`, 'lockdown', rect(u, v, u + 2, v + 2)));
    }
    vi.mocked(intersect).mockClear();
    const warnings = nestingWarnings(zone('l', 'lockdown', rect(3, 3, 5, 5)), others);
    expect(warnings.map((w) => w.code === 'overlaps_same_level' && w.otherId)).toEqual(['near']);
    expect(vi.mocked(intersect)).toHaveBeenCalledTimes(1);
  });
});
