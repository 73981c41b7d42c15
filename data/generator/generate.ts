import { surveyBlocks } from './blocks.ts';
import { buildCompounds, type Compound } from './compounds.ts';
import type {
  CompoundProps,
  Dataset,
  DistrictProps,
  Feature,
  Point,
  Polygon,
  Position,
  RoadProps,
  SiteKind,
  SiteProps,
  WaterProps,
  ZoneProps,
} from './contract.ts';
import { figuresFor } from './figures.ts';
import { buildWater, districtRing } from './geography.ts';
import { createGrid } from './grid.ts';
import { createLayout, District, toLngLat } from './layout.ts';
import { buildMotorways } from './motorways.ts';
import { DISTRICTS, stemOrder } from './names.ts';
import { RoadNetwork } from './network.ts';
import { chooseOutbreak } from './outbreak.ts';
import { Random } from './random.ts';
import { buildSites, type Site } from './sites.ts';
import { buildStreets } from './streets.ts';
import { buildZones, type Zone } from './zones.ts';

export const DEFAULT_SEED = 'nantong-etdz-2022';

export interface GenerateOptions {
  /** Any string; the same seed and scale always give the same dataset. */
  seed?: string;
  /** 1 = the Nantong ETDZ of the report; N = a city N times larger (80 ~ Shanghai, spring 2022). */
  scale?: number;
}

/**
 * Generates the synthetic district in memory. Used by `npm run data` (which writes it with
 * writeDataset) and by the benchmark runner, which times it at scale 80.
 */
export function generate({ seed = DEFAULT_SEED, scale = 1 }: GenerateOptions = {}): Dataset {
  const rng = new Random(seed);
  const figures = figuresFor(scale);
  const layout = createLayout(scale, rng.fork('layout'));
  const grid = createGrid(layout, rng.fork('grid'));
  const net = new RoadNetwork();
  const streets = buildStreets(layout, grid, net, stemOrder(rng.fork('street-names')));
  const exits = buildMotorways(layout, grid, net, streets);
  const connected = net.pruneToLargestComponent();
  if (exits.some((e) => !connected[e.node])) throw new Error('an expressway was cut off from the street network');
  const blocks = surveyBlocks(layout, grid, net, streets);
  const outbreak = chooseOutbreak(layout, blocks, rng.fork('outbreak'));
  const compounds = buildCompounds(layout, figures, grid, net, streets, blocks, outbreak, rng.fork('compounds'));
  const sites = buildSites(figures, grid, blocks, compounds, exits, rng.fork('sites'));
  const zones = buildZones(figures, grid, blocks, compounds, outbreak, rng.fork('zones'));
  const water = buildWater(layout, rng.fork('water'));

  const districts = [District.Xiaohai, District.Zhongxing, District.Xinkai, District.Zhuhang, District.Laohonggang];
  return {
    districts: collection(
      districts.map((d) =>
        polygon<DistrictProps>(
          {
            id: DISTRICTS[d].id,
            name_zh: DISTRICTS[d].zh,
            name_en: DISTRICTS[d].en,
            residents: compounds.filter((c) => c.district === d).reduce((s, c) => s + c.residents, 0),
            synthetic: true,
          },
          [districtRing(layout, d)],
        ),
      ),
    ),
    water: collection(
      water.map((w) =>
        polygon<WaterProps>({ id: w.id, kind: w.kind, name_zh: w.name.zh, name_en: w.name.en, synthetic: true }, [
          w.ring,
        ]),
      ),
    ),
    roads: collection(roadFeatures(net)),
    compounds: collection(compounds.map((c, k) => compoundFeature(c, id('cmp', k, compounds.length, 4)))),
    sites: collection(siteFeatures(sites)),
    zones: collection(zones.map((z, k) => zoneFeature(z, id('zone', k, zones.length, 3)))),
  };
}

const collection = <T>(features: T[]) => ({ type: 'FeatureCollection' as const, features });

const id = (prefix: string, k: number, count: number, minWidth: number) =>
  `${prefix}-${String(k + 1).padStart(Math.max(minWidth, String(count).length), '0')}`;

const closed = (ring: [number, number][]): Position[] => {
  const out = ring.map(([x, y]) => toLngLat(x, y));
  out.push(out[0]);
  return out;
};

