import { describe, expect, it } from 'vitest';
import { buildSnapIndex } from '../../src/geo/snap-index.ts';

// A compound outline and a road near Nantong (latitude 32: a degree of longitude is ~0.85 of one of latitude).
const outline = [
  [120.9, 32.0],
  [120.902, 32.0],
  [120.902, 32.002],
  [120.9, 32.002],
  [120.9, 32.0],
];
const road = [
  [120.89, 32.01],
  [120.91, 32.01],
];
const index = buildSnapIndex([outline, road]);

describe('buildSnapIndex', () => {
  it('snaps to a vertex within the tolerance, in preference to a closer point on a line', () => {
    expect(index.snap([120.90205, 32.00003], 0.0001)).toEqual([120.902, 32.0]);
  });

  it('snaps to the nearest point on a segment when no vertex is near', () => {
    const snapped = index.snap([120.9, 32.01005], 0.0001)!;
    expect(snapped[0]).toBeCloseTo(120.9, 9);
    expect(snapped[1]).toBeCloseTo(32.01, 9);
  });

  it('scales longitude by the latitude: 0.00011 degrees east is within 0.0001 of latitude', () => {
    expect(index.snap([120.90211, 32.001], 0.0001)).not.toBeNull();
    expect(index.snap([120.90013, 32.001], 0.0001)).toBeNull();
  });

  it('answers null far from everything, and for an empty index', () => {
    expect(index.snap([121.5, 31.0], 0.0001)).toBeNull();
    expect(buildSnapIndex([]).snap([120.9, 32.0], 0.01)).toBeNull();
  });
});
