import { type Blocks, freeBlocks } from './blocks.ts';
import type { Figures } from './figures.ts';
import { blockPoint, type Grid, nodeAt } from './grid.ts';
import { District, type Layout } from './layout.ts';
import { compoundNames, type Name } from './names.ts';
import type { RoadNetwork } from './network.ts';
import type { Outbreak } from './outbreak.ts';
import { apportion, type Random } from './random.ts';
import { SPEED_KMH, type StreetIndex } from './streets.ts';

export interface Compound {
  name: Name;
  district: District;
  block: number;
  households: number;
  residents: number;
  /** Footprint ring in plan metres, counter-clockwise, not closed. */
  ring: [number, number][];
  drop: [number, number];
}

export const JIANGSHANDING: Name = { zh: '江山鼎', en: 'Jiangshanding' };
const RESIDENTS_PER_HOUSEHOLD = 2.6;

/** Share of the compounds in each district: Laohonggang is mostly port and industry. */
const DISTRICT_WEIGHTS: Record<District, number> = {
  [District.Xiaohai]: 0.26,
  [District.Zhongxing]: 0.22,
  [District.Xinkai]: 0.2,
  [District.Zhuhang]: 0.2,
  [District.Laohonggang]: 0.12,
};

/**
 * Builds the residential compounds: one per block, a convex footprint set back from the
 * streets, and a two-way service road from the block's south street to a gate, whose inner end
 * is the drop point. Residents add up exactly to the figure; Jiangshanding keeps its households.
 */
export function buildCompounds(
  layout: Layout,
  figures: Figures,
  grid: Grid,
  net: RoadNetwork,
  streets: StreetIndex,
  blocks: Blocks,
  outbreak: Outbreak,
  rng: Random,
): Compound[] {
  const names = compoundNames(rng.fork('names'), [JIANGSHANDING.zh]);
  const placed: { block: number; name: Name }[] = [];
  const special = [...outbreak.lockdown, ...outbreak.lifted];
  special.forEach((block, k) => placed.push({ block, name: k === 0 ? JIANGSHANDING : names.take() }));
  for (const p of placed) blocks.compound[p.block] = 0;

  const districts = [District.Xiaohai, District.Zhongxing, District.Xinkai, District.Zhuhang, District.Laohonggang];
  const counts = apportion(
    figures.compounds,
    districts.map((d) => DISTRICT_WEIGHTS[d]),
  );
  const pick = rng.fork('blocks');
  districts.forEach((d, k) => {
    const already = placed.filter((p) => blocks.district[p.block] === d).length;
    const free = freeBlocks(blocks, d);
    const want = counts[k] - already;
    if (free.length < want) throw new Error(`district ${d} has room for ${free.length} compounds, needs ${want}`);
    for (const block of weightedSample(free, want, neighbourhoodDensity(layout, blocks, d, pick), pick).sort(
      (a, b) => a - b,
    )) {
      placed.push({ block, name: names.take() });
      blocks.compound[block] = 0;
    }
  });

  const people = apportionResidents(figures, placed.length, rng.fork('residents'));
  const shape = rng.fork('footprints');
  return placed.map((p, k) => {
    blocks.compound[p.block] = k;
    const i = p.block % blocks.cells;
    const j = Math.floor(p.block / blocks.cells);
    const { ring, drop } = buildFootprint(grid, net, streets, i, j, p.name, shape);
    return { name: p.name, district: blocks.district[p.block] as District, block: p.block, ...people[k], ring, drop };
  });
}

/** Blocks per neighbourhood radius: housing clusters around a few centres per district. */
const NEIGHBOURHOOD_BLOCKS = 12;

/**
 * Housing density of a block: high near one of the district's neighbourhood centres (one per
 * district at scale 1, more in a larger city), low elsewhere but never zero.
 */
