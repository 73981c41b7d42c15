/**
 * Testing coverage on the demo district and the scale-10 city: every compound's walking
 * distance to the nearest open testing site (limit 1 km, search bounded at 2 km), by one
 * multi-source `walkingCoverage` against `nearestByWalking` (k = 1, same bound) once per
 * compound, the way a dashboard would do it without the new call, in the same run. Also the
 * first call on a fresh network (it snaps every compound and site; later calls reuse the
 * snaps), an unbounded search (every node), and the call through the routing client over a
 * MessageChannel (structured clone both ways). The distances are asserted equal.
 *
 * Run: `npm run bench -- coverage` or `npx tsx tests/bench/coverage.bench.ts [scale...]`
 * (COVERAGE_BENCH_SCALES, default 1,10; 1 is the demo district).
 */
import { expose } from 'comlink';
import type { MultiPolygon, Point, Polygon, Position } from 'geojson';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pointOnSurface } from '../../src/geo/point-on-surface.ts';
import type { RoadCollection } from '../../src/routing/road-graph.ts';
import { createRoutingApi } from '../../src/routing/routing-api.ts';
import { createRoutingClient } from '../../src/routing/routing-client.ts';
import { buildRoutingNetwork } from '../../src/routing/routing-network.ts';
import { walkingCoverage } from '../../src/routing/walking-coverage.ts';
import { nearestByWalking, type RouteTarget } from '../../src/routing/walking-search.ts';
import { defineBench, measure, median, percentile, runs, type BenchCase } from './bench.ts';
import { readLayer, scaleCityDir } from './scale-city.ts';

const DEMO_DIR = join(import.meta.dirname, '..', '..', 'data', 'nantong');
const LIMIT_M = 1000;
const BOUND_M = 2 * LIMIT_M;

async function cityCases(label: string, dir: string): Promise<BenchCase[]> {
  const roads = readLayer(dir, 'roads') as RoadCollection;
  const sites: RouteTarget[] = readLayer<Point, { id: string; kind: string; status: string | null }>(dir, 'sites')
    .features.filter((f) => f.properties.kind === 'testing_site' && f.properties.status === 'open')
    .map((f) => ({ id: f.properties.id, position: f.geometry.coordinates }));
  const points: Position[] = readLayer<Polygon | MultiPolygon, unknown>(dir, 'compounds').features.map((f) =>
    pointOnSurface(f.geometry),
  );

  const network = buildRoutingNetwork(roads);
  const { graph } = network;
  const first = performance.now();
  const coverage = walkingCoverage(network, sites, points, { limitM: LIMIT_M });
  const firstMs = performance.now() - first;
  const note = `${label}: ${graph.nodeCount} nodes, ${graph.edgeCount} edges, ${sites.length} open testing sites, ${points.length} compounds, ${coverage.overLimit.length} over ${LIMIT_M} m`;

  // The baseline answers must be the same metres (one search per compound, k = 1, same bound).
  points.forEach((point, i) => {
    const [route] = nearestByWalking(network, point, sites, { k: 1, maxDistanceM: BOUND_M }).routes;
    const expected = route?.distanceM ?? Infinity;
    const got = coverage.distanceM[i];
    if (!(got === expected || Math.abs(got - expected) < 1e-6))
      throw new Error(`${label}: compound ${i}: coverage ${got} m, nearestByWalking ${expected} m`);
  });

  const warm = await measure(runs(20), async () => walkingCoverage(network, sites, points, { limitM: LIMIT_M }), 3);
  const unbounded = await measure(
    runs(10),
    async () => walkingCoverage(network, sites, points, { limitM: LIMIT_M, maxDistanceM: Infinity }),
    2,
  );
  const perCompound = await measure(
    runs(3),
    async () =>
      points.map((point) => nearestByWalking(network, point, sites, { k: 1, maxDistanceM: BOUND_M }).routes[0]),
    1,
  );

  const { port1, port2 } = new MessageChannel();
  expose(createRoutingApi(), port1);
  const client = createRoutingClient(port2, () => {
    port1.close();
    port2.close();
  });
  await client.loadRoads(roads);
  const viaClient = await measure(runs(10), () => client.walkingCoverage(sites, points, { limitM: LIMIT_M }), 2);
  client.close();

  const baseline = `${label}: nearestByWalking per compound (k 1, bound 2 km)`;
  return [
    { name: baseline, samples: perCompound, note },
    { name: `${label}: walkingCoverage, first call (snaps everything)`, samples: [firstMs], baseline, note },
    { name: `${label}: walkingCoverage (bound 2 km)`, samples: warm, baseline, note },
    { name: `${label}: walkingCoverage, unbounded`, samples: unbounded, baseline, note },
    { name: `${label}: walkingCoverage via routing client (MessageChannel)`, samples: viaClient, baseline, note },
  ];
}

const bench = defineBench({
  name: 'testing coverage',
  async run() {
    const cases: BenchCase[] = [];
    for (const scale of (process.env.COVERAGE_BENCH_SCALES ?? '1,10').split(',').map(Number)) {
      cases.push(
        ...(await cityCases(scale === 1 ? 'demo' : `scale-${scale}`, scale === 1 ? DEMO_DIR : scaleCityDir(scale))),
      );
    }
    return cases;
  },
});
export default bench;

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv[2]) process.env.COVERAGE_BENCH_SCALES = process.argv.slice(2).join(',');
  const cases = await bench.run();
  for (const c of cases) {
    console.log(
      `${c.name}: median ${median(c.samples).toFixed(3)} ms, p99 ${percentile(c.samples, 99).toFixed(3)} ms (n=${c.samples.length})`,
    );
  }
  for (const note of new Set(cases.map((c) => c.note))) console.log(note);
}
