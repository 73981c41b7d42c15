import type { FeatureCollection, Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { slimLayer } from '../../src/map/basemap/basemap-data.ts';
import { nearestByWalkingInArea, neededRadiusM } from '../../src/map/basemap/road-area-search.ts';
import { buildRoadCells, cellsFor, mergeCellRoads, type CellRoad } from '../../src/map/basemap/road-cells.ts';
import type { RoadFeature } from '../../src/routing/road-graph.ts';
import { buildRoutingNetwork, type RoutingNetwork } from '../../src/routing/routing-network.ts';
import { nearestByWalking, type RouteTarget, type WalkingSearchResult } from '../../src/routing/walking-search.ts';
import { demoLayer } from '../helpers/demo-district.ts';

// The roads as the app gets them: the basemap's slimmed layer, chunked into cells.
const roads = slimLayer('roads', demoLayer('roads') as unknown as FeatureCollection);
const { cells, index } = buildRoadCells(roads);
const toRoads = (list: CellRoad[]): RoadFeature[] =>
  list.map((road) => ({ ...road, properties: { ...road.properties, id: `road-${road.id}` } }) as RoadFeature);
const whole = buildRoutingNetwork(toRoads(mergeCellRoads(cells.values())));

const sites = demoLayer('sites').features;
const openTestingSites: RouteTarget[] = sites
  .filter((f) => f.properties.kind === 'testing_site' && f.properties.status === 'open')
  .map((f) => ({ id: f.properties.id, position: f.geometry.coordinates }));
const compounds = demoLayer('compounds').features;

/** The by-area search over the cells, with the network rebuilt from the cells it was asked to cover. */
function areaSearch() {
  const loaded = new Set<string>();
  let network: RoutingNetwork | null = null;
  return {
    loaded,
    deps: {
      async cover(bbox: [number, number, number, number]) {
        const missing = cellsFor(index, bbox).filter((key) => !loaded.has(key));
        if (missing.length === 0 && network) return;
        for (const key of missing) loaded.add(key);
        network = buildRoutingNetwork(toRoads(mergeCellRoads([...loaded].map((key) => cells.get(key)!))));
      },
      async search(origin: Position, targets: readonly RouteTarget[], k: number) {
        return nearestByWalking(network!, origin, targets, { k });
      },
    },
  };
}

function expectSameAnswer(byArea: WalkingSearchResult, byWhole: WalkingSearchResult, label: string) {
  expect(byArea.snappedOrigin === null, label).toBe(byWhole.snappedOrigin === null);
  expect(
    byArea.routes.map((r) => r.id),
    label,
  ).toEqual(byWhole.routes.map((r) => r.id));
  byArea.routes.forEach((route, i) => {
    const other = byWhole.routes[i];
    expect(route.minutes, label).toBe(other.minutes);
    // The snapping projects to metres around the mean latitude of the network's nodes: part of
    // the network has another mean, which moves a snapped point by millimetres (1.4 cm at most
    // on the demo district).
    expect(Math.abs(route.distanceM - other.distanceM), label).toBeLessThan(0.05);
    expect(route.path.coordinates.length, label).toBe(other.path.coordinates.length);
    route.path.coordinates.forEach(([lng, lat], j) => {
      expect(Math.abs(lng - other.path.coordinates[j][0]), label).toBeLessThan(5e-7);
      expect(Math.abs(lat - other.path.coordinates[j][1]), label).toBeLessThan(5e-7);
    });
  });
}

describe('walking search over the roads of an area', () => {
  it('chunks every road into the cells its bbox touches, each road once per cell with its index as id', () => {
    expect(index.cells.length).toBeGreaterThan(4);
    const merged = mergeCellRoads(cells.values());
    expect(merged.map((r) => r.id)).toEqual(roads.features.map((_, i) => i));
    expect(merged[10].geometry).toEqual(roads.features[10].geometry);
    for (const list of cells.values()) expect(new Set(list.map((r) => r.id)).size).toBe(list.length);
  });

  it('gives the whole network’s three nearest open testing sites from every compound and places between and beyond them', async () => {
    const places: [string, Position][] = [
      ...compounds.map((c): [string, Position] => [c.properties.name_en ?? c.properties.id, c.properties.drop_point]),
      ['district corner', [index.bounds[0] + 0.001, index.bounds[1] + 0.001]],
      ['north-east edge', [index.bounds[2] - 0.002, index.bounds[3] - 0.002]],
      ['far from any road', [120.7, 31.7]],
    ];
    const rounds: number[] = [];
    const cellCounts: number[] = [];
    for (const [label, origin] of places) {
      const { deps, loaded } = areaSearch();
      const answer = await nearestByWalkingInArea(origin, openTestingSites, 3, index.bounds, deps);
      const byWhole = nearestByWalking(whole, origin, openTestingSites, { k: 3 });
      expectSameAnswer(answer.result, byWhole, label);
      rounds.push(answer.rounds);
      cellCounts.push(loaded.size);
    }
    // Most answers came from a few cells in one round: the search does read by area.
    const fewCells = cellCounts.filter((n) => n < index.cells.length / 2).length;
    expect(fewCells).toBeGreaterThan(places.length * 0.8);
    expect(rounds.filter((r) => r === 1).length).toBeGreaterThan(places.length * 0.8);
  });

  it('widens the area when the first guess cannot be trusted, with the same answer', async () => {
    // A U-shaped street on a finer grid: the site is 380 m east of the origin, the walk 6.4 km.
    const [w, e, s, n] = [120.95, 120.954, 31.95, 31.977];
    const edges: [number, number][][] = [];
    for (let lat = s; lat < n - 1e-9; lat += 0.003)
      edges.push(
        [
          [w, lat],
          [w, lat + 0.003],
        ],
        [
          [e, lat],
          [e, lat + 0.003],
        ],
      );
    edges.push([
      [w, n],
      [e, n],
    ]);
    const u: FeatureCollection = {
      type: 'FeatureCollection',
      features: edges.map((coordinates) => ({
        type: 'Feature',
        properties: { class: 'residential' },
        geometry: { type: 'LineString', coordinates },
      })),
    };
    const fine = buildRoadCells(u, 15);
    const network = buildRoutingNetwork(toRoads(mergeCellRoads(fine.cells.values())));
    const loaded = new Set<string>();
    let part: RoutingNetwork | null = null;
    const origin = [w - 0.0005, s + 0.001];
    const site = [{ id: 'east', position: [e + 0.0005, s + 0.001] }];
    const answer = await nearestByWalkingInArea(origin, site, 1, fine.index.bounds, {
      async cover(bbox) {
        for (const key of cellsFor(fine.index, bbox)) loaded.add(key);
        part = buildRoutingNetwork(toRoads(mergeCellRoads([...loaded].map((key) => fine.cells.get(key)!))));
      },
      async search(from, targets, k) {
        return nearestByWalking(part!, from, targets, { k });
      },
    });
    const byWhole = nearestByWalking(network, origin, site, { k: 1 });
    expect(byWhole.routes[0].distanceM).toBeGreaterThan(6000);
    expectSameAnswer(answer.result, byWhole, 'U street');
    expect(answer.rounds).toBeGreaterThan(1);
    expect(answer.radiusM).toBeGreaterThan(byWhole.routes[0].distanceM);
  });

  it('needs the k-th walk plus the longest leg from road to site, or the search limits when it found too little', () => {
    const route = (distanceM: number, last: Position[]) => ({
      id: 'x',
      distanceM,
      minutes: 1,
      straightLineM: 0,
      path: { type: 'LineString' as const, coordinates: [[120.9, 31.9], ...last] },
    });
    const snappedOrigin = { position: [120.9, 31.9], distanceM: 5 };
    const legOf100m: Position[] = [
      [120.95, 31.9],
      [120.95, 31.9 + 100 / 111_195],
    ];
    expect(neededRadiusM({ snappedOrigin, routes: [route(300, legOf100m), route(800, legOf100m)] }, 2)).toBeCloseTo(
      900,
      0,
    );
    expect(neededRadiusM({ snappedOrigin, routes: [route(300, legOf100m)] }, 2)).toBe(11_000);
    expect(neededRadiusM({ snappedOrigin: null, routes: [] }, 3)).toBe(1000);
  });
});
