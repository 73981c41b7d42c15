import { buffer, difference, feature, featureCollection } from '@turf/turf';
import type { MultiPolygon, Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { validatePolygon } from '../../src/geo/validate-polygon.ts';
import { zoneFromCompounds } from '../../src/geo/zone-from-compounds.ts';

const p = (u: number, v: number) => [120.9 + u / 1000, 32 + v / 1000];

/** A compound footprint: a rounded block of `n` vertices, `w` × `h` grid units (0.001°). */
function compound(u: number, v: number, w: number, h: number, n = 24): Polygon {
  const ring = Array.from({ length: n }, (_, i) => {
    const a = (i / n) * 2 * Math.PI;
    const squish = Math.sign(Math.cos(a)) * Math.abs(Math.cos(a)) ** 0.4;
    return p(u + (w / 2) * squish, v + (h / 2) * Math.sign(Math.sin(a)) * Math.abs(Math.sin(a)) ** 0.4);
  });
  return { type: 'Polygon', coordinates: [[...ring, ring[0]]] };
}

const lShape: Polygon = {
  type: 'Polygon',
  coordinates: [[p(3, 0), p(4.5, 0), p(4.5, 0.4), p(3.4, 0.4), p(3.4, 1.5), p(3, 1.5), p(3, 0)]],
};
const estate = [
  compound(0, 0, 1, 0.8),
  compound(1.3, 0.2, 0.9, 1.1),
  compound(0.4, 1.3, 1.2, 0.6),
  compound(2.2, 1.2, 0.7, 0.7),
  lShape,
];

function zone(footprints: Polygon[], margin: number): MultiPolygon {
  const result = zoneFromCompounds(footprints, margin);
  if (!result.ok) throw new Error(result.reason);
  expect(validatePolygon(result.geom).valid).toBe(true);
  return result.geom;
}

const uncovered = (footprint: Polygon, geom: MultiPolygon) =>
  difference(featureCollection<Polygon | MultiPolygon>([feature(footprint), feature(geom)]));

describe('zoneFromCompounds', () => {
  it.each([5, 20, 60])('covers every footprint entirely with a %s m margin, in few vertices', (margin) => {
    const geom = zone(estate, margin);
    for (const footprint of estate) expect(uncovered(footprint, geom)).toBeNull();
    // No further out than the margin and the simplification's quarter margin.
    const reach = buffer(featureCollection(estate.map((f) => feature(f))), margin * 1.26, { units: 'meters' })!;
    expect(difference(featureCollection([feature(geom), ...reach.features]))).toBeNull();
    const raw = estate.reduce((n, f) => n + f.coordinates[0].length, 0);
    for (const rings of geom.coordinates)
      for (const ring of rings) expect(ring.length).toBeLessThan(Math.min(raw, 200));
  });

  it('joins compounds closer than twice the margin, keeps far ones as another part', () => {
    expect(zone(estate, 40).coordinates).toHaveLength(1);
    const far = compound(20, 0, 1, 1);
    const geom = zone([...estate, far], 40);
    expect(geom.coordinates).toHaveLength(2);
    expect(uncovered(far, geom)).toBeNull();
  });

  it('with no margin is the footprints themselves, joined', () => {
    const geom = zone([compound(0, 0, 1, 1, 8), compound(1, 0, 1, 1, 8)], 0);
    for (const rings of geom.coordinates) expect(rings[0].length).toBeLessThanOrEqual(9 + 9);
  });

  it('refuses no footprints, a bad margin or an invalid footprint', () => {
    expect(zoneFromCompounds([], 20)).toEqual({ ok: false, reason: 'no_footprints' });
    expect(zoneFromCompounds(estate, -1)).toEqual({ ok: false, reason: 'margin_out_of_range' });
    expect(zoneFromCompounds(estate, 1001)).toEqual({ ok: false, reason: 'margin_out_of_range' });
    const bowtie: Polygon = { type: 'Polygon', coordinates: [[p(0, 0), p(1, 1), p(1, 0), p(0, 1), p(0, 0)]] };
    expect(zoneFromCompounds([bowtie], 20)).toEqual({ ok: false, reason: 'invalid_footprint' });
  });
});
