import fc from 'fast-check';
import type { RoadCollection } from '../../src/routing/road-graph.ts';

/** A random street grid: each link present, one-way (either way) and of a speed at random. */
export interface RandomGrid {
  size: number;
  links: { present: boolean; oneway: 0 | 1 | 2; speed: number; bend: boolean }[];
}

export const randomGrid = (size: number) =>
  fc.record({
    size: fc.constant(size),
    links: fc.array(
      fc.record({
        present: fc.integer({ min: 0, max: 99 }).map((x) => x < 85),
        oneway: fc.constantFrom<0 | 1 | 2>(0, 0, 1, 2),
        speed: fc.constantFrom(15, 30, 40, 60, 80),
        bend: fc.boolean(),
      }),
      { minLength: 2 * size * (size - 1), maxLength: 2 * size * (size - 1) },
    ),
  });

/** The grid as roads, 0.001° apart near 121 E, 32 N; `bend` adds a kink (longer road). */
export function gridRoads({ size, links }: RandomGrid): RoadCollection {
  const at = (i: number, j: number) => [121 + i * 0.001, 32 + j * 0.001];
  const features: RoadCollection['features'] = [];
  let k = 0;
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      for (const [di, dj] of [
        [1, 0],
        [0, 1],
      ]) {
        if (i + di >= size || j + dj >= size) continue;
        const l = links[k++];
        if (!l.present) continue;
        let a = at(i, j);
        let b = at(i + di, j + dj);
        if (l.oneway === 2) [a, b] = [b, a];
        const mid = [(a[0] + b[0]) / 2 + (l.bend ? dj * 0.0003 : 0), (a[1] + b[1]) / 2 + (l.bend ? di * 0.0003 : 0)];
        features.push({
          type: 'Feature',
          properties: { id: `g${k}`, class: 'residential', oneway: l.oneway !== 0, speed_kmh: l.speed },
          geometry: { type: 'LineString', coordinates: [a, mid, b] },
        });
      }
    }
  }
  return { type: 'FeatureCollection', features };
}
