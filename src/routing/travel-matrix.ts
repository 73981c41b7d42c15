import type { Position } from 'geojson';
import { legClosures, zonesCovering, type ClosureInput } from './closures.ts';
import { nearestTargets, type Closures } from './nearest-targets.ts';
import { truckProfile } from './profiles.ts';
import type { RoutingNetwork } from './routing-network.ts';
import { snapForProfile, type Snap } from './snap.ts';

/** Closures shared by every leg, or per leg (i = origin index, j = destination index). */
export type MatrixClosures = Closures | ((i: number, j: number) => Closures);

/**
 * Truck travel times between all `points`, seconds, row-major n × n (`[i * n + j]` = from i
 * to j; Infinity where unreachable; 0 on the diagonal). Each row is one-to-many Dijkstra
 * (`nearestTargets`, bounded by the destinations it serves) per distinct closure mask: with shared closures that is ONE
 * search per origin; with per-leg closures the destinations of a row are grouped by the
 * Closures object `closuresFor(i, j)` returns (compared by identity), one search per group.
 * Ends snap exactly as `routeTruck` snaps them under the same mask, so an entry equals the
 * point-to-point route's seconds.
 */
export function travelMatrix(
  network: RoutingNetwork,
  points: readonly Position[],
  closures: MatrixClosures = {},
  maxSnapDistanceM = 1000,
): Float64Array {
  const n = points.length;
  const out = new Float64Array(n * n).fill(Infinity);
  const closuresFor = typeof closures === 'function' ? closures : () => closures;
  const snap = (p: Position, c: Closures): Snap | null =>
    snapForProfile(network.snapIndex, p[0], p[1], truckProfile, {
      maxDistanceM: maxSnapDistanceM,
      closedEdges: c.closedEdges,
    });
  for (let i = 0; i < n; i++) {
    out[i * n + i] = 0;
    const groups = new Map<Closures, number[]>();
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const c = closuresFor(i, j);
      const group = groups.get(c);
      if (group) group.push(j);
      else groups.set(c, [j]);
    }
    for (const [c, js] of groups) {
      const start = snap(points[i], c);
      if (!start) continue;
      const kept: number[] = [];
      const targets: Snap[] = [];
      for (const j of js) {
        const s = snap(points[j], c);
        if (s) {
          kept.push(j);
          targets.push(s);
        }
      }
      // Bounded: the search stops once this group's destinations are all settled.
      const { hits } = nearestTargets(network.graph, start, targets, {
        profile: truckProfile,
        k: targets.length,
        ...c,
      });
      for (const h of hits) out[i * n + kept[h.target]] = h.cost;
    }
  }
  return out;
}

/**
 * Per-leg closures for a stop matrix under the zone rule, memoised so legs that share a mask
 * share one Closures object (and so one search in `travelMatrix`). The mask of leg (i, j)
 * depends only on which closing zones cover point i or point j, so the memo key is that set:
 * legs to ordinary stops share the origin's mask; each stop inside a sealed area gets its
 * own (a route to it may enter that area, a route to any other stop may not).
 */
export function matrixClosures(
  network: RoutingNetwork,
  input: ClosureInput,
  points: readonly Position[],
): (i: number, j: number) => Closures {
  const covering = points.map((p) => zonesCovering(network, input.zones, p));
  const memo = new Map<string, Closures>();
  return (i, j) => {
    const key = [...new Set([...covering[i], ...covering[j]])].sort().join('|');
    let c = memo.get(key);
    if (!c) {
      // Any pair with this key gives the same mask: only the set of covered zones matters.
      c = legClosures(network, input, points[i], points[j]);
      memo.set(key, c);
    }
    return c;
  };
}
