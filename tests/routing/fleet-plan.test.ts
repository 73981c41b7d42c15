import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planFleet, type FleetPlan, type Truck } from '../../src/routing/fleet-plan.ts';
import { tourSeconds } from '../../src/routing/tour.ts';

/** n × n matrix from a cost function over indices. */
function matrixOf(n: number, cost: (from: number, to: number) => number): Float64Array {
  const m = new Float64Array(n * n);
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) m[a * n + b] = a === b ? 0 : cost(a, b);
  return m;
}

/** Points on a line, index 0 = the depot; a metre a second. */
const line = (xs: number[]) => matrixOf(xs.length, (a, b) => Math.abs(xs[a] - xs[b]));

/** What every fleet plan must satisfy, whatever the input. */
function expectConsistent(
  matrix: Float64Array,
  n: number,
  demands: number[],
  trucks: Truck[],
  plan: FleetPlan,
  service = 0,
  startAt = 0,
) {
  const seen = [...plan.runs.flatMap((r) => r.order), ...plan.unassigned.map((u) => u.stop)].sort((a, b) => a - b);
  expect(seen).toEqual(Array.from({ length: n - 1 }, (_, i) => i + 1)); // each stop exactly once
  const byId = new Map(trucks.map((t) => [t.id, t]));
  expect(new Set(plan.runs.map((r) => r.truckId)).size).toBe(plan.runs.length); // one run per truck
  for (const run of plan.runs) {
    const truck = byId.get(run.truckId)!;
    expect(run.capacity).toBe(truck.capacity);
    expect(run.load).toBeLessThanOrEqual(truck.capacity);
    expect(run.load).toBe(run.order.reduce((sum, s) => sum + demands[s], 0));
    let left = run.load;
    run.order.forEach((s, k) => {
      left -= demands[s];
      expect(run.loadLeft[k]).toBeCloseTo(left, 9);
    });
    expect(run.seconds).toBe(tourSeconds(matrix, n, run.order));
    let clock = startAt;
    run.order.forEach((_, k) => {
      clock += run.legs[k].seconds;
      expect(run.arrivals[k]).toBeCloseTo(clock, 6);
      clock += service;
    });
  }
  expect(plan.totalSeconds).toBeCloseTo(
    plan.runs.reduce((sum, r) => sum + r.seconds, 0),
    6,
  );
  const largest = Math.max(...trucks.map((t) => t.capacity));
  for (const u of plan.unassigned) {
    const unreachable = matrix[u.stop] === Infinity || matrix[u.stop * n] === Infinity;
    if (unreachable) expect(u.reason).toBe('unreachable');
    else if (trucks.length && demands[u.stop] > largest) expect(u.reason).toBe('over_capacity');
    else {
      expect(u.reason).toBe('no_truck_left');
      // No truck, idle or not, had room for it.
      for (const t of trucks) {
        const load = plan.runs.find((r) => r.truckId === t.id)?.load ?? 0;
        expect(t.capacity - load).toBeLessThan(demands[u.stop]);
      }
    }
    expect(u.detail.length).toBeGreaterThan(0);
  }
}

