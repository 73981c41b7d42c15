/**
 * A supply run (or several trucks' runs) from a depot to compounds' drop points, under the
 * closures in force, for scripted planning and for checking against other engines.
 *
 *   npm run plan -- --from <depot id> --stops <compound id,compound id,...> [--trucks N --capacity P]
 *                   [--pass] [--no-closures] [--json] [--dir data/nantong] [--zones FILE]
 *
 * One truck: the stops ordered (cheapest insertion, 2-opt, Or-opt), never longer than the order
 * given, with the saving against it. Several trucks (`--trucks`, `--capacity` parcels each; a
 * compound's parcels are its households): the stops split among them. Each stop shows its
 * arrival (minutes after leaving) and the load left; stops no truck can take are listed with
 * the reason. With --json one object `{ runs: [{ truck, stops: [{ id, arrivalSeconds, loadLeft }],
 * seconds, load }], unassigned: [{ id, reason, detail }], givenSeconds, savingSeconds }`. Exit 0
 * when planned (unassigned stops included), 2 for bad arguments.
 */
import { parseArgs } from 'node:util';
import { closureInputFromFeatures } from '../src/routing/closures.ts';
import { planRuns } from '../src/routing/plan-run.ts';
import { buildRoutingNetwork } from '../src/routing/routing-network.ts';
import { COMMON_OPTIONS, failWith, parseOrFail, placeOf, readDataFolder } from './data-folder.ts';

const fail: (message: string) => never = failWith(
  'plan',
  '--from <depot id> --stops <id,id,...> [--trucks N --capacity P] [--pass] [--no-closures] [--json] [--dir DIR] [--zones FILE]',
);

const args = parseOrFail(
  () =>
    parseArgs({
      options: {
        ...COMMON_OPTIONS,
        stops: { type: 'string' },
        trucks: { type: 'string' },
        capacity: { type: 'string' },
      },
    }).values,
  fail,
);
if (!args.from || !args.stops) fail('--from and --stops are required');
const trucks = args.trucks === undefined ? 1 : Number(args.trucks);
if (!Number.isInteger(trucks) || trucks < 1 || trucks > 100)
  fail(`--trucks must be a whole number from 1 to 100, not ${args.trucks}`);
const capacity = args.capacity === undefined ? Infinity : Number(args.capacity);
if (!(capacity > 0)) fail(`--capacity must be a positive number of parcels, not ${args.capacity}`);
if (trucks > 1 && args.capacity === undefined) fail('--trucks needs --capacity');

const data = readDataFolder(args.dir, args.zones, fail);
const depot = data.sites.find((f) => f.properties.id === args.from);
if (!depot || depot.properties.kind !== 'depot') fail(`"${args.from}" is not a depot of ${args.dir}`);
const stopIds = args.stops
  .split(',')
  .map((id) => id.trim())
  .filter(Boolean);
if (!stopIds.length) fail('--stops lists no compound');
if (new Set(stopIds).size !== stopIds.length) fail('--stops names a compound twice');
const compounds = stopIds.map(
  (id) => data.compounds.find((f) => f.properties.id === id) ?? fail(`no compound "${id}" in ${args.dir}`),
);

const network = buildRoutingNetwork(data.roads);
const input = closureInputFromFeatures(
  args['no-closures'] ? [] : data.zones,
  args['no-closures'] ? [] : data.sites,
  args.pass,
);
const plan = planRuns(network, input, {
  start: depot.geometry.coordinates,
  stops: compounds.map((c) => ({
    id: c.properties.id,
    position: placeOf(data, c.properties.id, fail),
    parcels: c.properties.households,
  })),
  trucks:
    args.capacity === undefined
      ? undefined
      : Array.from({ length: trucks }, (_, i) => ({ id: `truck-${i + 1}`, capacity })),
});
const { runs, unassigned, givenSeconds, savingSeconds } = plan;

if (args.json) {
  console.log(
    JSON.stringify({
      runs: runs.map(({ legs: _legs, ...run }) => run),
      unassigned,
      givenSeconds,
      savingSeconds,
    }),
  );
} else {
  for (const run of runs) {
    console.log(`${run.truck}: ${(run.seconds / 60).toFixed(1)} min driving, ${run.load} parcels`);
    for (const stop of run.stops) {
      console.log(`  ${stop.id}  arrives +${(stop.arrivalSeconds / 60).toFixed(1)} min, ${stop.loadLeft} parcels left`);
    }
  }
  if (givenSeconds !== null && savingSeconds !== null) {
    console.log(`order given: ${(givenSeconds / 60).toFixed(1)} min; saving ${(savingSeconds / 60).toFixed(1)} min`);
  }
  for (const u of unassigned) console.log(`not planned: ${u.id} (${u.reason}: ${u.detail})`);
}
