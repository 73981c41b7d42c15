import type { Position } from 'geojson';
import { MinHeap } from './min-heap.ts';
import { edgeCosts, walkingProfile } from './profiles.ts';
import type { RoutingNetwork } from './routing-network.ts';
import { snapForProfile, type Snap } from './snap.ts';
import type { RouteTarget } from './walking-search.ts';

/** Walking distance over which a compound counts as not covered by a testing site, metres. */
export const DEFAULT_COVERAGE_LIMIT_M = 1000;

export interface WalkingCoverageOptions {
  /** A point farther than this from its nearest site is listed in `overLimit`, metres. Default 1,000. */
  limitM?: number;
  /** The search stops here: farther points get `Infinity` and no site, metres. Default 2 × `limitM`; never below `limitM`. */
  maxDistanceM?: number;
  /** A point or site farther than this from every walkable road is not routed, metres. Default 1,000 (as `nearestByWalking`). */
  maxSnapDistanceM?: number;
}

/** Walking distance from each point to its nearest site, in the order the points were given. */
export interface WalkingCoverage {
  /** Metres to the nearest site, off-network legs included; `Infinity` when none is within `maxDistanceM`. */
  distanceM: Float64Array;
  /** Index into the sites given of that nearest site; -1 with `Infinity`. */
  siteIndex: Int32Array;
  /** Id of that nearest site; null with `Infinity`. */
  siteId: (string | null)[];
  /** Indices of the points farther than `limitM` (unreachable ones included), in input order. */
  overLimit: number[];
  /** Indices of the points with no walkable road within `maxSnapDistanceM` (also in `overLimit`). */
  unsnappedPoints: number[];
  /** Ids of the sites with no walkable road within `maxSnapDistanceM`: they cover nothing. */
  unsnappedSites: string[];
  /** The limit and bound the search used, metres. */
  limitM: number;
  maxDistanceM: number;
  /** Road nodes settled by the search (a measure of its work). */
  settledNodes: number;
}

// Sites and compounds rarely move while site states change often, so the dashboard asks again
// with a fresh list of open sites: remember where each position met the walkable network.
const snapCache = new WeakMap<RoutingNetwork, Map<string, Snap | null>>();

function snapPoint(network: RoutingNetwork, lng: number, lat: number, maxDistanceM: number): Snap | null {
  let cache = snapCache.get(network);
  if (!cache) {
    cache = new Map();
    snapCache.set(network, cache);
  }
  const key = `${lng}|${lat}|${maxDistanceM}`;
  let snap = cache.get(key);
  if (snap === undefined) {
    snap = snapForProfile(network.snapIndex, lng, lat, walkingProfile, { maxDistanceM });
    cache.set(key, snap);
  }
  return snap;
}

/**
 * For every point (a compound), the walking distance to the nearest of `sites` and which site
 * it is: one multi-source Dijkstra over the walking network from all sites at once, each
 * starting at its off-network leg (site → the road it snaps to), bounded by `maxDistanceM`.
 * Walking ignores one-way restrictions, so the distance from a site is the distance to it:
 * the same metres as `nearestByWalking` from the point (the sums run in the other order, so
 * they may differ in the last bits; on exact ties either site may be named). Pass only the
 * operating sites. One search serves every point (about 12 ms for the scale-10 city).
 */
