/**
 * Truck routing for dispatch on the demo district, the scale-10 and the scale-80 city:
 * point-to-point queries between compound drop points and depots, with and without the
 * per-leg closures, by ALT A* (the default), straight-line A* and Dijkstra in the same run
 * on the same pairs (identical costs asserted); the one-off graph, ngraph view and landmark
 * builds (open network, and the closures in force, which ALT uses for legs from
 * `legClosures`); the worker's memory once they are built; per-leg closures and masks;
 * travel-time matrices of 50 and 200 stops under closures.
 *
 * Queries are timed warm: each algorithm first routes `WARMUP` other pairs unmeasured, so the
 * samples are the steady state of a worker that has answered a few requests; the one-off
 * builds a first query would pay are the rows above them. p99 needs enough samples to mean
 * something: `PAIRS` per city (TRUCK_BENCH_PAIRS overrides), times BENCH_RUNS.
 *
 * Memory: what each structure the routing worker keeps adds to heap plus array buffers, after
 * a full GC (the parsed roads GeoJSON is dropped, as the worker drops it).
 *
 * Run: `npm run bench -- truck-routing` or `npx tsx tests/bench/truck-routing.bench.ts [scale...]`.
 * Scale 80 (TRUCK_BENCH_SCALES=1,10,80 or arguments `1 10 80`) takes ~2 GB of memory and ~3
 * minutes on 2 cores, most of it Dijkstra, straight-line A* and the matrices; the city is
 * generated on first use (tests/bench/scale-city.ts).
 */
import type { MultiPolygon, Point, Polygon, Position } from 'geojson';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { closureInputFromFeatures, legClosures } from '../../src/routing/closures.ts';
import { buildLandmarks } from '../../src/routing/landmarks.ts';
import { ngraphView } from '../../src/routing/ngraph-view.ts';
import type { RoadCollection } from '../../src/routing/road-graph.ts';
import { buildRoutingNetwork, type RoutingNetwork } from '../../src/routing/routing-network.ts';
import { matrixClosures, travelMatrix } from '../../src/routing/travel-matrix.ts';
import { closureLandmarks, routeTruck, type TruckAlgorithm } from '../../src/routing/truck-route.ts';
import { defineBench, measure, median, percentile, runs, type BenchCase } from './bench.ts';
import { readLayer, scaleCityDir } from './scale-city.ts';

const DEMO_DIR = join(import.meta.dirname, '..', '..', 'data', 'nantong');
const ALGORITHMS: TruckAlgorithm[] = ['alt', 'astar', 'dijkstra'];
const LABEL: Record<TruckAlgorithm, string> = { alt: 'ALT A*', astar: 'straight-line A*', dijkstra: 'Dijkstra' };
/** Pairs routed per city and algorithm (p99 of 300 samples is the 3rd slowest). */
const PAIRS: Record<number, number> = { 1: 1000, 10: 1000, 80: 300 };
const WARMUP = 30;

/** Deterministic pseudo-random numbers (mulberry32), so every run routes the same pairs. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Node's `gc()` without the --expose-gc flag (the bench runs under tsx). */
const gc: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/**
 * Heap plus array buffers (typed arrays live there) after full GCs, MiB. Freed array buffers
 * are released after the GC that finds them, so it collects twice with a turn in between.
 */
async function retainedMiB(): Promise<number> {
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return (heapUsed + arrayBuffers) / 2 ** 20;
}

/** What `build` adds to the retained memory, MiB, and its result. */
async function retainedBy<T>(build: () => T): Promise<[T, number]> {
  const before = await retainedMiB();
  const result = build();
  return [result, (await retainedMiB()) - before];
}

/** The network built from the folder's roads, timed; the parsed GeoJSON is garbage once it returns. */
function buildNetwork(dir: string): { network: RoutingNetwork; buildMs: number } {
  const roads = readLayer(dir, 'roads') as RoadCollection;
  const t = performance.now();
  const network = buildRoutingNetwork(roads);
  return { network, buildMs: performance.now() - t };
}

