import { readFileSync } from 'node:fs';
import type { Position } from 'geojson';
import { closureInputFromFeatures, type ClosureInput } from '../../src/routing/closures.ts';
import type { RoadCollection } from '../../src/routing/road-graph.ts';
import { buildRoutingNetwork, type RoutingNetwork } from '../../src/routing/routing-network.ts';

/** A data folder's layers (roads, zones, sites, compounds) as parsed GeoJSON. */
export function readLayer(dir: string, layer: string): any {
  return JSON.parse(readFileSync(`${dir}/${layer}.geojson`, 'utf8'));
}

export const FIXTURE_DIR = 'tests/fixtures/routing/truck';

/** Fixture position (x, y) in its 0.001° grid, as [lng, lat]. */
export const at = (x: number, y: number): Position => [121 + x / 1000, 32 + y / 1000];

export function loadFixture(dir = FIXTURE_DIR): {
  network: RoutingNetwork;
  input: ClosureInput;
  sites: any[];
  compounds: any[];
} {
  const network = buildRoutingNetwork(readLayer(dir, 'roads') as RoadCollection);
  const sites = readLayer(dir, 'sites').features;
  return {
    network,
    input: closureInputFromFeatures(readLayer(dir, 'zones').features, sites),
    sites,
    compounds: readLayer(dir, 'compounds').features,
  };
}

/** Edge index of a road id. */
export const edgeOf = (network: RoutingNetwork, id: string) => network.graph.edgeRoadId.indexOf(id);
