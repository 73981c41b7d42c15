/**
 * One vehicle, many stops: the order in which a supply truck (or a mobile testing team) visits
 * its stops and comes back to the depot, over a travel-time matrix.
 *
 * The matrix is `n × n`, row-major, `matrix[from * n + to]` in seconds, index 0 = the depot,
 * 1..n-1 = the stops. It may be asymmetric (one-way streets) and holds `Infinity` where there is
 * no route. It is expected to hold shortest-path times (one bounded search per stop), so two
 * stops that are both reachable to and from the depot are reachable from each other; if it does
 * not, the search below still avoids the missing legs whenever some order can, and `seconds`
 * is `Infinity` only when no order it found avoids them.
 *
 * Method: cheapest insertion builds a first tour, then 2-opt and Or-opt improve it until neither
 * finds a shorter tour (first improvement, repeated). Cheapest insertion rather than nearest
 * neighbour because it prices both directed legs of every insertion, so on one-way networks it
 * never paints itself into a corner with a long way back to the depot, as nearest neighbour's
 * greedy last legs do; at 200 stops it is O(n³) ≈ 1.3 M additions, a few milliseconds.
 *
 * Pure TypeScript, no DOM, map or network imports.
 */

/** A stop left out of a tour because the depot cannot reach it or it cannot reach the depot. */
export interface UnreachableStop {
  /** Matrix index of the stop (1..n-1). */
  stop: number;
  reason: 'unreachable';
  /** Which leg is missing: 'to' = depot → stop, 'from' = stop → depot, 'both'. */
  direction: 'to' | 'from' | 'both';
  /** Plain-words explanation for the dispatcher. */
  detail: string;
}

/** A leg of a run, matrix indices (0 = the depot), driving seconds. */
export interface TourLeg {
  from: number;
  to: number;
  seconds: number;
}

export interface TourOptions {
  /**
   * The order the dispatcher gave: distinct matrix indices of stops (1..n-1). It also chooses
   * which stops to visit; without it every stop 1..n-1 is visited. Its cost is reported in
   * `given` and the planned tour is never longer.
   */
  order?: readonly number[];
  /**
   * Time spent at each stop, seconds: one number for every stop, or one per matrix index
   * (index 0, the depot, is ignored). Default 0. It moves arrival times, never the order.
   */
  serviceSeconds?: number | ArrayLike<number>;
  /** Departure from the depot, in seconds (epoch seconds or seconds since midnight: arrivals use the same clock). Default 0. */
  startAt?: number;
}

export interface TourPlan {
  /** Matrix indices of the stops in visiting order; the depot (0) is implied at both ends. */
  order: number[];
  /** Driving seconds from the depot through every stop and back to the depot (service time excluded). */
  seconds: number;
  /** The given order's driving seconds over the same reachable stops, or null if no order was given. */
  given: { seconds: number } | null;
  /** `given.seconds − seconds` (≥ 0), or 0 without a given order. */
  savingSeconds: number;
  /** Every leg in driving order, the last one back to the depot; empty when there are no stops. */
  legs: TourLeg[];
  /** Arrival at each stop of `order`, seconds on the `startAt` clock (driving plus earlier service). */
  arrivals: number[];
  /** Back at the depot: `startAt` + driving + all service, seconds. */
  finishAt: number;
  /** Stops left out because there is no route to or from the depot; never silently dropped. */
  unreachable: UnreachableStop[];
}

/** Matrix `from → to` in seconds. */
const at = (matrix: ArrayLike<number>, n: number, from: number, to: number) => matrix[from * n + to];

/** Driving seconds of depot → order… → depot (Infinity if a leg is missing; 0 for no stops). */
export function tourSeconds(matrix: ArrayLike<number>, n: number, order: readonly number[]): number {
  if (order.length === 0) return 0;
  let total = at(matrix, n, 0, order[0]) + at(matrix, n, order[order.length - 1], 0);
  for (let k = 1; k < order.length; k++) total += at(matrix, n, order[k - 1], order[k]);
  return total;
}

