/**
 * Public map benchmark: the gzip size of every file the public route downloads (deck.gl, which
 * only the staff maps load, left out), and per cold page load in headless Chromium against the
 * local stack: navigation → the legend's zone counts (the text status), → the first map frame
 * with the zones (the app's `map:zones-drawn` mark), bytes over the wire until then (and of them
 * JavaScript and CSS), the JS heap once drawn; on the demo data at 1280x800 and as the cheap
 * phone of issue 13 (CPU 4x slower, 1.6 Mbps, 150 ms, 360x740), on the `--scale 10` city and on
 * the `--scale 80` city, where the heap is also measured after 30 s of panning and zooming. The
 * baseline of each load is its own DOMContentLoaded. `BENCH_SCALE80=0` leaves scale 80 out (its
 * stack folder takes minutes to seed the first time).
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
    // deck.gl: loaded only by maps created with `deck` (the staff views), never by the public one.
    if (/deck-overlay/.test(key)) return;
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
  // Whole-layer files only; tiles and road cells are counted in what a page load transfers.
  const basemap = readdirSync(join(appDir, 'basemap'), { withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map(({ name }) => ({ file: `basemap/${name}`, size: kib(`basemap/${name}`) }));
  const total = code.reduce((sum, { size }) => sum + size, 0);
  const short = (file: string) => file.replace(/-[\w-]{8}\./, '.');
  return [
    ...code.map(({ file, size }) => ({ name: `public route: ${short(file)}`, samples: [size], unit: 'KiB gzip' })),
    { name: 'public route: all code and CSS', samples: [total], unit: 'KiB gzip', note: 'entry + public view chunks + maplibre worker; font subsets load per code point used' },
    ...nearest.map(({ file, size }) => ({ name: `public route, first nearest-sites question: ${short(file)}`, samples: [size], unit: 'KiB gzip' })),
    ...basemap.map(({ file, size }) => ({ name: `basemap data: ${file.replace(/-\w{10}\./, '.')}`, samples: [size], unit: 'KiB gzip' })),
  ];
}

/** Records when the legend first shows a zone count: the text status, usable before the map. */
const WATCH_STATUS = `(() => {
  const check = () => {
    if (window.__statusAt) return;
    const count = document.querySelector('[data-testid="legend-count-lockdown"]');
    if (count && /[1-9]/.test(count.textContent || '')) window.__statusAt = performance.now();
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true });
})()`;

/** The cheap phone of the issue: a 4x slower CPU, 1.6 Mbps down, 750 kbps up, 150 ms latency. */
const CHEAP_PHONE = { cpu: 4, latency: 150, download: (1.6e6 / 8) | 0, upload: (750e3 / 8) | 0 };

interface LoadMetrics {
  /** Navigation → first frame with zones (the app's `map:zones-drawn` mark). */
  drawn: number;
  /** Navigation → the legend shows the zone counts. */
  status: number;
  /** Navigation → DOMContentLoaded. */
  shell: number;
  /** Bytes over the wire until the map was drawn (the page's DevTools session, plus its workers' requests as Playwright reports them). */
  transferred: number;
  /** Of which JavaScript and CSS. */
  code: number;
  /** JS heap after a collection, once drawn (MiB). */
  heap: number;
  /** JS heap growth over `pan` seconds of panning, per minute (MiB/min), when asked. */
  heapGrowth?: number;
}

