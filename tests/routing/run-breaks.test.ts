import { readFileSync } from 'node:fs';
import { booleanPointInPolygon } from '@turf/turf';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import {
  closureInputFromFeatures,
  legClosures,
  type ClosureCheckpoint,
  type ClosureInput,
  type ClosureZone,
} from '../../src/routing/closures.ts';
import { buildRoutingNetwork } from '../../src/routing/routing-network.ts';
import {
  checkRuns,
  prepareRunClosures,
  runBreaks,
  splitRouteAtStops,
  type RunToCheck,
} from '../../src/routing/run-breaks.ts';
import { routeTruck } from '../../src/routing/truck-route.ts';

/** Fixture position (x, y) on a 0.001° grid (≈ 94 m east, 111 m north per step), as [lng, lat]. */
const p = (x: number, y: number): Position => [120.95 + x / 1000, 31.95 + y / 1000];

const ring = (x0: number, y0: number, x1: number, y1: number): Position[] => [
  p(x0, y0),
  p(x1, y0),
  p(x1, y1),
  p(x0, y1),
  p(x0, y0),
];
const square = (x0: number, y0: number, x1: number, y1: number): Polygon => ({
  type: 'Polygon',
  coordinates: [ring(x0, y0, x1, y1)],
});

const zone = (id: string, geom: Polygon | MultiPolygon, level = 'lockdown', status = 'active'): ClosureZone => ({
  id,
  level,
  status,
  geom,
});
const checkpoint = (id: string, state: string, at: Position): ClosureCheckpoint => ({
  id,
  state,
  road: null,
  position: at,
});

/**
 * Depot (0, 0) → stop A (10, 0) → stop B (10, 10) → (0, 10) → depot. Leg 0 runs along y = 0,
 * leg 1 along x = 10, leg 2 along y = 10 and then x = 0.
 */
const DEPOT = p(0, 0);
const A = p(10, 0);
const B = p(10, 10);
const run = (statuses: [string, string] = ['pending', 'pending'], extra: Partial<RunToCheck> = {}): RunToCheck => ({
  route: {
    type: 'LineString',
    coordinates: [p(0, 0), p(5, 0), p(10, 0), p(10, 5), p(10, 10), p(5, 10), p(0, 10), p(0, 0)],
  },
  hasPass: false,
  depot: DEPOT,
  stops: [
    { position: A, status: statuses[0] },
    { position: B, status: statuses[1] },
  ],
  ...extra,
});

const check = (r: RunToCheck, zones: ClosureZone[] = [], checkpoints: ClosureCheckpoint[] = []) =>
  runBreaks(r, prepareRunClosures({ zones, checkpoints }));
const causeKeys = (result: ReturnType<typeof check>) =>
  result.causes.map((c) => `${c.kind}:${c.id}:${c.state}:${c.leg}`);