function polygon<P>(properties: P, rings: [number, number][][]): Feature<Polygon, P> {
  return { type: 'Feature', properties, geometry: { type: 'Polygon', coordinates: rings.map(closed) } };
}

function roadFeatures(net: RoadNetwork): Feature<{ type: 'LineString'; coordinates: Position[] }, RoadProps>[] {
  const live = net.edges.filter((e) => e.alive);
  return live.map((e, k) => ({
    type: 'Feature',
    properties: {
      id: id('road', k, live.length, 5),
      class: e.cls,
      name_zh: e.name.zh,
      name_en: e.name.en,
      oneway: e.oneway,
      speed_kmh: e.speed,
      synthetic: true,
    },
    geometry: {
      type: 'LineString',
      coordinates: [toLngLat(net.xs[e.from], net.ys[e.from]), toLngLat(net.xs[e.to], net.ys[e.to])],
    },
  }));
}

function compoundFeature(c: Compound, cid: string): Feature<Polygon, CompoundProps> {
  return polygon<CompoundProps>(
    {
      id: cid,
      name_zh: c.name.zh,
      name_en: c.name.en,
      district: DISTRICTS[c.district].id,
      households: c.households,
      residents: c.residents,
      drop_point: toLngLat(c.drop[0], c.drop[1]),
      synthetic: true,
    },
    [c.ring],
  );
}

const SITE_PREFIX: Record<SiteKind, [string, number]> = {
  testing_site: ['ts', 2],
  mobile_testing: ['mt', 2],
  checkpoint: ['cp', 2],
  quarantine_site: ['qs', 2],
  depot: ['dep', 2],
  enterprise: ['ent', 3],
};

function siteFeatures(sites: Site[]): Feature<Point, SiteProps>[] {
  const totals = new Map<SiteKind, number>();
  for (const s of sites) totals.set(s.kind, (totals.get(s.kind) ?? 0) + 1);
  const seen = new Map<SiteKind, number>();
  return sites.map((s) => {
    const k = seen.get(s.kind) ?? 0;
    seen.set(s.kind, k + 1);
    const [prefix, width] = SITE_PREFIX[s.kind];
    const base = {
      id: id(prefix, k, totals.get(s.kind)!, width),
      kind: s.kind,
      name_zh: s.name.zh,
      name_en: s.name.en,
      district: DISTRICTS[s.district].id,
    };
    let properties: SiteProps;
    switch (s.kind) {
      case 'testing_site':
        properties = {
          ...base,
          kind: s.kind,
          capacity_per_hour: s.capacity,
          opens: s.opens,
          closes: s.closes,
          status: s.status,
          queue_length: s.queue,
          synthetic: true,
        };
        break;
      case 'mobile_testing':
        properties = { ...base, kind: s.kind, capacity_per_hour: s.capacity, synthetic: true };
        break;
      case 'checkpoint':
        properties = {
          ...base,
          kind: s.kind,
          state: s.state,
          road: s.road,
          pass_required: s.state === 'restricted',
          synthetic: true,
        };
        break;
      case 'quarantine_site':
        properties = {
          ...base,
          kind: s.kind,
          rooms_total: s.roomsTotal,
          rooms_ready: s.roomsReady,
          rooms_occupied: s.roomsOccupied,
          site_type: s.siteType,
          synthetic: true,
        };
        break;
      case 'depot':
        properties = { ...base, kind: s.kind, synthetic: true };
        break;
      case 'enterprise':
        properties = { ...base, kind: s.kind, key: s.key, synthetic: true };
        break;
    }
    return { type: 'Feature', properties, geometry: { type: 'Point', coordinates: toLngLat(s.x, s.y) } };
  });
}

function zoneFeature(z: Zone, zid: string): Feature<Polygon, ZoneProps> {
  return polygon<ZoneProps>(
    {
      id: zid,
      name_zh: z.name.zh,
      name_en: z.name.en,
      level: z.level,
      status: z.status,
      effective_from: z.effectiveFrom,
      review_days: z.reviewDays,
      district: DISTRICTS[z.district].id,
      synthetic: true,
    },
    z.rings,
  );
}
