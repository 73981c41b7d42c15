import { bankAt, District, type Layout, SPACING_M } from './layout.ts';
import type { Name } from './names.ts';
import { zhNumber } from './names.ts';
import type { Random } from './random.ts';

type Ring = [number, number][];

/** How far south of the plan the river polygon reaches. */
const RIVER_DEPTH_M = 4_000;
const CANAL_HALF_WIDTH_M = 15;
const CANAL_MEANDER_M = 30;

/** Sub-district outline: a rectangle of blocks whose south side is the river bank when it meets the river. */
export function districtRing(layout: Layout, district: District): Ring {
  const d = layout.districts.find((r) => r.district === district)!;
  const [x0, x1, y0, y1] = [d.i0 * SPACING_M, d.i1 * SPACING_M, d.j0 * SPACING_M, d.j1 * SPACING_M];
  if (!d.river)
    return [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
    ];
  const ring: Ring = [];
  for (let x = x0; x <= x1; x += layout.bank.step) ring.push([x, bankAt(layout.bank, x)]);
  ring.push([x1, y1], [x0, y1]);
  return ring;
}

export interface WaterBody {
  id: string;
  kind: 'river' | 'canal';
  name: Name;
  ring: Ring;
}

const CANAL_NAMES: readonly Name[] = [
  { zh: '竹行河', en: 'Zhuhang River' },
  { zh: '老洪港河', en: 'Laohonggang River' },
  { zh: '新开河', en: 'Xinkai River' },
  { zh: '中兴河', en: 'Zhongxing River' },
];

export function buildWater(layout: Layout, rng: Random): WaterBody[] {
  const { size, bank } = layout;
  const river: Ring = [
    [0, -RIVER_DEPTH_M],
    [size, -RIVER_DEPTH_M],
  ];
  for (let x = size; x >= 0; x -= bank.step) river.push([x, bankAt(bank, x)]);
  const water: WaterBody[] = [
    { id: 'wtr-yangtze', kind: 'river', name: { zh: '长江', en: 'Yangtze River' }, ring: river },
  ];
  layout.canals.forEach((column, k) => {
    const phase = rng.range(0, 2 * Math.PI);
    const centre = (y: number) => (column + 0.5) * SPACING_M + CANAL_MEANDER_M * Math.sin(y / 900 + phase);
    const ys: number[] = [];
    const start = bankAt(bank, (column + 0.5) * SPACING_M) - 2 * SPACING_M;
    for (let y = start; y < size; y += SPACING_M) ys.push(y);
    ys.push(size);
    const east = ys.map((y): [number, number] => [centre(y) + CANAL_HALF_WIDTH_M, y]);
    const west = ys.map((y): [number, number] => [centre(y) - CANAL_HALF_WIDTH_M, y]).reverse();
    const base = CANAL_NAMES[k % CANAL_NAMES.length];
    const round = Math.floor(k / CANAL_NAMES.length);
    const name =
      round === 0 ? base : { zh: `${base.zh}${zhNumber(round + 1)}支`, en: `${base.en} branch ${round + 1}` };
    water.push({ id: `wtr-canal-${String(k + 1).padStart(2, '0')}`, kind: 'canal', name, ring: [...east, ...west] });
  });
  return water;
}
