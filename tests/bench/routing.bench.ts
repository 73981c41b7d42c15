/**
 * Walking search on the scale-10 city: "three nearest open testing sites" from 100 compound
 * drop points, the bounded Dijkstra (stops after 3 sites) against a full single-source
 * Dijkstra over the whole graph then the 3 cheapest (same code, no bounds), same run. Also
 * the one-off graph build and the end-to-end call the worker answers (snapping, search, paths).
 *
 * Run: `npm run bench -- routing` or `npx tsx tests/bench/routing.bench.ts`.
 */
import type { MultiPolygon, Point } from 'geojson';
import { pathToFileURL } from 'node:url';
import { nearestTargets } from '../../src/routing/nearest-targets.ts';
import { walkingProfile } from '../../src/routing/profiles.ts';
import type { RoadCollection } from '../../src/routing/road-graph.ts';
import { buildRoutingNetwork } from '../../src/routing/routing-network.ts';
import { snapForProfile, type Snap } from '../../src/routing/snap.ts';
import { nearestByWalking, type RouteTarget } from '../../src/routing/walking-search.ts';
import { defineBench, measure, median, percentile, runs } from './bench.ts';
import { readLayer, scaleCityDir } from './scale-city.ts';

/** Cycles through a list; `measure` numbers warm-up runs -1, -2, ... */
const at = (i: number, length: number) => ((i % length) + length) % length;

const bench = defineBench({
  name: 'walking routing',
  async run() {
    const dir = scaleCityDir(10);
    const roads = readLayer(dir, 'roads') as RoadCollection;
    const sites: RouteTarget[] = readLayer<Point, { id: string; kind: string; status: string | null }>(dir, 'sites')
      .features.filter((f) => f.properties.kind === 'testing_site' && f.properties.status === 'open')
      .map((f) => ({ id: f.properties.id, position: f.geometry.coordinates }));
    const compounds = readLayer<MultiPolygon, { drop_point: [number, number] }>(dir, 'compounds').features;
    const origins = Array.from({ length: 100 }, (_, i) => compounds[Math.floor((i * compounds.length) / 100)].properties.drop_point);

    const build = await measure(runs(5), async () => buildRoutingNetwork(roads), 1);
    const network = buildRoutingNetwork(roads);
    const { graph, snapIndex } = network;
    const snap = (p: number[]) => snapForProfile(snapIndex, p[0], p[1], walkingProfile, { maxDistanceM: 1000 });
    const targets = sites.map((s) => snap(s.position)).filter((s): s is Snap => s !== null);
    const starts = origins.map(snap).filter((s): s is Snap => s !== null);
    const note = `scale-10 city: ${graph.nodeCount} nodes, ${graph.edgeCount} edges, ${targets.length} open testing sites, ${starts.length} origins`;

    const n = runs(3) * starts.length;
    const full = await measure(n, async (i) => nearestTargets(graph, starts[at(i, starts.length)], targets, { profile: walkingProfile, k: Infinity }).hits.slice(0, 3), 5);
    const bounded = await measure(n, async (i) => nearestTargets(graph, starts[at(i, starts.length)], targets, { profile: walkingProfile, k: 3, maxCost: 10_000 }), 20);
    const endToEnd = await measure(n, async (i) => nearestByWalking(network, origins[at(i, origins.length)], sites, { k: 3 }), 20);
    return [
      { name: 'build graph + snap index', samples: build, note },
      { name: 'full Dijkstra, then 3 nearest', samples: full, note },
      { name: 'bounded search, 3 nearest', samples: bounded, baseline: 'full Dijkstra, then 3 nearest', note },
      { name: 'nearestByWalking (snap + search + paths)', samples: endToEnd, baseline: 'full Dijkstra, then 3 nearest', note },
    ];
  },
});
export default bench;

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const c of await bench.run()) console.log(`${c.name}: median ${median(c.samples).toFixed(3)} ms, p99 ${percentile(c.samples, 99).toFixed(3)} ms (n=${c.samples.length})`);
}
