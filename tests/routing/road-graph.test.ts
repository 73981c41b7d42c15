import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildRoadGraph, type RoadCollection, type RoadFeature } from '../../src/routing/road-graph.ts';

const roads = JSON.parse(readFileSync('tests/fixtures/routing/small-network.geojson', 'utf8')) as RoadCollection;

function edgeOf(graph: ReturnType<typeof buildRoadGraph>, roadId: string): number {
  return graph.edgeRoadId.indexOf(roadId);
}

describe('buildRoadGraph', () => {
  const graph = buildRoadGraph(roads);

  it('makes one edge per road and one node per distinct endpoint', () => {
    expect(graph.edgeCount).toBe(9);
    expect(graph.nodeCount).toBe(9);
  });

  it('merges endpoints that are equal at 6 decimals', () => {
    const r3 = edgeOf(graph, 'r3');
    const r5 = edgeOf(graph, 'r5');
    expect(graph.edgeFrom[r3]).toBe(graph.edgeTo[r5]);
  });

  it('keeps every vertex of a bent road and measures its length along them', () => {
    const r5 = edgeOf(graph, 'r5');
    expect(graph.coordStart[r5 + 1] - graph.coordStart[r5]).toBe(3);
    // two legs of hypot(47 m, 111 m)
    expect(graph.edgeLengthM[r5]).toBeCloseTo(2 * Math.hypot(47.23, 111.19), 0);
  });

  it('lists each edge at both of its nodes with the direction of travel', () => {
    const o1 = edgeOf(graph, 'o1');
    const from = graph.edgeFrom[o1];
    const to = graph.edgeTo[o1];
    const at = (node: number) => {
      const out: [number, number][] = [];
      for (let a = graph.adjStart[node]; a < graph.adjStart[node + 1]; a++) out.push([graph.adjEdge[a], graph.adjForward[a]]);
      return out;
    };
    expect(at(from)).toContainEqual([o1, 1]);
    expect(at(to)).toEqual([[o1, 0]]);
    expect(graph.edgeOneway[o1]).toBe(1);
  });

  it('records class and speed per edge', () => {
    const m1 = edgeOf(graph, 'm1');
    expect(graph.classes[graph.edgeClass[m1]]).toBe('motorway');
    expect(graph.edgeSpeedKmh[m1]).toBe(100);
  });

  it('skips features without a usable line and counts them', () => {
    const broken = [
      ...roads.features,
      { type: 'Feature', properties: { id: 'bad', class: 'residential' }, geometry: { type: 'LineString', coordinates: [[120.9, 31.9]] } },
      { type: 'Feature', properties: { id: 'null', class: 'residential' }, geometry: null },
    ] as unknown as RoadFeature[];
    const g = buildRoadGraph(broken);
    expect(g.edgeCount).toBe(9);
    expect(g.skippedRoads).toBe(2);
  });
});
