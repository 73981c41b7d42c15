/**
 * Public map benchmark (issue 5): the gzip size of every file the public route downloads, and
 * the time from navigation to the first map frame with the zones drawn (the app's
 * `map:zones-drawn` performance mark), in headless Chromium against the local stack, cold cache,
 * on the demo data and on the `--scale 10` city; beside the time to DOMContentLoaded of the same
 * page loads as the baseline.
 *
 * Run: `npm run bench -- public-map`, or `npx tsx tests/bench/public-map.bench.ts`.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { cp, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { launchBrowser } from '../e2e/helpers/browser.ts';
import { ensureTemplate, ROOT, TMP } from '../helpers/template.ts';
import { defineBench, runs, type BenchCase } from './bench.ts';
import { cityDataDir, withServedApp } from './chromium-stack.ts';
import { scaleCityDir } from './scale-city.ts';

interface ManifestChunk {
  file: string;
  css?: string[];
  imports?: string[];
  dynamicImports?: string[];
}

/**
 * Files the public route loads: the entry, the public view and everything it imports (the site
 * overlay it loads itself included), and the map worker. The entry's other dynamic imports are
 * the staff screens, which the public route must not load. The routing client and its worker
 * are loaded on the first "nearest testing sites" question only: listed apart.
 */
function publicRouteFiles(appDir: string): { initial: string[]; onRequest: string[] } {
  const manifest = JSON.parse(readFileSync(join(appDir, '.vite/manifest.json'), 'utf8')) as Record<string, ManifestChunk>;
  const files = new Set<string>();
  const routing = new Set<string>();
  const visit = (key: string, followDynamic: boolean, into: Set<string>) => {
    const chunk = manifest[key];
    if (!chunk || files.has(chunk.file) || routing.has(chunk.file)) return;
    if (into === files && /routing/.test(key)) return visit(key, followDynamic, routing);
    into.add(chunk.file);
    chunk.css?.forEach((css) => into.add(css));
    chunk.imports?.forEach((imported) => visit(imported, followDynamic, into));
    if (followDynamic) chunk.dynamicImports?.forEach((imported) => visit(imported, true, into));
  };
  visit('index.html', false, files);
  visit('src/views/public/PublicView.svelte', true, files);
  for (const name of readdirSync(join(appDir, 'assets'))) {
    if (name.startsWith('maplibre-gl-worker')) files.add(`assets/${name}`);
    if (name.startsWith('routing.worker')) routing.add(`assets/${name}`);
  }
  return { initial: [...files].sort(), onRequest: [...routing].sort() };
}

function sizeCases(appDir: string): BenchCase[] {
  const kib = (file: string) => gzipSync(readFileSync(join(appDir, file)), { level: 9 }).length / 1024;
  const { initial, onRequest } = publicRouteFiles(appDir);
  const code = initial.map((file) => ({ file, size: kib(file) }));
  const nearest = onRequest.map((file) => ({ file, size: kib(file) }));
  const basemap = readdirSync(join(appDir, 'basemap')).map((name) => ({ file: `basemap/${name}`, size: kib(`basemap/${name}`) }));
  const total = code.reduce((sum, { size }) => sum + size, 0);
  const short = (file: string) => file.replace(/-[\w-]{8}\./, '.');
  return [
    ...code.map(({ file, size }) => ({ name: `public route: ${short(file)}`, samples: [size], unit: 'KiB gzip' })),
    { name: 'public route: all code and CSS', samples: [total], unit: 'KiB gzip', note: 'entry + public view chunks + maplibre worker; font subsets load per code point used' },
    ...nearest.map(({ file, size }) => ({ name: `public route, first nearest-sites question: ${short(file)}`, samples: [size], unit: 'KiB gzip' })),
    ...basemap.map(({ file, size }) => ({ name: `basemap data: ${file.replace(/-\w{10}\./, '.')}`, samples: [size], unit: 'KiB gzip' })),
  ];
}

/** Navigation → first frame with zones, and navigation → DOMContentLoaded, `n` cold loads. */
async function firstFrames(url: string, n: number): Promise<{ drawn: number[]; shell: number[] }> {
  const drawn: number[] = [];
  const shell: number[] = [];
  for (let i = 0; i < n; i++) {
    const browser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      await page.goto(`${url}/#/`);
      await page.waitForSelector('[data-map-ready="true"]', { timeout: 180_000 });
      const timing = await page.evaluate(() => ({
        drawn: performance.getEntriesByName('map:zones-drawn')[0]?.startTime ?? Number.NaN,
        shell: (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).domContentLoadedEventEnd,
      }));
      drawn.push(timing.drawn);
      shell.push(timing.shell);
      if (browser.outsideRequests.length) throw new Error(`requests left the machine: ${browser.outsideRequests.join(', ')}`);
    } finally {
      await browser.close();
    }
  }
  return { drawn, shell };
}

const bench = defineBench({
  name: 'public-map',
  async run() {
    const n = runs(5);
    const cases: BenchCase[] = [];

    const demoDir = join(TMP, 'bench-public-map', `demo-${process.pid}`);
    await mkdir(join(TMP, 'bench-public-map'), { recursive: true });
    await cp(await ensureTemplate(), demoDir, { recursive: true });
    try {
      await withServedApp(demoDir, join(ROOT, 'data/nantong'), async (url, appDir) => {
        cases.push(...sizeCases(appDir));
        const { drawn, shell } = await firstFrames(url, n);
        cases.push({ name: 'demo data: app shell (DOMContentLoaded)', samples: shell });
        cases.push({ name: 'demo data: first frame with zones', samples: drawn, baseline: 'demo data: app shell (DOMContentLoaded)', note: 'headless Chromium, SwiftShader WebGL, cold cache, 1280x800' });
      });
    } finally {
      await rm(demoDir, { recursive: true, force: true });
    }

    // Seeding the scale-10 city takes a while: its data folder is kept between runs.
    const cityDir = scaleCityDir(10);
    await withServedApp(cityDataDir(10), cityDir, async (url) => {
      const { drawn, shell } = await firstFrames(url, n);
      cases.push({ name: 'scale-10 city: app shell (DOMContentLoaded)', samples: shell });
      cases.push({ name: 'scale-10 city: first frame with zones', samples: drawn, baseline: 'scale-10 city: app shell (DOMContentLoaded)', note: 'scale-10 city: basemap and zones of a 3-million city' });
    });
    return cases;
  },
});

export default bench;

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const c of await bench.run()) {
    console.log(`${c.name}\t${c.samples.map((v) => v.toFixed(1)).join(' ')}\t${c.unit ?? 'ms'}`);
  }
}
