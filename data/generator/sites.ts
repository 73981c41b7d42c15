import { type Blocks, blockIndex, freeBlocks } from './blocks.ts';
import type { Compound } from './compounds.ts';
import type { Figures } from './figures.ts';
import { blockPoint, type Grid } from './grid.ts';
import { District } from './layout.ts';
import type { Exit } from './motorways.ts';
import { DISTRICTS, enterpriseNames, hotelNames, type Name, zhNumber } from './names.ts';
import { apportion, type Random } from './random.ts';

interface SiteBase {
  name: Name;
  district: District;
  x: number;
  y: number;
}
export type Site =
  | (SiteBase & {
      kind: 'testing_site';
      capacity: number;
      opens: string;
      closes: string;
      status: 'open' | 'paused' | 'closed';
      queue: number;
    })
  | (SiteBase & { kind: 'mobile_testing'; capacity: number })
  | (SiteBase & { kind: 'checkpoint'; state: 'open' | 'restricted' | 'closed'; road: string })
  | (SiteBase & {
      kind: 'quarantine_site';
      roomsTotal: number;
      roomsReady: number;
      roomsOccupied: number;
      siteType: 'hotel' | 'converted_apartment';
    })
  | (SiteBase & { kind: 'depot' })
  | (SiteBase & { kind: 'enterprise'; key: boolean });

const ALL_DISTRICTS = [District.Xiaohai, District.Zhongxing, District.Xinkai, District.Zhuhang, District.Laohonggang];

/** The report's named quarantine sites: Hanting Youjia is a hotel; the rest were converted apartments. */
export const HANTING_YOUJIA: Name = { zh: '汉庭优佳酒店', en: 'Hanting Youjia Hotel' };
const CONVERTED_APARTMENTS: readonly Name[] = [
  { zh: '五湖家园', en: 'Wuhu Jiayuan' },
  { zh: '智慧园邻里中心', en: 'Zhihuiyuan Neighbourhood Centre' },
  { zh: '金桥公寓', en: 'Jinqiao Apartments' },
  { zh: '清华同方公寓', en: 'Tsinghua Tongfang Apartments' },
];
export const DASEN_LOGISTICS: Name = { zh: '大森物流', en: 'Dasen Logistics' };

/** Places points at random spots of free blocks (never inside a compound, always on land). */
class Placer {
  private readonly free: Map<District, number[]>;
  constructor(
    private readonly grid: Grid,
    private readonly blocks: Blocks,
    private readonly rng: Random,
  ) {
    this.free = new Map(ALL_DISTRICTS.map((d) => [d, freeBlocks(blocks, d)]));
  }

  inDistrict(district: District): { x: number; y: number } {
    const free = this.free.get(district)!;
    if (free.length === 0) throw new Error(`district ${district} has no free block`);
    return this.inBlock(this.rng.pick(free));
  }

  /** Near a compound when a free block is within two blocks of it, else anywhere in the district. */
  near(compound: Compound): { x: number; y: number } {
    const { cells } = this.blocks;
    const ci = compound.block % cells;
    const cj = Math.floor(compound.block / cells);
    const around: number[] = [];
    for (let dj = -2; dj <= 2; dj++) {
      for (let di = -2; di <= 2; di++) {
        const i = ci + di;
        const j = cj + dj;
        if (i < 0 || j < 0 || i >= cells || j >= cells) continue;
        const b = blockIndex(this.blocks, i, j);
        if (this.blocks.usable[b] && this.blocks.compound[b] < 0 && this.blocks.district[b] === compound.district)
          around.push(b);
      }
    }
    return around.length ? this.inBlock(this.rng.pick(around)) : this.inDistrict(compound.district);
  }

  private inBlock(b: number): { x: number; y: number } {
    const [x, y] = blockPoint(
      this.grid,
      b % this.blocks.cells,
      Math.floor(b / this.blocks.cells),
      this.rng.range(0.2, 0.8),
      this.rng.range(0.2, 0.8),
    );
    return { x, y };
  }
}

