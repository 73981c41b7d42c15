import { type Blocks, blockIndex } from './blocks.ts';
import type { Compound } from './compounds.ts';
import type { ZoneLevel, ZoneStatus } from './contract.ts';
import type { Figures } from './figures.ts';
import { blockPoint, type Grid, nodeAt } from './grid.ts';
import { District } from './layout.ts';
import { DISTRICTS, type Name } from './names.ts';
import type { BlockRect, Outbreak } from './outbreak.ts';
import type { Random } from './random.ts';

type Ring = [number, number][];

export interface Zone {
  name: Name;
  level: ZoneLevel;
  status: ZoneStatus;
  effectiveFrom: string;
  reviewDays: number;
  district: District;
  /** Outer ring counter-clockwise, holes clockwise; not closed. */
  rings: Ring[];
}

/** Adds a zone around block `centre`, in that block's district; review days default by level. */
type AddZone = (
  name: Name,
  level: ZoneLevel,
  status: ZoneStatus,
  effectiveFrom: string,
  centre: number,
  rings: Ring[],
  reviewDays?: number,
) => void;

const REVIEW_DAYS: Record<ZoneLevel, number> = { lockdown: 14, control: 7, precaution: 7 };
/** A lockdown covers the compound's block short of the streets around it. */
const LOCKDOWN_INSET = 0.06;

const day = (month: number, date: number) =>
  `2022-${String(month).padStart(2, '0')}-${String(date).padStart(2, '0')}T00:00:00+08:00`;

/**
 * The zones on 12 April 2022. Active zones were set recently enough that their review period has
 * not run out; lifted ones ran theirs out before 12 April. Zones never overlap: a control zone is
 * a ring around its lockdown zone and a precaution zone has a hole for each zone inside it.
 */
export function buildZones(
  figures: Figures,
  grid: Grid,
  blocks: Blocks,
  compounds: Compound[],
  outbreak: Outbreak,
  rng: Random,
): Zone[] {
  const geo = new ZoneGeometry(grid, blocks.cells);
  const compoundAt = (b: number) => compounds[blocks.compound[b]];
  const zones: Zone[] = [];
  const zone: AddZone = (name, level, status, effectiveFrom, centre, rings, reviewDays = REVIEW_DAYS[level]) => {
    zones.push({
      name,
      level,
      status,
      effectiveFrom,
      reviewDays,
      district: blocks.district[centre] as District,
      rings,
    });
  };
  const named = (c: Compound, zh: string, en: string): Name => ({ zh: `${c.name.zh}${zh}`, en: `${c.name.en} ${en}` });

  // The report: Jiangshanding sealed since 4 April, other Xiaohai compounds since, control rings around them.
  outbreak.lockdown.forEach((b, k) => {
    const c = compoundAt(b);
    const date = k === 0 ? 4 : rng.int(6, 10);
    zone(named(c, '封控区', 'lockdown zone'), 'lockdown', 'active', day(4, date), b, [geo.lockdown(b)]);
    zone(named(c, '周边管控区', 'control zone'), 'control', 'active', day(4, Math.max(6, date)), b, geo.controlRing(b));
  });
  const p = outbreak.precaution;
  const centre = blockIndex(blocks, Math.floor((p.i0 + p.i1) / 2), Math.floor((p.j0 + p.j1) / 2));
  zone(
    { zh: '小海街道北门防范区', en: 'Xiaohai north gate precaution zone' },
    'precaution',
    'active',
    day(4, 7),
    centre,
    [geo.rect(p), ...outbreak.lockdown.map((b) => geo.reversed(geo.square(b, 1)))],
  );
  outbreak.lifted.forEach((b, k) => {
    const c = compoundAt(b);
    const date = day(3, rng.int(22, 28));
    zone(named(c, '封控区', 'lockdown zone'), 'lockdown', 'lifted', date, b, [geo.lockdown(b)]);
    if (k === 0) zone(named(c, '周边管控区', 'control zone'), 'control', 'lifted', date, b, geo.controlRing(b));
  });

  addClusters(figures, zones, geo, blocks, compounds, outbreak, rng, zone);
  return zones;
}

/**
 * Beyond the report's own zones (scale > 1): clusters around blocks, compounds first, each a
 * lockdown zone with an optional control ring and precaution ring, never overlapping another.
 */
