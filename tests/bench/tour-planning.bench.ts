/**
 * Multi-stop run planning over travel-time matrices: one truck visiting 50 and 200 stops
 * (`planTour`: cheapest insertion, then 2-opt + Or-opt) against the construction alone
 * (`constructTour`), same instances, same run; and 200 stops split among 5 trucks (`planFleet`).
 * The target is under 0.5 s for 200 stops.
 *
 * Matrices: random points in the demo district's extent (data/nantong/districts.geojson),
 * depot at its centre; seconds = great-circle metres × 1.3 (roads are not straight) at 30 km/h,
 * each direction of each pair times its own random factor in [1, 1.3) for one-way streets and
 * turn restrictions, so the matrix is asymmetric. The given order is the order the stops were
 * drawn in, like a list sorted by compound id. Demands for the fleet are households of demo
 * compounds drawn at random; each truck holds 1.1 × total / 5, so the fleet is just big enough.
 *
 * Run: `npm run bench -- tour-planning` or `npx tsx tests/bench/tour-planning.bench.ts`.
 */
import type { MultiPolygon } from 'geojson';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { haversineM } from '../../src/routing/distance.ts';
import { planFleet } from '../../src/routing/fleet-plan.ts';
import { constructTour, planTour, tourSeconds } from '../../src/routing/tour.ts';
import { defineBench, measure, median, percentile, runs, type BenchCase } from './bench.ts';
import { readLayer } from './scale-city.ts';

const DEMO = fileURLToPath(new URL('../../data/nantong', import.meta.url));
/** Different instances per size, cycled through by the measured runs. */
const INSTANCES = 10;

/** mulberry32: a small seeded generator so every run plans the same instances. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** [west, south, east, north] of the demo districts. */
function districtExtent(): [number, number, number, number] {
  const extent: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  const visit = (c: unknown): void => {
    if (typeof (c as number[])[0] === 'number') {
      const [x, y] = c as number[];
      extent[0] = Math.min(extent[0], x);
      extent[1] = Math.min(extent[1], y);
      extent[2] = Math.max(extent[2], x);
      extent[3] = Math.max(extent[3], y);
    } else (c as unknown[]).forEach(visit);
  };
  for (const f of readLayer<MultiPolygon, unknown>(DEMO, 'districts').features) visit(f.geometry.coordinates);
  return extent;
}

/** A road-like asymmetric matrix of 1 depot + `stops` random points (see the file comment). */
function roadLikeMatrix(stops: number, seed: number, extent: [number, number, number, number]): Float64Array {
  const rnd = random(seed);
  const [w, s, e, nth] = extent;
  const n = stops + 1;
  const lng = Float64Array.from({ length: n }, (_, i) => (i === 0 ? (w + e) / 2 : w + rnd() * (e - w)));
  const lat = Float64Array.from({ length: n }, (_, i) => (i === 0 ? (s + nth) / 2 : s + rnd() * (nth - s)));
  const metresPerSecond = 30 / 3.6;
  const matrix = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      if (a !== b)
        matrix[a * n + b] = ((haversineM(lng[a], lat[a], lng[b], lat[b]) * 1.3) / metresPerSecond) * (1 + 0.3 * rnd());
    }
  }
  return matrix;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const at = (i: number, length: number) => ((i % length) + length) % length;

async function tourCases(stops: number, extent: [number, number, number, number]): Promise<BenchCase[]> {
  const n = stops + 1;
  const matrices = Array.from({ length: INSTANCES }, (_, i) => roadLikeMatrix(stops, 1_000 * stops + i, extent));
  const given = Array.from({ length: stops }, (_, i) => i + 1);
  const count = runs(stops > 100 ? 30 : 100);
  const construct = await measure(count, async (i) => constructTour(matrices[at(i, INSTANCES)], n, given), 3);
  const plan = await measure(count, async (i) => planTour(matrices[at(i, INSTANCES)], n, { order: given }), 3);

  // Tour lengths, one sample per instance, as % of the given order.
  const givenSeconds = matrices.map((m) => tourSeconds(m, n, given));
  const constructPct = matrices.map((m, i) => (100 * tourSeconds(m, n, constructTour(m, n, given))) / givenSeconds[i]);
  const plans = matrices.map((m) => planTour(m, n, { order: given }));
  const planPct = plans.map((p, i) => (100 * p.seconds) / givenSeconds[i]);
  const note = `${INSTANCES} road-like ${n} × ${n} matrices, in turn; given order = the order the stops were drawn in`;
  const lengths =
    `given order ${(mean(givenSeconds) / 3600).toFixed(1)} h driving on average; insertion alone ${mean(constructPct).toFixed(1)} %, ` +
    `planTour ${mean(planPct).toFixed(1)} % of it (saving ${(mean(plans.map((p) => p.savingSeconds)) / 3600).toFixed(1)} h)`;
  return [
    { name: `${stops} stops: cheapest insertion alone`, samples: construct, note },
    {
      name: `${stops} stops: planTour (+ 2-opt, Or-opt)`,
      samples: plan,
      baseline: `${stops} stops: cheapest insertion alone`,
    },
    { name: `${stops} stops: tour, insertion alone`, samples: constructPct, unit: '% of given' },
    {
      name: `${stops} stops: tour, planTour`,
      samples: planPct,
      unit: '% of given',
      baseline: `${stops} stops: tour, insertion alone`,
      note: lengths,
    },
  ];
}

async function fleetCases(extent: [number, number, number, number]): Promise<BenchCase[]> {
  const stops = 200;
  const n = stops + 1;
  const households = readLayer<MultiPolygon, { households: number }>(DEMO, 'compounds').features.map(
    (f) => f.properties.households,
  );
  const instances = Array.from({ length: INSTANCES }, (_, i) => {
    const rnd = random(7_000 + i);
    const demands = Array.from({ length: n }, (_, s) =>
      s === 0 ? 0 : households[Math.floor(rnd() * households.length)],
    );
    const capacity = Math.ceil((1.1 * demands.reduce((a, b) => a + b, 0)) / 5);
    const trucks = Array.from({ length: 5 }, (_, t) => ({ id: `truck-${t + 1}`, capacity }));
    return { matrix: roadLikeMatrix(stops, 9_000 + i, extent), demands, trucks };
  });
  const samples = await measure(
    runs(30),
    async (i) => planFleet(instances[at(i, INSTANCES)].matrix, n, instances[at(i, INSTANCES)]),
    3,
  );
  const plans = instances.map((x) => planFleet(x.matrix, n, x));
  const note =
    `${INSTANCES} instances, demands = households of random demo compounds, 5 trucks of 1.1 × total / 5 each; ` +
    `${mean(plans.map((p) => p.runs.length)).toFixed(1)} runs, ${mean(plans.map((p) => p.totalSeconds / 3600)).toFixed(1)} h driving, ` +
    `${mean(plans.map((p) => p.unassigned.length)).toFixed(1)} stops unassigned on average`;
  return [{ name: '200 stops, 5 trucks: planFleet', samples, note }];
}

const bench = defineBench({
  name: 'tour planning',
  async run() {
    const extent = districtExtent();
    return [...(await tourCases(50, extent)), ...(await tourCases(200, extent)), ...(await fleetCases(extent))];
  },
});
export default bench;

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const c of await bench.run()) {
    console.log(
      `${c.name}: median ${median(c.samples).toFixed(3)} ${c.unit ?? 'ms'}, p99 ${percentile(c.samples, 99).toFixed(3)} (n=${c.samples.length})`,
    );
  }
}
