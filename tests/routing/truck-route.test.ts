import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closureInputFromFeatures, legClosures } from '../../src/routing/closures.ts';
import { truckProfile } from '../../src/routing/profiles.ts';
import { buildRoutingNetwork } from '../../src/routing/routing-network.ts';
import { closureLandmarks, routeTruck, type TruckAlgorithm } from '../../src/routing/truck-route.ts';
import { gridRoads, randomGrid } from './random-network.ts';
import { at, edgeOf, loadFixture, readLayer } from './truck-fixture.ts';

const ALGORITHMS: TruckAlgorithm[] = ['alt', 'astar', 'dijkstra'];
const { network, input, compounds } = loadFixture();
const depot = at(0, 0);
const drop: [number, number] = compounds[0].properties.drop_point;

describe('routeTruck on the fixture', () => {
  it('drives along Main St at 60 km/h: seconds = metres / (60 / 3.6)', () => {
    for (const algorithm of ALGORITHMS) {
      const r = routeTruck(network, at(1.5, 0), at(3.5, 0), { algorithm })!;
      expect(r.roads).toEqual(['m1', 'm2', 'm3']);
      expect(r.metres).toBeCloseTo(2 * network.graph.edgeLengthM[edgeOf(network, 'm1')], 6);
      expect(r.seconds).toBeCloseTo(r.metres / (60 / 3.6), 9);
      expect(r.geometry).toHaveLength(4);
      expect(r.geometry[0]).toEqual(at(1.5, 0));
    }
  });

  it('counts the off-network legs at the slow pace and part edges at both ends', () => {
    const from = [121.0015, 32.0001];
    const r = routeTruck(network, from, at(2.5, 0))!;
    expect(r.edges).toEqual([edgeOf(network, 'm1'), edgeOf(network, 'm2')]);
    const offM = 0.0001 * 111_195;
    expect(r.seconds).toBeCloseTo(offM * truckProfile.offNetworkCostPerM + (r.metres - offM) / (60 / 3.6), 1);
  });

  it('follows a one-way road only in its drawn direction', () => {
    const up = routeTruck(network, at(5, 1), at(5, 3))!;
    expect(up.roads).toEqual(['c']);
    for (const algorithm of ALGORITHMS) {
      const down = routeTruck(network, at(5, 3), at(5, 1), { algorithm })!;
      expect(down.roads[0]).toBe('c');
      expect(down.roads).toContain('w');
      expect(down.seconds).toBeGreaterThan(5 * up.seconds);
    }
  });

  it('reaches the drop point inside a control ring and lockdown zone, through no other zone', () => {
    const closures = legClosures(network, input, depot, drop);
    for (const algorithm of ALGORITHMS) {
      const r = routeTruck(network, depot, drop, { closures, algorithm })!;
      expect(r.roads.slice(-2)).toEqual(['spur1', 'spur2']);
      expect(r.roads).not.toContain('n7');
      expect(r.roads).not.toContain('n8');
    }
  });

  it('detours around a zone closed for the leg and returns null when closures cut every route', () => {
    const toEast = at(9.5, 4);
    const open = routeTruck(network, at(0, 4), toEast)!;
    expect(open.roads).toContain('n8');
    expect(
      routeTruck(network, at(0, 4), toEast, { closures: legClosures(network, input, at(0, 4), toEast) }),
    ).toBeNull();
    // With Main St's checkpoint open, the way round by e0 / e1 passes a restricted checkpoint.
    const mainOpen = {
      ...input,
      checkpoints: input.checkpoints.map((c) => (c.id === 'cp-main' ? { ...c, state: 'open' } : c)),
    };
    expect(
      routeTruck(network, at(0, 4), toEast, { closures: legClosures(network, mainOpen, at(0, 4), toEast) }),
    ).toBeNull();
    const withPass = legClosures(network, { ...mainOpen, hasPass: true }, at(0, 4), toEast);
    const detour = routeTruck(network, at(0, 4), toEast, { closures: withPass })!;
    expect(detour.roads).toContain('e1');
    expect(detour.roads).not.toContain('n8');
  });

  it('returns null for a point far from every road', () => {
    expect(routeTruck(network, depot, at(50, 50))).toBeNull();
  });

  it('routes on one edge, also backwards along a two-way road', () => {
    const r = routeTruck(network, at(1.8, 0), at(1.2, 0))!;
    expect(r.roads).toEqual(['m1']);
    expect(r.metres).toBeCloseTo(0.6 * network.graph.edgeLengthM[edgeOf(network, 'm1')], 3);
  });
});

