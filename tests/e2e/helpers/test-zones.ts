import type { MultiPolygon } from 'geojson';

/** A small square zone geometry west of the city centre, away from the dataset's zones. */
export function testSquare(west: number): MultiPolygon {
  const [w, s, e, n] = [west, 31.94, west + 0.005, 31.945];
  return {
    type: 'MultiPolygon',
    coordinates: [
      [
        [
          [w, s],
          [e, s],
          [e, n],
          [w, n],
          [w, s],
        ],
      ],
    ],
  };
}
