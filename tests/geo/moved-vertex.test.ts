import { describe, expect, it } from 'vitest';
import { movedVertex } from '../../src/geo/moved-vertex.ts';

const ring = [
  [0, 0],
  [1, 0],
  [1, 1],
  [0, 1],
  [0, 0],
];

describe('movedVertex', () => {
  it('finds the one vertex that moved', () => {
    const after = ring.map((p, i) => (i === 2 ? [1.5, 1.2] : p));
    expect(movedVertex(ring, after)).toEqual({ from: [1, 1], to: [1.5, 1.2] });
  });

  it('counts the first and closing positions as one vertex', () => {
    const after = ring.map((p, i) => (i === 0 || i === 4 ? [-0.1, -0.1] : p));
    expect(movedVertex(ring, after)).toEqual({ from: [0, 0], to: [-0.1, -0.1] });
  });

  it('is null for an inserted vertex, two moved vertices, a dragged ring or no change', () => {
    expect(
      movedVertex(ring, [
        [0, 0],
        [0.5, -0.1],
        [1, 0],
        [1, 1],
        [0, 1],
        [0, 0],
      ]),
    ).toBeNull();
    expect(
      movedVertex(
        ring,
        ring.map((p, i) => (i === 1 || i === 2 ? [p[0] + 1, p[1]] : p)),
      ),
    ).toBeNull();
    expect(
      movedVertex(
        ring,
        ring.map(([x, y]) => [x + 1, y]),
      ),
    ).toBeNull();
    expect(movedVertex(ring, ring)).toBeNull();
  });
});