function neighbourhoodDensity(
  layout: Layout,
  blocks: Blocks,
  district: District,
  rng: Random,
): (block: number) => number {
  const rect = layout.districts.find((r) => r.district === district)!;
  const centres = Array.from({ length: Math.max(1, Math.round(Math.sqrt(layout.scale))) }, () => [
    rng.range(rect.i0 + 0.2 * (rect.i1 - rect.i0), rect.i1 - 0.2 * (rect.i1 - rect.i0)),
    rng.range(rect.j0 + 0.3 * (rect.j1 - rect.j0), rect.j1 - 0.2 * (rect.j1 - rect.j0)),
  ]);
  return (block) => {
    const i = block % blocks.cells;
    const j = Math.floor(block / blocks.cells);
    let near = 0;
    for (const [ci, cj] of centres)
      near = Math.max(near, Math.exp(-((i - ci) ** 2 + (j - cj) ** 2) / NEIGHBOURHOOD_BLOCKS ** 2));
    return 0.08 + near;
  };
}

/** `count` distinct items, each drawn with probability proportional to its weight (Efraimidis-Spirakis). */
function weightedSample(items: number[], count: number, weight: (item: number) => number, rng: Random): number[] {
  const keyed = items.map((item) => ({ item, key: Math.log(1 - rng.next()) / weight(item) }));
  keyed.sort((a, b) => b.key - a.key || a.item - b.item);
  return keyed.slice(0, count).map((k) => k.item);
}

function apportionResidents(figures: Figures, count: number, rng: Random): { households: number; residents: number }[] {
  const jsdResidents = Math.round(figures.jiangshandingHouseholds * RESIDENTS_PER_HOUSEHOLD);
  const raw = Array.from({ length: count - 1 }, () => ({
    households: Math.round(Math.exp(rng.range(Math.log(350), Math.log(2600)))),
    ratio: rng.range(2.3, 2.95),
  }));
  const rawResidents = raw.reduce((s, r) => s + r.households * r.ratio, 0);
  const k = (figures.residents - jsdResidents) / rawResidents;
  const out = raw.map((r) => {
    const households = Math.max(120, Math.round(r.households * k));
    return { households, residents: Math.round(households * r.ratio) };
  });
  let gap = figures.residents - jsdResidents - out.reduce((s, r) => s + r.residents, 0);
  for (let n = 0; gap !== 0; n = (n + 1) % out.length) {
    const step = Math.sign(gap);
    out[n].residents += step;
    gap -= step;
  }
  return [{ households: figures.jiangshandingHouseholds, residents: jsdResidents }, ...out];
}

function buildFootprint(
  grid: Grid,
  net: RoadNetwork,
  streets: StreetIndex,
  i: number,
  j: number,
  name: Name,
  rng: Random,
) {
  const a0 = rng.range(0.14, 0.24);
  const a1 = rng.range(0.76, 0.86);
  const b0 = rng.range(0.22, 0.3);
  const b1 = rng.range(0.74, 0.86);
  const corners: [number, number][] = [
    [a0, b0],
    [a1, b0],
    [a1, b1],
    [a0, b1],
  ];
  const ring: [number, number][] = [];
  corners.forEach((c, k) => {
    if (!rng.chance(0.45)) {
      ring.push(c);
      return;
    }
    const prev = corners[(k + 3) % 4];
    const next = corners[(k + 1) % 4];
    const cut = rng.range(0.05, 0.1);
    const toward = (o: [number, number]): [number, number] => {
      const dx = o[0] - c[0];
      const dy = o[1] - c[1];
      const len = Math.hypot(dx, dy);
      return [c[0] + (cut * dx) / len, c[1] + (cut * dy) / len];
    };
    ring.push(toward(prev), toward(next));
  });
  const gate = rng.range(a0 + 0.12, a1 - 0.12);
  const south = streets.horizontal[nodeAt(grid, i, j)];
  const edge = net.edges[south];
  const street = net.split(south, edge.from === nodeAt(grid, i, j) ? gate : 1 - gate);
  const drop = blockPoint(grid, i, j, gate, b0 - 0.05);
  const dropNode = net.addNode(drop[0], drop[1]);
  net.addEdge(street, dropNode, {
    cls: 'service',
    name: { zh: `${name.zh}进出道路`, en: `${name.en} access road` },
    oneway: false,
    speed: SPEED_KMH.service,
  });
  return { ring: ring.map(([a, b]) => blockPoint(grid, i, j, a, b)), drop };
}
