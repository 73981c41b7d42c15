import fc from 'fast-check';
import type { Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { closureInputFromFeatures, legClosures, zonesCovering, type ClosureInput } from '../../src/routing/closures.ts';
import { buildRoutingNetwork } from '../../src/routing/routing-network.ts';
import { matrixClosures, travelMatrix } from '../../src/routing/travel-matrix.ts';
import { routeTruck } from '../../src/routing/truck-route.ts';
import { gridRoads, randomGrid } from './random-network.ts';
import { at, loadFixture, readLayer } from './truck-fixture.ts';

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

/** Every entry of the per-leg matrix against `routeTruck` under that leg's own closures. */
function expectMatrixEqualsRoutes(
  network: ReturnType<typeof buildRoutingNetwork>,
  input: ClosureInput,
  pts: readonly Position[],
  algorithm: 'alt' | 'dijkstra',
): { unreachable: number } {
  const m = travelMatrix(network, pts, matrixClosures(network, input, pts));
  const n = pts.length;
  let unreachable = 0;
  for (let i = 0; i < n; i++) {
    expect(m[i * n + i]).toBe(0);
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const closures = legClosures(network, input, pts[i], pts[j]);
      const route = routeTruck(network, pts[i], pts[j], { closures, algorithm });
      if (!route) unreachable++;
      if (route) expect(m[i * n + j], `${i} -> ${j}`).toBeCloseTo(route.seconds, 6);
      else expect(m[i * n + j], `${i} -> ${j}`).toBe(Infinity);
    }
  }
  return { unreachable };
}

describe('travelMatrix on the demo district (one search per origin, repaired per sealed destination)', () => {
  const dir = 'data/nantong';
  const demo = buildRoutingNetwork(readLayer(dir, 'roads'));
  const sites = readLayer(dir, 'sites').features;
  const demoInput = closureInputFromFeatures(readLayer(dir, 'zones').features, sites);
  const drops: Position[] = readLayer(dir, 'compounds').features.map((f: any) => f.properties.drop_point);
  const covered = drops.filter((p) => zonesCovering(demo, demoInput.zones, p).length > 0);
  const free = drops.filter((p) => zonesCovering(demo, demoInput.zones, p).length === 0);
  const depots: Position[] = sites.filter((f: any) => f.properties.kind === 'depot').map((f: any) => f.geometry.coordinates);
  // Drop points inside sealed compounds and control rings (one zone or nested zones), ordinary ones, depots.
  const byZones = new Map<string, Position>();
  for (const p of covered) byZones.set(zonesCovering(demo, demoInput.zones, p).sort().join('|'), p);
  const inside = [...new Set([...byZones.values(), ...covered])].slice(0, 4);
  // Points on roads inside each sealed zone and ring (two per zone), as more stops there.
  const g = demo.graph;
  for (const cause of legClosures(demo, demoInput, depots[0], depots[0]).causes) {
    if (cause.kind !== 'zone') continue;
    let taken = 0;
    for (const e of cause.edges) {
      const v = Math.floor((g.coordStart[e] + g.coordStart[e + 1]) / 2);
      const p: Position = [g.coords[2 * v], g.coords[2 * v + 1]];
      if (taken < 2 && zonesCovering(demo, demoInput.zones, p).includes(cause.id)) {
        inside.push(p);
        taken++;
      }
    }
  }
  const stops = [...inside, ...free.slice(0, 5), ...depots.slice(0, 3)];

  it('equals point-to-point routeTruck on every pair under the per-leg zone rule', () => {
    expect(stops.length).toBeGreaterThanOrEqual(18);
    const zoneSets = new Set(stops.map((p) => zonesCovering(demo, demoInput.zones, p).sort().join('|')));
    expect(zoneSets.size).toBeGreaterThan(2);
    expect([...zoneSets].some((k) => k.includes('|'))).toBe(true);
    for (const hasPass of [false, true]) expectMatrixEqualsRoutes(demo, { ...demoInput, hasPass }, stops, 'alt');
  });
});

describe('travelMatrix on random grids with zones (fast-check)', () => {
  const coord = fc.double({ min: 0, max: 0.006, noNaN: true });
  const rect = fc.record({
    x: fc.double({ min: -0.0005, max: 0.005, noNaN: true }),
    y: fc.double({ min: -0.0005, max: 0.005, noNaN: true }),
    w: fc.double({ min: 0.0005, max: 0.004, noNaN: true }),
    h: fc.double({ min: 0.0005, max: 0.004, noNaN: true }),
    level: fc.constantFrom('lockdown', 'control', 'precaution'),
  });

  it('equals the per-leg Dijkstra route for every pair', () => {
    fc.assert(
      fc.property(
        randomGrid(6),
        fc.array(rect, { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(coord, coord), { minLength: 2, maxLength: 7 }),
        fc.boolean(),
        (grid, rects, raw, insideFirst) => {
          const network = buildRoutingNetwork(gridRoads(grid));
          if (network.graph.edgeCount === 0) return;
          const zones = rects.map((r, k) => {
            const [x0, y0] = [121 + r.x, 32 + r.y];
            const [x1, y1] = [x0 + r.w, y0 + r.h];
            return {
              id: `z${k}`,
              level: r.level,
              status: 'active',
              geom: {
                type: 'Polygon' as const,
                coordinates: [
                  [
                    [x0, y0],
                    [x1, y0],
                    [x1, y1],
                    [x0, y1],
                    [x0, y0],
                  ],
                ],
              },
            };
          });
          const pts: Position[] = raw.map(([x, y]) => [121 + x, 32 + y]);
          // Make sure some stops sit inside zones: the centre of each zone.
          if (insideFirst) for (const r of rects) pts.push([121 + r.x + r.w / 2, 32 + r.y + r.h / 2]);
          expectMatrixEqualsRoutes(network, { zones, checkpoints: [] }, pts, 'dijkstra');
        },
      ),
      { numRuns: 60 },
    );
  });
});
