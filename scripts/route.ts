/**
 * Truck route between two places of a data folder, under the closures in force.
 *
 *   npm run route -- --from <lng,lat | site id | compound id> --to <...> [--pass] [--no-closures] [--json]
 *                    [--dir data/nantong] [--zones FILE]
 *
 * A compound id routes to its drop point. Prints travel time, length, roads and the
 * checkpoints passed; with --json one object: { seconds, metres, roads, checkpoints,
 * geometry } or { seconds: null, reason, cutBy, opening } when no route exists (exit 0 both).
 * Bad arguments exit 2 with a message.
 */
import { parseArgs } from 'node:util';
import type { Position } from 'geojson';
import { CHECKPOINT_RADIUS_M, closureInputFromFeatures, legClosures } from '../src/routing/closures.ts';
import { explainNoRoute } from '../src/routing/explain-no-route.ts';
import { haversineM } from '../src/routing/distance.ts';
import { buildRoutingNetwork } from '../src/routing/routing-network.ts';
import { routeTruck } from '../src/routing/truck-route.ts';
import { COMMON_OPTIONS, failWith, parseOrFail, placeOf, readDataFolder } from './data-folder.ts';

const fail: (message: string) => never = failWith(
  'route',
  '--from <lng,lat|site id|compound id> --to <...> [--pass] [--no-closures] [--json] [--dir DIR] [--zones FILE]',
);

const args = parseOrFail(() => parseArgs({ options: { ...COMMON_OPTIONS, to: { type: 'string' } } }).values, fail);
if (!args.from || !args.to) fail('--from and --to are required');

const data = readDataFolder(args.dir, args.zones, fail);
const { roads, sites, zones } = data;
const place = (text: string) => placeOf(data, text, fail);

const from = place(args.from);
const to = place(args.to);
const network = buildRoutingNetwork(roads);
const input = closureInputFromFeatures(args['no-closures'] ? [] : zones, args['no-closures'] ? [] : sites, args.pass);
const closures = legClosures(network, input, from, to);
const route = routeTruck(network, from, to, { closures });

if (!route) {
  const why = explainNoRoute(network, input, from, to);
  if (args.json) {
    console.log(
      JSON.stringify({
        seconds: null,
        reason: why.reason,
        cutBy: why.cutBy,
        opening: why.opening && { ...why.opening.opening, seconds: why.opening.route.seconds },
      }),
    );
  } else {
    console.log(`no route (${why.reason})`);
    if (why.cutBy.length) console.log(`cut by: ${why.cutBy.map((c) => `${c.kind} ${c.id}`).join(', ')}`);
    if (why.opening)
      console.log(
        `would open with: ${JSON.stringify(why.opening.opening)} (${(why.opening.route.seconds / 60).toFixed(1)} min)`,
      );
    else if (why.reason === 'closures') console.log('no single opening restores a route');
  }
  process.exit(0);
}

// Checkpoints passed: every checkpoint (any state) within its radius of the route's road geometry.
const checkpoints = sites
  .filter((f) => f.properties.kind === 'checkpoint')
  .filter((f) =>
    route.geometry.some((p, i) => {
      const [x, y] = f.geometry.coordinates;
      return (
        haversineM(p[0], p[1], x, y) <= CHECKPOINT_RADIUS_M || (i > 0 && onSegment(route.geometry[i - 1], p, [x, y]))
      );
    }),
  )
  .map((f) => f.properties.id);

/** Whether c lies within the checkpoint radius of segment a–b (flat approximation, fine at city scale). */
function onSegment(a: Position, b: Position, c: Position): boolean {
  const kx = Math.cos((c[1] * Math.PI) / 180) * 111_195;
  const ky = 111_195;
  const [ax, ay, bx, by, cx, cy] = [a[0] * kx, a[1] * ky, b[0] * kx, b[1] * ky, c[0] * kx, c[1] * ky];
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? Math.max(0, Math.min(1, ((cx - ax) * dx + (cy - ay) * dy) / len2)) : 0;
  return Math.hypot(ax + t * dx - cx, ay + t * dy - cy) <= CHECKPOINT_RADIUS_M;
}

if (args.json) {
  console.log(
    JSON.stringify({
      seconds: route.seconds,
      metres: route.metres,
      roads: route.roads,
      checkpoints,
      geometry: { type: 'LineString', coordinates: route.geometry },
    }),
  );
} else {
  console.log(`${(route.seconds / 60).toFixed(1)} min, ${(route.metres / 1000).toFixed(2)} km`);
  console.log(`roads: ${route.roads.join(' → ')}`);
  console.log(`checkpoints: ${checkpoints.length ? checkpoints.join(', ') : 'none'}`);
}