class UniqueNames {
  private readonly used = new Map<string, number>();
  take(name: Name): Name {
    const n = (this.used.get(name.zh) ?? 0) + 1;
    this.used.set(name.zh, n);
    return n === 1 ? name : { zh: `${name.zh}${zhNumber(n)}`, en: `${name.en} ${n}` };
  }
}

export function buildSites(
  figures: Figures,
  grid: Grid,
  blocks: Blocks,
  compounds: Compound[],
  exits: Exit[],
  rng: Random,
): Site[] {
  const place = new Placer(grid, blocks, rng.fork('place'));
  const residentsBy = ALL_DISTRICTS.map((d) =>
    compounds.filter((c) => c.district === d).reduce((s, c) => s + c.residents, 0),
  );
  return [
    ...testingSites(figures, compounds, residentsBy, place, rng.fork('testing')),
    ...mobileTeams(figures, place, rng.fork('mobile')),
    ...checkpoints(exits, rng.fork('checkpoints')),
    ...quarantineSites(figures, residentsBy, place, rng.fork('quarantine')),
    ...depots(figures, place),
    ...enterprises(figures, place, rng.fork('enterprises')),
  ];
}

function testingSites(
  figures: Figures,
  compounds: Compound[],
  residentsBy: number[],
  place: Placer,
  rng: Random,
): Site[] {
  const names = new UniqueNames();
  const perDistrict = apportion(figures.testingSites, residentsBy);
  return ALL_DISTRICTS.flatMap((d, k) => {
    const local = compounds.filter((c) => c.district === d);
    return Array.from({ length: perDistrict[k] }, (): Site => {
      const compound = rng.pick(local);
      const allDay = rng.chance(0.1);
      const roll = rng.next();
      const status = roll < 0.86 ? 'open' : roll < 0.95 ? 'paused' : 'closed';
      return {
        kind: 'testing_site',
        name: names.take({ zh: `${compound.name.zh}核酸采样点`, en: `${compound.name.en} testing site` }),
        district: d,
        ...place.near(compound),
        capacity: 20 * rng.int(10, 30),
        opens: allDay ? '00:00' : rng.pick(['07:00', '07:30', '08:00']),
        closes: allDay ? '23:59' : rng.pick(['20:00', '21:00', '22:00']),
        status,
        queue: status === 'open' ? rng.int(0, 80) : 0,
      };
    });
  });
}

/** Laohonggang's mobile teams served its sealed enterprises; the point is the team's base. */
function mobileTeams(figures: Figures, place: Placer, rng: Random): Site[] {
  return Array.from({ length: figures.mobileTesting }, (_, k): Site => ({
    kind: 'mobile_testing',
    name: { zh: `老洪港流动核酸采样队第${zhNumber(k + 1)}队`, en: `Laohonggang mobile testing team ${k + 1}` },
    district: District.Laohonggang,
    ...place.inDistrict(District.Laohonggang),
    capacity: 10 * rng.int(12, 24),
  }));
}

function checkpoints(exits: Exit[], rng: Random): Site[] {
  const states: ('open' | 'restricted' | 'closed')[] = exits.map((_, k) =>
    k === 0
      ? 'restricted'
      : k === 1
        ? 'closed'
        : k === 2
          ? 'open'
          : rng.chance(0.5)
            ? 'restricted'
            : rng.chance(0.5)
              ? 'closed'
              : 'open',
  );
  rng.shuffle(states);
  return exits.map((e, k): Site => ({
    kind: 'checkpoint',
    name: { zh: `${e.expressway.zh}${e.street.zh}出口卡口`, en: `${e.expressway.en} ${e.street.en} exit checkpoint` },
    district: e.district,
    x: e.x,
    y: e.y,
    state: states[k],
    road: e.expressway.zh,
  }));
}

