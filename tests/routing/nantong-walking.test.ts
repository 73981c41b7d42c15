import { length, lineString } from '@turf/turf';
import { describe, expect, it } from 'vitest';
import type { RoadCollection } from '../../src/routing/road-graph.ts';
import { buildRoutingNetwork } from '../../src/routing/routing-network.ts';
import { nearestByWalking } from '../../src/routing/walking-search.ts';
import { demoLayer } from '../helpers/demo-district.ts';

// The demo district (the same generator and seed as data/nantong).
const data = { roads: demoLayer('roads'), sites: demoLayer('sites'), compounds: demoLayer('compounds') };
const network = buildRoutingNetwork(data.roads as unknown as RoadCollection);
const openTestingSites = data.sites.features
  .filter((f) => f.properties.kind === 'testing_site' && f.properties.status === 'open')
  .map((f) => ({ id: f.properties.id, position: f.geometry.coordinates }));
const xiaohai = data.compounds.features.filter((f) => f.properties.district === 'dst-xiaohai');

describe('walking to testing sites in the demo district', () => {
  it('finds three reachable open testing sites from every Xiaohai compound, nearest first', () => {
    for (const compound of xiaohai) {
      const origin = compound.properties.drop_point;
      const { routes } = nearestByWalking(network, origin, openTestingSites, { k: 3 });
      expect(routes, compound.properties.name_en).toHaveLength(3);
      for (let i = 1; i < routes.length; i++) expect(routes[i].distanceM).toBeGreaterThanOrEqual(routes[i - 1].distanceM);
      for (const route of routes) {
        expect(route.distanceM).toBeGreaterThanOrEqual(route.straightLineM - 1);
        expect(length(lineString(route.path.coordinates), { units: 'meters' })).toBeCloseTo(route.distanceM, 0);
      }
    }
  });

  it('from 江山鼎, the bounded search returns the same three sites as ranking every open site', () => {
    const jiangshanding = data.compounds.features.find((f) => f.properties.name_zh === '江山鼎')!;
    const origin = jiangshanding.properties.drop_point;
    const all = nearestByWalking(network, origin, openTestingSites, { k: openTestingSites.length, maxDistanceM: Infinity }).routes;
    expect(all).toHaveLength(openTestingSites.length);
    const three = nearestByWalking(network, origin, openTestingSites, { k: 3 }).routes;
    expect(three.map((r) => r.id)).toEqual(all.slice(0, 3).map((r) => r.id));
    expect(three[0].distanceM).toBeLessThan(2000);
  });
});
