import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { haversineM } from '../../src/routing/distance.ts';
import { walkingProfile } from '../../src/routing/profiles.ts';
import type { RoadCollection } from '../../src/routing/road-graph.ts';
import { buildRoutingNetwork } from '../../src/routing/routing-network.ts';
import { snapForProfile, snapToRoad } from '../../src/routing/snap.ts';

const roads = JSON.parse(readFileSync('tests/fixtures/routing/small-network.geojson', 'utf8')) as RoadCollection;

/** Nearest distance from a point to any vertex-to-vertex segment, by dense sampling. */
function bruteForceDistance(coords: number[][][], lng: number, lat: number): number {
  let best = Infinity;
  for (const line of coords) {
    for (let i = 1; i < line.length; i++) {
      for (let s = 0; s <= 1000; s++) {
        const t = s / 1000;
        const x = line[i - 1][0] + t * (line[i][0] - line[i - 1][0]);
        const y = line[i - 1][1] + t * (line[i][1] - line[i - 1][1]);
        best = Math.min(best, haversineM(lng, lat, x, y));
      }
    }
  }
  return best;
}

describe('snapToRoad', () => {
  const { snapIndex, graph } = buildRoutingNetwork(roads);

  it('finds the nearest point of the nearest segment', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    const lines = roads.features.map((f) => f.geometry.coordinates);
    for (let i = 0; i < 200; i++) {
      const lng = 120.949 + random() * 0.013;
      const lat = 31.949 + random() * 0.004;
      const snap = snapToRoad(snapIndex, lng, lat)!;
      expect(snap.distanceM).toBeCloseTo(bruteForceDistance(lines, lng, lat), 0);
    }
  });

  it('measures the offset along the edge from its first node', () => {
    const snap = snapToRoad(snapIndex, 120.955, 31.9502)!;
    expect(graph.edgeRoadId[snap.edge]).toBe('o1');
    expect(snap.offsetM).toBeCloseTo(94.5, 0);
    expect([snap.lng, snap.lat]).toEqual([120.955, 31.95]);
  });

  it('returns null beyond the maximum distance', () => {
    expect(snapToRoad(snapIndex, 120.955, 31.96, { maxDistanceM: 500 })).toBeNull();
    expect(snapToRoad(snapIndex, 120.955, 31.96, { maxDistanceM: 1500 })).not.toBeNull();
  });

  it('skips edges the profile may not use and edges closed for the query', () => {
    expect(graph.edgeRoadId[snapToRoad(snapIndex, 120.9521, 31.951)!.edge]).toBe('m1');
    expect(graph.edgeRoadId[snapForProfile(snapIndex, 120.9521, 31.951, walkingProfile)!.edge]).not.toBe('m1');
    const closedEdges = new Uint8Array(graph.edgeCount);
    closedEdges[graph.edgeRoadId.indexOf('o1')] = 1;
    expect(graph.edgeRoadId[snapForProfile(snapIndex, 120.955, 31.9502, walkingProfile, { closedEdges })!.edge]).not.toBe('o1');
  });
});
