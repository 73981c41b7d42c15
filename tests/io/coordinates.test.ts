import type { Feature, FeatureCollection, LineString, Point, Polygon, Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { convertCoordinates } from '../../src/io/coordinates.ts';
import { haversineM } from '../../src/routing/distance.ts';

/** Jiangshanding compound's drop point, Nantong ETDZ. */
const NANTONG: Position = [121.004739, 31.959396];
const point = (coordinates: Position): Point => ({ type: 'Point', coordinates });
const metres = (a: Position, b: Position) => haversineM(a[0], a[1], b[0], b[1]);

describe('convertCoordinates', () => {
  it('shifts a Nantong point a few hundred metres east and south into GCJ-02, further into BD-09', () => {
    const gcj = convertCoordinates(point(NANTONG), 'wgs84', 'gcj02').coordinates;
    // AMap's offset in the Yangtze delta: about +0.0045° lng, -0.002° lat (~470 m).
    expect(gcj[0] - NANTONG[0]).toBeCloseTo(0.0045, 3);
    expect(gcj[1] - NANTONG[1]).toBeCloseTo(-0.002, 3);
    expect(metres(gcj, NANTONG)).toBeGreaterThan(300);
    expect(metres(gcj, NANTONG)).toBeLessThan(700);
    const bd = convertCoordinates(point(NANTONG), 'wgs84', 'bd09').coordinates;
    expect(metres(bd, gcj)).toBeGreaterThan(500);
    expect(metres(bd, NANTONG)).toBeLessThan(1500);
  });

  it.each(['gcj02', 'bd09'] as const)('brings a point back from %s within 1 m', (crs) => {
    const there = convertCoordinates(point(NANTONG), 'wgs84', crs);
    const back = convertCoordinates(there, crs, 'wgs84').coordinates;
    expect(metres(back, NANTONG)).toBeLessThan(1);
    expect(metres(there.coordinates, NANTONG)).toBeGreaterThan(300);
  });

  it('converts a position shared by two places once, and never changes its input', () => {
    const first = [121.0036, 31.9591];
    // The closing position is the first position's own array, as code that closes a ring by reference makes it.
    const ring = [first, [121.0059, 31.9591], [121.0059, 31.9609], first];
    const polygon: Polygon = { type: 'Polygon', coordinates: [ring] };
    const before = structuredClone(polygon);
    const converted = convertCoordinates(polygon, 'wgs84', 'gcj02').coordinates[0];
    expect(polygon).toEqual(before);
    const once = convertCoordinates(point(first), 'wgs84', 'gcj02').coordinates;
    expect(converted[0]).toEqual(once);
    expect(converted[3]).toEqual(once);
  });

  it('converts features and collections, keeping properties and altitudes and dropping a stale bbox', () => {
    const feature: Feature<Point> = {
      type: 'Feature',
      id: 'f',
      bbox: [...NANTONG, ...NANTONG] as [number, number, number, number],
      properties: { name: '江山鼎' },
      geometry: point([...NANTONG, 12]),
    };
    const collection: FeatureCollection<Point | null> = {
      type: 'FeatureCollection',
      features: [feature, { ...feature, geometry: null }],
    };
    const [moved, empty] = convertCoordinates(collection, 'wgs84', 'gcj02').features;
    expect(moved).toMatchObject({ id: 'f', properties: { name: '江山鼎' } });
    expect(moved).not.toHaveProperty('bbox');
    expect((moved.geometry as Point).coordinates[2]).toBe(12);
    expect(metres((moved.geometry as Point).coordinates, NANTONG)).toBeGreaterThan(300);
    expect(empty.geometry).toBeNull();
  });

  it('returns the input itself between one system and the same', () => {
    const geometry = point(NANTONG);
    expect(convertCoordinates(geometry, 'gcj02', 'gcj02')).toBe(geometry);
  });

  it('leaves a position near the edge of gcoord’s China box, where its inversion would never return', () => {
    // Without the guard this call does not return: the test run hangs.
    expect(convertCoordinates(point([72.0045, 40]), 'gcj02', 'wgs84').coordinates).toEqual([72.0045, 40]);
  });

  it('keeps positions that are not two numbers for the zone checks to name', () => {
    const bad = {
      type: 'LineString',
      coordinates: [
        ['a', 1],
        [121, 31.96],
      ],
    } as unknown as LineString;
    const [kept, moved] = convertCoordinates(bad, 'gcj02', 'wgs84').coordinates;
    expect(kept).toEqual(['a', 1]);
    expect(metres(moved, [121, 31.96])).toBeGreaterThan(300);
  });
});
