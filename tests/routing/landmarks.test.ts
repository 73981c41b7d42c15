import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { altLowerBound, buildLandmarks, dijkstraFromNode } from '../../src/routing/landmarks.ts';
import { truckProfile } from '../../src/routing/profiles.ts';
import { buildRoadGraph } from '../../src/routing/road-graph.ts';
import { gridRoads, randomGrid } from './random-network.ts';

describe('landmarks', () => {
  it('are spread apart and store both directions', () => {
    const graph = buildRoadGraph(
      gridRoads({
        size: 6,
        links: Array.from({ length: 60 }, () => ({ present: true, oneway: 0, speed: 30, bend: false })),
      }),
    );
    const lm = buildLandmarks(graph, truckProfile, 4);
    expect(lm.count).toBe(4);
    expect(new Set(lm.nodes).size).toBe(4);
    // Two-way grid: forward and backward distances agree.
    for (let v = 0; v < graph.nodeCount; v++)
      for (let k = 0; k < 4; k++) expect(lm.fromLandmark[v * 4 + k]).toBeCloseTo(lm.toLandmark[v * 4 + k], 9);
  });

  it('give a lower bound that never exceeds the true cost, also where one-way roads make nodes unreachable', () => {
    fc.assert(
      fc.property(randomGrid(6), fc.integer({ min: 1, max: 6 }), (grid, count) => {
        const graph = buildRoadGraph(gridRoads(grid));
        if (graph.nodeCount < 2) return;
        const lm = buildLandmarks(graph, truckProfile, count);
        for (let s = 0; s < graph.nodeCount; s += 3) {
          const exact = dijkstraFromNode(graph, truckProfile, s);
          for (let t = 0; t < graph.nodeCount; t++) {
            const bound = altLowerBound(lm, s, t);
            expect(bound).toBeGreaterThanOrEqual(0);
            if (exact[t] < Infinity) expect(bound).toBeLessThanOrEqual(exact[t] + 1e-9);
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  it('are consistent: the bound drops by no more than an edge costs', () => {
    fc.assert(
      fc.property(randomGrid(5), (grid) => {
        const graph = buildRoadGraph(gridRoads(grid));
        const lm = buildLandmarks(graph, truckProfile, 3);
        for (let t = 0; t < graph.nodeCount; t++) {
          for (let e = 0; e < graph.edgeCount; e++) {
            const c = truckProfile.edgeCost(graph, e);
            const u = graph.edgeFrom[e];
            const v = graph.edgeTo[e];
            const hu = altLowerBound(lm, u, t);
            const hv = altLowerBound(lm, v, t);
            if (hv < Infinity) expect(hu).toBeLessThanOrEqual(c + hv + 1e-9);
          }
        }
      }),
      { numRuns: 30 },
    );
  });
});
