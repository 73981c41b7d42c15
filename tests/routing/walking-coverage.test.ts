import type { MultiPolygon, Polygon, Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { pointOnSurface } from '../../src/geo/point-on-surface.ts';
import { haversineM } from '../../src/routing/distance.ts';
import type { RoadCollection } from '../../src/routing/road-graph.ts';
import { buildRoutingNetwork } from '../../src/routing/routing-network.ts';
import { walkingCoverage } from '../../src/routing/walking-coverage.ts';
import { nearestByWalking, type RouteTarget } from '../../src/routing/walking-search.ts';
import { demoLayer } from '../helpers/demo-district.ts';

const road = (id: string, coordinates: Position[], cls = 'residential'): RoadCollection['features'][number] => ({
  type: 'Feature',
  properties: { id, class: cls },
  geometry: { type: 'LineString', coordinates },
});

// One street along latitude 31.95 in three pieces (nodes at .950, .955, .960, .970), a
// motorway north of its middle, and an island street 2 km east that connects to nothing.
const LAT = 31.95;
const roads: RoadCollection = {
  type: 'FeatureCollection',
  features: [
    road('w1', [
      [120.95, LAT],
      [120.955, LAT],
    ]),
    road('w2', [
      [120.955, LAT],
      [120.96, LAT],
    ]),
    road('w3', [
      [120.96, LAT],
      [120.97, LAT],
    ]),
    road(
      'm1',
      [
        [120.95, 31.9503],
        [120.97, 31.9503],
      ],
      'motorway',
    ),
    road('island', [
      [120.99, LAT],
      [120.991, LAT],
    ]),
  ],
};
const west: RouteTarget = { id: 'west', position: [120.951, 31.9501] };
const east: RouteTarget = { id: 'east', position: [120.969, 31.9499] };
/** Metres along the street between two longitudes. */
const along = (a: number, b: number) => haversineM(a, LAT, b, LAT);
/** Metres between a point and the street straight south or north of it. */
const leg = (p: Position) => haversineM(p[0], p[1], p[0], LAT);

describe('walkingCoverage on a hand-made network', () => {
  const network = buildRoutingNetwork(roads);

  it('gives each point its nearest site and the walking metres, off-network legs included', () => {
    const points: Position[] = [
      [120.953, 31.9501], // on w1 beside the west site: straight along the road
      [120.957, LAT], // on w2: from the west site through node .955
      [120.966, LAT], // on w3 beside the east site
      [120.9615, 31.9499], // on w3, 730 m from the east site and 1,013 m from the west one
    ];
    const result = walkingCoverage(network, [west, east], points, { maxDistanceM: 5000 });
    expect(result.siteId).toEqual(['west', 'west', 'east', 'east']);
    expect(Array.from(result.siteIndex)).toEqual([0, 0, 1, 1]);
    const expected = [
      leg(west.position) + along(120.951, 120.953) + leg(points[0]),
      leg(west.position) + along(120.951, 120.957),
      leg(east.position) + along(120.966, 120.969),
      leg(east.position) + along(120.9615, 120.969) + leg(points[3]),
    ];
    expected.forEach((metres, i) => expect(result.distanceM[i]).toBeCloseTo(metres, 3));
    expect(result.distanceM[2]).toBeCloseTo(294.3, 0);
  });

  it('lists the points over the limit, and reports Infinity and no site beyond maxDistanceM', () => {
    const middle: Position = [120.9605, 31.9501]; // 851 m from east, 916 m from west
    const result = walkingCoverage(network, [west, east], [[120.953, 31.9501], middle], {
      limitM: 400,
      maxDistanceM: 600,
    });
    expect(result.distanceM[0]).toBeLessThan(400);
    expect(result.distanceM[1]).toBe(Infinity);
    expect(result.siteId).toEqual(['west', null]);
    expect(result.siteIndex[1]).toBe(-1);
    expect(result.overLimit).toEqual([1]);
    expect(result.limitM).toBe(400);
    expect(result.maxDistanceM).toBe(600);

    // Between the limit and the bound: a distance, and listed over the limit.
    const within = walkingCoverage(network, [west, east], [middle], { limitM: 400, maxDistanceM: 900 });
    expect(within.distanceM[0]).toBeCloseTo(leg(east.position) + along(120.9605, 120.969) + leg(middle), 3);
    expect(within.siteId).toEqual(['east']);
    expect(within.overLimit).toEqual([0]);
  });

  it('searches to twice the limit by default', () => {
    const middle: Position = [120.9605, 31.9501];
    expect(walkingCoverage(network, [west, east], [middle], { limitM: 400 }).distanceM[0]).toBe(Infinity);
    const result = walkingCoverage(network, [west, east], [middle], { limitM: 450 });
    expect(result.maxDistanceM).toBe(900);
    expect(result.siteId).toEqual(['east']);
    expect(walkingCoverage(network, [west, east], [middle]).maxDistanceM).toBe(2000);
  });

  it('reports a point on a road not connected to any site as unreachable', () => {
    const result = walkingCoverage(network, [west, east], [[120.9905, 31.9501]], { maxDistanceM: Infinity });
    expect(result.distanceM[0]).toBe(Infinity);
    expect(result.siteId).toEqual([null]);
    expect(result.overLimit).toEqual([0]);
    expect(result.unsnappedPoints).toEqual([]);
  });

  it('lists points and sites with no walkable road within the snapping distance', () => {
    const farAway: RouteTarget = { id: 'far', position: [121.1, 31.95] };
    const result = walkingCoverage(
      network,
      [farAway, west],
      [
        [121.1, 31.951],
        [120.952, LAT],
      ],
    );
    expect(result.unsnappedSites).toEqual(['far']);
    expect(result.unsnappedPoints).toEqual([0]);
    expect(result.overLimit).toEqual([0]);
    expect(result.siteId).toEqual([null, 'west']);
    expect(result.siteIndex[1]).toBe(1);
  });

  it('walks around the motorway, never along it', () => {
    // A site right beside the motorway snaps to the street below it, not to the motorway.
    const result = walkingCoverage(network, [{ id: 'north', position: [120.96, 31.9502] }], [[120.95, LAT]], {
      maxDistanceM: 5000,
    });
    expect(result.distanceM[0]).toBeCloseTo(haversineM(120.96, 31.9502, 120.96, LAT) + along(120.95, 120.96), 3);
  });

  it('covers nothing without sites, and returns empty arrays without points', () => {
    const none = walkingCoverage(network, [], [[120.953, LAT]]);
    expect(none.distanceM[0]).toBe(Infinity);
    expect(none.overLimit).toEqual([0]);
    expect(none.settledNodes).toBe(0);
    const empty = walkingCoverage(network, [west], []);
    expect(empty.distanceM).toHaveLength(0);
    expect(empty.siteId).toEqual([]);
  });
});

describe('walkingCoverage on the demo district', () => {
  const network = buildRoutingNetwork(demoLayer('roads') as unknown as RoadCollection);
  const sites = demoLayer('sites').features;
  const testingSites = sites.filter((f) => f.properties.kind === 'testing_site');
  const openSites: RouteTarget[] = sites
    .filter((f) => f.properties.kind === 'testing_site' && f.properties.status === 'open')
    .map((f) => ({ id: f.properties.id, position: f.geometry.coordinates }));
  const compounds = demoLayer('compounds').features;
  // 50 compounds spread over the district, each at its point on surface (off the road network).
  const sample = Array.from({ length: 50 }, (_, i) => compounds[Math.floor((i * compounds.length) / 50)]);
  const points = sample.map((f) => pointOnSurface(f.geometry as Polygon | MultiPolygon));

  it('uses only the open sites (closed and paused ones exist)', () => {
    expect(openSites.length).toBeGreaterThan(0);
    expect(openSites.length).toBeLessThan(testingSites.length);
  });

  for (const maxDistanceM of [2000, 20_000]) {
    it(`gives the same nearest site and metres as nearestByWalking for 50 compounds (bound ${maxDistanceM} m)`, () => {
      const result = walkingCoverage(network, openSites, points, { maxDistanceM });
      let reached = 0;
      points.forEach((point, i) => {
        const [route] = nearestByWalking(network, point, openSites, { k: 1, maxDistanceM }).routes;
        const name = sample[i].properties.name_en;
        if (!route) {
          expect(result.distanceM[i], name).toBe(Infinity);
          expect(result.siteId[i], name).toBeNull();
          return;
        }
        reached++;
        expect(Math.abs(result.distanceM[i] - route.distanceM), name).toBeLessThan(1e-6);
        if (result.siteId[i] !== route.id) {
          // A tie: the other site must be exactly as far.
          const other = nearestByWalking(network, point, [openSites[result.siteIndex[i]]], { k: 1, maxDistanceM })
            .routes[0];
          expect(Math.abs(other.distanceM - route.distanceM), name).toBeLessThan(0.01);
        }
      });
      expect(reached).toBeGreaterThan(40);
    });
  }

  it('agrees with nearestByWalking from every compound’s drop point, and finds some over 1 km', () => {
    const drops = compounds.map((f) => f.properties.drop_point);
    const result = walkingCoverage(network, openSites, drops);
    drops.forEach((drop, i) => {
      const [route] = nearestByWalking(network, drop, openSites, { k: 1, maxDistanceM: 2000 }).routes;
      expect(result.distanceM[i]).toBeCloseTo(route?.distanceM ?? Infinity, 6);
    });
    const over = result.overLimit.length;
    expect(over).toBeGreaterThan(0);
    expect(over).toBeLessThan(drops.length);
    for (const i of result.overLimit) expect(result.distanceM[i]).toBeGreaterThan(1000);
  });
});
