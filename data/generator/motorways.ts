import { blockOnLand, type Grid, nodeAt } from './grid.ts';
import { District, districtOfBlock, type Layout, SPACING_M } from './layout.ts';
import { EW_EXPRESSWAYS, expresswayName, type Name, NS_EXPRESSWAYS } from './names.ts';
import type { RoadNetwork } from './network.ts';
import { SPEED_KMH, type StreetIndex } from './streets.ts';

/** Half the distance between the carriageways, the toll plaza's offset, and the ramp length along the road. */
const CARRIAGEWAY_M = 12;
const PLAZA_M = 40;
const RAMP_M = 150;
const RAMP_SPEED_KMH = 40;

/** An expressway exit: its toll plaza is the node where the checkpoint stands. */
export interface Exit {
  node: number;
  x: number;
  y: number;
  expressway: Name;
  street: Name;
  district: District;
}

export function buildMotorways(layout: Layout, grid: Grid, net: RoadNetwork, streets: StreetIndex): Exit[] {
  const exits: Exit[] = [];
  layout.nsMotorways.forEach((c, k) =>
    exits.push(...buildMotorway(layout, grid, net, streets, 'ns', c, expresswayName(NS_EXPRESSWAYS, k))),
  );
  layout.ewMotorways.forEach((r, k) =>
    exits.push(...buildMotorway(layout, grid, net, streets, 'ew', r, expresswayName(EW_EXPRESSWAYS, k))),
  );
  return exits;
}

/**
 * A dual-carriageway expressway down the middle of a corridor of blocks, over the longest
 * stretch of land. Exits every 16 blocks and at both ends: each has a toll plaza joined to
 * both carriageways by one-way ramps and to the street grid by a short two-way link. At the
 * ends the carriageways turn into each other through the plaza, so the graph stays strongly
 * connected.
 */
function buildMotorway(
  layout: Layout,
  grid: Grid,
  net: RoadNetwork,
  streets: StreetIndex,
  axis: 'ns' | 'ew',
  corridor: number,
  name: Name,
): Exit[] {
  const ns = axis === 'ns';
  const block = (k: number): [number, number] => (ns ? [corridor, k] : [k, corridor]);
  const run = longestLandRun(layout.cells, (k) => blockOnLand(layout, grid, ...block(k)));
  if (!run || run[1] - run[0] < 5) return [];
  const [k0, k1] = run;
  // Driving on the right: northbound on the east side, eastbound on the south side.
  const side = ns ? 1 : -1;
  const across = (corridor + 0.5) * SPACING_M;
  const point = (a: number, t: number): [number, number] => (ns ? [a, t] : [t, a]);
  const node = (a: number, t: number) => net.addNode(...point(a, t));
  const plazaLine = side > 0 ? corridor + 1 : corridor;
  const gridNode = (k: number) => (ns ? nodeAt(grid, plazaLine, k) : nodeAt(grid, k, plazaLine));
  const streetName = (k: number) => (ns ? streets.names.horizontal[k] : streets.names.vertical[k]);

  const tStart = (k0 + 1) * SPACING_M;
  const tEnd = k1 * SPACING_M;
  const exitLines: number[] = [];
  for (let k = k0 + 3; k <= k1 - 2; k++) if (k % 16 === 8) exitLines.push(k);

  const forwardAt = (t: number) => node(across + side * CARRIAGEWAY_M, t);
  const backwardAt = (t: number) => node(across - side * CARRIAGEWAY_M, t);
  const stations = [
    tStart + RAMP_M,
    ...exitLines.flatMap((k) => [k * SPACING_M - RAMP_M, k * SPACING_M + RAMP_M]),
    tEnd - RAMP_M,
  ];
  const forward = stations.map(forwardAt);
  const backward = stations.map(backwardAt);
  const main = { cls: 'motorway' as const, name, oneway: true, speed: SPEED_KMH.motorway };
  for (let s = 0; s + 1 < stations.length; s++) {
    net.addEdge(forward[s], forward[s + 1], main);
    net.addEdge(backward[s + 1], backward[s], main);
  }

  const exits: Exit[] = [];
  const plaza = (plazaT: number, line: number, blockK: number) => {
    const street = streetName(line);
    const p = node(across + side * PLAZA_M, plazaT);
    const [x, y] = point(across + side * PLAZA_M, plazaT);
    const rampName = { zh: `${name.zh}${street.zh}出口匝道`, en: `${name.en} ${street.en} exit ramp` };
    const ramp = { cls: 'motorway' as const, name: rampName, oneway: true, speed: RAMP_SPEED_KMH };
    const linkName = { zh: `${name.zh}${street.zh}收费站连接线`, en: `${name.en} ${street.en} toll plaza link` };
    net.addEdge(p, gridNode(line), { cls: 'primary', name: linkName, oneway: false, speed: RAMP_SPEED_KMH });
    exits.push({ node: p, x, y, expressway: name, street, district: districtOfBlock(layout, ...block(blockK)) });
    return { p, ramp };
  };

  const start = plaza(tStart - 60, k0 + 1, k0);
  net.addEdge(backward[0], start.p, start.ramp);
  net.addEdge(start.p, forward[0], start.ramp);
  exitLines.forEach((k, e) => {
    const x = plaza(k * SPACING_M + PLAZA_M, k, k);
    const before = 1 + 2 * e;
    const after = before + 1;
    net.addEdge(forward[before], x.p, x.ramp);
    net.addEdge(x.p, forward[after], x.ramp);
    net.addEdge(backward[after], x.p, x.ramp);
    net.addEdge(x.p, backward[before], x.ramp);
  });
  const end = plaza(tEnd + 60, k1, k1);
  const last = stations.length - 1;
  net.addEdge(forward[last], end.p, end.ramp);
  net.addEdge(end.p, backward[last], end.ramp);
  return exits;
}

function longestLandRun(cells: number, land: (k: number) => boolean): [number, number] | null {
  let best: [number, number] | null = null;
  let runStart = -1;
  for (let k = 0; k <= cells; k++) {
    const ok = k < cells && land(k);
    if (ok && runStart < 0) runStart = k;
    if (!ok && runStart >= 0) {
      if (!best || k - 1 - runStart > best[1] - best[0]) best = [runStart, k - 1];
      runStart = -1;
    }
  }
  return best;
}
