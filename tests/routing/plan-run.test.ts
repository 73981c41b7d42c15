import { readFileSync } from 'node:fs';
import type { Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { closureInputFromFeatures } from '../../src/routing/closures.ts';
import { planRuns, runInOrder } from '../../src/routing/plan-run.ts';
import { buildRoutingNetwork } from '../../src/routing/routing-network.ts';

const read = (layer: string) => JSON.parse(readFileSync(`data/nantong/${layer}.geojson`, 'utf8'));
const network = buildRoutingNetwork(read('roads'));
const sites = read('sites').features;
const compounds = read('compounds').features as {
  properties: { id: string; households: number; drop_point: Position };
}[];
const closures = closureInputFromFeatures(read('zones').features, sites);
const depot = sites.find((f: { properties: { id: string } }) => f.properties.id === 'dep-01').geometry
  .coordinates as Position;
const stops = ['cmp-0004', 'cmp-0001', 'cmp-0003', 'cmp-0002'].map((id) => {
  const c = compounds.find((f) => f.properties.id === id)!;
  return { id, position: c.properties.drop_point, parcels: c.properties.households };
});

describe('planRuns on the demo district', () => {
  it('routes every leg of one truck’s run, out and back, and the legs add up to the run', () => {
    const plan = planRuns(network, closures, { start: depot, stops });
    const [run] = plan.runs;
    expect(run.stops.map((s) => s.id).sort()).toEqual(stops.map((s) => s.id).sort());
    expect(run.legs).toHaveLength(stops.length + 1);
    for (const leg of run.legs) expect(leg.geometry.length).toBeGreaterThan(1);
    expect(run.legs.reduce((sum, leg) => sum + leg.seconds, 0)).toBeCloseTo(run.seconds, 3);
    expect(run.seconds).toBeLessThanOrEqual(plan.givenSeconds!);
  });

  it('splits the stops among trucks within their capacity', () => {
    const plan = planRuns(network, closures, {
      start: depot,
      stops,
      trucks: [
        { id: 'a', capacity: 2500 },
        { id: 'b', capacity: 2500 },
      ],
    });
    expect(plan.unassigned).toEqual([]);
    for (const run of plan.runs) expect(run.load).toBeLessThanOrEqual(2500);
    expect(plan.runs.flatMap((r) => r.stops.map((s) => s.id)).sort()).toEqual(stops.map((s) => s.id).sort());
  });

  it('keeps a hand-made order and times it: arrivals add up the legs, the load goes down stop by stop', () => {
    const given = runInOrder(network, closures, { start: depot, stops, truck: 't' });
    expect(given.stops.map((s) => s.id)).toEqual(stops.map((s) => s.id));
    let clock = 0;
    given.stops.forEach((stop, i) => {
      clock += given.legs[i].seconds;
      expect(stop.arrivalSeconds).toBeCloseTo(clock, 6);
      expect(stop.loadLeft).toBe(stops.slice(i + 1).reduce((sum, s) => sum + s.parcels, 0));
    });
    const reversed = runInOrder(network, closures, { start: depot, stops: [...stops].reverse(), truck: 't' });
    expect(reversed.stops[0].arrivalSeconds).not.toBeCloseTo(given.stops[0].arrivalSeconds, 0);
    // The planner's order is never slower than the one given by hand.
    expect(planRuns(network, closures, { start: depot, stops }).runs[0].seconds).toBeLessThanOrEqual(
      given.seconds + 1e-6,
    );
  });

  it('plans a path to another end (a re-plan from a served stop back to the depot)', () => {
    const from = stops[0].position;
    const rest = stops.slice(1);
    const plan = planRuns(network, closures, { start: from, end: depot, stops: rest });
    const [run] = plan.runs;
    expect(run.legs).toHaveLength(rest.length + 1);
    const last = run.legs.at(-1)!.geometry.at(-1)!;
    expect(last[0]).toBeCloseTo(depot[0], 6);
    expect(last[1]).toBeCloseTo(depot[1], 6);
    expect(run.legs[0].geometry[0][0]).toBeCloseTo(from[0], 6);
    // No order of the three stops is faster than the planned one.
    const orders = [
      [0, 1, 2],
      [0, 2, 1],
      [1, 0, 2],
      [1, 2, 0],
      [2, 0, 1],
      [2, 1, 0],
    ];
    for (const order of orders) {
      const other = runInOrder(network, closures, {
        start: from,
        end: depot,
        stops: order.map((i) => rest[i]),
        truck: 't',
      });
      expect(run.seconds).toBeLessThanOrEqual(other.seconds + 1e-6);
    }
  });

  it('says why a stop cannot be reached and which one opening restores the way', () => {
    // Four lockdown strips framing the depot: each covers neither end of a leg, together they
    // cut every road out; opening any one strip restores a way.
    const [x, y] = depot;
    const [inner, outer] = [0.002, 0.004];
    const rect = (x0: number, y0: number, x1: number, y1: number) => ({
      type: 'Polygon' as const,
      coordinates: [
        [
          [x + x0, y + y0],
          [x + x1, y + y0],
          [x + x1, y + y1],
          [x + x0, y + y1],
          [x + x0, y + y0],
        ],
      ],
    });
    const strips = [
      rect(-outer, -outer, outer, -inner),
      rect(-outer, inner, outer, outer),
      rect(-outer, -outer, -inner, outer),
      rect(inner, -outer, outer, outer),
    ].map((geom, i) => ({ id: `strip-${i}`, level: 'lockdown', status: 'active', geom }));
    const plan = planRuns(
      network,
      { ...closures, zones: [...closures.zones, ...strips] },
      { start: depot, stops: stops.slice(0, 1) },
    );
    expect(plan.runs).toEqual([]);
    const [u] = plan.unassigned;
    expect(u).toMatchObject({ id: stops[0].id, reason: 'unreachable' });
    expect(u.why?.reason).toBe('closures');
    expect(u.why?.cutBy.some((c) => c.id.startsWith('strip-'))).toBe(true);
    expect(u.why?.opening).toMatchObject({ kind: 'zone', id: expect.stringMatching(/^strip-/) });
    expect(u.why?.openingSeconds).toBeGreaterThan(0);
  });
});
