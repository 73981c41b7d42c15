/**
 * The dataset generator (data/generator): generating the committed district (scale 1), the
 * scale-10 benchmark city and the Shanghai-sized scale-80 city in memory, and scale 80
 * generated and written to disk as `npm run data -- --scale 80` does. The issue asks for
 * scale 80 in under a minute.
 *
 * Run: `npm run bench -- data-generator` or `npx tsx tests/bench/data-generator.bench.ts`.
 */
import { rmSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generate } from '../../data/generator/generate.ts';
import { writeDataset } from '../../data/generator/write.ts';
import { defineBench, measure, median, percentile, runs } from './bench.ts';

const OUT = fileURLToPath(new URL('../.tmp/bench-scale80', import.meta.url));

const bench = defineBench({
  name: 'dataset generator',
  async run() {
    const sizes: Record<number, string> = {};
    const timed = (scale: number, n: number, warmup = 0) =>
      measure(
        n,
        async () => {
          const d = generate({ scale });
          sizes[scale] =
            `${d.roads.features.length} road edges, ${d.compounds.features.length} compounds, ${d.sites.features.length} sites, ${d.zones.features.length} zones`;
        },
        warmup,
      );
    const one = await timed(1, runs(5), 1);
    const ten = await timed(10, runs(3));
    const eighty = await timed(80, runs(2));
    const written = await measure(1, async () => writeDataset(OUT, generate({ scale: 80 })));
    rmSync(OUT, { recursive: true, force: true });
    return [
      { name: 'generate, scale 1', samples: one, note: sizes[1] },
      { name: 'generate, scale 10', samples: ten, baseline: 'generate, scale 1', note: sizes[10] },
      { name: 'generate, scale 80', samples: eighty, baseline: 'generate, scale 1', note: sizes[80] },
      {
        name: 'generate + write, scale 80',
        samples: written,
        baseline: 'generate, scale 80',
        note: 'npm run data -- --scale 80',
      },
    ];
  },
});
export default bench;

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const c of await bench.run())
    console.log(
      `${c.name}: median ${median(c.samples).toFixed(0)} ms, p99 ${percentile(c.samples, 99).toFixed(0)} ms (n=${c.samples.length}) ${c.note ?? ''}`,
    );
}
