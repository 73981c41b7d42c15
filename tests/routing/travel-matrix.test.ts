import { describe, expect, it } from 'vitest';
import { legClosures } from '../../src/routing/closures.ts';
import { matrixClosures, travelMatrix } from '../../src/routing/travel-matrix.ts';
import { routeTruck } from '../../src/routing/truck-route.ts';
import { at, loadFixture } from './truck-fixture.ts';

const { network, input, compounds } = loadFixture();
const drop = compounds[0].properties.drop_point;
const points = [at(0, 0), drop, at(5, 5.2), at(9.5, 4), at(5, 2), at(3.3, 4), at(11, 0), at(5, 3)];

describe('travelMatrix', () => {
  it('equals point-to-point routes without closures', () => {
    const m = travelMatrix(network, points);
    const n = points.length;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (i === j) expect(m[i * n + j]).toBe(0);
        else expect(m[i * n + j]).toBeCloseTo(routeTruck(network, points[i], points[j])?.seconds ?? Infinity, 6);
      }
    }
  });

  it('equals point-to-point routes under the per-leg zone rule, one search per distinct mask', () => {
    const closuresFor = matrixClosures(network, { ...input, hasPass: true }, points);
    const m = travelMatrix(network, points, closuresFor);
    const n = points.length;
    let unreachable = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (i === j) continue;
        const closures = legClosures(network, { ...input, hasPass: true }, points[i], points[j]);
        expect(closuresFor(i, j).closedEdges).toEqual(closures.closedEdges);
        const route = routeTruck(network, points[i], points[j], { closures });
        expect(m[i * n + j], `${i} -> ${j}`).toBeCloseTo(route?.seconds ?? Infinity, 6);
        if (!route) unreachable++;
      }
    }
    expect(unreachable).toBeGreaterThan(0);
    // Legs into the sealed compound may enter its ring and zone, legs to the ring point only the ring.
    expect(m[0 * n + 1]).toBeLessThan(Infinity);
    expect(m[0 * n + 2]).toBeLessThan(Infinity);
    expect(m[2 * n + 1]).toBeLessThan(Infinity);
  });

  it('takes shared closures', () => {
    const shared = legClosures(network, input, points[0], points[3]);
    const m = travelMatrix(network, points, shared);
    expect(m[0 * points.length + 3]).toBe(Infinity);
  });
});
