import { area, difference, feature, featureCollection, intersect } from '@turf/turf';
import fc from 'fast-check';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import {
  findSharedVertices,
  moveSharedVertex,
  sharedEdgeZones,
  type ZoneShape,
} from '../../src/geo/shared-vertices.ts';
import { ringAround } from '../../src/geo/ring-zone.ts';
import { validatePolygon } from '../../src/geo/validate-polygon.ts';

const p = (u: number, v: number) => [120.9 + u / 1000, 32 + v / 1000];

/** Two zones either side of a road running up from (2, 0) to (2, 4) through bends at `road`. */
function neighbours(road: Position[]): [ZoneShape, ZoneShape] {
  const west = [p(0, 0), p(2, 0), ...road, p(2, 4), p(0, 4), p(0, 0)];
  const east = [p(2, 0), p(5, 0), p(5, 4), p(2, 4), ...[...road].reverse(), p(2, 0)];
  return [
    { id: 'west', geom: { type: 'Polygon', coordinates: [west] } },
    { id: 'east', geom: { type: 'MultiPolygon', coordinates: [[east]] } },
  ];
}

const rings = (z: ZoneShape) => (z.geom.type === 'Polygon' ? [z.geom.coordinates] : z.geom.coordinates).flat();
const key = (q: Position) => `${q[0]},${q[1]}`;
/** The zone's vertices that lie on the other zone's boundary too, as a set of keys. */
const sharedKeys = (a: ZoneShape, b: ZoneShape) => {
  const theirs = new Set(rings(b).flat().map(key));
  return new Set(
    rings(a)
      .flat()
      .map(key)
      .filter((k) => theirs.has(k)),
  );
};

describe('findSharedVertices', () => {
  it('finds the vertex in every zone that has it, a ring’s closing vertex as its first', () => {
    const [west, east] = neighbours([p(2.3, 2)]);
    expect(findSharedVertices([west, east], p(2.3, 2))).toEqual([
      { zoneId: 'west', polygon: 0, ring: 0, index: 2 },
      { zoneId: 'east', polygon: 0, ring: 0, index: 4 },
    ]);
    expect(findSharedVertices([west, east], p(2, 0))).toEqual([
      { zoneId: 'west', polygon: 0, ring: 0, index: 1 },
      { zoneId: 'east', polygon: 0, ring: 0, index: 0 },
    ]);
    expect(findSharedVertices([west, east], [p(2.3, 2)[0] + 1e-8, p(2.3, 2)[1]])).toEqual([]);
    expect(findSharedVertices([west, east], [p(2.3, 2)[0] + 1e-8, p(2.3, 2)[1]], 1e-7)).toHaveLength(2);
  });
});

describe('moveSharedVertex', () => {
  it('moves the vertex in every zone, leaving the others alone and the inputs unchanged', () => {
    const [west, east] = neighbours([p(2.3, 2)]);
    const lone: ZoneShape = {
      id: 'lone',
      geom: { type: 'Polygon', coordinates: [[p(9, 9), p(10, 9), p(10, 10), p(9, 9)]] },
    };
    const before = JSON.stringify([west, east]);
    const moved = moveSharedVertex([west, east, lone], p(2.3, 2), p(1.8, 2.1));
    expect(moved.map((z) => z.id)).toEqual(['west', 'east']);
    expect(moved[0].geom).toEqual({
      type: 'Polygon',
      coordinates: [[p(0, 0), p(2, 0), p(1.8, 2.1), p(2, 4), p(0, 4), p(0, 0)]],
    });
    expect(moved[1].geom.type).toBe('MultiPolygon');
    expect(JSON.stringify([west, east])).toBe(before);
  });

  it('keeps rings closed when the first vertex moves', () => {
    const [west] = neighbours([]);
    const [moved] = moveSharedVertex([west], p(0, 0), p(-0.5, -0.5));
    const ring = (moved.geom as Polygon).coordinates[0];
    expect(ring[0]).toEqual(p(-0.5, -0.5));
    expect(ring[ring.length - 1]).toEqual(p(-0.5, -0.5));
    expect(validatePolygon(moved.geom).valid).toBe(true);
  });

  it('keeps a lockdown zone and the ring around it without gap or overlap', () => {
    const lockdown: ZoneShape = {
      id: 'l',
      geom: { type: 'Polygon', coordinates: [[p(0, 0), p(2, 0), p(2, 2), p(0, 2), p(0, 0)]] },
    };
    const made = ringAround(lockdown.geom, 150);
    if (!made.ok) throw new Error(made.reason);
    const ring: ZoneShape = { id: 'r', geom: made.geom };
    expect(sharedEdgeZones(lockdown, [ring])).toEqual(['r']);
    const moved = moveSharedVertex([lockdown, ring], p(2, 2), p(2.4, 2.3));
    expect(moved).toHaveLength(2);
    const [l, r] = moved.map((z) => feature(z.geom));
    expect(intersect(featureCollection([l, r]))).toBeNull();
    expect(Math.abs(area(l) + area(r) - area(made.geom) - area(lockdown.geom))).toBeLessThan(1e-3);
  });

  it('neighbours keep one shared boundary: no gap, no overlap', () => {
    const bends = fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(
        bends,
        fc.nat(),
        fc.integer({ min: -4, max: 4 }),
        fc.integer({ min: -4, max: 4 }),
        (offsets, pick, du, dv) => {
          // Bends 0.4 grid units apart in v, up to 0.5 to either side: a move of up to 0.1
          // cannot make the road cross itself.
          const road = offsets.map((o, i) => p(2 + o / 10, (4 * (i + 1)) / (offsets.length + 1)));
          const [west, east] = neighbours(road);
          const from = road[pick % road.length];
          const to = [from[0] + du / 40_000, from[1] + dv / 40_000];
          const moved = moveSharedVertex([west, east], from, to);
          if (du === 0 && dv === 0) return;
          expect(moved.map((z) => z.id)).toEqual(['west', 'east']);
          const [w, e] = moved;
          expect(validatePolygon(w.geom).valid && validatePolygon(e.geom).valid).toBe(true);
          // The road is the same positions in both zones, before and after.
          expect(sharedKeys(w, e)).toEqual(sharedKeys(e, w));
          expect(sharedKeys(w, e).size).toBe(sharedKeys(west, east).size);
          const pair = featureCollection([feature(w.geom), feature(e.geom)]);
          const overlap = intersect(pair);
          expect(overlap ? area(overlap) : 0).toBeLessThan(1e-3);
          const block = feature<MultiPolygon>({
            type: 'MultiPolygon',
            coordinates: [[[p(0, 0), p(5, 0), p(5, 4), p(0, 4), p(0, 0)]]],
          });
          const gap = difference(featureCollection([block, feature(w.geom), feature(e.geom)]));
          expect(gap ? area(gap) : 0).toBeLessThan(1e-3);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('sharedEdgeZones', () => {
  it('names the zones sharing a vertex, not itself nor zones that only come near', () => {
    const [west, east] = neighbours([p(2.3, 2)]);
    const near: ZoneShape = {
      id: 'near',
      geom: { type: 'Polygon', coordinates: [[p(-1, 0), p(-0.0001, 0), p(-0.0001, 1), p(-1, 0)]] },
    };
    const corner: ZoneShape = {
      id: 'corner',
      geom: { type: 'Polygon', coordinates: [[p(5, 4), p(6, 4), p(6, 5), p(5, 4)]] },
    };
    expect(sharedEdgeZones(east, [west, east, near, corner])).toEqual(['west', 'corner']);
    expect(sharedEdgeZones(west, [east, near, corner])).toEqual(['east']);
  });
});
