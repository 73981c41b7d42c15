import { readFileSync } from 'node:fs';
import { length, lineString } from '@turf/turf';
import type { FeatureCollection, Point } from 'geojson';
import { describe, expect, it } from 'vitest';
import type { RoadCollection } from '../../src/routing/road-graph.ts';
import { buildRoutingNetwork } from '../../src/routing/routing-network.ts';
import { nearestByWalking, type RouteTarget } from '../../src/routing/walking-search.ts';

const roads = JSON.parse(readFileSync('tests/fixtures/routing/small-network.geojson', 'utf8')) as RoadCollection;
const siteCollection = JSON.parse(readFileSync('tests/fixtures/routing/sites.geojson', 'utf8')) as FeatureCollection<Point, { id: string }>;
const sites: RouteTarget[] = siteCollection.features.map((f) => ({ id: f.properties.id, position: f.geometry.coordinates }));
const origin = [120.9521, 31.9501];

describe('nearestByWalking', () => {
  const network = buildRoutingNetwork(roads);

  it('orders sites by walking distance, not straight-line distance', () => {
    const { routes } = nearestByWalking(network, origin, sites, { k: 3 });
    expect(routes.map((r) => r.id)).toEqual(['site-c', 'site-b', 'site-a']);
    const a = routes[2];
    expect(a.straightLineM).toBeLessThan(routes[0].straightLineM);
    expect(a.distanceM).toBeGreaterThan(550);
  });

  it('returns at most k routes', () => {
    expect(nearestByWalking(network, origin, sites, { k: 2 }).routes.map((r) => r.id)).toEqual(['site-c', 'site-b']);
  });

  it('leaves out sites beyond the maximum walking distance', () => {
    const { routes } = nearestByWalking(network, origin, sites, { k: 3, maxDistanceM: 400 });
    expect(routes.map((r) => r.id)).toEqual(['site-c', 'site-b']);
  });

  it('never returns a site on a road that is not connected to the origin', () => {
    const { routes } = nearestByWalking(network, origin, sites, { k: 10 });
    expect(routes.map((r) => r.id)).not.toContain('site-d');
    expect(routes).toHaveLength(3);
  });

  it('snaps the origin to a walkable road, not to a nearer motorway', () => {
    const { snappedOrigin } = nearestByWalking(network, origin, sites);
    // The motorway m1 is 9.5 m away; row A is 11 m away.
    expect(snappedOrigin!.position[1]).toBeCloseTo(31.95, 6);
    expect(snappedOrigin!.distanceM).toBeGreaterThan(10);
  });

  it('walks around the motorway instead of along it', () => {
    const nearN5 = [120.9519, 31.9521];
    const { routes } = nearestByWalking(network, nearN5, [{ id: 'below', position: [120.9519, 31.9499] }]);
    // Along the motorway it would be ~244 m; the detour through r5 is ~630 m.
    expect(routes[0].distanceM).toBeGreaterThan(600);
    const onMotorway = routes[0].path.coordinates.some(([lng, lat]) => lng === 120.952 && lat > 31.9501 && lat < 31.9519);
    expect(onMotorway).toBe(false);
  });

  it('walks against the direction of a one-way road', () => {
    const eastOfSiteB = [120.9559, 31.9501];
    const { routes } = nearestByWalking(network, eastOfSiteB, [sites[1]]);
    expect(routes[0].distanceM).toBeLessThan(70);
  });

  it('routes between two points on the same road without leaving it', () => {
    const { routes } = nearestByWalking(network, [120.9505, 31.9501], [{ id: 't', position: [120.9515, 31.9499] }]);
    expect(routes[0].path.coordinates).toHaveLength(4);
    expect(routes[0].distanceM).toBeCloseTo(94.5 + 11.1 + 11.1, 0);
  });

  it('draws a path from the origin to the site whose length is the reported distance', () => {
    for (const route of nearestByWalking(network, origin, sites).routes) {
      const coords = route.path.coordinates;
      expect(coords[0]).toEqual(origin);
      expect(coords[coords.length - 1]).toEqual(sites.find((s) => s.id === route.id)!.position);
      expect(length(lineString(coords), { units: 'meters' })).toBeCloseTo(route.distanceM, 0);
    }
  });

  it('reports walking minutes at 5 km/h, rounded up', () => {
    for (const route of nearestByWalking(network, origin, sites).routes) {
      expect(route.minutes).toBe(Math.ceil(route.distanceM / (5000 / 60)));
    }
  });

  it('answers with no routes when no walkable road is within reach of the origin', () => {
    const result = nearestByWalking(network, [121.2, 32.3], sites);
    expect(result).toEqual({ snappedOrigin: null, routes: [] });
  });
});
