import { BANK_MARGIN_M, SPACING_M, bankMax, type Layout } from './layout.ts';
import type { Random } from './random.ts';

/**
 * Street intersections: a square lattice with lines every SPACING_M, local streets bent by up to
 * JITTER_M. Lines whose index is a multiple of 4 (secondary roads and above, district
 * boundaries) stay straight. Jitter stays under a quarter of the spacing, so no two streets cross
 * between intersections and every block stays a convex quadrilateral.
 */
const JITTER_M = 40;

export interface Grid {
  /** Lines per direction (cells + 1); node (i, j) has index j * lines + i. */
  lines: number;
  xs: Float64Array;
  ys: Float64Array;
}

export function createGrid(layout: Layout, rng: Random): Grid {
  const lines = layout.cells + 1;
  const xs = new Float64Array(lines * lines);
  const ys = new Float64Array(lines * lines);
  for (let j = 0; j < lines; j++) {
    for (let i = 0; i < lines; i++) {
      const n = j * lines + i;
      xs[n] = i * SPACING_M + (i % 4 ? rng.range(-JITTER_M, JITTER_M) : 0);
      ys[n] = j * SPACING_M + (j % 4 ? rng.range(-JITTER_M, JITTER_M) : 0);
    }
  }
  return { lines, xs, ys };
}

export const nodeAt = (grid: Grid, i: number, j: number) => j * grid.lines + i;

/** Point at block-relative coordinates (a east, b north, both 0..1) by bilinear interpolation of its corners. */
export function blockPoint(grid: Grid, i: number, j: number, a: number, b: number): [number, number] {
  const { xs, ys, lines } = grid;
  const sw = j * lines + i;
  const se = sw + 1;
  const nw = sw + lines;
  const ne = nw + 1;
  const x = (1 - b) * ((1 - a) * xs[sw] + a * xs[se]) + b * ((1 - a) * xs[nw] + a * xs[ne]);
  const y = (1 - b) * ((1 - a) * ys[sw] + a * ys[se]) + b * ((1 - a) * ys[nw] + a * ys[ne]);
  return [x, y];
}

/** Is the whole block north of the river bank, with margin? */
export function blockOnLand(layout: Layout, grid: Grid, i: number, j: number): boolean {
  const { xs, ys, lines } = grid;
  const sw = j * lines + i;
  const corners = [sw, sw + 1, sw + lines, sw + lines + 1];
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  for (const c of corners) {
    minX = Math.min(minX, xs[c]);
    maxX = Math.max(maxX, xs[c]);
    minY = Math.min(minY, ys[c]);
  }
  return minY > bankMax(layout.bank, minX, maxX) + BANK_MARGIN_M;
}
