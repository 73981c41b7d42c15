import { area } from '@turf/turf';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { validatePolygon } from '../../src/geo/validate-polygon.ts';
import { ringsToZone, zoneToRings, type ZoneRing } from '../../src/geo/zone-rings.ts';

const p = (u: number, v: number) => [120.9 + u / 1000, 32 + v / 1000];
const closed = (...ps: Position[]) => [...ps, ps[0]];
const shell = closed(p(0, 0), p(4, 0), p(4, 4), p(0, 4));
const hole = closed(p(1, 1), p(1, 2), p(2, 2), p(2, 1));
const block = closed(p(6, 0), p(7, 0), p(7, 1), p(6, 1));
const zone: MultiPolygon = { type: 'MultiPolygon', coordinates: [[shell, hole], [block]] };

function rebuilt(rings: ZoneRing[]): MultiPolygon {
  const result = ringsToZone(rings);
  if (!result.ok) throw new Error(result.reason);
  expect(validatePolygon(result.geom).valid).toBe(true);
  return result.geom;
}

const withRing = (part: number, role: ZoneRing['role'], ring: Position[]) =>
  zoneToRings(zone).map((r) => (r.part === part && r.role === role ? { ...r, ring } : r));

describe('zoneToRings', () => {
  it('lists each part’s shell, then its holes', () => {
    expect(zoneToRings(zone)).toEqual([
      { part: 0, role: 'shell', ring: shell },
      { part: 0, role: 'hole', ring: hole },
      { part: 1, role: 'shell', ring: block },
    ]);
    const polygon: Polygon = { type: 'Polygon', coordinates: [shell] };
    expect(zoneToRings(polygon)).toEqual([{ part: 0, role: 'shell', ring: shell }]);
  });
});

describe('ringsToZone', () => {
  it('gives back exactly the zone it came from, in any order of rings', () => {
    expect(rebuilt(zoneToRings(zone))).toEqual(zone);
    expect(rebuilt([...zoneToRings(zone)].reverse())).toEqual(zone);
  });

  it('puts an edited hole back into its part', () => {
    const moved = closed(p(2, 2), p(2, 3), p(3, 3), p(3, 2));
    expect(rebuilt(withRing(0, 'hole', moved)).coordinates[0]).toEqual([shell, moved]);
  });

  it('clips a hole dragged across its shell’s edge into a notch', () => {
    const across = closed(p(3, 1), p(3, 2), p(5, 2), p(5, 1));
    const geom = rebuilt(withRing(0, 'hole', across));
    expect(geom.coordinates.map((rings) => rings.length)).toEqual([1, 1]);
    const unit = area({ type: 'Polygon', coordinates: [closed(p(0, 0), p(1, 0), p(1, 1), p(0, 1))] });
    expect(area(geom) / unit).toBeCloseTo(16 - 1 + 1, 2);
  });

  it('merges parts dragged over each other', () => {
    const grown = closed(p(3, 0), p(7, 0), p(7, 1), p(3, 1));
    const geom = rebuilt(withRing(1, 'shell', grown));
    expect(geom.coordinates).toHaveLength(1);
    expect(geom.coordinates[0]).toHaveLength(2);
  });

  it('refuses a hole dragged off its shell, holes covering it, and rings that are not rings', () => {
    expect(ringsToZone(withRing(0, 'hole', closed(p(5, 5), p(5, 6), p(6, 6), p(6, 5))))).toEqual({
      ok: false,
      reason: 'hole_outside_shell',
    });
    const cover = closed(p(-1, -1), p(-1, 5), p(5, 5), p(5, -1));
    expect(
      ringsToZone([
        { part: 0, role: 'shell', ring: shell },
        { part: 0, role: 'hole', ring: cover },
      ]),
    ).toEqual({ ok: false, reason: 'nothing_left' });
    expect(ringsToZone(withRing(0, 'shell', closed(p(0, 0), p(4, 4), p(4, 0), p(0, 4))))).toEqual({
      ok: false,
      reason: 'self_intersection',
    });
    expect(ringsToZone(withRing(0, 'shell', [p(0, 0), p(4, 0), p(4, 4)]))).toEqual({
      ok: false,
      reason: 'ring_not_closed',
    });
    expect(ringsToZone([])).toEqual({ ok: false, reason: 'empty' });
    expect(ringsToZone([{ part: 0, role: 'hole', ring: hole }])).toEqual({ ok: false, reason: 'hole_without_shell' });
    expect(
      ringsToZone([
        { part: 0, role: 'shell', ring: shell },
        { part: 0, role: 'shell', ring: block },
      ]),
    ).toEqual({ ok: false, reason: 'two_shells' });
  });
});
