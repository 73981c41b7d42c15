import { area, booleanValid, booleanWithin, featureCollection, intersect, kinks } from '@turf/turf';
import Flatbush from 'flatbush';
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../data/generator/contract.ts';
import { generate } from '../../data/generator/generate.ts';
import { roadGraph } from './dataset.ts';

const sum = (values: number[]) => values.reduce((s, v) => s + v, 0);
const count = (data: Dataset, kind: string) => data.sites.features.filter((s) => s.properties.kind === kind).length;
const activeZones = (data: Dataset) => data.zones.features.filter((z) => z.properties.status === 'active').length;

describe('scale 10: a benchmark city ten times larger', () => {
  const data = generate({ scale: 10 });

  it('has ~3 million residents in 1,000+ compounds and 50,000+ road edges', () => {
    expect(Math.abs(sum(data.compounds.features.map((c) => c.properties.residents)) - 3_000_000)).toBeLessThan(150_000);
    expect(data.compounds.features.length).toBeGreaterThanOrEqual(1_000);
    expect(data.roads.features.length).toBeGreaterThanOrEqual(50_000);
  });

  it('keeps one strongly connected road network', () => {
    const graph = roadGraph(data.roads.features);
    expect(graph.reachableFrom(0, 'out')).toBe(graph.nodes.size);
    expect(graph.reachableFrom(0, 'in')).toBe(graph.nodes.size);
  });

  it('keeps the contract: five districts, every site kind, the report figures scaled', () => {
    expect(data.districts.features).toHaveLength(5);
    expect(count(data, 'quarantine_site')).toBe(350);
    expect(
      sum(data.sites.features.map((s) => (s.properties.kind === 'quarantine_site' ? s.properties.rooms_total : 0))),
    ).toBe(22_940);
    expect(count(data, 'mobile_testing')).toBe(60);
    expect(data.sites.features.filter((s) => s.properties.kind === 'enterprise' && s.properties.key)).toHaveLength(
      1_900,
    );
    expect(count(data, 'checkpoint')).toBeGreaterThan(10);
  });

  it('has valid compounds inside their districts and valid zones that never overlap', () => {
    const districts = new Map(data.districts.features.map((d) => [d.properties.id, d]));
    for (const c of data.compounds.features)
      expect(booleanWithin(c, districts.get(c.properties.district)!), c.properties.id).toBe(true);
    const zones = data.zones.features;
    const index = new Flatbush(zones.length);
    for (const z of zones) {
      const ring = z.geometry.coordinates[0];
      index.add(
        Math.min(...ring.map((p) => p[0])),
        Math.min(...ring.map((p) => p[1])),
        Math.max(...ring.map((p) => p[0])),
        Math.max(...ring.map((p) => p[1])),
      );
    }
    index.finish();
    zones.forEach((z, a) => {
      expect(kinks(z).features, z.properties.id).toHaveLength(0);
      expect(booleanValid(z), z.properties.id).toBe(true);
      const ring = z.geometry.coordinates[0];
      const near = index.search(
        Math.min(...ring.map((p) => p[0])),
        Math.min(...ring.map((p) => p[1])),
        Math.max(...ring.map((p) => p[0])),
        Math.max(...ring.map((p) => p[1])),
      );
      for (const b of near.filter((b) => b > a)) {
        const shared = intersect(featureCollection([z, zones[b]]));
        expect(shared ? area(shared) : 0, `${z.properties.id} / ${zones[b].properties.id}`).toBeLessThan(1);
      }
    });
  });
});

describe('scale 80: Shanghai in spring 2022', () => {
  const data = generate({ scale: 80 });

  it('has ~25 million residents, ~17,600 zones in force and ~15,000 testing sites', () => {
    expect(Math.abs(sum(data.compounds.features.map((c) => c.properties.residents)) - 25_000_000)).toBeLessThan(
      1_000_000,
    );
    expect(Math.abs(activeZones(data) - 17_600)).toBeLessThan(200);
    expect(count(data, 'testing_site')).toBe(15_000);
  });

  it('has a strongly connected road graph of 250,000+ nodes', () => {
    const graph = roadGraph(data.roads.features);
    expect(graph.nodes.size).toBeGreaterThanOrEqual(250_000);
    expect(graph.reachableFrom(0, 'out')).toBe(graph.nodes.size);
    expect(graph.reachableFrom(0, 'in')).toBe(graph.nodes.size);
  });
});
