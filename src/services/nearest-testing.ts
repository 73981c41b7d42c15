import type { LineString, Position } from 'geojson';
import { fetchBasemapRoads, fetchRoadCell, fetchRoadCellIndex, type BasemapRoad } from './basemap-roads.ts';
import type { NearestSite, PublicSiteRow } from '../domain/rows.ts';
import { nearestByWalkingInArea } from '../map/basemap/road-area-search.ts';
import { cellsFor, mergeCellRoads, type RoadCellIndex } from '../map/basemap/road-cells.ts';
import type { BBox } from '../map/basemap/tile-grid.ts';
import type { RoadFeature } from '../routing/road-graph.ts';
import type { RoutingClient } from '../routing/routing-client.ts';
import { loadSupabase } from './load-supabase.ts';

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

/** The basemap's road edges as the routing graph reads them; their cell id makes the road id. */
function roadFeatures(roads: readonly BasemapRoad[]): RoadFeature[] {
  return roads.map((road) => ({ ...road, properties: { ...road.properties, id: `road-${road.id}` } }));
}

async function startWorker(roads: readonly RoadFeature[]): Promise<RoutingClient> {
  const { spawnRoutingWorker } = await import('../routing/spawn-routing-worker.ts');
  const client = spawnRoutingWorker();
  try {
    await client.loadRoads(roads);
  } catch (error) {
    client.close();
    throw error;
  }
  return client;
}

let routing: Promise<RoutingClient> | null = null;

/**
 * The walking routing worker with the whole road network loaded (every road cell of the
 * basemap: the network the resident sees, with no paging of the `roads` table through REST),
 * started on first use. For the headquarters' testing coverage, which walks from every compound.
 */
export function walkingRoutingClient(): Promise<RoutingClient> {
  routing ??= fetchBasemapRoads().then((roads) => startWorker(roadFeatures(roads.features as BasemapRoad[])));
  routing.catch(() => (routing = null));
  return routing;
}

/**
 * A walking routing worker holding the road cells fetched so far: `cover` fetches the cells an
 * area needs and reloads the network with them (the network only grows, so an answer found on
 * an area stays valid while another question widens it). Cover calls run one after another.
 */
class AreaRouting {
  readonly #cells = new Map<string, BasemapRoad[]>();
  #queue: Promise<void> = Promise.resolve();
  #loaded = false;

  constructor(
    readonly client: RoutingClient,
    readonly index: RoadCellIndex,
  ) {}

  cover(bbox: BBox): Promise<void> {
    const run = this.#queue.then(() => this.#cover(bbox));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #cover(bbox: BBox): Promise<void> {
    const missing = cellsFor(this.index, bbox).filter((key) => !this.#cells.has(key));
    if (missing.length === 0 && this.#loaded) return;
    const fetched = await Promise.all(missing.map((key) => fetchRoadCell(key)));
    missing.forEach((key, i) => this.#cells.set(key, fetched[i]));
    await this.client.loadRoads(roadFeatures(mergeCellRoads(this.#cells.values())));
    this.#loaded = true;
  }
}

let areaRouting: Promise<AreaRouting> | null = null;

function walkingAreaRouting(): Promise<AreaRouting> {
  areaRouting ??= (async () => {
    const index = await fetchRoadCellIndex();
    return new AreaRouting(await startWorker([]), index);
  })();
  areaRouting.catch(() => (areaRouting = null));
  return areaRouting;
}

/** Testing sites that are running (not paused or closed); today's hours are shown beside them. */
export function operatingTestingSites(sites: readonly PublicSiteRow[]): PublicSiteRow[] {
  return sites.filter((site) => site.kind === 'testing_site' && site.status !== 'paused' && site.status !== 'closed');
}

/**
 * The three operating testing sites nearest to `point` by walking over the roads (routing
 * worker). Only the road cells around the point and the sites are fetched: the area the
 * nearest sites by straight line suggest, widened until the answer is the whole network's
 * (road-area-search.ts). Where no walkable road is within reach of the point, the
 * `nearest_sites` RPC answers by straight-line distance instead.
 */
export async function nearestTestingSites(
  point: Position,
  sites: readonly PublicSiteRow[],
  signal?: AbortSignal,
): Promise<NearestTestingAnswer> {
  const candidates = operatingTestingSites(sites);
  const byId = new Map(candidates.map((site) => [site.id, site]));
  const area = await walkingAreaRouting();
  const { result } = await nearestByWalkingInArea(
    point,
    candidates.map((site) => ({ id: site.id, position: site.geom.coordinates })),
    COUNT,
    area.index.bounds,
    {
      cover: (bbox) => area.cover(bbox),
      search: (origin, targets, k) => area.client.nearestByWalking(origin, targets, { k, signal }),
    },
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
  // Rare (a point far from any road): supabase-js is loaded for it alone.
  const query = (await loadSupabase()).rpc('nearest_sites', {
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
