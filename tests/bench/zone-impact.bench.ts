/**
 * Impact update while dragging a 200-vertex zone: the Flatbush index (`buildImpactIndex`)
 * against scanning every compound and site, on the demo district and the scale-10 and
 * scale-80 (Shanghai-sized) cities. Per city two boundaries, each resampled to 200 vertices:
 * the active zone with the most compounds under it (what commanders draw), and the
 * sub-district with the most (a district-wide order, the worst case for the point tests).
 * The drag moves one vertex out and back in 120 small steps, then three more vertices 40
 * steps each, one impact per step; every step is first checked to give zoneImpact's answer.
 * The target is p99 under one frame (16 ms) at scale 80, on the main thread.
 *
 * Run: `npm run bench -- zone-impact` or `npx tsx tests/bench/zone-impact.bench.ts`.
 */
import { booleanPointInPolygon } from '@turf/turf';
import type { MultiPolygon, Point, Polygon, Position } from 'geojson';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SiteKind } from '../../src/domain/rows.ts';
import { buildImpactIndex, type ImpactIndex } from '../../src/geo/impact-index.ts';
import { pointOnSurface } from '../../src/geo/point-on-surface.ts';
import { polygonsOf } from '../../src/geo/zone-geometry.ts';
import { tallyImpact, zoneImpact, type ImpactCompound, type ImpactSite } from '../../src/geo/zone-impact.ts';
import { defineBench, measure, median, percentile, runs, type BenchCase } from './bench.ts';
import { readLayer, scaleCityDir } from './scale-city.ts';

const VERTICES = 200;

interface City {
  label: string;
  compounds: ImpactCompound[];
  sites: ImpactSite[];
  zones: { id: string; status: string; geom: Polygon | MultiPolygon }[];
  districts: { id: string; geom: Polygon | MultiPolygon }[];
}

function loadCity(label: string, dir: string): City {
  const compounds = readLayer<Polygon | MultiPolygon, { id: string; households: number; residents: number }>(
    dir,
    'compounds',
  );
  const sites = readLayer<Point, { kind: SiteKind; key?: boolean }>(dir, 'sites');
  const zones = readLayer<Polygon | MultiPolygon, { id: string; status: string }>(dir, 'zones');
  const districts = readLayer<Polygon | MultiPolygon, { id: string }>(dir, 'districts');
  return {
    label,
    compounds: compounds.features.map(({ properties: p, geometry }) => ({
      id: p.id,
      households: p.households,
      residents: p.residents,
      geom: geometry,
    })),
    sites: sites.features.map(({ properties: p, geometry }) => ({ kind: p.kind, key: p.key ?? null, geom: geometry })),
    zones: zones.features.map(({ properties: p, geometry }) => ({ id: p.id, status: p.status, geom: geometry })),
    districts: districts.features.map(({ properties: p, geometry }) => ({ id: p.id, geom: geometry })),
  };
}

/** The ring's outline as `n` vertices spaced evenly along its length (planar, in degrees), closed. */
function resample(ring: Position[], n: number): Position[] {
  const lengths = [0];
  for (let i = 1; i < ring.length; i++)
    lengths.push(lengths[i - 1] + Math.hypot(ring[i][0] - ring[i - 1][0], ring[i][1] - ring[i - 1][1]));
  const total = lengths[lengths.length - 1];
  const out: Position[] = [];
  let segment = 1;
  for (let k = 0; k < n; k++) {
    const at = (k / n) * total;
    while (lengths[segment] < at) segment++;
    const t = (at - lengths[segment - 1]) / (lengths[segment] - lengths[segment - 1] || 1);
    const [x0, y0] = ring[segment - 1];
    const [x1, y1] = ring[segment];
    out.push([x0 + t * (x1 - x0), y0 + t * (y1 - y0)]);
  }
  out.push(out[0]);
  return out;
}

/**
 * The boundaries a drag produces, one per pointer move: vertex 50 pushed out from the zone's
 * centre by up to 15% of its size and back (120 moves), then vertices 100, 150 and 175 pushed
 * out 40 moves each, every move starting from the boundary the last one left.
 */
