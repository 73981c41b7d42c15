import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  altBound,
  altLowerBound,
  buildLandmarks,
  dijkstraFromNode,
  nodeTarget,
  portalTarget,
} from '../../src/routing/landmarks.ts';
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

  it('on a network with closures, are chosen where the roads still join up', () => {
    const graph = buildRoadGraph(
      gridRoads({
        size: 6,
        links: Array.from({ length: 60 }, () => ({ present: true, oneway: 0, speed: 30, bend: false })),
      }),
    );
    // Cut node 0 off: farthest-point selection from it would find nothing.
    const closed = new Uint8Array(graph.edgeCount);
    for (let a = graph.adjStart[0]; a < graph.adjStart[1]; a++) closed[graph.adjEdge[a]] = 1;
    const lm = buildLandmarks(graph, truckProfile, 3, closed);
    for (let k = 0; k < lm.count; k++) {
      let reached = 0;
      for (let v = 0; v < graph.nodeCount; v++) if (lm.fromLandmark[v * lm.count + k] < Infinity) reached++;
      expect(reached).toBe(graph.nodeCount - 1);
    }
  });

  it('bound the cost through reopened roads with a portal target (fast-check)', () => {
    fc.assert(
      fc.property(
        randomGrid(6),
        fc.array(fc.integer({ min: 0, max: 59 }), { maxLength: 20 }),
        fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }),
        fc.nat(),
        (grid, closedIds, reopen, t0) => {
          const graph = buildRoadGraph(gridRoads(grid));
          if (graph.nodeCount < 2) return;
          // Landmarks on the network less `base`; the query reopens some of those roads.
          const base = new Uint8Array(graph.edgeCount);
          const query = new Uint8Array(graph.edgeCount);
          closedIds.forEach((e, i) => {
            if (e >= graph.edgeCount) return;
            base[e] = 1;
            if (!reopen[i]) query[e] = 1;
          });
          const lm = buildLandmarks(graph, truckProfile, 3, base);
          const t = t0 % graph.nodeCount;
          const exact = dijkstraFromNode(graph, truckProfile, t, true, query);
          const portal = new Uint8Array(graph.nodeCount);
          for (let e = 0; e < graph.edgeCount; e++)
            if (base[e] && !query[e]) portal[graph.edgeFrom[e]] = portal[graph.edgeTo[e]] = 1;
          // Entries: portals a road of the landmarks' network leads into, each with its exact cost to t.
          const entries: number[] = [];
          for (let v = 0; v < graph.nodeCount; v++) {
            if (!portal[v]) continue;
            for (let a = graph.adjStart[v]; a < graph.adjStart[v + 1]; a++) {
              const e = graph.adjEdge[a];
              if (!base[e] && (!graph.edgeOneway[e] || graph.adjForward[a] === 0)) {
                entries.push(v);
                break;
              }
            }
          }
          const target = portalTarget(
            lm,
            portal[t] ? null : nodeTarget(lm, t),
            entries,
            entries.map((v) => exact[v]),
          );
          for (let v = 0; v < graph.nodeCount; v++) {
            if (portal[v]) continue;
            const bound = altBound(lm, v, target);
            if (exact[v] < Infinity) expect(bound).toBeLessThanOrEqual(exact[v] + 1e-9);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
