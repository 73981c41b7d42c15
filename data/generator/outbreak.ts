import { type Blocks, blockIndex } from './blocks.ts';
import { District, type Layout } from './layout.ts';
import type { Random } from './random.ts';

/** Block rectangle, inclusive bounds. */
export interface BlockRect {
  i0: number;
  j0: number;
  i1: number;
  j1: number;
}

/**
 * Where the report's outbreak is: sealed compounds in Xiaohai (Jiangshanding first), each with a
 * control ring of the 3x3 blocks around it, all inside one precaution zone; and compounds
 * elsewhere in Xiaohai whose lockdown has been lifted.
 */
export interface Outbreak {
  lockdown: number[];
  precaution: BlockRect;
  lifted: number[];
}

/** Sealed compounds' offsets from the anchor: rings 3x3 around each stay one block apart. */
const PATTERN: readonly [number, number][] = [
  [0, 0],
  [5, 1],
  [1, 5],
  [6, 5],
];
const LIFTED = 3;

export function chooseOutbreak(layout: Layout, blocks: Blocks, rng: Random): Outbreak {
  const xiaohai = layout.districts.find((d) => d.district === District.Xiaohai)!;
  const anchors: [number, number][] = [];
  for (let j = xiaohai.j0 + 2; j + 7 < xiaohai.j1; j++)
    for (let i = xiaohai.i0 + 2; i + 8 < xiaohai.i1; i++) anchors.push([i, j]);
  rng.shuffle(anchors);
  for (const [ai, aj] of anchors) {
    const lockdown = PATTERN.map(([di, dj]) => blockIndex(blocks, ai + di, aj + dj));
    if (!lockdown.every((b) => blocks.usable[b])) continue;
    const precaution = { i0: ai - 2, j0: aj - 2, i1: ai + 8, j1: aj + 7 };
    const lifted = chooseLifted(blocks, xiaohai, precaution, rng);
    if (lifted) return { lockdown, precaution, lifted };
  }
  throw new Error('no room in Xiaohai for the outbreak zones');
}

function chooseLifted(
  blocks: Blocks,
  area: { i0: number; j0: number; i1: number; j1: number },
  precaution: BlockRect,
  rng: Random,
): number[] | null {
  const candidates: [number, number][] = [];
  for (let j = area.j0 + 1; j < area.j1 - 1; j++) {
    for (let i = area.i0 + 1; i < area.i1 - 1; i++) {
      const away = i < precaution.i0 - 3 || i > precaution.i1 + 3 || j < precaution.j0 - 3 || j > precaution.j1 + 3;
      if (away && blocks.usable[blockIndex(blocks, i, j)]) candidates.push([i, j]);
    }
  }
  rng.shuffle(candidates);
  const chosen: [number, number][] = [];
  for (const [i, j] of candidates) {
    if (chosen.every(([ci, cj]) => Math.max(Math.abs(ci - i), Math.abs(cj - j)) >= 4)) chosen.push([i, j]);
    if (chosen.length === LIFTED) return chosen.map(([ci, cj]) => blockIndex(blocks, ci, cj));
  }
  return null;
}
