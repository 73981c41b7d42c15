import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { constructTour, planTour, tourSeconds, type TourPlan } from '../../src/routing/tour.ts';

/** n × n matrix from a cost function over indices. */
function matrixOf(n: number, cost: (from: number, to: number) => number): Float64Array {
  const m = new Float64Array(n * n);
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) m[a * n + b] = a === b ? 0 : cost(a, b);
  return m;
}

/** Euclidean matrix of points, index 0 = the depot. */
const euclidean = (points: [number, number][]) =>
  matrixOf(points.length, (a, b) => Math.hypot(points[a][0] - points[b][0], points[a][1] - points[b][1]));

/** What every plan must satisfy, whatever the matrix. */
function expectConsistent(matrix: Float64Array, n: number, plan: TourPlan, service = 0, startAt = 0) {
  expect(plan.seconds).toBe(tourSeconds(matrix, n, plan.order));
  if (plan.order.length === 0) {
    expect(plan.legs).toEqual([]);
    expect(plan.seconds).toBe(0);
    return;
  }
  expect(plan.legs.map((l) => l.from)).toEqual([0, ...plan.order]);
  expect(plan.legs.map((l) => l.to)).toEqual([...plan.order, 0]);
  for (const leg of plan.legs) expect(leg.seconds).toBe(matrix[leg.from * n + leg.to]);
  expect(plan.legs.reduce((sum, l) => sum + l.seconds, 0)).toBeCloseTo(plan.seconds, 6);
  let clock = startAt;
  plan.order.forEach((_, k) => {
    clock += plan.legs[k].seconds;
    expect(plan.arrivals[k]).toBeCloseTo(clock, 6);
    clock += service;
  });
  expect(plan.finishAt).toBeCloseTo(clock + plan.legs[plan.legs.length - 1].seconds, 6);
}

