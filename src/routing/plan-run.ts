import type { Position } from 'geojson';
import { legClosures, type ClosureInput } from './closures.ts';
import { explainNoRoute, type NoRouteExplanation, type Opening } from './explain-no-route.ts';
import { planFleet } from './fleet-plan.ts';
import type { RoutingNetwork } from './routing-network.ts';
import { planTour } from './tour.ts';
import { matrixClosures, travelMatrix } from './travel-matrix.ts';
import { routeTruck } from './truck-route.ts';
import { turnList, type TurnStep } from './turn-list.ts';

export interface RunStopInput {
  id: string;
  /** Where the truck stops: the compound's drop point. */
  position: Position;
  /** Parcels for it (households). */
  parcels: number;
}

export interface RunRequest {
  start: Position;
  /**
   * Where every run ends; default back at `start`. A re-plan from where the truck is (a stop
   * already served) ends at its depot: the tour is planned as a path from `start` to `end`.
   */
  end?: Position;
  stops: readonly RunStopInput[];
  /** Trucks and their capacity in parcels; default one truck without a limit. */
  trucks?: readonly { id: string; capacity: number }[];
}

export interface PlannedLeg {
  seconds: number;
  metres: number;
  /** Road ids, in order. */
  roads: string[];
  geometry: Position[];
  /** The driver's turn list by road name (empty when the leg has no route). */
  turns: TurnStep[];
}

export interface PlannedRun {
  truck: string;
  /** Driving seconds, back to the start included. */
  seconds: number;
  metres: number;
  load: number;
  stops: { id: string; arrivalSeconds: number; loadLeft: number }[];
  /** Start → first stop, …, last stop → start. */
  legs: PlannedLeg[];
}

/** Why a stop cannot be reached, and what one opening would do (see `explainNoRoute`). */
export interface NoRouteWhy {
  reason: NoRouteExplanation['reason'];
  cutBy: NoRouteExplanation['cutBy'];
  /** The one opening that restores a route, and that route's driving seconds; null when none does. */
  opening: Opening | null;
  openingSeconds: number | null;
}

/** A stop no run takes: over capacity, no truck left, or unreachable (then `why`). */
export interface UnplannedStop {
  id: string;
  reason: string;
  detail: string;
  why?: NoRouteWhy;
}

export interface RunPlan {
  runs: PlannedRun[];
  unassigned: UnplannedStop[];
  /** One truck without a limit: the order given and what the plan saves against it. */
  givenSeconds: number | null;
  savingSeconds: number | null;
}

/** The travel-time matrix of `[start, ...stops]` whose column 0 is the time to `end` (see `planRuns`). */
function runMatrix(network: RoutingNetwork, closures: ClosureInput, request: RunRequest): Float64Array {
  const points = [request.start, ...request.stops.map((stop) => stop.position)];
  if (!request.end) return travelMatrix(network, points, matrixClosures(network, closures, points));
  // A path from start to end is a closed tour whose way "back to the start" is the way to the
  // end: column 0 of the tour's matrix is the column of `end`, so every heuristic of tour.ts
  // and fleet-plan.ts plans the path unchanged.
  const all = [...points, request.end];
  const full = travelMatrix(network, all, matrixClosures(network, closures, all));
  const n = points.length;
  const m = all.length;
  const matrix = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) matrix[i * n + j] = full[i * m + (j === 0 ? m - 1 : j)];
  }
  return matrix;
}

/**
 * One run in the order given: every leg (start → first stop, …, last stop → end) routed with its
 * own closures (a leg may cross the ring of the compound it serves), arrivals and the load left
 * after each stop. A leg without a route has `seconds` Infinity and no geometry; so do the
 * arrivals after it.
 */
export function runInOrder(
  network: RoutingNetwork,
  closures: ClosureInput,
  request: Omit<RunRequest, 'trucks'> & { truck: string },
): PlannedRun {
  const end = request.end ?? request.start;
  const places = [request.start, ...request.stops.map((stop) => stop.position), end];
  const legs: PlannedLeg[] = places.slice(1).map((to, i) => {
    const from = places[i];
    const route = routeTruck(network, from, to, { closures: legClosures(network, closures, from, to) });
    return route
      ? {
          seconds: route.seconds,
          metres: route.metres,
          roads: route.roads,
          geometry: route.geometry,
          turns: turnList(network.graph, route, network.names),
        }
      : { seconds: Infinity, metres: 0, roads: [], geometry: [], turns: [] };
  });
  const load = request.stops.reduce((sum, stop) => sum + stop.parcels, 0);
  let left = load;
  let clock = 0;
  const stops = request.stops.map((stop, i) => {
    left -= stop.parcels;
    clock += legs[i].seconds;
    return { id: stop.id, arrivalSeconds: clock, loadLeft: left };
  });
  return {
    truck: request.truck,
    seconds: legs.reduce((sum, leg) => sum + leg.seconds, 0),
    metres: legs.reduce((sum, leg) => sum + leg.metres, 0),
    load,
    stops,
    legs,
  };
}

/**
 * Plans supply runs from `start` to the stops under the closures in force: the travel-time matrix,
 * one truck's tour against the order given (or several trucks' runs within their capacities), and
 * every leg routed with its own closures (see `runInOrder`). Runs end at `request.end` when given,
 * else back at the start. Used by the dispatch view's worker and `npm run plan`.
 */
export function planRuns(network: RoutingNetwork, closures: ClosureInput, request: RunRequest): RunPlan {
  const n = request.stops.length + 1;
  const matrix = runMatrix(network, closures, request);
  const demands = [0, ...request.stops.map((stop) => stop.parcels)];
  // An unreachable stop says which zones and checkpoints cut it and the one opening that would
  // restore the way there (or back, when only the way back is cut).
  const unassigned = (u: { stop: number; reason: string; detail: string; direction?: string }): UnplannedStop => {
    const stop = request.stops[u.stop - 1];
    if (u.reason !== 'unreachable') return { id: stop.id, reason: u.reason, detail: u.detail };
    const [a, b] =
      u.direction === 'from' ? [stop.position, request.end ?? request.start] : [request.start, stop.position];
    const why = explainNoRoute(network, closures, a, b);
    return {
      id: stop.id,
      reason: u.reason,
      detail: u.detail,
      why: {
        reason: why.reason,
        cutBy: why.cutBy,
        opening: why.opening?.opening ?? null,
        openingSeconds: why.opening?.route.seconds ?? null,
      },
    };
  };
  const describe = (truck: string, order: readonly number[]): PlannedRun =>
    runInOrder(network, closures, { ...request, truck, stops: order.map((stop) => request.stops[stop - 1]) });

  const trucks = request.trucks ?? [];
  const fleet = trucks.length > 1 || trucks.some((truck) => Number.isFinite(truck.capacity));
  if (!fleet) {
    const tour = planTour(matrix, n, { order: request.stops.map((_, i) => i + 1) });
    return {
      runs: tour.order.length ? [describe(trucks[0]?.id ?? 'truck-1', tour.order)] : [],
      unassigned: tour.unreachable.map(unassigned),
      givenSeconds: tour.given?.seconds ?? null,
      savingSeconds: tour.savingSeconds,
    };
  }
  const planned = planFleet(matrix, n, { demands, trucks });
  return {
    runs: planned.runs.map((run) => describe(run.truckId, run.order)),
    unassigned: planned.unassigned.map(unassigned),
    givenSeconds: null,
    savingSeconds: null,
  };
}
