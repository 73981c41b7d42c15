import type { Position } from 'geojson';
import { legClosures, type ClosureInput } from './closures.ts';
import { planFleet } from './fleet-plan.ts';
import type { RoutingNetwork } from './routing-network.ts';
import { planTour } from './tour.ts';
import { matrixClosures, travelMatrix } from './travel-matrix.ts';
import { routeTruck } from './truck-route.ts';

export interface RunStopInput {
  id: string;
  /** Where the truck stops: the compound's drop point. */
  position: Position;
  /** Parcels for it (households). */
  parcels: number;
}

export interface RunRequest {
  start: Position;
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

export interface RunPlan {
  runs: PlannedRun[];
  unassigned: { id: string; reason: string; detail: string }[];
  /** One truck without a limit: the order given and what the plan saves against it. */
  givenSeconds: number | null;
  savingSeconds: number | null;
}

/**
 * Plans supply runs from `start` to the stops under the closures in force: the travel-time matrix,
 * one truck's tour against the order given (or several trucks' runs within their capacities), and
 * every leg routed with its own closures (a leg may cross the ring of the compound it serves).
 * Used by the dispatch view's worker and `npm run plan`.
 */
export function planRuns(network: RoutingNetwork, closures: ClosureInput, request: RunRequest): RunPlan {
  const points = [request.start, ...request.stops.map((stop) => stop.position)];
  const n = points.length;
  const matrix = travelMatrix(network, points, matrixClosures(network, closures, points));
  const demands = [0, ...request.stops.map((stop) => stop.parcels)];
  const idOf = (index: number) => request.stops[index - 1].id;

  const describe = (
    truck: string,
    seconds: number,
    order: readonly number[],
    arrivals: readonly number[],
  ): PlannedRun => {
    const load = order.reduce((sum, stop) => sum + demands[stop], 0);
    let left = load;
    const stops = order.map((stop, i) => {
      left -= demands[stop];
      return { id: idOf(stop), arrivalSeconds: arrivals[i], loadLeft: left };
    });
    const path = [0, ...order, 0];
    const legs = path.slice(1).map((to, i) => {
      const from = path[i];
      const route = routeTruck(network, points[from], points[to], {
        closures: legClosures(network, closures, points[from], points[to]),
      });
      return route
        ? { seconds: route.seconds, metres: route.metres, roads: route.roads, geometry: route.geometry }
        : { seconds: Infinity, metres: 0, roads: [], geometry: [] };
    });
    return { truck, seconds, metres: legs.reduce((sum, leg) => sum + leg.metres, 0), load, stops, legs };
  };

  const trucks = request.trucks ?? [];
  const fleet = trucks.length > 1 || trucks.some((truck) => Number.isFinite(truck.capacity));
  if (!fleet) {
    const tour = planTour(matrix, n, { order: request.stops.map((_, i) => i + 1) });
    return {
      runs: tour.order.length ? [describe(trucks[0]?.id ?? 'truck-1', tour.seconds, tour.order, tour.arrivals)] : [],
      unassigned: tour.unreachable.map((u) => ({ id: idOf(u.stop), reason: u.reason, detail: u.detail })),
      givenSeconds: tour.given?.seconds ?? null,
      savingSeconds: tour.savingSeconds,
    };
  }
  const planned = planFleet(matrix, n, { demands, trucks });
  return {
    runs: planned.runs.map((run) => describe(run.truckId, run.seconds, run.order, run.arrivals)),
    unassigned: planned.unassigned.map((u) => ({ id: idOf(u.stop), reason: u.reason, detail: u.detail })),
    givenSeconds: null,
    savingSeconds: null,
  };
}