describe('runBreaks: zones', () => {
  it('leaves a route that avoids every zone unbroken', () => {
    const result = check(run(), [zone('z-inside-loop', square(3, 3, 7, 7)), zone('z-far', square(20, 20, 25, 25))]);
    expect(result).toEqual({
      broken: false,
      causes: [],
      resumeFrom: { stopIndex: null, position: DEPOT },
      firstLeg: 0,
      missingRoute: false,
    });
  });

  it('breaks a remaining leg crossed by a new lockdown zone, naming the zone, the leg and a point inside', () => {
    const geom = square(9, 4, 11, 6);
    const result = check(run(), [zone('z-new', geom)]);
    expect(result.broken).toBe(true);
    expect(causeKeys(result)).toEqual(['zone:z-new:lockdown:1']);
    expect(booleanPointInPolygon(result.causes[0].at, geom)).toBe(true);
    // A control zone closes too; the cause carries its level.
    expect(causeKeys(check(run(), [zone('z-ctrl', geom, 'control')]))).toEqual(['zone:z-ctrl:control:1']);
  });

  it('lists a zone once per leg it crosses, legs in order', () => {
    const result = check(run(), [zone('z-band', square(4, -1, 6, 11))]);
    expect(causeKeys(result)).toEqual(['zone:z-band:lockdown:0', 'zone:z-band:lockdown:2']);
  });

  it('leaves open the zone around the compound a leg comes from or goes to', () => {
    // Around B: leg 1 ends there, leg 2 starts there.
    expect(check(run(), [zone('z-b', square(9, 9, 11, 11))]).broken).toBe(false);
    // Around A: leg 0 ends there, leg 1 starts there.
    expect(check(run(), [zone('z-a', square(9, -1, 11, 1))]).broken).toBe(false);
    // The same zone around a point on leg 1 that is no stop breaks it.
    expect(causeKeys(check(run(), [zone('z-mid', square(9, 4, 11, 6))]))).toEqual(['zone:z-mid:lockdown:1']);
  });

  it('opens a whole multi-part zone for a leg when any part covers an end, and only for those legs', () => {
    const geom: MultiPolygon = { type: 'MultiPolygon', coordinates: [[ring(9, 9, 11, 11)], [ring(4, -1, 6, 1)]] };
    // Legs 1 and 2 touch B (in the first part) and cross nothing else; leg 0 crosses the second part.
    expect(causeKeys(check(run(), [zone('z-multi', geom)]))).toEqual(['zone:z-multi:lockdown:0']);
  });

  it('treats a ring zone’s hole as covered by its outline, but not as a way through the ring', () => {
    const aroundB: Polygon = { type: 'Polygon', coordinates: [ring(8, 8, 12, 12), ring(9, 9, 11, 11).reverse()] };
    expect(check(run(), [zone('z-ring-b', aroundB, 'control')]).broken).toBe(false);
    // A ring around a point of leg 2: the leg crosses the ring on both sides of the hole.
    const onLeg2: Polygon = { type: 'Polygon', coordinates: [ring(4, 9, 6, 11), ring(4.5, 9.5, 5.5, 10.5).reverse()] };
    const result = check(run(), [zone('z-ring', onLeg2, 'control')]);
    expect(causeKeys(result)).toEqual(['zone:z-ring:control:2']);
    expect(booleanPointInPolygon(result.causes[0].at, onLeg2)).toBe(true);
  });

  it('ignores a zone crossed only on a leg already driven', () => {
    const zones = [zone('z-leg0', square(4, -1, 6, 1))];
    expect(causeKeys(check(run(), zones))).toEqual(['zone:z-leg0:lockdown:0']);
    for (const done of ['arrived', 'delivered', 'skipped']) {
      const result = check(run([done, 'pending']), zones);
      expect(result.broken, done).toBe(false);
      expect(result.firstLeg).toBe(1);
      expect(result.resumeFrom).toEqual({ stopIndex: 0, position: A });
    }
    // A zone on leg 1 still breaks the run once A is done, and no longer once B is too.
    const onLeg1 = [zone('z-leg1', square(9, 4, 11, 6))];
    expect(causeKeys(check(run(['delivered', 'pending']), onLeg1))).toEqual(['zone:z-leg1:lockdown:1']);
    expect(check(run(['delivered', 'arrived']), onLeg1)).toMatchObject({ broken: false, firstLeg: 3 });
  });

  it('resumes after the last done stop, a pending one before it notwithstanding', () => {
    const result = check(run(['pending', 'skipped']), [zone('z-leg1', square(9, 4, 11, 6))]);
    expect(result).toMatchObject({ broken: false, firstLeg: 3, resumeFrom: { stopIndex: 1, position: B } });
  });

  it('does not count a route along a zone’s edge, touching a corner, or within the tolerance inside', () => {
    // West edge exactly on leg 1 (x = 10).
    expect(check(run(), [zone('z-edge', square(10, 3, 12, 7))]).broken).toBe(false);
    // A corner touching leg 0 at (5, 0).
    const corner: Polygon = { type: 'Polygon', coordinates: [[p(5, 0), p(4, -1), p(6, -1), p(5, 0)]] };
    expect(check(run(), [zone('z-corner', corner)]).broken).toBe(false);
    // An edge zigzagging across leg 1 by ±0.2 m (drawn along the road by hand).
    const zigzag: Polygon = {
      type: 'Polygon',
      coordinates: [
        [p(10.002, 3), p(12, 3), p(12, 7), p(10.002, 7), p(9.998, 6), p(10.002, 5), p(9.998, 4), p(10.002, 3)],
      ],
    };
    expect(check(run(), [zone('z-zigzag', zigzag)]).broken).toBe(false);
    // Leg 1 inside by ≈ 0.5 m: still along the edge; inside by ≈ 2.8 m: a crossing.
    expect(check(run(), [zone('z-half-metre', square(9.995, 3, 12, 7))]).broken).toBe(false);
    expect(causeKeys(check(run(), [zone('z-3m', square(9.97, 3, 12, 7))]))).toEqual(['zone:z-3m:lockdown:1']);
  });

  it('ignores precaution zones and zones that are not active', () => {
    const geom = square(9, 4, 11, 6);
    const zones = [
      zone('z-precaution', geom, 'precaution'),
      zone('z-draft', geom, 'lockdown', 'draft'),
      zone('z-lifted', geom, 'control', 'lifted'),
    ];
    expect(check(run(), zones).broken).toBe(false);
    expect(causeKeys(check(run(), [...zones, zone('z-active', geom)]))).toEqual(['zone:z-active:lockdown:1']);
  });
});

