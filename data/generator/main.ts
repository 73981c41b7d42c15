import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SEED, generate } from './generate.ts';
import { writeDataset } from './write.ts';

/**
 * npm run data                                  -> data/nantong/ (committed)
 * npm run data -- --scale 10 --out data/out/x10 -> a city 10 times larger (not committed)
 * Options: --scale N (positive integer, default 1), --out DIR, --seed TEXT.
 */
const args = parseArgs(process.argv.slice(2));
const scale = Number(args.scale ?? '1');
const seed = args.seed ?? DEFAULT_SEED;
const here = dirname(fileURLToPath(import.meta.url));
const out = args.out
  ? resolve(args.out)
  : scale === 1
    ? join(here, '..', 'nantong')
    : join(here, '..', 'out', `scale-${scale}`);

const t0 = performance.now();
const data = generate({ seed, scale });
const t1 = performance.now();
writeDataset(out, data);
const t2 = performance.now();

const residents = data.compounds.features.reduce((s, f) => s + f.properties.residents, 0);
console.log(`scale ${scale}, seed "${seed}" -> ${out}`);
console.log(
  `  ${data.roads.features.length} road edges, ${data.compounds.features.length} compounds, ${residents} residents, ` +
    `${data.sites.features.length} sites, ${data.zones.features.length} zones`,
);
console.log(`  generated in ${((t1 - t0) / 1000).toFixed(1)} s, written in ${((t2 - t1) / 1000).toFixed(1)} s`);

function parseArgs(argv: string[]): Record<string, string> {
  const known = new Set(['scale', 'out', 'seed']);
  const parsed: Record<string, string> = {};
  for (let k = 0; k < argv.length; k += 2) {
    const flag = argv[k];
    const value = argv[k + 1];
    if (!flag.startsWith('--') || !known.has(flag.slice(2)) || value === undefined) {
      console.error(`usage: npm run data -- [--scale N] [--out DIR] [--seed TEXT] (got ${argv.join(' ')})`);
      process.exit(2);
    }
    parsed[flag.slice(2)] = value;
  }
  return parsed;
}