/** Throws a RangeError unless `matrix` is n × n and `stops` are distinct indices in 1..n-1. */
export function checkStops(matrix: ArrayLike<number>, n: number, stops: readonly number[]): void {
  if (!Number.isInteger(n) || n < 1 || matrix.length !== n * n) throw new RangeError(`matrix must be ${n} × ${n}`);
  const seen = new Set<number>();
  for (const s of stops) {
    if (!Number.isInteger(s) || s < 1 || s >= n) throw new RangeError(`stop ${s} is not a matrix index in 1..${n - 1}`);
    if (seen.has(s)) throw new RangeError(`stop ${s} appears twice`);
    seen.add(s);
  }
}

/** Null when the depot reaches the stop and the stop reaches the depot; otherwise why not. */
export function unreachableFromDepot(matrix: ArrayLike<number>, n: number, stop: number): UnreachableStop | null {
  const to = at(matrix, n, 0, stop) !== Infinity;
  const from = at(matrix, n, stop, 0) !== Infinity;
  if (to && from) return null;
  if (!to && !from)
    return { stop, reason: 'unreachable', direction: 'both', detail: 'no route from the depot to the stop, nor back' };
  return to
    ? { stop, reason: 'unreachable', direction: 'from', detail: 'no route from the stop back to the depot' }
    : { stop, reason: 'unreachable', direction: 'to', detail: 'no route from the depot to the stop' };
}

/**
 * The sub-matrix of the depot and `stops` (compact index 0 = depot, k = stops[k-1]) with every
 * missing leg replaced by a penalty longer than any tour of finite legs. The search then stays
 * in plain finite arithmetic (Infinity − Infinity would be NaN in the delta formulas) and still
 * prefers any order with fewer missing legs. Compact rows also keep the inner loops in cache.
 */
function compactMatrix(matrix: ArrayLike<number>, n: number, stops: readonly number[]): Float64Array {
  const m = stops.length + 1;
  const nodes = [0, ...stops];
  const out = new Float64Array(m * m);
  let longest = 0;
  for (let a = 0; a < m; a++) {
    for (let b = 0; b < m; b++) {
      const v = at(matrix, n, nodes[a], nodes[b]);
      out[a * m + b] = v;
      if (v !== Infinity && v > longest) longest = v;
    }
  }
  const penalty = (longest + 1) * (m + 1);
  for (let i = 0; i < out.length; i++) if (out[i] === Infinity) out[i] = penalty;
  return out;
}

/**
 * Cheapest insertion on a compact matrix: starts from depot → depot and inserts, one at a time,
 * the stop whose cheapest directed insertion (d(u,s) + d(s,v) − d(u,v)) is smallest.
 * Returns the tour with the depot at both ends: [0, …stops, 0].
 */
function cheapestInsertionCompact(d: Float64Array, m: number): Int32Array {
  const tour = new Int32Array(m + 1);
  let length = 2; // tour[0] = tour[1] = 0: depot → depot
  const inserted = new Uint8Array(m);
  for (let step = 1; step < m; step++) {
    let best = Infinity;
    let bestStop = -1;
    let bestAfter = 0;
    for (let s = 1; s < m; s++) {
      if (inserted[s]) continue;
      for (let p = 0; p + 1 < length; p++) {
        const u = tour[p];
        const v = tour[p + 1];
        const cost = d[u * m + s] + d[s * m + v] - d[u * m + v];
        if (cost < best) {
          best = cost;
          bestStop = s;
          bestAfter = p;
        }
      }
    }
    tour.copyWithin(bestAfter + 2, bestAfter + 1, length);
    tour[bestAfter + 1] = bestStop;
    inserted[bestStop] = 1;
    length++;
  }
  return tour;
}