describe('ALT, straight-line A* and Dijkstra agree', () => {
  it('on random grids with one-way roads and random closures (fast-check)', () => {
    fc.assert(
      fc.property(
        randomGrid(7),
        fc.array(
          fc.tuple(fc.double({ min: 0, max: 0.006, noNaN: true }), fc.double({ min: 0, max: 0.006, noNaN: true })),
          { minLength: 4, maxLength: 4 },
        ),
        fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 15 }),
        (grid, points, closedIds) => {
          const net = buildRoutingNetwork(gridRoads(grid));
          if (net.graph.edgeCount === 0) return;
          const closedEdges = new Uint8Array(net.graph.edgeCount);
          for (const e of closedIds) if (e < net.graph.edgeCount) closedEdges[e] = 1;
          const [a, b, c, d] = points.map(([x, y]) => [121 + x, 32 + y]);
          for (const [from, to] of [
            [a, b],
            [c, d],
          ]) {
            for (const closures of [{}, { closedEdges }]) {
              const [alt, astar, dijkstra] = ALGORITHMS.map((algorithm) =>
                routeTruck(net, from, to, { algorithm, closures }),
              );
              if (!dijkstra) {
                expect(alt).toBeNull();
                expect(astar).toBeNull();
                continue;
              }
              expect(alt!.seconds).toBeCloseTo(dijkstra.seconds, 6);
              expect(astar!.seconds).toBeCloseTo(dijkstra.seconds, 6);
              if ('closedEdges' in closures) for (const e of alt!.edges) expect(closedEdges[e]).toBe(0);
              for (let i = 1; i < alt!.edges.length; i++) {
                // Consecutive edges share a node, and one-way edges are entered at their start.
                const [p, q] = [alt!.edges[i - 1], alt!.edges[i]];
                const g = net.graph;
                const shared = [g.edgeFrom[q], g.edgeTo[q]].filter((n) => n === g.edgeFrom[p] || n === g.edgeTo[p]);
                expect(shared.length).toBeGreaterThan(0);
                if (g.edgeOneway[q] && i < alt!.edges.length - 1) expect(shared).toContain(g.edgeFrom[q]);
              }
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('the demo district (data/nantong)', () => {
  const dir = 'data/nantong';
  const demo = buildRoutingNetwork(readLayer(dir, 'roads'));
  const zones = readLayer(dir, 'zones').features;
  const sites = readLayer(dir, 'sites').features;
  const demoInput = closureInputFromFeatures(zones, sites);
  const jiangshanding = readLayer(dir, 'compounds').features.find((f: any) => f.properties.name_zh === '江山鼎');
  const depots = sites.filter((f: any) => f.properties.kind === 'depot');

  it('routes a truck from a depot to Jiangshanding’s drop point entering no other lockdown or control zone', () => {
    const to = jiangshanding.properties.drop_point;
    for (const depot of depots) {
      const from = depot.geometry.coordinates;
      const leg = legClosures(demo, demoInput, from, to);
      expect(leg.openZones.length).toBeGreaterThan(0);
      const route = routeTruck(demo, from, to, { closures: leg });
      expect(route, depot.properties.id).not.toBeNull();
      const dijkstra = routeTruck(demo, from, to, { closures: leg, algorithm: 'dijkstra' })!;
      expect(route!.seconds).toBeCloseTo(dijkstra.seconds, 6);
      const otherZoneEdges = new Set(leg.causes.filter((c) => c.kind === 'zone').flatMap((c) => [...c.edges]));
      expect(route!.edges.filter((e) => otherZoneEdges.has(e))).toEqual([]);
    }
  });
});

describe('ALT with the closures in force (legs from legClosures)', () => {
  const coord = fc.double({ min: 0, max: 0.006, noNaN: true });
  const rect = fc.record({
    x: fc.double({ min: -0.0005, max: 0.005, noNaN: true }),
    y: fc.double({ min: -0.0005, max: 0.005, noNaN: true }),
    w: fc.double({ min: 0.0005, max: 0.004, noNaN: true }),
    h: fc.double({ min: 0.0005, max: 0.004, noNaN: true }),
    level: fc.constantFrom('lockdown', 'control'),
  });

  it('agrees with Dijkstra on random grids with zones, ends inside and outside them (fast-check)', () => {
    fc.assert(
      fc.property(
        randomGrid(7),
        fc.array(rect, { minLength: 1, maxLength: 5 }),
        fc.array(fc.tuple(coord, coord), { minLength: 2, maxLength: 5 }),
        (grid, rects, raw) => {
          const net = buildRoutingNetwork(gridRoads(grid));
          if (net.graph.edgeCount === 0) return;
          const zones = rects.map((r, k) => {
            const [x0, y0] = [121 + r.x, 32 + r.y];
            const [x1, y1] = [x0 + r.w, y0 + r.h];
            const ring = [
              [x0, y0],
              [x1, y0],
              [x1, y1],
              [x0, y1],
              [x0, y0],
            ];
            return {
              id: `z${k}`,
              level: r.level,
              status: 'active',
              geom: { type: 'Polygon' as const, coordinates: [ring] },
            };
          });
          // Random points and the centre of every zone, so legs start and end inside zones too.
          const pts = [
            ...raw.map(([x, y]) => [121 + x, 32 + y]),
            ...rects.map((r) => [121 + r.x + r.w / 2, 32 + r.y + r.h / 2]),
          ];
          const input = { zones, checkpoints: [] };
          for (const from of pts) {
            for (const to of pts) {
              const closures = legClosures(net, input, from, to);
              const [alt, astar, dijkstra] = ALGORITHMS.map((algorithm) =>
                routeTruck(net, from, to, { algorithm, closures }),
              );
              if (!dijkstra) {
                expect(alt).toBeNull();
                expect(astar).toBeNull();
                continue;
              }
              expect(alt!.seconds).toBeCloseTo(dijkstra.seconds, 6);
              expect(astar!.seconds).toBeCloseTo(dijkstra.seconds, 6);
              for (const e of alt!.edges) expect(closures.closedEdges[e]).toBe(0);
            }
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('builds their landmarks once per closure state', () => {
    const a = legClosures(network, input, depot, drop);
    const b = legClosures(network, input, at(0, 4), at(9.5, 4));
    const withPass = legClosures(network, { ...input, hasPass: true }, depot, drop);
    expect(a.base).toBe(b.base);
    expect(closureLandmarks(network.graph, a.base)).toBe(closureLandmarks(network.graph, b.base));
    expect(withPass.base).not.toBe(a.base);
    expect(closureLandmarks(network.graph, withPass.base)).not.toBe(closureLandmarks(network.graph, a.base));
  });
});
