/**
 * Several vehicles, many stops: which truck serves which compound, in which order, within each
 * truck's capacity. The same planner serves mobile testing teams over enterprises (demand =
 * people to test, capacity = tests a team can take in one run).
 *
 * Method: Clarke–Wright savings, asymmetric variant, then an assignment of routes to trucks,
 * then each run ordered by `planTour` (2-opt + Or-opt, never longer than the savings order).
 *
 * - Savings: every stop starts on its own route depot → s → depot. Joining a route that ends at
 *   `a` to one that starts at `b` saves d(a,0) + d(0,b) − d(a,b); with one-way streets the saving
 *   of (a,b) differs from (b,a), so both directions are separate candidates and a merge is only
 *   made in the direction that was priced (the end of one route to the start of another).
 *   Merges happen in order of saving while the merged load fits the largest truck. Merges that
 *   cost time (negative saving) are made only while there are more routes than trucks.
 * - Assignment: routes by load, heaviest first, each to the smallest free truck that holds it
 *   (best fit), so small trucks are left for small routes. Stops of routes that found no truck
 *   are then inserted one by one, largest demand first, where a truck has room and the directed
 *   insertion costs least (into an idle truck too). What still finds no room is reported as
 *   'no_truck_left'; nothing is dropped silently.
 * - Stops are never split across trucks: a stop whose demand exceeds every truck's capacity is
 *   reported as 'over_capacity'. In the demo data a compound's parcels (one per household, e.g.
 *   江山鼎's 569) go to one truck, so a truck must hold the largest compound it is sent to
 *   (the largest demo compound has 2,053 households).
 *
 * Pure TypeScript, no DOM, map or network imports.
 */
import { checkStops, planTour, serviceAt, unreachableFromDepot, type TourLeg, type TourOptions } from './tour.ts';

export interface Truck {
  id: string;
  /** Load the truck takes in one run, in the unit of `demands` (e.g. parcels, one per household). */
  capacity: number;
}

export interface FleetOptions {
  /** Demand per matrix index (length n, `demands[0]`, the depot, ignored), e.g. households of each compound. */
  demands: ArrayLike<number>;
  /** The trucks (or testing teams) available; each does at most one run. */
  trucks: readonly Truck[];
  /** As in `planTour`: seconds at each stop, one number or one per matrix index. Default 0. */
  serviceSeconds?: TourOptions['serviceSeconds'];
  /** As in `planTour`: departure from the depot, seconds on the caller's clock. Default 0. */
  startAt?: number;
}

export interface FleetRun {
  truckId: string;
  capacity: number;
  /** Matrix indices of the stops in visiting order; the depot is implied at both ends. */
  order: number[];
  /** Driving seconds, depot to depot (service excluded). */
  seconds: number;
  /** Arrival at each stop of `order`, seconds on the `startAt` clock. */
  arrivals: number[];
  /** Load on board at departure: the sum of the run's demands (≤ capacity). */
  load: number;
  /** Load left on board after serving each stop of `order`. */
  loadLeft: number[];
  legs: TourLeg[];
  /** Back at the depot, seconds on the `startAt` clock. */
  finishAt: number;
}

export interface UnassignedStop {
  /** Matrix index of the stop. */
  stop: number;
  reason: 'over_capacity' | 'unreachable' | 'no_truck_left';
  /** Plain-words explanation for the dispatcher. */
  detail: string;
}

export interface FleetPlan {
  /** One run per truck that has stops, in the order of `trucks`; idle trucks have none. */
  runs: FleetRun[];
  /** Every stop not in a run, with the reason. */
  unassigned: UnassignedStop[];
  /** Sum of the runs' driving seconds. */
  totalSeconds: number;
}

/** Matrix `from → to` in seconds. */
const at = (matrix: ArrayLike<number>, n: number, from: number, to: number) => matrix[from * n + to];

/**
 * Clarke–Wright savings over `stops` (matrix indices), asymmetric: routes as linked lists of
 * positions in `stops`, merged end-to-start while the load stays within `limit`.
 */
function savingsRoutes(
  matrix: ArrayLike<number>,
  n: number,
  stops: readonly number[],
  demand: (stop: number) => number,
  limit: number,
  fleetSize: number,
): number[][] {
  const k = stops.length;
  const next = new Int32Array(k).fill(-1);
  const prev = new Int32Array(k).fill(-1);
  const head = Int32Array.from({ length: k }, (_, i) => i);
  const load = Float64Array.from(stops, demand);

  const saving = new Float64Array(k * k);
  const pairs: number[] = [];
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      if (a === b) continue;
      const s = at(matrix, n, stops[a], 0) + at(matrix, n, 0, stops[b]) - at(matrix, n, stops[a], stops[b]);
      if (s === -Infinity) continue; // no route a → b
      saving[a * k + b] = s;
      pairs.push(a * k + b);
    }
  }
  pairs.sort((x, y) => saving[y] - saving[x] || x - y);

  let routes = k;
  for (const pair of pairs) {
    if (saving[pair] < 0 && routes <= fleetSize) break;
    const a = Math.floor(pair / k);
    const b = pair % k;
    if (next[a] !== -1 || prev[b] !== -1) continue; // a must end its route, b must start one
    const ra = head[a];
    const rb = head[b];
    if (ra === rb || load[ra] + load[rb] > limit) continue;
    next[a] = b;
    prev[b] = a;
    for (let x = b; x !== -1; x = next[x]) head[x] = ra;
    load[ra] += load[rb];
    routes--;
  }

  const out: number[][] = [];
  for (let i = 0; i < k; i++) {
    if (prev[i] !== -1) continue;
    const route: number[] = [];
    for (let x = i; x !== -1; x = next[x]) route.push(stops[x]);
    out.push(route);
  }
  return out;
}