/**
 * 2-opt and Or-opt on a compact matrix until neither improves, in place. `t` holds
 * [0, …stops, 0]. With one-way streets reversing a segment changes the cost of every leg
 * inside it, so both use prefix sums of the forward and the backward legs (`fwd[p]`, `bwd[p]` =
 * sum of d(t[q], t[q+1]) resp. d(t[q+1], t[q]) for q < p) to price any reversal in O(1).
 */
function improveCompact(d: Float64Array, m: number, t: Int32Array): Int32Array {
  const last = t.length - 1; // index of the closing depot
  const fwd = new Float64Array(t.length);
  const bwd = new Float64Array(t.length);
  const prefix = () => {
    for (let p = 0; p < last; p++) {
      fwd[p + 1] = fwd[p] + d[t[p] * m + t[p + 1]];
      bwd[p + 1] = bwd[p] + d[t[p + 1] * m + t[p]];
    }
  };
  prefix();
  // A move must gain more than float noise (penalised legs make sums large), so the true cost
  // strictly decreases and the loop ends.
  const eps = 1e-9 * Math.max(1, fwd[last]);

  /** Reverse t[i..j] wherever that shortens the tour; true if any move was made. */
  const twoOpt = () => {
    let moved = false;
    for (let i = 1; i < last - 1; i++) {
      for (let j = i + 1; j < last; j++) {
        const a = t[i - 1];
        const b = t[j + 1];
        const delta =
          d[a * m + t[j]] + d[t[i] * m + b] - d[a * m + t[i]] - d[t[j] * m + b] + (bwd[j] - bwd[i]) - (fwd[j] - fwd[i]);
        if (delta < -eps) {
          t.subarray(i, j + 1).reverse();
          prefix();
          moved = true;
        }
      }
    }
    return moved;
  };

  /** Move a segment of 1–3 stops, kept or reversed, to a cheaper place; true if any move was made. */
  const orOpt = () => {
    let moved = false;
    for (let len = 1; len <= 3; len++) {
      for (let i = 1; i + len - 1 < last; i++) {
        const e = i + len - 1;
        const p = t[i - 1];
        const q = t[e + 1];
        const first = t[i];
        const end = t[e];
        const removal = d[p * m + q] - d[p * m + first] - d[end * m + q];
        const reversal = bwd[e] - bwd[i] - (fwd[e] - fwd[i]);
        let best = -eps;
        let bestAt = -1;
        let bestReversed = false;
        for (let g = 0; g < last; g++) {
          if (g >= i - 1 && g <= e) continue; // edges touching the segment
          const u = t[g];
          const v = t[g + 1];
          const kept = removal + d[u * m + first] + d[end * m + v] - d[u * m + v];
          if (kept < best) [best, bestAt, bestReversed] = [kept, g, false];
          if (len > 1) {
            const flipped = removal + d[u * m + end] + d[first * m + v] - d[u * m + v] + reversal;
            if (flipped < best) [best, bestAt, bestReversed] = [flipped, g, true];
          }
        }
        if (bestAt < 0) continue;
        const segment = Array.from(t.subarray(i, e + 1));
        if (bestReversed) segment.reverse();
        const rest = [...t.subarray(0, i), ...t.subarray(e + 1)];
        // In `rest` the edge t[g] → t[g+1] starts at g before the segment, at g − len after it.
        const cut = (bestAt < i ? bestAt : bestAt - len) + 1;
        t.set([...rest.slice(0, cut), ...segment, ...rest.slice(cut)]);
        prefix();
        moved = true;
      }
    }
    return moved;
  };

  for (let moved = true; moved;) {
    moved = twoOpt();
    if (orOpt()) moved = true;
  }
  return t;
}

/**
 * The cheapest-insertion tour of `stops` alone (matrix indices, depot excluded), without local
 * search: the construction step of `planTour`, exported as the benchmark's baseline.
 */
