import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { pointInZones } from '../../src/geo/point-in-zones.ts';
import { pointOnSurface } from '../../src/geo/point-on-surface.ts';
import { zoneImpact } from '../../src/geo/zone-impact.ts';
import { zonesForCompound } from '../../src/geo/zones-for-compound.ts';

const square = (x: number, y: number, size: number): Polygon => ({
  type: 'Polygon',
  coordinates: [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]],
});
const multi = (p: Polygon): MultiPolygon => ({ type: 'MultiPolygon', coordinates: [p.coordinates] });

/** An L-shaped footprint whose centroid lies outside it, in the notch. */
const lShape: Polygon = {
  type: 'Polygon',
  coordinates: [[[0, 0], [10, 0], [10, 1], [1, 1], [1, 10], [0, 10], [0, 0]]],
};

describe('pointInZones', () => {
  const lockdown = { id: 'l', level: 'lockdown', geom: multi(square(0, 0, 1)) };
  const precaution = { id: 'p', level: 'precaution', geom: multi(square(-1, -1, 3)) };
  const control = { id: 'c', level: 'control', geom: multi(square(0.5, 0.5, 2)) };

  it('lists the zones containing the point, most severe first', () => {
    expect(pointInZones([0.7, 0.7], [precaution, control, lockdown]).map((z) => z.id)).toEqual(['l', 'c', 'p']);
  });

  it('counts a point on a boundary as inside', () => {
    expect(pointInZones([1, 0.2], [lockdown]).map((z) => z.id)).toEqual(['l']);
  });

  it('returns nothing outside all zones', () => {
    expect(pointInZones([5, 5], [precaution, control, lockdown])).toEqual([]);
  });

  it('takes GeoJSON features and points as well as rows and positions', () => {
    const feature: Feature<Polygon, { level: string }> = { type: 'Feature', properties: { level: 'control' }, geometry: square(0, 0, 1) };
    expect(pointInZones({ type: 'Point', coordinates: [0.5, 0.5] }, [feature])).toEqual([feature]);
  });

  it('leaves a point in a zone’s hole outside it', () => {
    const ring: Polygon = { type: 'Polygon', coordinates: [square(0, 0, 3).coordinates[0], square(1, 1, 1).coordinates[0].slice().reverse()] };
    expect(pointInZones([1.5, 1.5], [{ geom: ring }])).toEqual([]);
  });
});

describe('pointOnSurface', () => {
  it('lies inside a footprint whose centroid does not', () => {
    const [x, y] = pointOnSurface(lShape);
    expect(pointInZones([x, y], [{ geom: lShape }])).toHaveLength(1);
  });

  it('picks the part with the widest stretch of a MultiPolygon', () => {
    const geom: MultiPolygon = { type: 'MultiPolygon', coordinates: [square(0, 0, 1).coordinates, square(5, 0, 3).coordinates] };
    expect(pointOnSurface(geom)[0]).toBeCloseTo(6.5, 9);
  });
});

describe('zonesForCompound', () => {
  it('places a compound in the zones that contain its point-on-surface', () => {
    const inNotch = { id: 'notch', level: 'lockdown', geom: multi(square(2, 2, 7)) };
    const onArm = { id: 'arm', level: 'control', geom: multi(square(-1, 4, 3)) };
    expect(zonesForCompound({ geom: lShape }, [inNotch, onArm]).map((z) => z.id)).toEqual(['arm']);
  });
});

describe('zoneImpact', () => {
  const compounds = [
    { id: 'b', households: 100, residents: 250, geom: multi(square(0, 0, 1)) },
    { id: 'a', households: 40, residents: 90, geom: multi(square(2, 0, 1)) },
    { id: 'far', households: 999, residents: 999, geom: multi(square(20, 20, 1)) },
  ];
  const sites = [
    { kind: 'testing_site' as const, geom: { type: 'Point' as const, coordinates: [0.5, 0.5] } },
    { kind: 'testing_site' as const, geom: { type: 'Point' as const, coordinates: [2.5, 0.5] } },
    { kind: 'enterprise' as const, key: true, geom: { type: 'Point' as const, coordinates: [1.5, 0.5] } },
    { kind: 'enterprise' as const, key: false, geom: { type: 'Point' as const, coordinates: [1.6, 0.5] } },
    { kind: 'checkpoint' as const, geom: { type: 'Point' as const, coordinates: [30, 30] } },
  ];

  it('adds up compounds whose point-on-surface is inside, and sites by kind', () => {
    const area = square(-0.1, -0.1, 3.2);
    expect(zoneImpact(area, { compounds, sites })).toMatchObject({
      households: 140,
      residents: 340,
      compounds: 2,
      compound_ids: ['a', 'b'],
      sites: { testing_site: 2, enterprise: 2 },
      key_enterprises: 1,
    });
  });

  it('counts a compound whole or not at all when the boundary cuts it', () => {
    const coversMostOfB = square(-0.1, -0.1, 0.7);
    const clipsCornerOfB = square(0.8, 0.8, 0.5);
    expect(zoneImpact(coversMostOfB, { compounds, sites }).compound_ids).toEqual(['b']);
    expect(zoneImpact(clipsCornerOfB, { compounds, sites }).compound_ids).toEqual([]);
  });

  it('measures the area in square metres', () => {
    // 0.001° x 0.001° at 31.95° N is about 94.5 m x 111.2 m.
    const block = square(120.95, 31.95, 0.001);
    expect(Math.abs(zoneImpact(block, { compounds: [], sites: [] }).area_m2 - 10_503)).toBeLessThan(50);
  });
});
