import { blockOnLand, type Grid, nodeAt } from './grid.ts';
import { type District, districtOfBlock, type Layout } from './layout.ts';
import type { RoadNetwork } from './network.ts';
import type { StreetIndex } from './streets.ts';

/** What each street block may hold. */
export interface Blocks {
  cells: number;
  /** On land (zones may cover it). */
  land: Uint8Array;
  /** On land, bounded by four live streets, not an expressway or canal corridor: may hold a compound or sites. */
  usable: Uint8Array;
  district: Uint8Array;
  /** Index of the compound built on the block, or -1. */
  compound: Int32Array;
}

export const blockIndex = (blocks: Blocks, i: number, j: number) => j * blocks.cells + i;

export function surveyBlocks(layout: Layout, grid: Grid, net: RoadNetwork, streets: StreetIndex): Blocks {
  const { cells } = layout;
  const land = new Uint8Array(cells * cells);
  const usable = new Uint8Array(cells * cells);
  const district = new Uint8Array(cells * cells);
  const compound = new Int32Array(cells * cells).fill(-1);
  const corridorColumns = new Set([...layout.nsMotorways, ...layout.canals]);
  const corridorRows = new Set(layout.ewMotorways);
  const live = (edge: number) => edge >= 0 && net.edges[edge].alive;
  for (let j = 0; j < cells; j++) {
    for (let i = 0; i < cells; i++) {
      const b = j * cells + i;
      district[b] = districtOfBlock(layout, i, j);
      if (!blockOnLand(layout, grid, i, j)) continue;
      land[b] = 1;
      if (corridorColumns.has(i) || corridorRows.has(j)) continue;
      const sw = nodeAt(grid, i, j);
      const bounded =
        live(streets.horizontal[sw]) &&
        live(streets.horizontal[nodeAt(grid, i, j + 1)]) &&
        live(streets.vertical[sw]) &&
        live(streets.vertical[nodeAt(grid, i + 1, j)]);
      usable[b] = bounded ? 1 : 0;
    }
  }
  return { cells, land, usable, district, compound };
}

/** Usable blocks of a district without a compound, in index order. */
export function freeBlocks(blocks: Blocks, district: District): number[] {
  const out: number[] = [];
  for (let b = 0; b < blocks.usable.length; b++)
    if (blocks.usable[b] && blocks.district[b] === district && blocks.compound[b] < 0) out.push(b);
  return out;
}