describe('planTour on hand-made matrices', () => {
  it('visits points on a line end to end: twice the span', () => {
    const xs = [0, 3, -2, 5, 1, -4];
    const matrix = matrixOf(xs.length, (a, b) => Math.abs(xs[a] - xs[b]));
    const plan = planTour(matrix, xs.length, { order: [1, 2, 3, 4, 5] });
    expect(plan.seconds).toBe(18);
    expect(plan.given).toEqual({ seconds: 3 + 5 + 7 + 4 + 5 + 4 });
    expect(plan.savingSeconds).toBe(28 - 18);
    expect([...plan.order].sort()).toEqual([1, 2, 3, 4, 5]);
    expectConsistent(matrix, xs.length, plan);
  });

  it('goes round a square instead of across it', () => {
    const matrix = euclidean([
      [0, 0],
      [0, 1],
      [1, 1],
      [1, 0],
    ]);
    const plan = planTour(matrix, 4, { order: [2, 1, 3] });
    expect(plan.seconds).toBeCloseTo(4, 9);
    expect(plan.given!.seconds).toBeCloseTo(2 + 2 * Math.SQRT2, 9);
    expect(plan.savingSeconds).toBeCloseTo(2 * Math.SQRT2 - 2, 9);
    expect([
      [1, 2, 3],
      [3, 2, 1],
    ]).toContainEqual(plan.order);
  });

  it('follows a one-way triangle in its direction (reversing costs the true reverse legs)', () => {
    // 0 → 1 → 2 → 0 takes 1 s a leg; against the one-way streets 10 s a leg.
    const matrix = matrixOf(3, (a, b) => ((b - a + 3) % 3 === 1 ? 1 : 10));
    const plan = planTour(matrix, 3, { order: [2, 1] });
    expect(plan.order).toEqual([1, 2]);
    expect(plan.seconds).toBe(3);
    expect(plan.given).toEqual({ seconds: 30 });
    expect(plan.savingSeconds).toBe(27);
  });

  it('finds a one-way ring of 8 from a scrambled order', () => {
    const n = 9;
    const matrix = matrixOf(n, (a, b) => ((b - a + n) % n === 1 ? 10 : 100 + ((a * 7 + b * 3) % 13)));
    const plan = planTour(matrix, n, { order: [5, 2, 8, 1, 7, 3, 6, 4] });
    expect(plan.order).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(plan.seconds).toBe(90);
  });

  it('keeps the given order when it is already the shortest', () => {
    const matrix = matrixOf(3, (a, b) => ((b - a + 3) % 3 === 1 ? 1 : 10));
    const plan = planTour(matrix, 3, { order: [1, 2] });
    expect(plan.order).toEqual([1, 2]);
    expect(plan.savingSeconds).toBe(0);
  });

  it('visits every stop without a given order, and reports no saving', () => {
    const xs = [0, 1, 2, 3];
    const matrix = matrixOf(4, (a, b) => Math.abs(xs[a] - xs[b]));
    const plan = planTour(matrix, 4);
    expect(plan.given).toBeNull();
    expect(plan.savingSeconds).toBe(0);
    expect(plan.seconds).toBe(6);
    expect(plan.order).toHaveLength(3);
  });

  it('leaves out and explains stops without a route to or from the depot', () => {
    const matrix = matrixOf(5, () => 10);
    matrix[0 * 5 + 2] = Infinity; // depot cannot reach 2
    matrix[3 * 5 + 0] = Infinity; // 3 cannot get back
    matrix[0 * 5 + 4] = Infinity; // 4: neither way
    matrix[4 * 5 + 0] = Infinity;
    const plan = planTour(matrix, 5, { order: [4, 3, 2, 1] });
    expect(plan.order).toEqual([1]);
    expect(plan.seconds).toBe(20);
    expect(plan.given).toEqual({ seconds: 20 }); // the given order over the reachable stops
    expect(plan.unreachable.map(({ stop, reason, direction }) => ({ stop, reason, direction }))).toEqual([
      { stop: 4, reason: 'unreachable', direction: 'both' },
      { stop: 3, reason: 'unreachable', direction: 'from' },
      { stop: 2, reason: 'unreachable', direction: 'to' },
    ]);
    for (const u of plan.unreachable) expect(u.detail).toMatch(/no route/);
  });

  it('gives arrivals as start time + driving + service at earlier stops', () => {
    const xs = [0, 100, 300];
    const matrix = matrixOf(3, (a, b) => Math.abs(xs[a] - xs[b]));
    const plan = planTour(matrix, 3, { order: [1, 2], serviceSeconds: 60, startAt: 1_000 });
    expect(plan.order).toEqual([1, 2]);
    expect(plan.arrivals).toEqual([1_100, 1_360]);
    expect(plan.finishAt).toBe(1_360 + 60 + 300);
    const perStop = planTour(matrix, 3, { order: [1, 2], serviceSeconds: [0, 30, 90], startAt: 0 });
    expect(perStop.arrivals).toEqual([100, 330]);
    expect(perStop.finishAt).toBe(330 + 90 + 300);
  });

  it('handles no stops and one stop', () => {
    expect(planTour(new Float64Array([0]), 1)).toMatchObject({ order: [], seconds: 0, legs: [], arrivals: [] });
    const one = planTour(new Float64Array([0, 5, 7, 0]), 2, { startAt: 10 });
    expect(one).toMatchObject({ order: [1], seconds: 12, arrivals: [15], finishAt: 22 });
  });

  it('rejects a matrix of the wrong size, repeated or out-of-range stops, negative service', () => {
    const matrix = matrixOf(3, () => 1);
    expect(() => planTour(matrix, 4)).toThrow(RangeError);
    expect(() => planTour(matrix, 3, { order: [1, 1] })).toThrow(RangeError);
    expect(() => planTour(matrix, 3, { order: [0, 1] })).toThrow(RangeError);
    expect(() => planTour(matrix, 3, { order: [3] })).toThrow(RangeError);
    expect(() => planTour(matrix, 3, { serviceSeconds: -1 })).toThrow(RangeError);
  });

  it('constructTour gives a permutation of the stops it was given', () => {
    const xs = [0, 3, -2, 5, 1, -4];
    const matrix = matrixOf(xs.length, (a, b) => Math.abs(xs[a] - xs[b]));
    expect([...constructTour(matrix, xs.length, [5, 3, 1])].sort()).toEqual([1, 3, 5]);
  });
});

