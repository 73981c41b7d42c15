import type { Position } from 'geojson';
import { haversineM } from '../../routing/distance.ts';
import type { RouteTarget, WalkingSearchResult } from '../../routing/walking-search.ts';
import { bboxContains } from './road-cells.ts';
import { bboxAround, type BBox } from './tile-grid.ts';

/** The defaults of `nearestByWalking` (walking-search.ts), which the proof below relies on. */
const MAX_DISTANCE_M = 10_000;
const MAX_SNAP_DISTANCE_M = 1000;
/** Covers the gap between the snapping's local projection and the great circle, and rounding. */
const MARGIN = 1.05;
const SLACK_M = 50;
/** First guess of walking over straight-line distance to the k-th nearest site. */
const FIRST_DETOUR = 1.5;

export interface AreaSearchDeps {
  /** Makes the network that `search` reads hold at least every road touching `bbox`. */
  cover(bbox: BBox): Promise<void>;
  /** `nearestByWalking` over the network as it is now. */
  search(origin: Position, targets: readonly RouteTarget[], k: number): Promise<WalkingSearchResult>;
}

export interface AreaSearchAnswer {
  result: WalkingSearchResult;
  /** The radius around the origin whose roads the answer was found on, metres. */
  radiusM: number;
  /** How many times the area was chosen (1 when the first guess held). */
  rounds: number;
}

/** Metres between a route's last two positions: at least the leg from the road to the site. */
function finalLegM({ path }: WalkingSearchResult['routes'][number]): number {
  const c = path.coordinates;
  if (c.length < 2) return 0;
  const [a, b] = [c[c.length - 2], c[c.length - 1]];
  return Math.min(MAX_SNAP_DISTANCE_M, haversineM(a[0], a[1], b[0], b[1]));
}

/**
 * The radius around the origin whose roads must all be loaded for `result` (found on part of the
 * network) to be the whole network's answer. With d the k-th walking distance found:
 * - a site whose true walk is at most d walks within d of the origin, on roads touching that
 *   disc, and meets the road (its nearest) on that walk: loaded roads give it the same walk;
 * - a site found at most d away met a loaded road at distance a of it and lies within d of the
 *   origin, so its true nearest road is within d + a: loaded, it is the road it met.
 * Hence d plus the largest such a. Fewer than k found means any site within the search's limit
 * could be missing: its limit plus the snapping limit (the longest leg). An origin with no road near enough: the snapping
 * limit. Every length here is at most a path's length, which bounds the great-circle distance.
 */
export function neededRadiusM(result: WalkingSearchResult, k: number): number {
  if (!result.snappedOrigin) return MAX_SNAP_DISTANCE_M;
  if (result.routes.length < k) return MAX_DISTANCE_M + MAX_SNAP_DISTANCE_M;
  return result.routes[k - 1].distanceM + Math.max(0, ...result.routes.map(finalLegM));
}

/** The first guess: the k-th nearest target by straight line, with a usual detour. */
function firstRadiusM(origin: Position, targets: readonly RouteTarget[], k: number): number {
  const straight = targets
    .map((t) => haversineM(origin[0], origin[1], t.position[0], t.position[1]))
    .sort((a, b) => a - b);
  const kth = straight.length ? straight[Math.min(k, straight.length) - 1] : 0;
  return Math.max(MAX_SNAP_DISTANCE_M, kth * FIRST_DETOUR) * MARGIN + SLACK_M;
}

/**
 * The k targets nearest to `origin` by walking, searched over the roads of an area around it
 * only: first the disc that the k-th nearest target by straight line suggests, then, when the
 * answer found there could differ from the whole network's (`neededRadiusM`), a wider one, until
 * it cannot, or the area holds every road (`roadBounds`). Same answer as `nearestByWalking` over
 * the whole network with its default limits.
 */
export async function nearestByWalkingInArea(
  origin: Position,
  targets: readonly RouteTarget[],
  k: number,
  roadBounds: BBox,
  deps: AreaSearchDeps,
): Promise<AreaSearchAnswer> {
  let radiusM = firstRadiusM(origin, targets, k);
  for (let rounds = 1; ; rounds++) {
    const area = bboxAround(origin, radiusM);
    await deps.cover(area);
    const result = await deps.search(origin, targets, k);
    const needed = neededRadiusM(result, k) * MARGIN + SLACK_M;
    if (needed <= radiusM || bboxContains(area, roadBounds)) return { result, radiusM, rounds };
    radiusM = Math.max(needed, radiusM * 1.5);
  }
}
