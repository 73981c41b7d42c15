import type { Position } from 'geojson';
import {
  causesOnEdges,
  legClosures,
  maskOf,
  type ClosureCause,
  type ClosureInput,
  type LegClosures,
} from './closures.ts';
import { nearestTargets } from './nearest-targets.ts';
import { truckProfile } from './profiles.ts';
import type { RoutingNetwork } from './routing-network.ts';
import { snapForProfile } from './snap.ts';
import { routeTruck, type TruckRoute, type TruckRouteOptions } from './truck-route.ts';

/** One change that reopens roads for a leg. */
export type Opening =
  /** A pass: every restricted checkpoint lets the truck through. */
  | { kind: 'pass'; checkpoints: string[] }
  /** Open one closed checkpoint. */
  | { kind: 'checkpoint'; id: string }
  /** Leave one zone open for this leg (its approach), as if it covered an end. */
  | { kind: 'zone'; id: string };

export interface NoRouteExplanation {
  /**
   * 'no_road': an end has no truck road within reach; 'disconnected': no route even with
   * every closure lifted; 'closures': zones and checkpoints cut every route.
   */
  reason: 'no_road' | 'disconnected' | 'closures';
  /** Zones and checkpoints on the route the truck would take with no closures at all. */
  cutBy: { kind: 'zone' | 'checkpoint'; id: string }[];
  /** The single opening giving the fastest route, with that route; null when none restores one. */
  opening: { opening: Opening; route: TruckRoute } | null;
}

/** The causes an opening lifts. */
function lifted(opening: Opening, causes: readonly ClosureCause[]): Set<ClosureCause> {
  if (opening.kind === 'pass')
    return new Set(causes.filter((c) => c.kind === 'checkpoint' && c.state === 'restricted'));
  return new Set(causes.filter((c) => c.kind === opening.kind && c.id === opening.id));
}

/**
 * Why no truck route joins `from` and `to` under `input`, and the one opening that would
 * restore one. Candidate openings are a pass (if restricted checkpoints are in force), each
 * closed checkpoint and each zone; only causes with an edge at a node the truck can still
 * reach from the start are tried (the first closed road of any new route starts there), and
 * of those that restore a route the fastest wins.
 */
export function explainNoRoute(
  network: RoutingNetwork,
  input: ClosureInput,
  from: Position,
  to: Position,
  options: Pick<TruckRouteOptions, 'algorithm' | 'maxSnapDistanceM' | 'landmarks'> = {},
): NoRouteExplanation {
  const leg: LegClosures = legClosures(network, input, from, to);
  const open = routeTruck(network, from, to, options);
  if (!open) {
    const snaps = [from, to].map((p) =>
      snapForProfile(network.snapIndex, p[0], p[1], truckProfile, { maxDistanceM: options.maxSnapDistanceM ?? 1000 }),
    );
    return { reason: snaps.every(Boolean) ? 'disconnected' : 'no_road', cutBy: [], opening: null };
  }
  const cutBy = causesOnEdges(leg, open.edges).map(({ kind, id }) => ({ kind, id }));

  // Nodes the truck reaches from the start under the closures: an opening helps only if it
  // reopens a road touching one of them (or the start itself cannot snap to an open road).
  const { graph, snapIndex } = network;
  const start = snapForProfile(snapIndex, from[0], from[1], truckProfile, {
    maxDistanceM: options.maxSnapDistanceM ?? 1000,
    closedEdges: leg.closedEdges,
  });
  const reached = start
    ? nearestTargets(graph, start, [], { profile: truckProfile, k: Infinity, closedEdges: leg.closedEdges }).tree.cost
    : null;
  const touchesReach = (c: ClosureCause) =>
    !reached || c.edges.some((e) => reached[graph.edgeFrom[e]] < Infinity || reached[graph.edgeTo[e]] < Infinity);

  const candidates: Opening[] = [];
  const restricted = leg.causes.filter((c) => c.kind === 'checkpoint' && c.state === 'restricted');
  if (restricted.some(touchesReach)) candidates.push({ kind: 'pass', checkpoints: restricted.map((c) => c.id) });
  for (const c of leg.causes) {
    if (!touchesReach(c)) continue;
    if (c.kind === 'zone') candidates.push({ kind: 'zone', id: c.id });
    else if (c.state === 'closed') candidates.push({ kind: 'checkpoint', id: c.id });
  }

  let best: NoRouteExplanation['opening'] = null;
  for (const opening of candidates) {
    const drop = lifted(opening, leg.causes);
    const closedEdges = maskOf(
      graph,
      leg.causes.filter((c) => !drop.has(c)),
    );
    const route = routeTruck(network, from, to, { ...options, closures: { closedEdges } });
    if (route && (!best || route.seconds < best.route.seconds)) best = { opening, route };
  }
  return { reason: 'closures', cutBy, opening: best };
}