/** A random asymmetric matrix: integer seconds, some depot legs and (non-metric) stop legs missing. */
const randomMatrix = fc.integer({ min: 1, max: 24 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    costs: fc.array(
      fc.oneof(
        { weight: 12, arbitrary: fc.integer({ min: 1, max: 3_600 }) },
        { weight: 1, arbitrary: fc.constant(Infinity) },
      ),
      {
        minLength: n * n,
        maxLength: n * n,
      },
    ),
    keys: fc.array(fc.double({ noNaN: true }), { minLength: n, maxLength: n }),
    service: fc.integer({ min: 0, max: 600 }),
    startAt: fc.integer({ min: 0, max: 86_400 }),
  }),
);

/** Points in a 10 km square, driven at 30 km/h with up to 40 % extra one way (one-way streets). */
const randomPoints = fc.integer({ min: 2, max: 40 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    points: fc.array(fc.tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 10_000 })), {
      minLength: n,
      maxLength: n,
    }),
    detour: fc.array(fc.double({ min: 1, max: 1.4, noNaN: true }), { minLength: n * n, maxLength: n * n }),
  }),
);

describe('planTour properties', () => {
  it('returns a permutation of the reachable stops, its true cost, never longer than the given order', () => {
    fc.assert(
      fc.property(randomMatrix, ({ n, costs, keys, service, startAt }) => {
        const matrix = matrixOf(n, (a, b) => costs[a * n + b]);
        // The given order: stops sorted by random keys.
        const given = Array.from({ length: n - 1 }, (_, i) => i + 1).sort((a, b) => keys[a] - keys[b] || a - b);
        const plan = planTour(matrix, n, { order: given, serviceSeconds: service, startAt });
        const reachable = given.filter((s) => matrix[s] !== Infinity && matrix[s * n] !== Infinity);
        expect([...plan.order].sort((a, b) => a - b)).toEqual([...reachable].sort((a, b) => a - b));
        expect(plan.unreachable.map((u) => u.stop).sort((a, b) => a - b)).toEqual(
          given.filter((s) => !reachable.includes(s)).sort((a, b) => a - b),
        );
        expectConsistent(matrix, n, plan, service, startAt);
        expect(plan.given!.seconds).toBe(tourSeconds(matrix, n, reachable));
        expect(plan.seconds <= plan.given!.seconds).toBe(true);
        if (plan.seconds < Infinity) expect(plan.savingSeconds).toBeCloseTo(plan.given!.seconds - plan.seconds, 6);
      }),
      { numRuns: 300 },
    );
  });

  it('on road-like matrices never does worse than its own construction or the given order', () => {
    fc.assert(
      fc.property(randomPoints, ({ n, points, detour }) => {
        const straight = euclidean(points);
        const matrix = matrixOf(n, (a, b) => (straight[a * n + b] / (30 / 3.6)) * detour[a * n + b]);
        const stops = Array.from({ length: n - 1 }, (_, i) => i + 1);
        const plan = planTour(matrix, n, { order: stops });
        expectConsistent(matrix, n, plan);
        expect(plan.seconds).toBeLessThanOrEqual(plan.given!.seconds);
        expect(plan.seconds).toBeLessThanOrEqual(tourSeconds(matrix, n, constructTour(matrix, n, stops)) + 1e-9);
      }),
      { numRuns: 200 },
    );
  });
});
