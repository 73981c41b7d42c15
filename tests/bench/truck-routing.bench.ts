/**
 * Truck routing for dispatch on the demo district, the scale-10 and the scale-80 city:
 * point-to-point queries between compound drop points and depots, with and without the
 * per-leg closures, by ALT A* (the default), straight-line A* and Dijkstra in the same run
 * on the same pairs (identical costs asserted); the one-off graph, ngraph view and landmark
 * builds; per-leg closure masks; travel-time matrices of 50 and 200 stops under closures.
 *
 * Run: `npm run bench -- truck-routing` or `npx tsx tests/bench/truck-routing.bench.ts [scale...]`.
 */
import type { MultiPolygon, Point, Polygon, Position } from 'geojson';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { closureInputFromFeatures, legClosures } from '../../src/routing/closures.ts';
import { buildLandmarks } from '../../src/routing/landmarks.ts';
import { toNgraph } from '../../src/routing/ngraph-view.ts';
import type { RoadCollection } from '../../src/routing/road-graph.ts';
import { buildRoutingNetwork } from '../../src/routing/routing-network.ts';
import { matrixClosures, travelMatrix } from '../../src/routing/travel-matrix.ts';
import { routeTruck, type TruckAlgorithm } from '../../src/routing/truck-route.ts';
import { defineBench, measure, median, percentile, runs, type BenchCase } from './bench.ts';
import { readLayer, scaleCityDir } from './scale-city.ts';

const DEMO_DIR = join(import.meta.dirname, '..', '..', 'data', 'nantong');
const ALGORITHMS: TruckAlgorithm[] = ['alt', 'astar', 'dijkstra'];
const LABEL: Record<TruckAlgorithm, string> = { alt: 'ALT A*', astar: 'straight-line A*', dijkstra: 'Dijkstra' };

/** Deterministic pseudo-random numbers (mulberry32), so every run routes the same pairs. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function cityCases(label: string, dir: string, pairs: number): Promise<BenchCase[]> {
  const roads = readLayer(dir, 'roads') as RoadCollection;
  const sites = readLayer<Point, Record<string, unknown>>(dir, 'sites').features;
  const zones = readLayer<Polygon | MultiPolygon, Record<string, unknown>>(dir, 'zones').features;
  const compounds = readLayer<MultiPolygon, { drop_point: Position }>(dir, 'compounds').features;
  const stops: Position[] = [
    ...compounds.map((c) => c.properties.drop_point),
    ...sites.filter((s) => s.properties.kind === 'depot').map((s) => s.geometry.coordinates),
  ];

  let t = performance.now();
  const network = buildRoutingNetwork(roads);
  const buildMs = performance.now() - t;
  t = performance.now();
  toNgraph(network.graph);
  const ngraphMs = performance.now() - t;
  const landmarks = buildLandmarks(network.graph);
  const input = closureInputFromFeatures(zones, sites as never, false);
  const { graph } = network;
  const note = `${label}: ${graph.nodeCount} nodes, ${graph.edgeCount} edges, ${zones.length} zones, ${landmarks.count} landmarks, ${pairs} pairs`;

  const rnd = random(80);
  const legs = Array.from({ length: pairs }, () => [
    stops[Math.floor(rnd() * stops.length)],
    stops[Math.floor(rnd() * stops.length)],
  ]);
  t = performance.now();
  legClosures(network, input, legs[0][0], legs[0][1]);
  const incidenceMs = performance.now() - t;
  const closureSamples = await measure(pairs, async (i) => legClosures(network, input, legs[i][0], legs[i][1]), 0);
  const masks = legs.map(([a, b]) => legClosures(network, input, a, b));

  const cases: BenchCase[] = [
    { name: `${label}: build graph + snap index`, samples: [buildMs], note },
    { name: `${label}: ngraph view`, samples: [ngraphMs], note },
    { name: `${label}: landmarks`, samples: [landmarks.buildMs], note },
    { name: `${label}: zone-edge incidence (first leg)`, samples: [incidenceMs], note },
    { name: `${label}: per-leg closure mask`, samples: closureSamples, note },
  ];
  for (const closed of [false, true]) {
    const costs = new Map<TruckAlgorithm, (number | null)[]>();
    for (const algorithm of ALGORITHMS) {
      const got: (number | null)[] = [];
      const options = (i: number) => ({ algorithm, landmarks, closures: closed ? masks[i] : undefined });
      const samples = await measure(
        runs(1) * pairs,
        async (i) => {
          const r = routeTruck(network, legs[i % pairs][0], legs[i % pairs][1], options(i % pairs));
          if (i < pairs) got.push(r ? r.seconds : null);
        },
        0,
      );
      costs.set(algorithm, got);
      const name = `${label}, ${closed ? 'closures' : 'open'}: ${LABEL[algorithm]}`;
      cases.push({
        name,
        samples,
        note,
        baseline: algorithm === 'dijkstra' ? undefined : `${label}, ${closed ? 'closures' : 'open'}: Dijkstra`,
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
    // Scale 80 (`TRUCK_BENCH_SCALES=1,10,80`) is not in the default run yet: its 200 MB of roads and the
    // per-leg matrix take too long (see src/routing/README.md).
    const scales = (process.env.TRUCK_BENCH_SCALES ?? '1,10').split(',').map(Number);
    const cases: BenchCase[] = [];
    for (const scale of scales) {
      const dir = scale === 1 ? DEMO_DIR : scaleCityDir(scale);
      cases.push(...(await cityCases(scale === 1 ? 'demo' : `scale-${scale}`, dir, 120)));
    }
    return cases;
  },
});
export default bench;

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv[2]) process.env.TRUCK_BENCH_SCALES = process.argv.slice(2).join(',');
  for (const c of await bench.run())
    console.log(
      `${c.name}: median ${median(c.samples).toFixed(3)} ms, p99 ${percentile(c.samples, 99).toFixed(3)} ms (n=${c.samples.length})`,
    );
}
