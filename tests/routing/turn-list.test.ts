import { bearing } from '@turf/turf';
import type { Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { truckProfile } from '../../src/routing/profiles.ts';
import type { RoadFeature, RoadProperties } from '../../src/routing/road-graph.ts';
import { buildRoutingNetwork, type RoutingNetwork } from '../../src/routing/routing-network.ts';
import { snapForProfile } from '../../src/routing/snap.ts';
import { routeTruck, type TruckRoute } from '../../src/routing/truck-route.ts';
import { classifyTurn, roadNames, turnList, type RoadNameLookup, type TurnStep } from '../../src/routing/turn-list.ts';
import { at, readLayer } from './truck-fixture.ts';

interface Props {
  name?: string | null;
  name_en?: string | null;
  class?: string;
  oneway?: boolean;
  speed_kmh?: number;
}

/** A road through fixture grid points (x, y) (0.001° apart: x east ≈ 94 m, y north ≈ 111 m); 36 km/h = 10 m/s. */
const road = (id: string, points: [number, number][], props: Props = {}): RoadFeature => ({
  type: 'Feature',
  properties: { id, class: 'residential', oneway: false, speed_kmh: 36, ...props } as RoadProperties,
  geometry: { type: 'LineString', coordinates: points.map(([x, y]) => at(x, y)) },
});

const main = { name: '主街', name_en: 'Main Street', class: 'primary' };

interface Net {
  net: RoutingNetwork;
  names: RoadNameLookup;
}
const networkOf = (features: RoadFeature[]): Net => ({
  net: buildRoutingNetwork(features),
  names: roadNames(features),
});

function plan({ net, names }: Net, from: Position, to: Position): { route: TruckRoute; steps: TurnStep[] } {
  const route = routeTruck(net, from, to);
  expect(route).not.toBeNull();
  const steps = turnList(net.graph, route!, names);
  checkSums(net, route!, steps, from, to);
  return { route: route!, steps };
}

/**
 * Step metres add up to the route's metres less the legs between the points and the road (the
 * snap distances), and step seconds to its seconds less those legs at the off-network pace.
 */
function checkSums(net: RoutingNetwork, route: TruckRoute, steps: TurnStep[], from: Position, to: Position): void {
  const off = [from, to].reduce(
    (sum, p) => sum + snapForProfile(net.snapIndex, p[0], p[1], truckProfile, { maxDistanceM: 1000 })!.distanceM,
    0,
  );
  const metres = steps.reduce((sum, s) => sum + s.metres, 0);
  const seconds = steps.reduce((sum, s) => sum + s.seconds, 0);
  expect(Math.abs(metres - (route.metres - off))).toBeLessThan(0.02);
  expect(Math.abs(seconds - (route.seconds - off * truckProfile.offNetworkCostPerM))).toBeLessThan(0.02);
  expect(steps[0].manoeuvre).toBe(steps.length === 1 ? 'arrive' : 'depart');
  expect(steps[steps.length - 1]).toMatchObject({ manoeuvre: 'arrive', metres: 0, seconds: 0, roadIds: [] });
}

/** [manoeuvre, English name] per step: the route sheet in short. */
const sheet = (steps: TurnStep[]) => steps.map((s) => [s.manoeuvre, s.nameEn]);

/** Main Street east–west along y = 0 in four edges; roads of their own leave its junction at x = 2. */
const crossroads = networkOf([
  road(
    'm1',
    [
      [0, 0],
      [1, 0],
    ],
    main,
  ),
  road(
    'm2',
    [
      [1, 0],
      [2, 0],
    ],
    main,
  ),
  road(
    'm3',
    [
      [2, 0],
      [3, 0],
    ],
    main,
  ),
  road(
    'm4',
    [
      [3, 0],
      [4, 0],
    ],
    main,
  ),
  road(
    'north',
    [
      [2, 0],
      [2, 2],
    ],
    { name: '北路', name_en: 'North Road', speed_kmh: 18 },
  ),
  road(
    'south',
    [
      [2, 0],
      [2, -2],
    ],
    { name: '南路', name_en: 'South Road' },
  ),
  road(
    'fork-l',
    [
      [2, 0],
      [4, 1],
    ],
    { name: '左岔路', name_en: 'Left Fork' },
  ),
  road(
    'fork-r',
    [
      [2, 0],
      [4, -1],
    ],
    { name: '右岔路', name_en: 'Right Fork' },
  ),
  road(
    'back',
    [
      [2, 0],
      [0, -1],
    ],
    { name: '后巷', name_en: 'Back Lane' },
  ),
]);
const edge = (n: Net, id: string) => n.net.graph.edgeRoadId.indexOf(id);
const edgeLength = (n: Net, id: string) => n.net.graph.edgeLengthM[edge(n, id)];

describe('classifyTurn', () => {
  it('reads positive changes of heading as right, negative as left, both ends of the circle as a U-turn', () => {
    const cases: [number, string][] = [
      [0, 'straight'],
      [20, 'straight'],
      [-20, 'straight'],
      [21, 'slight-right'],
      [-30, 'slight-left'],
      [45, 'slight-right'],
      [46, 'right'],
      [90, 'right'],
      [-90, 'left'],
      [134, 'right'],
      [135, 'sharp-right'],
      [-150, 'sharp-left'],
      [164.9, 'sharp-right'],
      [165, 'u-turn'],
      [-170, 'u-turn'],
      [-180, 'u-turn'],
      [180, 'u-turn'],
    ];
    for (const [deg, manoeuvre] of cases) expect([deg, classifyTurn(deg)]).toEqual([deg, manoeuvre]);
  });
});

describe('turnList on hand-made networks', () => {
  it('makes one step of a straight road split into several edges under one name', () => {
    const { route, steps } = plan(crossroads, at(0.5, 0), at(3.5, 0));
    expect(route.edges).toHaveLength(4);
    expect(sheet(steps)).toEqual([
      ['depart', 'Main Street'],
      ['arrive', null],
    ]);
    expect(steps[0]).toMatchObject({
      roadIds: ['m1', 'm2', 'm3', 'm4'],
      name: '主街',
      roadClass: 'primary',
      at: at(0.5, 0),
    });
    expect(steps[0].metres).toBeCloseTo(3 * edgeLength(crossroads, 'm1'), 3);
    expect(steps[0].seconds).toBeCloseTo(steps[0].metres / 10, 6);
    expect(steps[0].heading).toBeCloseTo(90, 6);
    expect(steps[1].at).toEqual(at(3.5, 0));
  });

  it('turns left heading east onto a road to the north, right onto one to the south (lng east, lat north)', () => {
    const left = plan(crossroads, at(0.5, 0), at(2, 1)).steps;
    expect(sheet(left)).toEqual([
      ['depart', 'Main Street'],
      ['left', 'North Road'],
      ['arrive', null],
    ]);
    expect(left[1].at).toEqual(at(2, 0));
    expect(left[1].turnDeg).toBeCloseTo(-90, 6);
    expect(left[1].heading).toBeCloseTo(0, 6);
    expect(left[0].metres).toBeCloseTo(1.5 * edgeLength(crossroads, 'm1'), 3);
    expect(left[1].metres).toBeCloseTo(edgeLength(crossroads, 'north') / 2, 3);
    // Each step at its own road's speed: Main Street 10 m/s, North Road 5 m/s.
    expect(left[0].seconds).toBeCloseTo(left[0].metres / 10, 6);
    expect(left[1].seconds).toBeCloseTo(left[1].metres / 5, 6);

    const right = plan(crossroads, at(0.5, 0), at(2, -1)).steps;
    expect(sheet(right)).toEqual([
      ['depart', 'Main Street'],
      ['right', 'South Road'],
      ['arrive', null],
    ]);
    expect(right[1].turnDeg).toBeCloseTo(90, 6);
    expect(right[1].heading).toBeCloseTo(180, 6);

    // Heading west, the road to the north is on the right.
    const fromEast = plan(crossroads, at(3.5, 0), at(2, 1)).steps;
    expect(sheet(fromEast)).toEqual([
      ['depart', 'Main Street'],
      ['right', 'North Road'],
      ['arrive', null],
    ]);
    expect(fromEast[0].heading).toBeCloseTo(270, 6);
  });

  it('tells slight and sharp turns from square ones', () => {
    // The forks leave at about 30° off east (188 m east per 111 m north); Back Lane doubles back.
    expect(sheet(plan(crossroads, at(0.5, 0), at(3, 0.5)).steps)[1]).toEqual(['slight-left', 'Left Fork']);
    expect(sheet(plan(crossroads, at(0.5, 0), at(3, -0.5)).steps)[1]).toEqual(['slight-right', 'Right Fork']);
    const sharp = plan(crossroads, at(0.5, 0), at(1, -0.5)).steps;
    expect(sheet(sharp)[1]).toEqual(['sharp-right', 'Back Lane']);
    expect(sharp[1].turnDeg).toBeGreaterThan(135);
  });

  it('drives a single edge, also against its drawn direction', () => {
    const { route, steps } = plan(crossroads, at(1.8, 0), at(1.2, 0));
    expect(route.edges).toEqual([edge(crossroads, 'm2')]);
    expect(sheet(steps)).toEqual([
      ['depart', 'Main Street'],
      ['arrive', null],
    ]);
    expect(steps[0].heading).toBeCloseTo(270, 6);
    expect(steps[0].metres).toBeCloseTo(0.6 * edgeLength(crossroads, 'm2'), 3);
  });

  it('leaves out a scrap of the crossing road where the route starts or ends on a junction', () => {
    // The start snaps onto m2's end at the junction (the first segment there), so the route
    // begins with 0 m of Main Street; the sheet begins on North Road.
    const out = plan(crossroads, at(2, 0), at(2, 1));
    expect(out.route.edges).toEqual([edge(crossroads, 'm2'), edge(crossroads, 'north')]);
    expect(sheet(out.steps)).toEqual([
      ['depart', 'North Road'],
      ['arrive', null],
    ]);
    expect(out.steps[0]).toMatchObject({ at: at(2, 0), roadIds: ['north'], edges: [edge(crossroads, 'north')] });
    expect(out.steps[0].heading).toBeCloseTo(0, 6);

    const back = plan(crossroads, at(2, 1), at(2, 0));
    expect(back.route.edges).toEqual([edge(crossroads, 'north'), edge(crossroads, 'm2')]);
    expect(sheet(back.steps)).toEqual([
      ['depart', 'North Road'],
      ['arrive', null],
    ]);
    expect(back.steps[1].at).toEqual(at(2, 0));
  });

  it('counts the legs between the points and the road in no step', () => {
    const from: Position = [121.0005, 32.0002];
    const to: Position = [121.0035, 31.9997];
    const { route, steps } = plan(crossroads, from, to);
    expect(sheet(steps)).toEqual([
      ['depart', 'Main Street'],
      ['arrive', null],
    ]);
    // Joins and leaves the road at the points' feet on it.
    expect(steps[0].at[0]).toBeCloseTo(121.0005, 9);
    expect(steps[0].at[1]).toBeCloseTo(32, 9);
    expect(steps[1].at[0]).toBeCloseTo(121.0035, 9);
    expect(route.metres - steps[0].metres).toBeCloseTo(0.0005 * 111_195, 0);
  });

  it('gives a lone arrive for a route with no edges or no road to drive', () => {
    const here = at(0.5, 0);
    expect(turnList(crossroads.net.graph, { edges: [], geometry: [here] }, crossroads.names)).toEqual([
      expect.objectContaining({ manoeuvre: 'arrive', at: here, metres: 0, seconds: 0, roadIds: [], name: null }),
    ]);
    expect(turnList(crossroads.net.graph, { edges: [], geometry: [] }, crossroads.names)).toEqual([]);
    const { route, steps } = plan(crossroads, here, here);
    expect(route.edges).toEqual([edge(crossroads, 'm1')]);
    expect(sheet(steps)).toEqual([['arrive', null]]);
  });

  it('finds the junction between two roads that share both ends from the geometry', () => {
    // A straight lane and a bent one both join (0, 0) and (1, 0); the route leaves the first at (1, 0).
    const twin = networkOf([
      road(
        'p1',
        [
          [0, 0],
          [1, 0],
        ],
        { name: '直巷', name_en: 'Straight Lane' },
      ),
      road(
        'p2',
        [
          [0, 0],
          [0.5, 0.5],
          [1, 0],
        ],
        { name: '弯巷', name_en: 'Bent Lane' },
      ),
    ]);
    const { route, steps } = plan(twin, at(0.8, 0), at(0.5, 0.5));
    expect(route.roads).toEqual(['p1', 'p2']);
    expect(sheet(steps)).toEqual([
      ['depart', 'Straight Lane'],
      ['left', 'Bent Lane'],
      ['arrive', null],
    ]);
    expect(steps[1].at).toEqual(at(1, 0));
    expect(steps[0].metres).toBeCloseTo(0.2 * edgeLength(twin, 'p1'), 3);
    expect(steps[1].metres).toBeCloseTo(edgeLength(twin, 'p2') / 2, 3);
  });

  it('reads out to a junction and back along the same edge as a U-turn', () => {
    const m2 = edge(crossroads, 'm2');
    const route = { edges: [m2, m2], geometry: [at(1.5, 0), at(2, 0), at(1.2, 0)] };
    const steps = turnList(crossroads.net.graph, route, crossroads.names);
    expect(sheet(steps)).toEqual([
      ['depart', 'Main Street'],
      ['u-turn', 'Main Street'],
      ['arrive', null],
    ]);
    expect(steps[1].at).toEqual(at(2, 0));
    expect(steps[0].metres).toBeCloseTo(0.5 * edgeLength(crossroads, 'm2'), 3);
    expect(steps[1].metres).toBeCloseTo(0.8 * edgeLength(crossroads, 'm2'), 3);
    // And the other way: west to m2's first node and back east.
    const west = turnList(
      crossroads.net.graph,
      { edges: [m2, m2], geometry: [at(1.5, 0), at(1, 0), at(1.8, 0)] },
      crossroads.names,
    );
    expect(west.map((s) => [s.manoeuvre, s.at, s.heading])).toEqual([
      ['depart', at(1.5, 0), 270],
      ['u-turn', at(1, 0), 90],
      ['arrive', at(1.8, 0), null],
    ]);
  });

  it('rejects edges that do not form a path', () => {
    const geometry = [at(0.5, 0), at(1, 0), at(3.5, 0)];
    expect(() =>
      turnList(
        crossroads.net.graph,
        { edges: [edge(crossroads, 'm1'), edge(crossroads, 'm4')], geometry },
        crossroads.names,
      ),
    ).toThrow(/do not form a path/);
  });

  it('makes a U-turn where a one-way pair of one name meets at its end', () => {
    const pair = networkOf([
      road(
        'east',
        [
          [0, 0],
          [3, 0],
        ],
        { name: '滨江路', name_en: 'Binjiang Road', oneway: true },
      ),
      road(
        'west',
        [
          [3, 0],
          [2, 0.1],
          [0, 0.1],
        ],
        { name: '滨江路', name_en: 'Binjiang Road', oneway: true },
      ),
    ]);
    const { route, steps } = plan(pair, at(1, 0), at(1, 0.1));
    expect(route.roads).toEqual(['east', 'west']);
    expect(sheet(steps)).toEqual([
      ['depart', 'Binjiang Road'],
      ['u-turn', 'Binjiang Road'],
      ['arrive', null],
    ]);
    expect(steps[1].at).toEqual(at(3, 0));
    expect(Math.abs(steps[1].turnDeg!)).toBeGreaterThan(170);
  });

  // Xingang Road one-way east; Loop Road one-way north, west and south back onto it.
  const loopRoads = [
    road(
      'r',
      [
        [0, 0],
        [4, 0],
      ],
      { name: '新港路', name_en: 'Xingang Road', oneway: true },
    ),
    road(
      'l1',
      [
        [4, 0],
        [4, 1],
      ],
      { name: '环路', name_en: 'Loop Road', oneway: true },
    ),
    road(
      'l2',
      [
        [4, 1],
        [0, 1],
      ],
      { name: '环路', name_en: 'Loop Road', oneway: true },
    ),
    road(
      'l3',
      [
        [0, 1],
        [0, 0],
      ],
      { name: '环路', name_en: 'Loop Road', oneway: true },
    ),
  ];

  it('drives round a one-way loop to a point behind the start: first and last edge the same', () => {
    const loop = networkOf(loopRoads);
    const { route, steps } = plan(loop, at(3, 0), at(1, 0));
    expect(route.roads).toEqual(['r', 'l1', 'l2', 'l3', 'r']);
    // Loop Road's corners have no other way on: one step.
    expect(sheet(steps)).toEqual([
      ['depart', 'Xingang Road'],
      ['left', 'Loop Road'],
      ['left', 'Xingang Road'],
      ['arrive', null],
    ]);
    expect(steps.map((s) => s.at)).toEqual([at(3, 0), at(4, 0), at(0, 0), at(1, 0)]);
    expect(steps[1].roadIds).toEqual(['l1', 'l2', 'l3']);
    const unit = edgeLength(loop, 'r') / 4;
    expect(steps[0].metres).toBeCloseTo(unit, 3);
    expect(steps[2].metres).toBeCloseTo(unit, 3);
    expect(steps[1].metres).toBeCloseTo(edgeLength(loop, 'l1') + edgeLength(loop, 'l2') + edgeLength(loop, 'l3'), 3);
    expect(steps[0].seconds).toBeCloseTo(unit / 10, 6);
  });

  it('keeps a turn on the same road as a step where the junction offers another way', () => {
    // A spur north from the loop's corner at (4, 1): going on north is now a choice.
    const loop = networkOf([
      ...loopRoads,
      road(
        'spur',
        [
          [4, 1],
          [4, 2],
        ],
        { name: '支路', name_en: 'Spur Road' },
      ),
    ]);
    const { steps } = plan(loop, at(3, 0), at(1, 0));
    expect(sheet(steps)).toEqual([
      ['depart', 'Xingang Road'],
      ['left', 'Loop Road'],
      ['left', 'Loop Road'],
      ['left', 'Xingang Road'],
      ['arrive', null],
    ]);
    expect(steps[2]).toMatchObject({ at: at(4, 1), roadIds: ['l2', 'l3'] });
  });

  it('names unnamed roads null and merges unnamed edges of one class unless the driver must turn', () => {
    const service = { class: 'service' };
    const unnamed = networkOf([
      road(
        'a',
        [
          [0, 0],
          [1, 0],
        ],
        main,
      ),
      road(
        'u1',
        [
          [1, 0],
          [2, 0],
        ],
        service,
      ),
      road(
        'u2',
        [
          [2, 0],
          [3, 0],
        ],
        { ...service, name: null, name_en: null },
      ),
      road(
        'side',
        [
          [2, 0],
          [2, 1],
        ],
        { name: '侧路', name_en: 'Side Road' },
      ),
      road('u3', [
        [3, 0],
        [4, 0],
      ]),
      road('u4', [
        [4, 0],
        [4, 1],
      ]),
      road(
        'east',
        [
          [4, 0],
          [5, 0],
        ],
        { name: '东路', name_en: 'East Road' },
      ),
    ]);
    const { steps } = plan(unnamed, at(0.5, 0), at(4, 0.5));
    expect(steps.map((s) => [s.manoeuvre, s.name, s.nameEn, s.roadClass, s.roadIds])).toEqual([
      ['depart', '主街', 'Main Street', 'primary', ['a']],
      ['straight', null, null, 'service', ['u1', 'u2']],
      ['straight', null, null, 'residential', ['u3']],
      ['left', null, null, 'residential', ['u4']],
      ['arrive', null, null, null, []],
    ]);
    // An id the lookup does not know is unnamed too.
    const { route } = plan(unnamed, at(0.5, 0), at(2.5, 0));
    const blank: RoadNameLookup = (id) => (id === 'a' ? { name: '主街', name_en: null } : undefined);
    expect(turnList(unnamed.net.graph, route, blank).map((s) => [s.manoeuvre, s.name, s.nameEn])).toEqual([
      ['depart', '主街', null],
      ['straight', null, null],
      ['arrive', null, null],
    ]);
  });
});

describe('turnList on the demo district (data/nantong)', () => {
  const dir = 'data/nantong';
  const roads = readLayer(dir, 'roads');
  const net = buildRoutingNetwork(roads);
  const names = roadNames(roads);
  const compounds = readLayer(dir, 'compounds').features;
  const gentle = new Set(['straight', 'slight-left', 'slight-right']);

  it('lists the roads between compound drop points with consistent names, lengths and manoeuvres', () => {
    let turns = 0;
    for (let i = 0; i < 12; i++) {
      const from: Position = compounds[i].properties.drop_point;
      const to: Position = compounds[(i * 37 + 11) % compounds.length].properties.drop_point;
      const route = routeTruck(net, from, to);
      expect(route, `${compounds[i].properties.id}`).not.toBeNull();
      const steps = turnList(net.graph, route!, names);
      checkSums(net, route!, steps, from, to);
      expect(steps.length).toBeGreaterThan(2);
      expect(steps[0].manoeuvre).toBe('depart');
      expect(steps.slice(1, -1).every((s) => s.manoeuvre !== 'depart' && s.manoeuvre !== 'arrive')).toBe(true);
      // The steps' edges are the route's, but for an end edge shorter than a metre.
      const listed = steps.flatMap((s) => s.edges);
      const trimmed = route!.edges.slice(listed[0] === route!.edges[0] ? 0 : 1);
      expect(listed).toEqual(trimmed.slice(0, listed.length));
      expect(trimmed.length - listed.length).toBeLessThanOrEqual(1);
      for (let k = 0; k < steps.length - 1; k++) {
        const step = steps[k];
        expect(step.roadIds.length).toBeGreaterThan(0);
        expect(typeof step.name === 'string' || step.name === null).toBe(true);
        // Every road of a step bears its name (all demo roads are named).
        expect(step.name).not.toBeNull();
        for (const id of step.roadIds) expect(names(id)?.name).toBe(step.name);
        if (k > 0) {
          turns++;
          // A turn happens at a junction (a node of the graph).
          const node = [...net.graph.nodeLng.keys()].find(
            (n) => net.graph.nodeLng[n] === step.at[0] && net.graph.nodeLat[n] === step.at[1],
          );
          expect(node, `${step.at}`).toBeDefined();
          // The same name twice running only where the driver has to turn.
          if (step.name === steps[k - 1].name) expect(gentle.has(step.manoeuvre)).toBe(false);
          // Demo roads are straight two-point lines: the turn is the change of bearing between
          // the route's segments into and out of the junction (turf's geodesic bearing).
          const j = route!.geometry.findIndex((p) => p[0] === step.at[0] && p[1] === step.at[1]);
          const into = bearing(route!.geometry[j - 1], route!.geometry[j]);
          const out = bearing(route!.geometry[j], route!.geometry[j + 1]);
          const turn = ((out - into + 540) % 360) - 180;
          expect(Math.abs(step.turnDeg! - turn), `${step.at}`).toBeLessThan(1);
          expect(step.manoeuvre).toBe(classifyTurn(step.turnDeg!));
        }
      }
    }
    expect(turns).toBeGreaterThan(20);
  });
});
