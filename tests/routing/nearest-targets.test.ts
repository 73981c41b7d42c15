import { readFileSync } from 'node:fs';
import createGraph from 'ngraph.graph';
import { aStar } from 'ngraph.path';
import { describe, expect, it } from 'vitest';
import { nearestTargets } from '../../src/routing/nearest-targets.ts';
import { walkingProfile, type TravelProfile } from '../../src/routing/profiles.ts';
import type { RoadCollection, RoadGraph } from '../../src/routing/road-graph.ts';
import { buildRoutingNetwork, type RoutingNetwork } from '../../src/routing/routing-network.ts';
import { snapForProfile, type Snap } from '../../src/routing/snap.ts';

const roads = JSON.parse(readFileSync('tests/fixtures/routing/small-network.geojson', 'utf8')) as RoadCollection;

/** A profile that keeps to one-way roads, as a driving profile will. */
const keepsOneway: TravelProfile = {
  id: 'test-keeps-oneway',
  respectOneway: true,
  offNetworkCostPerM: 1,
  edgeCost: (graph, e) => graph.edgeLengthM[e],
};

/** The graph as an ngraph.graph (node id = node index, one link per edge, data = edge index), built independently of the routing code. */
function toNgraph(graph: RoadGraph) {
  const g = createGraph<undefined, number>({ multigraph: true });
  for (let n = 0; n < graph.nodeCount; n++) g.addNode(n);
  for (let e = 0; e < graph.edgeCount; e++) g.addLink(graph.edgeFrom[e], graph.edgeTo[e], e);
  return g;
}

/** A square street grid of `size` x `size` nodes, 100 m apart, west-east and south-north. */
function gridRoads(size: number): RoadCollection {
  const step = 0.001;
  const features: RoadCollection['features'] = [];
  const at = (i: number, j: number) => [120.9 + i * step, 31.9 + j * step * 0.85];
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      if (i + 1 < size)
        features.push({
          type: 'Feature',
          properties: { id: `h-${i}-${j}`, class: 'residential' },
          geometry: { type: 'LineString', coordinates: [at(i, j), at(i + 1, j)] },
        });
      if (j + 1 < size)
        features.push({
          type: 'Feature',
          properties: { id: `v-${i}-${j}`, class: 'residential' },
          geometry: { type: 'LineString', coordinates: [at(i, j), at(i, j + 1)] },
        });
    }
  }
  return { type: 'FeatureCollection', features };
}

function snap(network: RoutingNetwork, lng: number, lat: number): Snap {
  return snapForProfile(network.snapIndex, lng, lat, walkingProfile)!;
}

function nodeAt(network: RoutingNetwork, lng: number, lat: number): number {
  const { graph } = network;
  for (let n = 0; n < graph.nodeCount; n++) if (graph.nodeLng[n] === lng && graph.nodeLat[n] === lat) return n;
  throw new Error(`no node at ${lng},${lat}`);
}

describe('nearestTargets', () => {
  const network = buildRoutingNetwork(roads);
  const { graph } = network;
  const origin = snap(network, 120.9521, 31.9501);
  const siteA = snap(network, 120.9521, 31.9519);
  const siteB = snap(network, 120.9555, 31.9499);

  it('keeps to one-way roads when the profile says so', () => {
    const eastOfB = snap(network, 120.9559, 31.9501);
    expect(nearestTargets(graph, eastOfB, [siteB], { profile: walkingProfile, k: 1 }).hits).toHaveLength(1);
    expect(nearestTargets(graph, eastOfB, [siteB], { profile: keepsOneway, k: 1 }).hits).toHaveLength(0);
  });

  it('detours around an edge closed for this query only', () => {
    const closedEdges = new Uint8Array(graph.edgeCount);
    closedEdges[graph.edgeRoadId.indexOf('r6')] = 1;
    const open = nearestTargets(graph, origin, [siteA], { profile: walkingProfile, k: 1 });
    const closed = nearestTargets(graph, origin, [siteA], { profile: walkingProfile, k: 1, closedEdges });
    expect(closed.hits[0].cost).toBeGreaterThan(open.hits[0].cost + 20);
    const again = nearestTargets(graph, origin, [siteA], { profile: walkingProfile, k: 1 });
    expect(again.hits[0].cost).toBe(open.hits[0].cost);
  });

  it('does not pass through a closed node', () => {
    const closedNodes = new Uint8Array(graph.nodeCount);
    closedNodes[nodeAt(network, 120.954, 31.95)] = 1;
    const { hits } = nearestTargets(graph, origin, [siteA, siteB], { profile: walkingProfile, k: 2, closedNodes });
    expect(hits.map((h) => h.target)).toEqual([0]);
  });

  it('agrees with ngraph.path A* over an ngraph.graph of the same graph', () => {
    const from = nodeAt(network, 120.95, 31.952);
    const to = nodeAt(network, 120.956, 31.95);
    const walkable = (e: number) => walkingProfile.edgeCost(graph, e) < Infinity;
    const path = aStar(toNgraph(graph), {
      oriented: false,
      blocked: (_a, _b, link) => !walkable(link.data),
      distance: (_a, _b, link) => graph.edgeLengthM[link.data],
    }).find(from, to);
    let ngraphMetres = 0;
    for (let i = 1; i < path.length; i++) {
      let best = Infinity;
      for (const link of path[i].links ?? []) {
        const joins =
          (link.fromId === path[i].id && link.toId === path[i - 1].id) ||
          (link.toId === path[i].id && link.fromId === path[i - 1].id);
        if (joins && walkable(link.data)) best = Math.min(best, graph.edgeLengthM[link.data]);
      }
      ngraphMetres += best;
    }
    const start = snap(network, 120.95, 31.952);
    const target = snap(network, 120.956, 31.95);
    const { hits } = nearestTargets(graph, start, [target], { profile: walkingProfile, k: 1 });
    expect(path.length).toBeGreaterThan(2);
    expect(hits[0].cost).toBeCloseTo(ngraphMetres, 6);
  });

  describe('on a 40 x 40 street grid', () => {
    const grid = buildRoutingNetwork(gridRoads(40));
    const start = snap(grid, 120.9005, 31.9001);
    const targets = [
      [120.903, 31.9034],
      [120.93, 31.92],
      [120.9012, 31.9],
      [120.935, 31.93],
      [120.92, 31.9051],
      [120.9385, 31.9325],
    ].map(([lng, lat]) => snap(grid, lng, lat));

    it('finds the same nearest targets as a full search, settling fewer nodes', () => {
      const bounded = nearestTargets(grid.graph, start, targets, { profile: walkingProfile, k: 3 });
      const full = nearestTargets(grid.graph, start, targets, { profile: walkingProfile, k: Infinity });
      expect(bounded.hits).toEqual(full.hits.slice(0, 3));
      expect(full.hits).toHaveLength(targets.length);
      expect(bounded.settledNodes).toBeLessThan(full.settledNodes / 2);
    });

    it('returns targets in increasing cost', () => {
      const { hits } = nearestTargets(grid.graph, start, targets, { profile: walkingProfile, k: Infinity });
      for (let i = 1; i < hits.length; i++) expect(hits[i].cost).toBeGreaterThanOrEqual(hits[i - 1].cost);
    });

    it('stops at the cost limit', () => {
      const { hits } = nearestTargets(grid.graph, start, targets, {
        profile: walkingProfile,
        k: Infinity,
        maxCost: 1000,
      });
      expect(hits.length).toBeGreaterThan(0);
      expect(hits.every((h) => h.cost <= 1000)).toBe(true);
      expect(hits.length).toBeLessThan(targets.length);
    });
  });
});