/** Throws a RangeError on demands or trucks that cannot be planned with. */
function checkFleet(n: number, demands: ArrayLike<number>, trucks: readonly Truck[]): void {
  if (demands.length !== n) throw new RangeError(`demands must have one entry per matrix index (${n})`);
  for (let i = 1; i < n; i++) {
    if (!(demands[i] >= 0 && demands[i] < Infinity)) throw new RangeError(`demands[${i}] must be finite and ≥ 0`);
  }
  const ids = new Set<string>();
  for (const t of trucks) {
    if (ids.has(t.id)) throw new RangeError(`truck id ${t.id} appears twice`);
    ids.add(t.id);
    if (!(t.capacity >= 0 && t.capacity < Infinity))
      throw new RangeError(`truck ${t.id}: capacity must be finite and ≥ 0`);
  }
}

/**
 * Splits the stops 1..n-1 among the trucks and orders each run. Every stop ends up in exactly
 * one run or in `unassigned` with its reason; no run carries more than its truck's capacity.
 *
 * @param matrix n × n travel seconds, row-major, index 0 = depot, `Infinity` = no route.
 * @param n matrix size (depot + stops).
 * @throws RangeError on a matrix of the wrong size, negative or non-finite demands, capacities or
 *   service times, or repeated truck ids.
 */
export function planFleet(matrix: ArrayLike<number>, n: number, options: FleetOptions): FleetPlan {
  checkStops(matrix, n, []);
  const { demands, trucks } = options;
  checkFleet(n, demands, trucks);
  serviceAt(options.serviceSeconds, n); // validate before any work
  const demand = (stop: number) => demands[stop];
  const largest = trucks.reduce((max, t) => Math.max(max, t.capacity), -Infinity);

  const unassigned: UnassignedStop[] = [];
  const candidates: number[] = [];
  for (let s = 1; s < n; s++) {
    const why = unreachableFromDepot(matrix, n, s);
    if (why) unassigned.push({ stop: s, reason: 'unreachable', detail: why.detail });
    else if (trucks.length === 0) unassigned.push({ stop: s, reason: 'no_truck_left', detail: 'no trucks given' });
    else if (demand(s) > largest) {
      const detail = `demand ${demand(s)} exceeds the largest truck's capacity ${largest}; a stop is never split between trucks`;
      unassigned.push({ stop: s, reason: 'over_capacity', detail });
    } else candidates.push(s);
  }

  // Best fit, heaviest route first; ties keep the savings order (Array sort is stable).
  const routes = savingsRoutes(matrix, n, candidates, demand, largest, trucks.length)
    .map((stops) => ({ stops, load: stops.reduce((sum, s) => sum + demand(s), 0) }))
    .sort((x, y) => y.load - x.load);
  const runs = trucks.map((truck) => ({ truck, stops: [] as number[], load: 0 }));
  const leftovers: number[] = [];
  for (const route of routes) {
    let fit: (typeof runs)[number] | undefined;
    for (const run of runs) {
      if (
        run.stops.length === 0 &&
        run.truck.capacity >= route.load &&
        !(fit && fit.truck.capacity <= run.truck.capacity)
      )
        fit = run;
    }
    if (fit) [fit.stops, fit.load] = [route.stops, route.load];
    else leftovers.push(...route.stops);
  }

  // Cheapest directed insertion where there is room, largest demand first (they are the hardest to place).
  leftovers.sort((x, y) => demand(y) - demand(x) || x - y);
  for (const s of leftovers) {
    let best = Infinity;
    let bestRun: (typeof runs)[number] | undefined;
    let bestAt = 0;
    for (const run of runs) {
      if (run.load + demand(s) > run.truck.capacity) continue;
      const path = [0, ...run.stops, 0];
      for (let p = 0; p + 1 < path.length; p++) {
        const cost = at(matrix, n, path[p], s) + at(matrix, n, s, path[p + 1]) - at(matrix, n, path[p], path[p + 1]);
        if (cost < best || !bestRun) [best, bestRun, bestAt] = [cost, run, p];
      }
    }
    if (bestRun) {
      bestRun.stops.splice(bestAt, 0, s);
      bestRun.load += demand(s);
    } else {
      const room = Math.max(...runs.map((r) => r.truck.capacity - r.load));
      const detail = `demand ${demand(s)} does not fit the room left on any truck (at most ${room}); the fleet is full`;
      unassigned.push({ stop: s, reason: 'no_truck_left', detail });
    }
  }

  const planned: FleetRun[] = runs
    .filter((run) => run.stops.length > 0)
    .map(({ truck, stops, load }) => {
      const tour = planTour(matrix, n, {
        order: stops,
        serviceSeconds: options.serviceSeconds,
        startAt: options.startAt,
      });
      let left = load;
      const loadLeft = tour.order.map((s) => (left -= demand(s)));
      return {
        truckId: truck.id,
        capacity: truck.capacity,
        order: tour.order,
        seconds: tour.seconds,
        arrivals: tour.arrivals,
        load,
        loadLeft,
        legs: tour.legs,
        finishAt: tour.finishAt,
      };
    });
  unassigned.sort((x, y) => x.stop - y.stop);
  return { runs: planned, unassigned, totalSeconds: planned.reduce((sum, r) => sum + r.seconds, 0) };
}