export function constructTour(matrix: ArrayLike<number>, n: number, stops: readonly number[]): number[] {
  checkStops(matrix, n, stops);
  const d = compactMatrix(matrix, n, stops);
  return Array.from(cheapestInsertionCompact(d, stops.length + 1).subarray(1, stops.length + 1), (c) => stops[c - 1]);
}

/** Seconds at each stop, one per matrix index (a number applies to all stops). */
export function serviceAt(service: number | ArrayLike<number> | undefined, n: number): (stop: number) => number {
  if (service === undefined) return () => 0;
  if (typeof service === 'number') {
    if (!(service >= 0 && service < Infinity))
      throw new RangeError(`serviceSeconds must be finite and ≥ 0, got ${service}`);
    return () => service;
  }
  if (service.length !== n) throw new RangeError(`serviceSeconds must have one entry per matrix index (${n})`);
  for (let i = 1; i < n; i++) {
    if (!(service[i] >= 0 && service[i] < Infinity))
      throw new RangeError(`serviceSeconds[${i}] must be finite and ≥ 0`);
  }
  return (stop) => service[stop];
}

/**
 * Plans one run: the order of the stops that the depot can reach and that can reach the depot,
 * shortest driving time found, never longer than `options.order` when given (local search runs
 * from both the construction and the given order and keeps the shorter; a tie keeps the
 * dispatcher's order). Stops without a route to or from the depot are listed in `unreachable`.
 *
 * @param matrix n × n travel seconds, row-major, index 0 = depot, `Infinity` = no route.
 * @param n matrix size (depot + stops).
 * @throws RangeError on a matrix of the wrong size, repeated or out-of-range stops, negative service time.
 */
export function planTour(matrix: ArrayLike<number>, n: number, options: TourOptions = {}): TourPlan {
  const requested = options.order ? [...options.order] : Array.from({ length: n - 1 }, (_, i) => i + 1);
  checkStops(matrix, n, requested);
  const service = serviceAt(options.serviceSeconds, n);
  const startAt = options.startAt ?? 0;

  const unreachable: UnreachableStop[] = [];
  const stops: number[] = [];
  for (const s of requested) {
    const why = unreachableFromDepot(matrix, n, s);
    if (why) unreachable.push(why);
    else stops.push(s);
  }

  const m = stops.length + 1;
  const d = compactMatrix(matrix, n, stops);
  const toStops = (t: Int32Array) => Array.from(t.subarray(1, m), (c) => stops[c - 1]);
  let order = toStops(improveCompact(d, m, cheapestInsertionCompact(d, m)));
  let seconds = tourSeconds(matrix, n, order);
  let given: TourPlan['given'] = null;
  if (options.order) {
    // `stops` is the given order with the unreachable stops left out: compact 1..m-1 in turn.
    const givenSeconds = tourSeconds(matrix, n, stops);
    given = { seconds: givenSeconds };
    const fromGiven = toStops(
      improveCompact(
        d,
        m,
        Int32Array.from({ length: m + 1 }, (_, k) => (k === m ? 0 : k)),
      ),
    );
    const fromGivenSeconds = tourSeconds(matrix, n, fromGiven);
    if (!(fromGivenSeconds > seconds)) [order, seconds] = [fromGiven, fromGivenSeconds];
    if (!(seconds < givenSeconds)) [order, seconds] = [stops, givenSeconds];
  }

  const legs: TourLeg[] = [];
  const arrivals: number[] = [];
  let clock = startAt;
  let from = 0;
  for (const to of [...order, ...(order.length ? [0] : [])]) {
    const leg = at(matrix, n, from, to);
    legs.push({ from, to, seconds: leg });
    clock += leg;
    if (to !== 0) {
      arrivals.push(clock);
      clock += service(to);
    }
    from = to;
  }
  const savingSeconds = given && seconds < given.seconds ? given.seconds - seconds : 0;
  return { order, seconds, given, savingSeconds, legs, arrivals, finishAt: clock, unreachable };
}
