import type { LineString, Position } from 'geojson';
import { haversineM } from './distance.ts';
import { nearestTargets } from './nearest-targets.ts';
import { pathToTarget } from './path-geometry.ts';
import { WALKING_SPEED_KMH, walkingProfile } from './profiles.ts';
import type { RoutingNetwork } from './routing-network.ts';
import { snapForProfile, type Snap } from './snap.ts';

/** A destination: anything with an id and a [lng, lat] position (e.g. a testing site). */
export interface RouteTarget {
  id: string;
  position: Position;
}

export interface WalkingSearchOptions {
  /** How many nearest targets to return. Default 3. */
  k?: number;
  /** Give up beyond this walking distance, metres. Default 10,000. */
  maxDistanceM?: number;
  /** A point or target farther than this from every walkable road is not routed, metres. Default 1,000. */
  maxSnapDistanceM?: number;
}

export interface WalkingRoute {
  id: string;
  /** Walking distance including the legs between the points and the road, metres. */
  distanceM: number;
  /** At 5 km/h, rounded up to whole minutes. */
  minutes: number;
  /** As the crow flies, metres (for comparison in the UI). */
  straightLineM: number;
  /** From the origin over the roads to the target's position. */
  path: LineString;
}

export interface WalkingSearchResult {
  /** Where the origin met the network; null when no walkable road is within reach. */
  snappedOrigin: { position: Position; distanceM: number } | null;
  /** Up to k routes, nearest first. Fewer when targets are unreachable or beyond the limit. */
  routes: WalkingRoute[];
}

// Sites rarely move while their state changes often, so the app passes a fresh list of
// open sites per query: remember where each (id, position) met the walkable network.
const targetSnaps = new WeakMap<RoutingNetwork, Map<string, Snap | null>>();

function snapTarget(network: RoutingNetwork, target: RouteTarget, maxDistanceM: number): Snap | null {
  let cache = targetSnaps.get(network);
  if (!cache) {
    cache = new Map();
    targetSnaps.set(network, cache);
  }
  const key = `${target.id}|${target.position[0]}|${target.position[1]}|${maxDistanceM}`;
  let snap = cache.get(key);
  if (snap === undefined) {
    snap = snapForProfile(network.snapIndex, target.position[0], target.position[1], walkingProfile, { maxDistanceM });
    cache.set(key, snap);
  }
  return snap;
}

/** Walking minutes for a distance in metres, rounded up. */
export function walkingMinutes(distanceM: number): number {
  return Math.ceil(distanceM / ((WALKING_SPEED_KMH * 1000) / 60));
}

/**
 * The k targets nearest to `origin` by walking over the road network (one-way roads both
 * ways, no motorways). Used for "nearest open testing sites": pass only the open ones.
 */
export function nearestByWalking(
  network: RoutingNetwork,
  origin: Position,
  targets: readonly RouteTarget[],
  options: WalkingSearchOptions = {},
): WalkingSearchResult {
  const { graph, snapIndex } = network;
  const k = options.k ?? 3;
  const maxSnapDistanceM = options.maxSnapDistanceM ?? 1000;
  const start = snapForProfile(snapIndex, origin[0], origin[1], walkingProfile, { maxDistanceM: maxSnapDistanceM });
  if (!start) return { snappedOrigin: null, routes: [] };

  const snapped: Snap[] = [];
  const kept: RouteTarget[] = [];
  for (const target of targets) {
    const snap = snapTarget(network, target, maxSnapDistanceM);
    if (snap) {
      snapped.push(snap);
      kept.push(target);
    }
  }

  const { hits, tree } = nearestTargets(graph, start, snapped, {
    profile: walkingProfile,
    k,
    maxCost: options.maxDistanceM ?? 10_000,
  });
  const routes = hits.map(({ target: t, cost }): WalkingRoute => {
    const target = kept[t];
    return {
      id: target.id,
      distanceM: cost,
      minutes: walkingMinutes(cost),
      straightLineM: haversineM(origin[0], origin[1], target.position[0], target.position[1]),
      path: { type: 'LineString', coordinates: pathToTarget(graph, tree, origin, start, snapped[t], target.position, t) },
    };
  });
  return { snappedOrigin: { position: [start.lng, start.lat], distanceM: start.distanceM }, routes };
}