export function walkingCoverage(
  network: RoutingNetwork,
  sites: readonly RouteTarget[],
  points: readonly Position[],
  options: WalkingCoverageOptions = {},
): WalkingCoverage {
  const limitM = options.limitM ?? DEFAULT_COVERAGE_LIMIT_M;
  const maxDistanceM = Math.max(limitM, options.maxDistanceM ?? 2 * limitM);
  const maxSnapDistanceM = options.maxSnapDistanceM ?? 1000;
  const { graph } = network;
  const costs = edgeCosts(graph, walkingProfile);
  const { edgeFrom, edgeTo, edgeLengthM, adjStart, adjEdge, adjForward } = graph;
  const n = graph.nodeCount;
  const access = (snap: Snap) => snap.distanceM * walkingProfile.offNetworkCostPerM;
  /** Cost of covering `metres` of edge e, computed as `nearestTargets` computes it. */
  const part = (e: number, metres: number) => (edgeLengthM[e] > 0 ? (costs[e] * metres) / edgeLengthM[e] : 0);

  const cost = new Float64Array(n).fill(Infinity);
  const label = new Int32Array(n).fill(-1);
  const settled = new Uint8Array(n);
  const heap = new MinHeap();
  const relax = (v: number, c: number, site: number) => {
    if (c < cost[v]) {
      cost[v] = c;
      label[v] = site;
      heap.push(v, c);
    }
  };

  // Sources: both ends of each site's road, at the site's off-network leg plus the stretch of road.
  const siteSnaps: (Snap | null)[] = [];
  const sitesOnEdge = new Map<number, number[]>();
  const unsnappedSites: string[] = [];
  sites.forEach((site, s) => {
    const snap = snapPoint(network, site.position[0], site.position[1], maxSnapDistanceM);
    siteSnaps.push(snap);
    if (!snap) {
      unsnappedSites.push(site.id);
      return;
    }
    const e = snap.edge;
    const base = access(snap);
    relax(edgeTo[e], base + part(e, edgeLengthM[e] - snap.offsetM), s);
    relax(edgeFrom[e], base + part(e, snap.offsetM), s);
    const list = sitesOnEdge.get(e);
    if (list) list.push(s);
    else sitesOnEdge.set(e, [s]);
  });

  let settledNodes = 0;
  while (heap.size > 0) {
    const c = heap.peekPriority()!;
    if (c > maxDistanceM) break;
    const u = heap.pop()!;
    if (settled[u] || c > cost[u]) continue;
    settled[u] = 1;
    settledNodes++;
    const site = label[u];
    for (let a = adjStart[u]; a < adjStart[u + 1]; a++) {
      const e = adjEdge[a];
      const ce = costs[e];
      if (ce === Infinity) continue;
      relax(adjForward[a] === 1 ? edgeTo[e] : edgeFrom[e], c + ce, site);
    }
  }

  // Each point is reached over its own road from one of its ends, or straight along it from a
  // site on the same road. A node left unsettled costs more than the bound, and so does every
  // point reached through it, so its provisional cost never decides a point within the bound.
  const count = points.length;
  const distanceM = new Float64Array(count).fill(Infinity);
  const siteIndex = new Int32Array(count).fill(-1);
  const siteId: (string | null)[] = new Array<string | null>(count).fill(null);
  const overLimit: number[] = [];
  const unsnappedPoints: number[] = [];
  for (let i = 0; i < count; i++) {
    const snap = snapPoint(network, points[i][0], points[i][1], maxSnapDistanceM);
    if (!snap) {
      unsnappedPoints.push(i);
      overLimit.push(i);
      continue;
    }
    const e = snap.edge;
    const leg = access(snap);
    let best = cost[edgeFrom[e]] + part(e, snap.offsetM) + leg;
    let bestSite = label[edgeFrom[e]];
    const back = cost[edgeTo[e]] + part(e, edgeLengthM[e] - snap.offsetM) + leg;
    if (back < best) {
      best = back;
      bestSite = label[edgeTo[e]];
    }
    for (const s of sitesOnEdge.get(e) ?? []) {
      const site = siteSnaps[s]!;
      const direct = access(site) + part(e, Math.abs(snap.offsetM - site.offsetM)) + leg;
      if (direct < best) {
        best = direct;
        bestSite = s;
      }
    }
    if (best < Infinity && best <= maxDistanceM) {
      distanceM[i] = best;
      siteIndex[i] = bestSite;
      siteId[i] = sites[bestSite].id;
    }
    if (!(distanceM[i] <= limitM)) overLimit.push(i);
  }
  return {
    distanceM,
    siteIndex,
    siteId,
    overLimit,
    unsnappedPoints,
    unsnappedSites,
    limitM,
    maxDistanceM,
    settledNodes,
  };
}