/** One cold load of the public map (fresh profile), optionally as the cheap phone and with panning. */
async function loadOnce(url: string, options: { phone?: boolean; panSeconds?: number } = {}): Promise<LoadMetrics> {
  // With the HTTP cache on, as a resident's browser: a file the page and the map both ask for
  // (a font subset) is downloaded once.
  const browser = await launchBrowser(undefined, { cache: true });
  try {
    const page = await browser.context.newPage();
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send('Network.enable');
    let transferred = 0;
    let code = 0;
    const urls = new Map<string, string>();
    cdp.on('Network.requestWillBeSent', (event: { requestId: string; request: { url: string } }) => urls.set(event.requestId, event.request.url));
    cdp.on('Network.loadingFinished', (event: { requestId: string; encodedDataLength: number }) => {
      transferred += event.encodedDataLength;
      if (/\.(m?js|css)(\?|$)/.test(urls.get(event.requestId) ?? '')) code += event.encodedDataLength;
    });
    cdp.on('Network.webSocketFrameReceived', (event: { response: { payloadData: string } }) => (transferred += event.response.payloadData.length));
    // The page's DevTools session does not see its workers' requests (MapLibre's worker script
    // and the tiles its workers fetch); Playwright reports them on the page.
    const workerRequests: Promise<{ url: string; bytes: number }>[] = [];
    page.on('requestfinished', (request) =>
      workerRequests.push(request.sizes().then((sizes) => ({ url: request.url(), bytes: sizes.responseBodySize + sizes.responseHeadersSize }))),
    );
    if (options.phone) {
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: CHEAP_PHONE.cpu });
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: CHEAP_PHONE.latency,
        downloadThroughput: CHEAP_PHONE.download,
        uploadThroughput: CHEAP_PHONE.upload,
      });
      await page.setViewportSize({ width: 360, height: 740 });
    }
    await page.addInitScript(WATCH_STATUS);
    await page.goto(`${url}/#/`);
    await page.waitForSelector('[data-map-ready="true"]', { timeout: 300_000 });
    const seen = new Set(urls.values());
    const fromWorkers = (await Promise.all(workerRequests.slice())).filter((request) => !seen.has(request.url));
    const drawnTransfer = transferred + fromWorkers.reduce((sum, request) => sum + request.bytes, 0);
    const drawnCode = code + fromWorkers.filter((request) => /\.(m?js|css)(\?|$)/.test(request.url)).reduce((sum, request) => sum + request.bytes, 0);
    const timing = (await page.evaluate(`({
      drawn: performance.getEntriesByName('map:zones-drawn')[0]?.startTime ?? NaN,
      status: window.__statusAt ?? NaN,
      shell: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
    })`)) as Pick<LoadMetrics, 'drawn' | 'status' | 'shell'>;
    const heapNow = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
      return usedSize / 2 ** 20;
    };
    const heap = await heapNow();
    let heapGrowth: number | undefined;
    if (options.panSeconds) {
      const box = (await page.getByTestId('map').boundingBox())!;
      const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
      const started = Date.now();
      let step = 0;
      // Drag across the city in a slow spiral, zooming in and out now and then.
      while (Date.now() - started < options.panSeconds * 1000) {
        const angle = step * 0.9;
        await page.mouse.move(cx, cy);
        await page.mouse.down();
        await page.mouse.move(cx + Math.cos(angle) * 250, cy + Math.sin(angle) * 200, { steps: 8 });
        await page.mouse.up();
        if (step % 6 === 5) await page.mouse.wheel(0, step % 12 === 5 ? -400 : 400);
        await page.waitForTimeout(150);
        step++;
      }
      await page.waitForTimeout(1000);
      heapGrowth = ((await heapNow()) - heap) / (options.panSeconds / 60);
    }
    if (browser.outsideRequests.length) throw new Error(`requests left the machine: ${browser.outsideRequests.join(', ')}`);
    return { ...timing, transferred: drawnTransfer, code: drawnCode, heap, heapGrowth };
  } finally {
    await browser.close();
  }
}

async function loads(url: string, n: number, options: { phone?: boolean; panSeconds?: number } = {}): Promise<LoadMetrics[]> {
  const all: LoadMetrics[] = [];
  for (let i = 0; i < n; i++) all.push(await loadOnce(url, options));
  return all;
}

/** The cases of one city's loads, named `<label>: …`. */
function loadCases(label: string, metrics: LoadMetrics[], note: string): BenchCase[] {
  const pick = (key: keyof LoadMetrics) => metrics.map((m) => m[key]).filter((v): v is number => typeof v === 'number');
  const cases: BenchCase[] = [
    { name: `${label}: app shell (DOMContentLoaded)`, samples: pick('shell') },
    { name: `${label}: zone counts shown (text status)`, samples: pick('status'), baseline: `${label}: app shell (DOMContentLoaded)` },
    { name: `${label}: first frame with zones`, samples: pick('drawn'), baseline: `${label}: app shell (DOMContentLoaded)`, note },
    { name: `${label}: transferred until the map is drawn`, samples: pick('transferred').map((b) => b / 2 ** 20), unit: 'MiB' },
    { name: `${label}: of which JavaScript and CSS`, samples: pick('code').map((b) => b / 1024), unit: 'KiB' },
    { name: `${label}: JS heap once drawn`, samples: pick('heap'), unit: 'MiB' },
  ];
  const growth = pick('heapGrowth');
  if (growth.length) cases.push({ name: `${label}: JS heap growth while panning`, samples: growth, unit: 'MiB/min' });
  return cases;
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
        cases.push(...loadCases('demo data', await loads(url, n), 'headless Chromium, SwiftShader WebGL, cold cache, 1280x800'));
        cases.push(...loadCases('demo data, cheap phone', await loads(url, Math.min(n, 3), { phone: true }), '360x740, CPU 4x slower, 1.6 Mbps, 150 ms latency'));
      });
    } finally {
      await rm(demoDir, { recursive: true, force: true });
    }

    // Seeding the scale-10 city takes a while: its data folder is kept between runs.
    const cityDir = scaleCityDir(10);
    await withServedApp(cityDataDir(10), cityDir, async (url) => {
      cases.push(...loadCases('scale-10 city', await loads(url, n), 'basemap and zones of a 3-million city'));
    });
    if (process.env.BENCH_SCALE80 !== '0') {
      // Seeding the scale-80 city into a stack takes long the first time (its folder is kept).
      await withServedApp(cityDataDir(80), scaleCityDir(80), async (url) => {
        cases.push(...loadCases('scale-80 city', await loads(url, Math.min(n, 3), { panSeconds: 30 }), '17,969 zones, 751,668 road edges; heap growth over 30 s of panning'));
      });
    }
    return cases;
  },
});

export default bench;

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const c of await bench.run()) {
    console.log(`${c.name}\t${c.samples.map((v) => v.toFixed(1)).join(' ')}\t${c.unit ?? 'ms'}`);
  }
}
