import type { LineString, Position } from 'geojson';
import { fetchBasemapRoads } from './basemap-roads.ts';
import type { NearestSite, PublicSiteRow } from '../domain/rows.ts';
import type { RoadFeature } from '../routing/road-graph.ts';
import type { RoutingClient } from '../routing/routing-client.ts';
import { supabase } from './supabase.ts';

export interface NearestTestingSite {
  site: PublicSiteRow;
  /** Walking distance over the roads, or the straight line when `walking` is false. */
  distanceM: number;
  /** Walking minutes; null for a straight-line answer. */
  minutes: number | null;
  /** The walk over the roads, for the map; null for a straight-line answer. */
  path: LineString | null;
}

export interface NearestTestingAnswer {
  /** False when no walkable road is near the point and the answer is the database's straight-line one. */
  walking: boolean;
  sites: NearestTestingSite[];
}

const COUNT = 3;

let routing: Promise<RoutingClient> | null = null;

/**
 * The walking routing worker with the road network loaded, started on the first question. The
 * roads are the basemap's own file (already fetched for the map, so usually from the cache): the
 * network the resident sees, with no extra paging of the `roads` table through REST. Shared by
 * the public "nearest sites" answer and the headquarters' testing coverage.
 */
export function walkingRoutingClient(): Promise<RoutingClient> {
  routing ??= (async () => {
    const [{ spawnRoutingWorker }, roads] = await Promise.all([
      import('../routing/spawn-routing-worker.ts'),
      fetchBasemapRoads(),
    ]);
    // The basemap keeps no road ids; the graph only needs them to be distinct.
    const features: RoadFeature[] = roads.features.map((feature, index) => ({
      ...feature,
      properties: { ...feature.properties, id: `road-${index}` },
    }));
    const client = spawnRoutingWorker();
    try {
      await client.loadRoads(features);
    } catch (error) {
      client.close();
      throw error;
    }
    return client;
  })();
  routing.catch(() => (routing = null));
  return routing;
}

/** Testing sites that are running (not paused or closed); today's hours are shown beside them. */
export function operatingTestingSites(sites: readonly PublicSiteRow[]): PublicSiteRow[] {
  return sites.filter((site) => site.kind === 'testing_site' && site.status !== 'paused' && site.status !== 'closed');
}

/**
 * The three operating testing sites nearest to `point` by walking over the roads (routing
 * worker). Where no walkable road is within reach of the point, the `nearest_sites` RPC
 * answers by straight-line distance instead.
 */
export async function nearestTestingSites(
  point: Position,
  sites: readonly PublicSiteRow[],
  signal?: AbortSignal,
): Promise<NearestTestingAnswer> {
  const candidates = operatingTestingSites(sites);
  const byId = new Map(candidates.map((site) => [site.id, site]));
  const client = await walkingRoutingClient();
  const result = await client.nearestByWalking(
    point,
    candidates.map((site) => ({ id: site.id, position: site.geom.coordinates })),
    { k: COUNT, signal },
  );
  if (result.snappedOrigin) {
    return {
      walking: true,
      sites: result.routes.flatMap((route) => {
        const site = byId.get(route.id);
        return site ? [{ site, distanceM: route.distanceM, minutes: route.minutes, path: route.path }] : [];
      }),
    };
  }
  const query = supabase().rpc('nearest_sites', {
    lng: point[0],
    lat: point[1],
    kind: 'testing_site',
    max_count: COUNT,
    open_only: true,
  });
  const { data, error } = await (signal ? query.abortSignal(signal) : query);
  if (error) throw new Error(`nearest_sites: ${error.message}`);
  return {
    walking: false,
    sites: (data as NearestSite[]).flatMap((row) => {
      const site = byId.get(row.id);
      return site ? [{ site, distanceM: row.distance_m, minutes: null, path: null }] : [];
    }),
  };
}