async function cityCases(label: string, dir: string, pairs: number): Promise<BenchCase[]> {
  const [{ network, buildMs }, networkMiB] = await retainedBy(() => buildNetwork(dir));
  const { graph } = network;
  const sites = readLayer<Point, Record<string, unknown>>(dir, 'sites').features;
  const zones = readLayer<Polygon | MultiPolygon, Record<string, unknown>>(dir, 'zones').features;
  const compounds = readLayer<MultiPolygon, { drop_point: Position }>(dir, 'compounds').features;
  const stops: Position[] = [
    ...compounds.map((c) => c.properties.drop_point),
    ...sites.filter((s) => s.properties.kind === 'depot').map((s) => s.geometry.coordinates),
  ];
  const input = closureInputFromFeatures(zones, sites as never, false);

  const [viewMs, viewMiB] = await retainedBy(() => {
    const t = performance.now();
    ngraphView(graph);
    return performance.now() - t;
  });
  const [landmarks, landmarksMiB] = await retainedBy(() => buildLandmarks(graph));
  const rnd = random(80);
  const draw = (n: number) =>
    Array.from({ length: n }, () => [stops[Math.floor(rnd() * stops.length)], stops[Math.floor(rnd() * stops.length)]]);
  const legs = draw(pairs);
  const warmLegs = draw(WARMUP);
  const [{ incidenceMs, closed }, closedMiB] = await retainedBy(() => {
    const t = performance.now();
    const first = legClosures(network, input, legs[0][0], legs[0][1]);
    return { incidenceMs: performance.now() - t, closed: closureLandmarks(graph, first.base) };
  });
  const note = `${label}: ${graph.nodeCount} nodes, ${graph.edgeCount} edges, ${zones.length} zones, ${landmarks.count} landmarks, ${pairs} pairs`;
  const closureSamples = await measure(pairs, async (i) => legClosures(network, input, legs[i][0], legs[i][1]), 0);
  const maskSamples = await measure(
    pairs,
    async (i) => legClosures(network, input, legs[i][0], legs[i][1]).closedEdges,
    0,
  );
  const masks = legs.map(([a, b]) => legClosures(network, input, a, b));
  const warmMasks = warmLegs.map(([a, b]) => legClosures(network, input, a, b));
  const mib = (name: string, value: number): BenchCase => ({
    name: `${label}: memory, ${name}`,
    samples: [value],
    unit: 'MiB',
    note,
  });

  const cases: BenchCase[] = [
    { name: `${label}: build graph + snap index`, samples: [buildMs], note },
    { name: `${label}: ngraph view`, samples: [viewMs], note },
    { name: `${label}: landmarks, open network`, samples: [landmarks.buildMs], note },
    { name: `${label}: landmarks, closures in force (once per closure state)`, samples: [closed.buildMs], note },
    mib('network (graph, snap index, road names)', networkMiB),
    mib('ngraph view', viewMiB),
    mib('landmarks, open network', landmarksMiB),
    mib('closures in force (zone incidence, base mask, their landmarks)', closedMiB),
    mib('worker total (all of the above)', networkMiB + viewMiB + landmarksMiB + closedMiB),
    { name: `${label}: zone-edge incidence (first leg)`, samples: [incidenceMs], note },
    { name: `${label}: per-leg closures`, samples: closureSamples, note },
    { name: `${label}: per-leg closures + their mask (built on first read)`, samples: maskSamples, note },
  ];
  for (const withClosures of [false, true]) {
    const costs = new Map<TruckAlgorithm, (number | null)[]>();
    const kind = withClosures ? 'closures' : 'open';
    for (const algorithm of ALGORITHMS) {
      const route = (leg: Position[], closures: (typeof masks)[number]) =>
        routeTruck(network, leg[0], leg[1], { algorithm, landmarks, closures: withClosures ? closures : undefined });
      warmLegs.forEach((leg, i) => route(leg, warmMasks[i]));
      const got: (number | null)[] = [];
      const samples = await measure(
        runs(1) * pairs,
        async (i) => {
          const r = route(legs[i % pairs], masks[i % pairs]);
          if (i < pairs) got.push(r ? r.seconds : null);
        },
        0,
      );
      costs.set(algorithm, got);
      cases.push({
        name: `${label}, ${kind}: ${LABEL[algorithm]}`,
        samples,
        note,
        baseline: algorithm === 'dijkstra' ? undefined : `${label}, ${kind}: Dijkstra`,
      });
    }
    const reference = costs.get('dijkstra')!;
    for (const algorithm of ALGORITHMS) {
      costs.get(algorithm)!.forEach((c, i) => {
        const d = reference[i];
        if ((c === null) !== (d === null) || (c !== null && Math.abs(c - d!) > 1e-9 * Math.max(1, d!))) {
          throw new Error(`${label}: ${algorithm} cost ${c} differs from Dijkstra ${d} on pair ${i}`);
        }
      });
    }
  }
  for (const n of [50, 200]) {
    const points = Array.from({ length: n }, (_, i) => stops[Math.floor((i * stops.length) / n) % stops.length]);
    const samples = await measure(
      1,
      async () => travelMatrix(network, points, matrixClosures(network, input, points)),
      0,
    );
    cases.push({ name: `${label}: matrix ${n} stops, closures`, samples, note });
  }
  return cases;
}

const bench = defineBench({
  name: 'truck routing',
  async run() {
    // Scale 80 (`TRUCK_BENCH_SCALES=1,10,80`) is not in the default run: it needs ~2 GB and ~3 minutes.
    const scales = (process.env.TRUCK_BENCH_SCALES ?? '1,10').split(',').map(Number);
    const cases: BenchCase[] = [];
    for (const scale of scales) {
      const dir = scale === 1 ? DEMO_DIR : scaleCityDir(scale);
      const pairs = Number(process.env.TRUCK_BENCH_PAIRS) || PAIRS[scale] || 300;
      cases.push(...(await cityCases(scale === 1 ? 'demo' : `scale-${scale}`, dir, pairs)));
    }
    return cases;
  },
});
export default bench;

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv[2]) process.env.TRUCK_BENCH_SCALES = process.argv.slice(2).join(',');
  for (const c of await bench.run()) {
    const unit = c.unit ?? 'ms';
    const base = c.baseline ? ` (baseline ${c.baseline})` : '';
    console.log(
      `${c.name}: median ${median(c.samples).toFixed(3)} ${unit}, p99 ${percentile(c.samples, 99).toFixed(3)} ${unit} (n=${c.samples.length})${base}`,
    );
  }
}