function dragSteps(ring: Position[]): Polygon[] {
  const vertices = ring.slice(0, -1).map((p) => [...p]);
  const cx = vertices.reduce((s, p) => s + p[0], 0) / vertices.length;
  const cy = vertices.reduce((s, p) => s + p[1], 0) / vertices.length;
  const size = Math.max(...vertices.map(([x, y]) => Math.hypot(x - cx, y - cy)));
  const step = (0.15 * size) / 60;
  const steps: Polygon[] = [];
  const move = (v: number, moves: number, sign: (m: number) => number) => {
    const [x, y] = vertices[v];
    const d = Math.hypot(x - cx, y - cy) || 1;
    for (let m = 0; m < moves; m++) {
      vertices[v] = [
        vertices[v][0] + (sign(m) * step * (x - cx)) / d,
        vertices[v][1] + (sign(m) * step * (y - cy)) / d,
      ];
      steps.push({ type: 'Polygon', coordinates: [[...vertices, vertices[0]]] });
    }
  };
  move(50, 120, (m) => (m < 60 ? 1 : -1));
  for (const v of [100, 150, 175]) move(v, 40, () => 1);
  return steps;
}

/** The 200-vertex outline of the area with the most compounds under it. */
function busiest(areas: { id: string; geom: Polygon | MultiPolygon }[], index: ImpactIndex) {
  let best = { id: '', compounds: -1, ring: [] as Position[] };
  for (const area of areas) {
    const n = index.impact(area.geom).compounds;
    if (n <= best.compounds) continue;
    const shell = polygonsOf(area.geom).reduce((a, b) => (b[0].length > a[0].length ? b : a))[0];
    best = { id: area.id, compounds: n, ring: resample(shell, VERTICES) };
  }
  return best;
}

async function cityCases(city: City): Promise<BenchCase[]> {
  const { compounds, sites } = city;
  const sizes = `${compounds.length} compounds, ${sites.length} sites`;
  const build = await measure(runs(5), async () => buildImpactIndex(city), 1);
  const index = buildImpactIndex(city);
  // The honest baseline: turf on every point with nothing skipped (surface points computed
  // once, as zoneImpact caches them); zoneImpact as it stands adds a bounding-box precheck.
  const surface = compounds.map((c) => pointOnSurface(c.geom));
  const plainScan = (geom: Polygon) =>
    tallyImpact(
      geom,
      compounds.filter((_, i) => booleanPointInPolygon(surface[i], geom)),
      sites.filter((s) => booleanPointInPolygon(s.geom.coordinates, geom)),
    );

  const cases: BenchCase[] = [{ name: `${city.label}: build index`, samples: build, note: sizes }];
  const drags = [
    {
      what: 'busiest zone',
      area: busiest(
        city.zones.filter((z) => z.status === 'active'),
        index,
      ),
    },
    // Shanghai 2022 put whole districts under one order: the worst case for the point tests.
    { what: 'whole sub-district', area: busiest(city.districts, index) },
  ];
  for (const { what, area } of drags) {
    const steps = dragSteps(area.ring);
    for (const geom of steps) {
      const expected = JSON.stringify(zoneImpact(geom, city));
      if (JSON.stringify(index.impact(geom)) !== expected || JSON.stringify(plainScan(geom)) !== expected) {
        throw new Error(`${city.label}: the index and the scans disagree on a drag step of ${area.id}`);
      }
    }
    const first = index.impact(steps[0]);
    const inside = Object.values(first.sites).reduce((a, b) => a + b, 0);
    const note = `${sizes}; ${area.id} as ${VERTICES} vertices, ${first.compounds} compounds and ${inside} sites inside; ${steps.length} drag steps`;
    const n = runs(3) * steps.length;
    const stepAt = (i: number) => steps[(i + steps.length) % steps.length];
    const name = (how: string) => `${city.label}, ${what}: ${how}`;
    cases.push(
      {
        name: name('plain turf scan, no bbox precheck'),
        samples: await measure(n, async (i) => plainScan(stepAt(i)), 20),
        note,
      },
      {
        name: name('zoneImpact (bbox precheck, today)'),
        samples: await measure(n, async (i) => zoneImpact(stepAt(i), city), 20),
        baseline: name('plain turf scan, no bbox precheck'),
        note,
      },
      {
        name: name('flatbush index'),
        samples: await measure(n, async (i) => index.impact(stepAt(i)), 20),
        baseline: name('zoneImpact (bbox precheck, today)'),
        note,
      },
    );
  }
  return cases;
}

const bench = defineBench({
  name: 'impact update while dragging a 200-vertex zone',
  async run() {
    const cases: BenchCase[] = [];
    cases.push(
      ...(await cityCases(loadCity('demo district', fileURLToPath(new URL('../../data/nantong', import.meta.url))))),
    );
    cases.push(...(await cityCases(loadCity('scale 10', scaleCityDir(10)))));
    cases.push(...(await cityCases(loadCity('scale 80', scaleCityDir(80)))));
    return cases;
  },
});
export default bench;

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const c of await bench.run())
    console.log(
      `${c.name}: median ${median(c.samples).toFixed(3)} ms, p99 ${percentile(c.samples, 99).toFixed(3)} ms (n=${c.samples.length})`,
    );
}
