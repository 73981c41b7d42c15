import type { RoadClass } from './contract.ts';
import { type Grid, nodeAt } from './grid.ts';
import { clearOfRiver, type Layout } from './layout.ts';
import { type Name, streetName } from './names.ts';
import type { RoadNetwork } from './network.ts';

export const SPEED_KMH: Record<RoadClass, number> = {
  motorway: 100,
  trunk: 70,
  primary: 60,
  secondary: 50,
  tertiary: 40,
  residential: 30,
  service: 15,
};

/** Rank of a grid line: trunks every 32 lines, then primary every 8, secondary every 4, tertiary every 2. */
export function lineClass(line: number): RoadClass {
  if (line % 32 === 16) return 'trunk';
  if (line % 8 === 0) return 'primary';
  if (line % 4 === 0) return 'secondary';
  if (line % 2 === 0) return 'tertiary';
  return 'residential';
}

/** Tertiary lines are one-way, alternating direction like a downtown grid. */
const onewayForward = (line: number) => Math.floor(line / 4) % 2 === 0;

export interface StreetIndex {
  /** Edge id of the street from node (i, j) to (i + 1, j), or -1. */
  horizontal: Int32Array;
  /** Edge id of the street from node (i, j) to (i, j + 1), or -1. */
  vertical: Int32Array;
  names: { vertical: Name[]; horizontal: Name[] };
}

/**
 * Lays the street grid over the land. Small streets stop at expressway and canal corridors;
 * tertiary and larger roads bridge canals, secondary and larger pass under expressways.
 */
export function buildStreets(layout: Layout, grid: Grid, net: RoadNetwork, stems: readonly number[]): StreetIndex {
  const { lines } = grid;
  for (let n = 0; n < lines * lines; n++) net.addNode(grid.xs[n], grid.ys[n]);
  const rank = (cls: RoadClass) =>
    cls === 'trunk' || cls === 'primary' ? 'avenue' : cls === 'residential' ? 'street' : 'road';
  const names = {
    vertical: Array.from({ length: lines }, (_, k) => streetName(stems, true, k, rank(lineClass(k)))),
    horizontal: Array.from({ length: lines }, (_, k) => streetName(stems, false, k, rank(lineClass(k)))),
  };
  const blocksCrossing = (cls: RoadClass, motorway: boolean) =>
    cls === 'residential' || (motorway && cls === 'tertiary');
  const nsCorridors = new Map<number, boolean>();
  for (const c of layout.canals) nsCorridors.set(c, false);
  for (const c of layout.nsMotorways) nsCorridors.set(c, true);
  const ewCorridors = new Set(layout.ewMotorways);

  const horizontal = new Int32Array(lines * lines).fill(-1);
  const vertical = new Int32Array(lines * lines).fill(-1);
  const add = (a: number, b: number, line: number, name: Name) => {
    if (!clearOfRiver(layout.bank, grid.xs[a], grid.ys[a], grid.xs[b], grid.ys[b])) return -1;
    const cls = lineClass(line);
    const oneway = cls === 'tertiary';
    const [from, to] = oneway && !onewayForward(line) ? [b, a] : [a, b];
    return net.addEdge(from, to, { cls, name, oneway, speed: SPEED_KMH[cls] });
  };
  for (let j = 0; j < lines; j++) {
    const cls = lineClass(j);
    for (let i = 0; i < lines - 1; i++) {
      const corridor = nsCorridors.get(i);
      if (corridor !== undefined && blocksCrossing(cls, corridor)) continue;
      horizontal[nodeAt(grid, i, j)] = add(nodeAt(grid, i, j), nodeAt(grid, i + 1, j), j, names.horizontal[j]);
    }
  }
  for (let i = 0; i < lines; i++) {
    const cls = lineClass(i);
    for (let j = 0; j < lines - 1; j++) {
      if (ewCorridors.has(j) && blocksCrossing(cls, true)) continue;
      vertical[nodeAt(grid, i, j)] = add(nodeAt(grid, i, j), nodeAt(grid, i, j + 1), i, names.vertical[i]);
    }
  }
  return { horizontal, vertical, names };
}
