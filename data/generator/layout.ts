import type { Position } from './contract.ts';
import { Random } from './random.ts';

/**
 * The city plan in metres on a local plane: a square of `cells` x `cells` street blocks,
 * the Yangtze along the south and south-west, five sub-districts bounded by straight arterials,
 * expressway corridors and canals. Everything else is laid out on this plan and converted to
 * WGS84 only when features are written.
 */
export const SPACING_M = 200;
const BASE_CELLS = 76;
/** Streets, blocks and points keep at least this far from the river bank. */
export const BANK_MARGIN_M = 60;

/** The south-west corner of the plan: the area is 120.90-121.06 E, 31.86-32.00 N. */
const ORIGIN_LNG = 120.9;
const ORIGIN_LAT = 31.86;
const M_PER_DEG_LAT = 110_860;
const M_PER_DEG_LNG = 111_320 * Math.cos((31.93 * Math.PI) / 180);

/** Bank height (fraction of the plan) against distance east (fraction of the plan). */
const BANK_SHAPE: readonly [number, number][] = [
  [0, 0.46],
  [0.2, 0.33],
  [0.36, 0.22],
  [0.6, 0.12],
  [1, 0.07],
];
const BANK_STEP_CELLS = 4;
const BANK_NOISE_M = 80;

export interface Bank {
  /** Breakpoints every `step` metres from x = 0. */
  step: number;
  ys: Float64Array;
}

export enum District {
  Xiaohai = 0,
  Zhongxing = 1,
  Xinkai = 2,
  Zhuhang = 3,
  Laohonggang = 4,
}

/** Block-index bounds of a sub-district: columns [i0, i1), rows [j0, j1); `river` = its south edge is the bank. */
export interface DistrictRect {
  district: District;
  i0: number;
  i1: number;
  j0: number;
  j1: number;
  river: boolean;
}

export interface Layout {
  scale: number;
  /** Blocks per side; grid lines run 0..cells in each direction. */
  cells: number;
  size: number;
  bank: Bank;
  districts: DistrictRect[];
  /** Expressway corridors: the block column (north-south) or row (east-west) they run in. */
  nsMotorways: number[];
  ewMotorways: number[];
  /** Canal corridors: block columns. */
  canals: number[];
}

const snap = (value: number, step: number, offset = 0) => step * Math.round((value - offset) / step) + offset;

export function createLayout(scale: number, rng: Random): Layout {
  const cells = snap(BASE_CELLS * Math.sqrt(scale), 4);
  const size = cells * SPACING_M;
  const bank = createBank(cells, size, rng.fork('bank'));
  const c1 = snap(0.36 * cells, 4);
  const c2 = snap(0.68 * cells, 4);
  const r1 = snap(0.36 * cells, 4);
  const r2 = snap(0.68 * cells, 4);
  const districts: DistrictRect[] = [
    { district: District.Xiaohai, i0: 0, i1: cells, j0: r2, j1: cells, river: false },
    { district: District.Zhongxing, i0: 0, i1: c1, j0: 0, j1: r2, river: true },
    { district: District.Xinkai, i0: c1, i1: c2, j0: r1, j1: r2, river: false },
    { district: District.Zhuhang, i0: c2, i1: cells, j0: r1, j1: r2, river: false },
    { district: District.Laohonggang, i0: c1, i1: cells, j0: 0, j1: r1, river: true },
  ];
  const corridors = Math.max(1, Math.round(Math.sqrt(scale)));
  // Corridors sit on fixed residues so that expressway exits, canals and district lines never meet.
  const nsMotorways = spread(corridors, (k) => snap(((k + 0.5) / corridors) * cells, 16), cells);
  const ewMotorways = spread(corridors, (k) => snap((0.3 + (0.65 * (k + 0.5)) / corridors) * cells, 16), cells);
  const canals = spread(2 * corridors, (k) => snap(((k + 0.5) / (2 * corridors)) * cells, 16, 12), cells);
  return { scale, cells, size, bank, districts, nsMotorways, ewMotorways, canals };
}

function spread(count: number, at: (k: number) => number, cells: number): number[] {
  const out = new Set<number>();
  for (let k = 0; k < count; k++) {
    const c = at(k);
    if (c >= 8 && c < cells - 8) out.add(c);
  }
  return [...out].sort((a, b) => a - b);
}

function createBank(cells: number, size: number, rng: Random): Bank {
  const step = BANK_STEP_CELLS * SPACING_M;
  const n = cells / BANK_STEP_CELLS + 1;
  const ys = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const u = (k * step) / size;
    let s = 1;
    while (s < BANK_SHAPE.length - 1 && BANK_SHAPE[s][0] < u) s++;
    const [u0, v0] = BANK_SHAPE[s - 1];
    const [u1, v1] = BANK_SHAPE[s];
    const v = v0 + ((v1 - v0) * (u - u0)) / (u1 - u0);
    ys[k] = v * size + rng.range(-BANK_NOISE_M, BANK_NOISE_M);
  }
  return { step, ys };
}

/** Height of the river bank at x. */
export function bankAt(bank: Bank, x: number): number {
  const last = bank.ys.length - 1;
  const f = Math.min(Math.max(x / bank.step, 0), last);
  const k = Math.min(Math.floor(f), last - 1);
  return bank.ys[k] + (bank.ys[k + 1] - bank.ys[k]) * (f - k);
}

/** Highest point of the bank over [x0, x1] (the bank is piecewise linear). */
export function bankMax(bank: Bank, x0: number, x1: number): number {
  let m = Math.max(bankAt(bank, x0), bankAt(bank, x1));
  const last = bank.ys.length - 1;
  for (let k = Math.max(0, Math.floor(x0 / bank.step) + 1); k <= Math.min(last, Math.ceil(x1 / bank.step) - 1); k++) {
    m = Math.max(m, bank.ys[k]);
  }
  return m;
}

/** Is the stretch between two points clear of the river with margin? */
export function clearOfRiver(bank: Bank, xa: number, ya: number, xb: number, yb: number): boolean {
  return Math.min(ya, yb) > bankMax(bank, Math.min(xa, xb), Math.max(xa, xb)) + BANK_MARGIN_M;
}

export function districtOfBlock(layout: Layout, i: number, j: number): District {
  for (const d of layout.districts) if (i >= d.i0 && i < d.i1 && j >= d.j0 && j < d.j1) return d.district;
  throw new Error(`block ${i},${j} is outside every district`);
}

/** WGS84 position of a plan point, rounded to 6 decimals (~0.1 m) as the contract says. */
export function toLngLat(x: number, y: number): Position {
  return [round6(ORIGIN_LNG + x / M_PER_DEG_LNG), round6(ORIGIN_LAT + y / M_PER_DEG_LAT)];
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;