describe('runBreaks: checkpoints', () => {
  it('breaks a leg passing a closed checkpoint, within its radius', () => {
    const on = check(run(), [], [checkpoint('cp-on', 'closed', p(10, 5))]);
    expect(causeKeys(on)).toEqual(['checkpoint:cp-on:closed:1']);
    expect(on.causes[0].at).toEqual(p(10, 5));
    // ≈ 2.8 m off the route: within 5 m; ≈ 9.4 m off: not.
    expect(causeKeys(check(run(), [], [checkpoint('cp-near', 'closed', p(10.03, 5))]))).toEqual([
      'checkpoint:cp-near:closed:1',
    ]);
    expect(check(run(), [], [checkpoint('cp-off', 'closed', p(10.1, 5))]).broken).toBe(false);
    expect(check(run(), [], [checkpoint('cp-open', 'open', p(10, 5))]).broken).toBe(false);
  });

  it('lets a truck with a pass through a restricted checkpoint, and no other', () => {
    const checkpoints = [checkpoint('cp-r', 'restricted', p(10, 5))];
    expect(check(run(undefined, { hasPass: true }), [], checkpoints).broken).toBe(false);
    expect(causeKeys(check(run(undefined, { hasPass: false }), [], checkpoints))).toEqual([
      'checkpoint:cp-r:restricted:1',
    ]);
    const closed = [checkpoint('cp-c', 'closed', p(10, 5))];
    expect(check(run(undefined, { hasPass: true }), [], closed).broken).toBe(true);
  });

  it('orders causes on a leg as the route meets them', () => {
    // Leg 2 runs (10, 10) → (0, 10) → (0, 0): the zone at x = 5 first, then the checkpoint at (0, 5).
    const both = check(run(), [zone('z-leg2', square(4, 9, 6, 11))], [checkpoint('cp-leg2', 'closed', p(0, 5))]);
    expect(causeKeys(both)).toEqual(['zone:z-leg2:lockdown:2', 'checkpoint:cp-leg2:closed:2']);
    const reversed = check(run(), [zone('z-leg2', square(-1, 4, 1, 6))], [checkpoint('cp-leg2', 'closed', p(5, 10))]);
    expect(causeKeys(reversed)).toEqual(['checkpoint:cp-leg2:closed:2', 'zone:z-leg2:lockdown:2']);
  });
});

describe('runBreaks: runs', () => {
  const blocking = [zone('z-leg1', square(9, 4, 11, 6))];

  it('never breaks a completed or cancelled run', () => {
    for (const status of ['completed', 'cancelled']) {
      expect(check(run(undefined, { status }), blocking)).toMatchObject({ broken: false, firstLeg: 3 });
    }
    expect(check(run(undefined, { status: 'en_route' }), blocking).broken).toBe(true);
  });

  it('says when there is no route to check', () => {
    expect(check(run(undefined, { route: null }), blocking)).toMatchObject({
      broken: false,
      missingRoute: true,
      firstLeg: 0,
    });
    expect(check(run(['delivered', 'delivered'], { route: null }), blocking).missingRoute).toBe(false);
  });

  it('checks many runs against closures prepared once, in order', () => {
    const runs = [run(), run(['delivered', 'delivered']), run(undefined, { route: null })];
    const input: ClosureInput = { zones: blocking, checkpoints: [] };
    expect(checkRuns(runs, input)).toEqual(runs.map((r) => runBreaks(r, prepareRunClosures(input))));
    expect(checkRuns(runs, input).map((r) => r.broken)).toEqual([true, false, false]);
  });
});

