import { describe, expect, it } from 'vitest';
import type { RoadClass } from '../../data/generator/contract.ts';
import { key, loadCommitted, roadGraph } from './dataset.ts';

const data = loadCommitted();
const roads = data.roads.features;
const graph = roadGraph(roads);

describe('the road network', () => {
  it('has at least 5,000 edges, so that routing is real work', () => {
    expect(roads.length).toBeGreaterThanOrEqual(5_000);
  });

  it('is one strongly connected graph: every node reaches every other, one-way roads respected', () => {
    expect(graph.nodes.size).toBeGreaterThan(3_000);
    expect(graph.reachableFrom(0, 'out')).toBe(graph.nodes.size);
    expect(graph.reachableFrom(0, 'in')).toBe(graph.nodes.size);
  });

  it('has every road class, with speeds that rank with the class', () => {
    const classes: RoadClass[] = ['motorway', 'trunk', 'primary', 'secondary', 'tertiary', 'residential', 'service'];
    const fastest = new Map<RoadClass, number>();
    for (const r of roads)
      fastest.set(r.properties.class, Math.max(fastest.get(r.properties.class) ?? 0, r.properties.speed_kmh));
    expect([...fastest.keys()].sort()).toEqual([...classes].sort());
    const top = classes.map((c) => fastest.get(c)!);
    expect([...top].sort((a, b) => b - a)).toEqual(top);
  });

  it('has one-way streets and one-way expressway carriageways', () => {
    expect(roads.some((r) => r.properties.oneway && r.properties.class === 'tertiary')).toBe(true);
    const motorway = roads.filter((r) => r.properties.class === 'motorway');
    expect(motorway.length).toBeGreaterThan(0);
    expect(motorway.every((r) => r.properties.oneway)).toBe(true);
  });

  it('draws every road as a line between two distinct points', () => {
    for (const r of roads) {
      const c = r.geometry.coordinates;
      expect(c.length).toBeGreaterThanOrEqual(2);
      expect(key(c[0])).not.toBe(key(c[c.length - 1]));
    }
  });

  it('has unique, stable ids', () => {
    const ids = roads.map((r) => r.properties.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[0]).toBe('road-00001');
  });

  it('stands each checkpoint on an expressway exit: a node of motorway ramps joined to the streets', () => {
    const classesAt = new Map<string, Set<RoadClass>>();
    for (const r of roads) {
      for (const p of [r.geometry.coordinates[0], r.geometry.coordinates.at(-1)!]) {
        const k = key(p);
        if (!classesAt.has(k)) classesAt.set(k, new Set());
        classesAt.get(k)!.add(r.properties.class);
      }
    }
    const checkpoints = data.sites.features.filter((s) => s.properties.kind === 'checkpoint');
    const exits = [...classesAt].filter(([, classes]) => classes.has('motorway') && classes.size > 1).map(([k]) => k);
    expect(exits.length).toBeGreaterThanOrEqual(4);
    expect(checkpoints.map((c) => key(c.geometry.coordinates)).sort()).toEqual(exits.sort());
    for (const c of checkpoints) {
      const classes = classesAt.get(key(c.geometry.coordinates));
      expect(classes, c.properties.id).toBeDefined();
      expect(classes!.has('motorway'), c.properties.id).toBe(true);
      expect(
        [...classes!].some((cls) => cls !== 'motorway'),
        c.properties.id,
      ).toBe(true);
    }
  });

  it('puts every drop point on the network, reachable from and returning to the rest', () => {
    for (const c of data.compounds.features) {
      const node = graph.nodes.get(key(c.properties.drop_point));
      expect(node, c.properties.id).toBeDefined();
    }
  });
});
