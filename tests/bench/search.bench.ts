/**
 * Compound search on the scale-10 city (1,280 compounds): the gram index against a linear
 * scan that scores every compound with the same scorer, same queries, same run. The issue's
 * target is an answer within one frame (16.7 ms) on a phone.
 *
 * Run: `npm run bench -- search` or `npx tsx tests/bench/search.bench.ts`.
 */
import type { MultiPolygon } from 'geojson';
import { pathToFileURL } from 'node:url';
import { buildCompoundSearchIndex, type SearchableCompound } from '../../src/search/compound-index.ts';
import { defineBench, measure, median, percentile, runs } from './bench.ts';
import { readLayer, scaleCityDir } from './scale-city.ts';

/** Cycles through a list; `measure` numbers warm-up runs -1, -2, ... */
const at = (i: number, length: number) => ((i % length) + length) % length;

/** The examples, then partial, typo'd and low-selectivity queries. */
const QUERIES = ['江山鼎', '江山', 'jiangshanding', 'jiangshandin', 'Jiang Shan Ding', 'jaingshanding', '花园', 'garden', 'jiayuan', 'j', 'zhenxing jiayaun', '锦绣府'];

function loadCompounds(): SearchableCompound[] {
  const layer = readLayer<MultiPolygon, { id: string; name_zh: string; name_en: string | null }>(scaleCityDir(10), 'compounds');
  return layer.features.map(({ properties: p }) => ({ id: p.id, name: p.name_zh, name_en: p.name_en }));
}

const bench = defineBench({
  name: 'compound search',
  async run() {
    const compounds = loadCompounds();
    const note = `scale-10 city, ${compounds.length} compounds, ${QUERIES.length} queries in turn (${QUERIES.join(' | ')})`;
    const build = await measure(runs(5), async () => buildCompoundSearchIndex(compounds), 1);
    const index = buildCompoundSearchIndex(compounds);
    const n = runs(50) * QUERIES.length;
    const scan = await measure(n, async (i) => index.scan(QUERIES[at(i, QUERIES.length)]), QUERIES.length * 5);
    const search = await measure(n, async (i) => index.search(QUERIES[at(i, QUERIES.length)]), QUERIES.length * 5);
    return [
      { name: 'build index', samples: build, note: `${compounds.length} compounds` },
      { name: 'linear scan, every compound scored', samples: scan, note },
      { name: 'index search', samples: search, baseline: 'linear scan, every compound scored', note },
    ];
  },
});
export default bench;

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const c of await bench.run()) console.log(`${c.name}: median ${median(c.samples).toFixed(3)} ms, p99 ${percentile(c.samples, 99).toFixed(3)} ms (n=${c.samples.length})`);
}
