import { readFileSync } from 'node:fs';
import type { Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { closureInputFromFeatures } from '../../src/routing/closures.ts';
import { planRuns } from '../../src/routing/plan-run.ts';
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
});