function quarantineSites(figures: Figures, residentsBy: number[], place: Placer, rng: Random): Site[] {
  const apartments = figures.convertedApartments;
  const hotels = figures.quarantineSites - apartments;
  const apartmentRooms = apportion(
    figures.convertedRooms,
    Array.from({ length: apartments }, () => rng.range(60, 130)),
  );
  const hotelRooms = apportion(
    figures.quarantineRooms - figures.convertedRooms,
    Array.from({ length: hotels }, () => rng.range(30, 90)),
  );
  const hotelName = hotelNames(rng.fork('names'), [HANTING_YOUJIA.zh]);
  const where = (): District => {
    const total = residentsBy.reduce((s, r) => s + r, 0);
    let t = rng.next() * total;
    for (let k = 0; k < residentsBy.length; k++) if ((t -= residentsBy[k]) < 0) return ALL_DISTRICTS[k];
    return District.Laohonggang;
  };
  const site = (name: Name, rooms: number, siteType: 'hotel' | 'converted_apartment'): Site => {
    const district = where();
    const roomsReady = rooms - Math.floor(rooms * rng.range(0, 0.12));
    return {
      kind: 'quarantine_site',
      name,
      district,
      ...place.inDistrict(district),
      roomsTotal: rooms,
      roomsReady,
      roomsOccupied: Math.floor(roomsReady * rng.range(0.3, 0.9)),
      siteType,
    };
  };
  const hotelSites = hotelRooms.map((rooms, k) => site(k === 0 ? HANTING_YOUJIA : hotelName.take(), rooms, 'hotel'));
  const apartmentSites = apartmentRooms.map((rooms, k) =>
    site(
      k < CONVERTED_APARTMENTS.length
        ? CONVERTED_APARTMENTS[k]
        : {
            zh: `开发区国有公寓${zhNumber(k - CONVERTED_APARTMENTS.length + 1)}号楼`,
            en: `ETDZ state-owned apartments, building ${k - CONVERTED_APARTMENTS.length + 1}`,
          },
      rooms,
      'converted_apartment',
    ),
  );
  return [...hotelSites, ...apartmentSites];
}

function depots(figures: Figures, place: Placer): Site[] {
  const count = new Map<District, number>();
  return Array.from({ length: figures.depots }, (_, k): Site => {
    const district = k === 0 ? District.Laohonggang : ALL_DISTRICTS[(k - 1) % ALL_DISTRICTS.length];
    const n = (count.get(district) ?? 0) + 1;
    count.set(district, n);
    const d = DISTRICTS[district];
    const name =
      k === 0 ? DASEN_LOGISTICS : { zh: `${d.zh}保供物资点${zhNumber(n)}号`, en: `${d.en} supply depot ${n}` };
    return { kind: 'depot', name, district, ...place.inDistrict(district) };
  });
}

/** Weights of the key and other enterprises outside Laohonggang. */
const OTHER_ENTERPRISE_WEIGHTS = [0.15, 0.25, 0.33, 0.27];

function enterprises(figures: Figures, place: Placer, rng: Random): Site[] {
  const names = enterpriseNames(rng.fork('names'));
  const lhgKey = new Set(
    rng
      .shuffle(Array.from({ length: figures.laohonggangEnterprises }, (_, k) => k))
      .slice(0, figures.laohonggangKeyEnterprises),
  );
  const out: Site[] = [];
  for (let k = 0; k < figures.laohonggangEnterprises; k++) {
    out.push({
      kind: 'enterprise',
      name: names.take(),
      district: District.Laohonggang,
      ...place.inDistrict(District.Laohonggang),
      key: lhgKey.has(k),
    });
  }
  const others = ALL_DISTRICTS.filter((d) => d !== District.Laohonggang);
  const keyBy = apportion(figures.keyEnterprises - figures.laohonggangKeyEnterprises, OTHER_ENTERPRISE_WEIGHTS);
  const plainBy = apportion(figures.otherEnterprises, OTHER_ENTERPRISE_WEIGHTS);
  others.forEach((district, k) => {
    for (let n = 0; n < keyBy[k] + plainBy[k]; n++) {
      out.push({ kind: 'enterprise', name: names.take(), district, ...place.inDistrict(district), key: n < keyBy[k] });
    }
  });
  return out;
}