describe('splitRouteAtStops', () => {
  it('cuts the route at the drop points, out and back along a spur', () => {
    const route = [p(0, 0), p(5, 0), p(5, 1), p(5, 0), p(10, 0)];
    expect(splitRouteAtStops(route, [p(5, 1)])).toEqual([
      [p(0, 0), p(5, 0), p(5, 1)],
      [p(5, 1), p(5, 0), p(10, 0)],
    ]);
  });

  it('cuts in stop order, past a drop point the route passes earlier', () => {
    // B (5, 0) is passed on the way to A (10, 5) and visited after it.
    const route = [p(0, 0), p(5, 0), p(10, 0), p(10, 5), p(5, 5), p(5, 0), p(0, 0)];
    const legs = splitRouteAtStops(route, [p(10, 5), p(5, 0)]);
    expect(legs).toEqual([
      [p(0, 0), p(5, 0), p(10, 0), p(10, 5)],
      [p(10, 5), p(5, 5), p(5, 0)],
      [p(5, 0), p(0, 0)],
    ]);
    // So a zone around the first pass of B is crossed on leg 0, whose ends it does not cover.
    const r: RunToCheck = {
      route: { type: 'LineString', coordinates: route },
      hasPass: false,
      depot: p(0, 0),
      stops: [
        { position: p(10, 5), status: 'pending' },
        { position: p(5, 0), status: 'pending' },
      ],
    };
    expect(causeKeys(check(r, [zone('z-mid0', square(7, -1, 8, 1))]))).toEqual(['zone:z-mid0:lockdown:0']);
  });

  it('takes the first pass within a metre of a drop point as the stop, though a later one comes nearer', () => {
    // The way out passes (5, 0) 0.45 m north of it; the way back runs through it.
    const route = [p(0, 0.004), p(10, 0.004), p(10, -5), p(5, -5), p(5, 0), p(0, 0)];
    const [out, back] = splitRouteAtStops(route, [p(5, 0)]);
    expect(out).toHaveLength(2);
    expect(out[1][0]).toBeCloseTo(p(5, 0)[0], 9);
    expect(out[1][1]).toBeCloseTo(p(5, 0.004)[1], 9);
    expect(back.slice(1)).toEqual(route.slice(1));
  });

  it('cuts where the route comes nearest when it misses a drop point', () => {
    const legs = splitRouteAtStops([p(0, 0), p(10, 0)], [p(4, 0.5)]);
    expect(legs).toHaveLength(2);
    expect(legs[0][1][0]).toBeCloseTo(p(4, 0)[0], 9);
    expect(legs[0][1][1]).toBeCloseTo(p(4, 0)[1], 9);
    expect(legs[1][legs[1].length - 1]).toEqual(p(10, 0));
  });
});

describe('runBreaks on the demo district', () => {
  const read = (layer: string) => JSON.parse(readFileSync(`data/nantong/${layer}.geojson`, 'utf8'));
  const network = buildRoutingNetwork(read('roads'));
  const sites = read('sites').features;
  const zoneFeatures = read('zones').features;
  const compounds = read('compounds').features as { properties: { id: string; drop_point: Position } }[];
  const dropPoint = (id: string) => compounds.find((f) => f.properties.id === id)!.properties.drop_point;
  const depot = sites.find((f: any) => f.properties.id === 'dep-04').geometry.coordinates as Position;
  // Planned with a pass under the zones and checkpoints in force: cmp-0002 is sealed (zone-003 in
  // the ring zone-004); Baihe Court's zones (zone-010, zone-011) are lifted.
  const planned = closureInputFromFeatures(zoneFeatures, sites, true);
  const stopIds = ['cmp-0029', 'cmp-0002'];
  const points = [depot, ...stopIds.map(dropPoint), depot];
  const coordinates = points.slice(1).flatMap((to, i) => {
    const from = points[i];
    const leg = routeTruck(network, from, to, { closures: legClosures(network, planned, from, to) });
    if (!leg) throw new Error(`no route for leg ${i}`);
    return i === 0 ? leg.geometry : leg.geometry.slice(1);
  });
  const demoRun = (statuses: string[], hasPass = true): RunToCheck => ({
    route: { type: 'LineString', coordinates },
    hasPass,
    depot,
    stops: stopIds.map((id, i) => ({ position: dropPoint(id), status: statuses[i] })),
  });
  const sealed = zoneFeatures.find((f: any) => f.properties.id === 'zone-003').geometry as Polygon;

  it('leaves unbroken a run the router planned under the same closures, into a sealed compound', () => {
    expect(booleanPointInPolygon(dropPoint('cmp-0002'), sealed)).toBe(true);
    expect(runBreaks(demoRun(['pending', 'pending']), prepareRunClosures(planned)).broken).toBe(false);
  });

  it('breaks it when the truck has no pass (a restricted exit on the way back) or a lifted ring returns', () => {
    const prepared = prepareRunClosures(planned);
    expect(causeKeys(runBreaks(demoRun(['pending', 'pending'], false), prepared))).toEqual([
      'checkpoint:cp-10:restricted:2',
    ]);
    const reimposed = prepareRunClosures({
      ...planned,
      zones: planned.zones.map((z) => (z.id === 'zone-010' || z.id === 'zone-011' ? { ...z, status: 'active' } : z)),
    });
    expect(causeKeys(runBreaks(demoRun(['pending', 'pending']), reimposed))).toEqual(['zone:zone-011:control:0']);
    // Once the first stop is delivered, the ring lies behind the truck.
    expect(runBreaks(demoRun(['delivered', 'pending']), reimposed).broken).toBe(false);
  });
});
