import { readFileSync } from 'node:fs';
import { expose } from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import { createRoutingApi } from '../../src/routing/routing-api.ts';
import { createRoutingClient, type RoutingClient } from '../../src/routing/routing-client.ts';
import type { RoadCollection } from '../../src/routing/road-graph.ts';

const roads = JSON.parse(readFileSync('tests/fixtures/routing/small-network.geojson', 'utf8')) as RoadCollection;
const sites = [
  { id: 'site-c', position: [120.9499, 31.9502] },
  { id: 'site-b', position: [120.9555, 31.9499] },
];

/** The worker's side on one end of a real MessageChannel, the client on the other. */
function connect(): RoutingClient {
  const { port1, port2 } = new MessageChannel();
  expose(createRoutingApi(), port1);
  return createRoutingClient(port2, () => {
    port1.close();
    port2.close();
  });
}

describe('routing client over a message channel', () => {
  let client: RoutingClient;
  afterEach(() => client.close());

  it('loads the roads and answers a walking search', async () => {
    client = connect();
    expect(await client.loadRoads(roads)).toEqual({ nodes: 9, edges: 9, skippedRoads: 0 });
    const result = await client.nearestByWalking([120.9521, 31.9501], sites, { k: 2 });
    expect(result.routes.map((r) => r.id)).toEqual(['site-c', 'site-b']);
    expect(result.routes[0].path.type).toBe('LineString');
  });

  it('answers a walking coverage query with typed arrays, Infinity beyond reach, and is abortable', async () => {
    client = connect();
    await client.loadRoads(roads);
    const origin = [120.9521, 31.9501];
    // The second point lies on the road x1, which connects to nothing.
    const coverage = await client.walkingCoverage(sites, [origin, [120.9605, 31.9501]], {
      limitM: 100,
      maxDistanceM: 1000,
    });
    const [nearest] = (await client.nearestByWalking(origin, sites, { k: 1 })).routes;
    expect(coverage.distanceM).toBeInstanceOf(Float64Array);
    expect(coverage.distanceM[0]).toBeCloseTo(nearest.distanceM, 6);
    expect(coverage.distanceM[1]).toBe(Infinity);
    expect(coverage.siteId).toEqual(['site-c', null]);
    expect(coverage.overLimit).toEqual([0, 1]);
    await expect(client.walkingCoverage(sites, [origin], { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('plans a supply run across the channel, and lists a stop a truck cannot leave (one-way) with its reason', async () => {
    client = connect();
    await client.loadRoads(roads);
    const plan = await client.planRuns(
      { zones: [], checkpoints: [] },
      { start: [120.9521, 31.9501], stops: sites.map((site) => ({ id: site.id, position: site.position, parcels: 10 })) },
    );
    expect(plan.runs[0].stops.map((s) => s.id)).toEqual(['site-c']);
    expect(plan.runs[0].legs).toHaveLength(2);
    // site-b lies past the one-way road o1: a truck gets there but never back.
    expect(plan.unassigned).toEqual([
      {
        id: 'site-b',
        reason: 'unreachable',
        detail: 'no route from the stop back to the depot',
        // The one-way street leaves no way back whatever is opened.
        why: { reason: 'disconnected', cutBy: [], opening: null, openingSeconds: null },
      },
    ]);
  });

  it('rejects a search made before any roads are loaded', async () => {
    client = connect();
    await expect(client.nearestByWalking([120.9521, 31.9501], sites)).rejects.toThrow(/loadRoads/);
  });

  it('rejects with the abort reason when the signal aborts', async () => {
    client = connect();
    await client.loadRoads(roads);
    const controller = new AbortController();
    const pending = client.nearestByWalking([120.9521, 31.9501], sites, { signal: controller.signal });
    controller.abort(new Error('superseded'));
    await expect(pending).rejects.toThrow('superseded');
  });

  it('rejects at once when the signal is already aborted', async () => {
    client = connect();
    await expect(client.loadRoads(roads, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });
});