function addClusters(
  figures: Figures,
  zones: Zone[],
  geo: ZoneGeometry,
  blocks: Blocks,
  compounds: Compound[],
  outbreak: Outbreak,
  rng: Random,
  zone: AddZone,
) {
  const have = (level: ZoneLevel, status: ZoneStatus) =>
    zones.filter((z) => z.level === level && z.status === status).length;
  let controls = figures.zones.control - have('control', 'active');
  let precautions = figures.zones.precaution - have('precaution', 'active');
  const lockdowns = figures.zones.lockdown - have('lockdown', 'active');
  const lifted = figures.zones.lifted - zones.filter((z) => z.status === 'lifted').length;
  if (lockdowns <= 0 && lifted <= 0) return;

  const clusters: { control: boolean; precaution: boolean; lifted: boolean }[] = [];
  for (let k = 0; k < lockdowns; k++) {
    const control = controls-- > 0;
    const precaution = precautions-- > 0;
    clusters.push({ control, precaution, lifted: false });
  }
  for (let k = 0; k < lifted; k++) clusters.push({ control: false, precaution: false, lifted: true });

  const { cells } = blocks;
  const taken = new Uint8Array(cells * cells);
  const claim = (i0: number, j0: number, i1: number, j1: number) => {
    for (let j = j0; j <= j1; j++) for (let i = i0; i <= i1; i++) taken[j * cells + i] = 1;
  };
  const p = outbreak.precaution;
  claim(p.i0, p.j0, p.i1, p.j1);
  outbreak.lifted.forEach((b) =>
    claim((b % cells) - 1, Math.floor(b / cells) - 1, (b % cells) + 1, Math.floor(b / cells) + 1),
  );

  const byCompound = rng.shuffle(compounds.map((c) => c.block));
  const rest: number[] = [];
  for (let b = 0; b < blocks.land.length; b++) if (blocks.land[b] && blocks.compound[b] < 0) rest.push(b);
  const candidates = [...byCompound, ...rng.shuffle(rest)];
  const fits = (b: number, r: number) => {
    const ci = b % cells;
    const cj = Math.floor(b / cells);
    if (ci - r < 0 || cj - r < 0 || ci + r >= cells || cj + r >= cells) return false;
    for (let j = cj - r; j <= cj + r; j++)
      for (let i = ci - r; i <= ci + r; i++) if (taken[j * cells + i] || !blocks.land[j * cells + i]) return false;
    return true;
  };
  const radius = (c: (typeof clusters)[number]) => (c.control && c.precaution ? 2 : c.control || c.precaution ? 1 : 0);
  const order = clusters.map((c, k) => ({ c, k })).sort((a, b) => radius(b.c) - radius(a.c) || a.k - b.k);
  const counters = new Map<District, number>();
  let next = 0;
  let pass = -1;
  for (const { c } of order) {
    const r = radius(c);
    if (r !== pass) {
      pass = r;
      next = 0;
    }
    while (next < candidates.length && !fits(candidates[next], r)) next++;
    if (next === candidates.length) throw new Error('no room left for zones');
    const b = candidates[next++];
    const ci = b % cells;
    const cj = Math.floor(b / cells);
    claim(ci - r, cj - r, ci + r, cj + r);
    const district = blocks.district[b] as District;
    let name: Name;
    if (blocks.compound[b] >= 0) name = compounds[blocks.compound[b]].name;
    else {
      const n = (counters.get(district) ?? 0) + 1;
      counters.set(district, n);
      name = { zh: `${DISTRICTS[district].zh}第${n}片区`, en: `${DISTRICTS[district].en} area ${n}` };
    }
    const suffix = (zh: string, en: string): Name => ({ zh: name.zh + zh, en: `${name.en} ${en}` });
    if (c.lifted) {
      zone(suffix('封控区', 'lockdown zone'), 'lockdown', 'lifted', day(3, rng.int(18, 28)), b, [geo.lockdown(b)]);
      continue;
    }
    const date = day(4, rng.int(6, 11));
    zone(suffix('封控区', 'lockdown zone'), 'lockdown', 'active', date, b, [geo.lockdown(b)]);
    if (c.control) zone(suffix('周边管控区', 'control zone'), 'control', 'active', date, b, geo.controlRing(b));
    if (c.precaution) {
      const inner = c.control ? geo.square(b, 1) : geo.lockdown(b);
      zone(suffix('周边防范区', 'precaution zone'), 'precaution', 'active', date, b, [
        geo.square(b, c.control ? 2 : 1),
        geo.reversed(inner),
      ]);
    }
  }
}

/** Zone outlines follow the streets (grid nodes) or a block short of its streets. */
class ZoneGeometry {
  constructor(
    private readonly grid: Grid,
    private readonly cells: number,
  ) {}

  lockdown(b: number): Ring {
    const i = b % this.cells;
    const j = Math.floor(b / this.cells);
    const lo = LOCKDOWN_INSET;
    const hi = 1 - LOCKDOWN_INSET;
    return [
      blockPoint(this.grid, i, j, lo, lo),
      blockPoint(this.grid, i, j, hi, lo),
      blockPoint(this.grid, i, j, hi, hi),
      blockPoint(this.grid, i, j, lo, hi),
    ];
  }

  /** The blocks within `r` of block b, outlined along the streets. */
  square(b: number, r: number): Ring {
    const i = b % this.cells;
    const j = Math.floor(b / this.cells);
    return this.rect({ i0: i - r, j0: j - r, i1: i + r, j1: j + r });
  }

  /** The ring of blocks around block b, with the lockdown of b as its hole. */
  controlRing(b: number): Ring[] {
    return [this.square(b, 1), this.reversed(this.lockdown(b))];
  }

  rect(r: BlockRect): Ring {
    const at = (i: number, j: number): [number, number] => {
      const n = nodeAt(this.grid, i, j);
      return [this.grid.xs[n], this.grid.ys[n]];
    };
    const ring: Ring = [];
    for (let i = r.i0; i <= r.i1; i++) ring.push(at(i, r.j0));
    for (let j = r.j0; j <= r.j1; j++) ring.push(at(r.i1 + 1, j));
    for (let i = r.i1 + 1; i > r.i0; i--) ring.push(at(i, r.j1 + 1));
    for (let j = r.j1 + 1; j > r.j0; j--) ring.push(at(r.i0, j));
    return ring;
  }

  reversed(ring: Ring): Ring {
    return [...ring].reverse();
  }
}