describe('planFleet on hand-made matrices', () => {
  it('sends one truck each way along a line', () => {
    const xs = [0, -3, -2, -1, 1, 2, 3];
    const matrix = line(xs);
    const demands = [0, 3, 3, 3, 3, 3, 3];
    const trucks = [
      { id: 'A', capacity: 10 },
      { id: 'B', capacity: 10 },
    ];
    const plan = planFleet(matrix, xs.length, { demands, trucks });
    expect(plan.unassigned).toEqual([]);
    expect(plan.runs).toHaveLength(2);
    expect(plan.runs.map((r) => [...r.order].sort()).sort()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(plan.totalSeconds).toBe(12);
    for (const run of plan.runs) expect(run.loadLeft).toEqual([6, 3, 0]);
    expectConsistent(matrix, xs.length, demands, trucks, plan);
  });

  it('lists a stop bigger than every truck as over_capacity, never splitting it', () => {
    const matrix = line([0, 1, 2]);
    const demands = [0, 569, 5];
    const trucks = [{ id: 'van', capacity: 400 }];
    const plan = planFleet(matrix, 3, { demands, trucks });
    expect(plan.runs.map((r) => r.order)).toEqual([[2]]);
    expect(plan.unassigned).toEqual([{ stop: 1, reason: 'over_capacity', detail: expect.stringMatching(/569.*400/) }]);
  });

  it('lists stops without a route to or from the depot as unreachable, with why', () => {
    const matrix = line([0, 1, 2, 3]);
    matrix[0 * 4 + 2] = Infinity;
    matrix[3 * 4 + 0] = Infinity;
    const plan = planFleet(matrix, 4, { demands: [0, 1, 1, 1], trucks: [{ id: 'A', capacity: 10 }] });
    expect(plan.runs.map((r) => r.order)).toEqual([[1]]);
    expect(plan.unassigned).toEqual([
      { stop: 2, reason: 'unreachable', detail: 'no route from the depot to the stop' },
      { stop: 3, reason: 'unreachable', detail: 'no route from the stop back to the depot' },
    ]);
  });

  it('lists what does not fit the fleet as no_truck_left, serving the heaviest routes', () => {
    const matrix = line([0, 1, 2, 10, 11]);
    const demands = [0, 4, 4, 6, 6];
    const trucks = [{ id: 'A', capacity: 12 }];
    const plan = planFleet(matrix, 5, { demands, trucks });
    expect(plan.runs).toHaveLength(1);
    expect([...plan.runs[0].order].sort()).toEqual([3, 4]);
    expect(plan.unassigned.map((u) => [u.stop, u.reason])).toEqual([
      [1, 'no_truck_left'],
      [2, 'no_truck_left'],
    ]);
    expectConsistent(matrix, 5, demands, trucks, plan);
  });

  it('gives each route the smallest truck that holds it', () => {
    const matrix = line([0, -2, -1, 1, 2]);
    const demands = [0, 10, 10, 2, 2];
    const trucks = [
      { id: 'big', capacity: 20 },
      { id: 'small', capacity: 5 },
    ];
    const plan = planFleet(matrix, 5, { demands, trucks });
    expect(plan.unassigned).toEqual([]);
    const byTruck = Object.fromEntries(plan.runs.map((r) => [r.truckId, [...r.order].sort()]));
    expect(byTruck).toEqual({ big: [1, 2], small: [3, 4] });
  });

  it('follows one-way streets within a run', () => {
    // A one-way ring 0 → 1 → 2 → 3 → 0, 5 s a leg; against it 50 s.
    const matrix = matrixOf(4, (a, b) => ((b - a + 4) % 4 === 1 ? 5 : 50));
    const plan = planFleet(matrix, 4, {
      demands: [0, 1, 1, 1],
      trucks: [{ id: 'A', capacity: 3 }],
      startAt: 100,
      serviceSeconds: 10,
    });
    expect(plan.runs[0].order).toEqual([1, 2, 3]);
    expect(plan.runs[0].seconds).toBe(20);
    expect(plan.runs[0].arrivals).toEqual([105, 120, 135]);
    expect(plan.runs[0].finishAt).toBe(150);
  });

  it('merges at a loss when there are more routes than trucks, and not when there are enough', () => {
    // Depot legs 1 s, stop to stop 100 s: every saving is negative.
    const matrix = matrixOf(3, (a, b) => (a === 0 || b === 0 ? 1 : 100));
    const demands = [0, 1, 1];
    const one = planFleet(matrix, 3, { demands, trucks: [{ id: 'A', capacity: 5 }] });
    expect(one.unassigned).toEqual([]);
    expect(one.runs).toHaveLength(1);
    expect(one.totalSeconds).toBe(102);
    const two = planFleet(matrix, 3, {
      demands,
      trucks: [
        { id: 'A', capacity: 5 },
        { id: 'B', capacity: 5 },
      ],
    });
    expect(two.runs).toHaveLength(2);
    expect(two.totalSeconds).toBe(4);
  });

  it('lists every stop as no_truck_left without trucks', () => {
    const plan = planFleet(line([0, 1, 2]), 3, { demands: [0, 1, 1], trucks: [] });
    expect(plan.runs).toEqual([]);
    expect(plan.unassigned.map((u) => u.reason)).toEqual(['no_truck_left', 'no_truck_left']);
  });

  it('rejects bad demands, capacities and repeated truck ids', () => {
    const matrix = line([0, 1, 2]);
    const trucks = [{ id: 'A', capacity: 5 }];
    expect(() => planFleet(matrix, 3, { demands: [0, 1], trucks })).toThrow(RangeError);
    expect(() => planFleet(matrix, 3, { demands: [0, -1, 1], trucks })).toThrow(RangeError);
    expect(() => planFleet(matrix, 3, { demands: [0, 1, 1], trucks: [{ id: 'A', capacity: Number.NaN }] })).toThrow(
      RangeError,
    );
    expect(() => planFleet(matrix, 3, { demands: [0, 1, 1], trucks: [...trucks, ...trucks] })).toThrow(RangeError);
  });
});

/** Random asymmetric matrices (some legs missing), demands and fleets. */
const randomFleet = fc.integer({ min: 1, max: 30 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    costs: fc.array(
      fc.oneof(
        { weight: 15, arbitrary: fc.integer({ min: 1, max: 3_600 }) },
        { weight: 1, arbitrary: fc.constant(Infinity) },
      ),
      {
        minLength: n * n,
        maxLength: n * n,
      },
    ),
    demands: fc.array(fc.integer({ min: 0, max: 60 }), { minLength: n, maxLength: n }),
    capacities: fc.array(fc.integer({ min: 0, max: 150 }), { minLength: 0, maxLength: 6 }),
    service: fc.integer({ min: 0, max: 600 }),
    startAt: fc.integer({ min: 0, max: 86_400 }),
  }),
);

describe('planFleet properties', () => {
  it('places every stop once, within capacity, with consistent loads, times and reasons', () => {
    fc.assert(
      fc.property(randomFleet, ({ n, costs, demands, capacities, service, startAt }) => {
        const matrix = matrixOf(n, (a, b) => costs[a * n + b]);
        const trucks = capacities.map((capacity, i) => ({ id: `t${i}`, capacity }));
        const plan = planFleet(matrix, n, { demands, trucks, serviceSeconds: service, startAt });
        expectConsistent(matrix, n, demands, trucks, plan, service, startAt);
      }),
      { numRuns: 300 },
    );
  });
});
