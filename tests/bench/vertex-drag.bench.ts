/**
 * Vertex drag in the commander's editor (issue: "a vertex drag on the scale-10 city stays at 60
 * frames per second in headless Chromium"): frame times while one vertex of an open zone is
 * dragged, the impact panel recomputing live, beside frame times while the mouse pans the map
 * with the same number of steps at the same pace (the baseline: what the map alone costs on this
 * machine), in headless Chromium at 1280x800 against the local stack, on the demo district and
 * the scale-10 city. The zone is the active zone with the most vertices; the vertex its shell's
 * southernmost one, dragged straight south. Every drag must mark the zone unsaved and change the
 * impact panel, or the bench fails; the drag is undone before the next run.
 *
 * Headless Chromium draws WebGL in software (SwiftShader): the baseline shows what that costs.
 *
 * Run: `npm run bench -- vertex-drag`, or `npx tsx tests/bench/vertex-drag.bench.ts`.
 */
import { cp, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import type { Page } from 'playwright-core';
import { polygonsOf } from '../../src/geo/zone-geometry.ts';
import { DEMO_PASSWORD, DEMO_USERS } from '../../supabase/seed/seed.ts';
import { launchBrowser } from '../e2e/helpers/browser.ts';
import { toPagePoint } from '../e2e/helpers/map-math.ts';
import { ensureTemplate, ROOT, TMP } from '../helpers/template.ts';
import { defineBench, median, runs, type BenchCase } from './bench.ts';
import { cityDataDir, signIn, startFrames, stopFrames, withServedApp } from './chromium-stack.ts';
import { readLayer, scaleCityDir } from './scale-city.ts';

/** Mouse moves per gesture, one every frame at 60 Hz, over DISTANCE page pixels. */
const STEPS = 120;
const STEP_MS = 1000 / 60;
const DISTANCE = 150;
/** Held still before the button is released: a pan then ends without inertia. */
const HOLD_MS = 250;
/** The zone's bounding box fills this share of the map's width and height. */
const FIT = 0.4;
const TIMEOUT = 300_000;

const COMMANDER = DEMO_USERS.find((user) => user.role === 'commander')!.email;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

interface Zone {
  id: string;
  vertices: number;
  shellVertices: number;
  /** The shell vertex dragged (terra-draw selects the first ring, the first part's shell). */
  vertex: Position;
  bbox: [number, number, number, number];
}

/** The active zone with the most vertices (first by id on a tie) and its shell's southernmost vertex. */
function pickZone(seedDir: string): Zone {
  const zones = readLayer<Polygon | MultiPolygon, { id: string; status: string }>(seedDir, 'zones');
  let best: Zone | null = null;
  for (const { properties, geometry } of zones.features) {
    if (properties.status !== 'active') continue;
    const polygons = polygonsOf(geometry);
    // Rings are closed: the last position repeats the first.
    const vertices = polygons.flat(1).reduce((sum, ring) => sum + ring.length - 1, 0);
    if (best && (vertices < best.vertices || (vertices === best.vertices && properties.id > best.id))) continue;
    const shell = polygons[0][0].slice(0, -1);
    const vertex = shell.reduce((south, p) => (p[1] < south[1] ? p : south));
    const all = polygons.flat(2);
    const xs = all.map((p) => p[0]);
    const ys = all.map((p) => p[1]);
    best = {
      id: properties.id,
      vertices,
      shellVertices: shell.length,
      vertex,
      bbox: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)],
    };
  }
  if (!best) throw new Error(`no active zone in ${seedDir}`);
  return best;
}

interface Camera {
  zoom: number;
  center: Position;
}

const mercatorY = (lat: number) => Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360));

/** The camera framing `bbox` in FIT of a map `width` x `height` (rounded as a link writes it). */
function framing([w, s, e, n]: Zone['bbox'], width: number, height: number): Camera {
  const radiansWide = ((e - w) * Math.PI) / 180;
  const radiansHigh = mercatorY(n) - mercatorY(s);
  // 512 * 2^zoom / 2π pixels per radian (MapLibre's world is 512 px wide at zoom 0).
  const pixelsPerRadian = Math.min((FIT * width) / radiansWide, (FIT * height) / radiansHigh);
  const zoom = Math.floor(Math.log2((pixelsPerRadian * 2 * Math.PI) / 512) * 100) / 100;
  const lat = Number(((s + n) / 2).toFixed(5));
  const lng = Number(((w + e) / 2).toFixed(5));
  return { zoom, center: [lng, lat] };
}

/** The camera as the app last wrote it into the link (`map=zoom/lat/lng`). */
async function linkCamera(page: Page): Promise<Camera> {
  const hash = await page.evaluate(() => window.location.hash);
  const match = /[?&]map=([\d.-]+)\/([\d.-]+)\/([\d.-]+)/.exec(hash);
  if (!match) throw new Error(`no camera in the link: ${hash}`);
  return { zoom: Number(match[1]), center: [Number(match[3]), Number(match[2])] };
}

/** Fails unless the map canvas itself (no panel or control over it) is at page point (x, y). */
async function assertOnMap(page: Page, point: { x: number; y: number }, what: string): Promise<void> {
  const hit = await page.evaluate(({ x, y }) => {
    const element = document.elementFromPoint(x, y);
    return element?.classList.contains('maplibregl-canvas') ? null : (element?.outerHTML.slice(0, 120) ?? 'nothing');
  }, point);
  if (hit) throw new Error(`${what} at (${point.x.toFixed(0)}, ${point.y.toFixed(0)}) is not on the map canvas but on ${hit}`);
}

/**
 * Mouse down at `from`, STEPS moves to `from` + (0, `dy`), one every STEP_MS (later when the page
 * lags: a move is sent once the page took the previous one), hold, up. Returns the frame times
 * from the button press to the last move, and how long the moves took.
 */
async function gesture(page: Page, from: { x: number; y: number }, dy: number, record: boolean) {
  await page.mouse.move(from.x, from.y);
  await sleep(100);
  if (record) await startFrames(page);
  await page.mouse.down();
  const started = performance.now();
  for (let i = 1; i <= STEPS; i++) {
    const wait = started + i * STEP_MS - performance.now();
    if (wait > 0) await sleep(wait);
    await page.mouse.move(from.x, from.y + (dy * i) / STEPS);
  }
  const took = performance.now() - started;
  const frames = record ? await stopFrames(page) : [];
  await sleep(HOLD_MS);
  await page.mouse.up();
  return { frames, took };
}

/** Counts the impact panel's DOM updates and the households figures it shows (a string: see START_FRAMES). */
const WATCH_IMPACT = `(() => {
  const panel = document.querySelector('[data-testid="impact-panel"]');
  if (!panel) throw new Error('no impact panel');
  const households = () => panel.querySelector('[data-testid="impact-households"] .value')?.textContent ?? '';
  const seen = { updates: 0, households: [households()] };
  const observer = new MutationObserver(() => {
    seen.updates++;
    const now = households();
    if (now !== seen.households.at(-1)) seen.households.push(now);
  });
  observer.observe(panel, { subtree: true, childList: true, characterData: true });
  window.__impact = { seen, observer };
})()`;

const IMPACT_SEEN = `(() => {
  window.__impact.observer.disconnect();
  return window.__impact.seen;
})()`;

const watchImpact = (page: Page) => page.evaluate(WATCH_IMPACT);
const impactSeen = async (page: Page) => (await page.evaluate(IMPACT_SEEN)) as { updates: number; households: string[] };

const impactText = (page: Page) => page.getByTestId('impact-panel').locator('dl').innerText();

interface Measured {
  pan: number[];
  drag: number[];
  panTook: number[];
  dragTook: number[];
  updates: number[];
  householdChanges: number[];
  settle: number[];
}

/** Signs in, opens the zone framed on the map, then `n` drags (each undone) and `n` pans (each panned back). */
async function measureDrags(url: string, zone: Zone, n: number): Promise<Measured> {
  const browser = await launchBrowser();
  const errors: string[] = [];
  try {
    const page = await browser.context.newPage();
    page.on('pageerror', (error) => errors.push(error.stack ?? error.message));
    await signIn(page, url, COMMANDER, DEMO_PASSWORD);
    await page.getByTestId('view-commander').waitFor({ timeout: TIMEOUT });
    const map = page.getByTestId('map');
    const box = (await map.boundingBox())!;
    const camera = framing(zone.bbox, box.width, box.height);
    await page.goto(
      `${url}/#/command?sel=zone:${zone.id}&map=${camera.zoom}/${camera.center[1]}/${camera.center[0]}`,
    );
    // The camera of a link is read when the map starts: load the page at it (the session is kept).
    await page.reload();
    await page.waitForSelector('[data-map-ready="true"]', { timeout: TIMEOUT });
    await page.locator(`[data-testid="zone-editor"][data-zone-id="${zone.id}"]`).waitFor({ timeout: TIMEOUT });
    await page.getByTestId('impact-panel').waitFor({ timeout: TIMEOUT });
    await sleep(2000);

    const result: Measured = { pan: [], drag: [], panTook: [], dragTook: [], updates: [], householdChanges: [], settle: [] };
    const unsaved = page.getByTestId('zone-unsaved');
    // One unmeasured round first: code paths warm, and a drag that does not take fails before any figure is kept.
    for (let i = -1; i < n; i++) {
      const record = i >= 0;

      // The case: drag the vertex where the link's camera puts it.
      const now = await linkCamera(page);
      const at = toPagePoint(zone.vertex, now.center, now.zoom, box);
      await assertOnMap(page, at, 'the vertex');
      await assertOnMap(page, { x: at.x, y: at.y + DISTANCE }, "the drag's end");
      if (await unsaved.count()) throw new Error('the zone is marked unsaved before the drag');
      const before = await impactText(page);
      await watchImpact(page);
      const drag = await gesture(page, at, DISTANCE, record);
      const released = performance.now();
      await unsaved.waitFor({ timeout: 60_000 }).catch(() => {
        throw new Error(
          `the vertex drag did not take: zone ${zone.id} is not marked unsaved 60 s after the drag from ` +
            `(${at.x.toFixed(0)}, ${at.y.toFixed(0)}) to (${at.x.toFixed(0)}, ${(at.y + DISTANCE).toFixed(0)})`,
        );
      });
      const settle = performance.now() - released;
      const seen = await impactSeen(page);
      const after = await impactText(page);
      if (seen.updates === 0 || after === before)
        throw new Error(`the impact panel did not change during the drag of zone ${zone.id}: ${after}`);
      await page.getByTestId('undo').click();
      await unsaved.waitFor({ state: 'detached', timeout: 60_000 });
      await sleep(500);
      if ((await impactText(page)) !== before) throw new Error('undo did not bring the impact figures back');

      // The baseline: pan the map, the same gesture on an empty spot left of the zone, then pan back.
      const start = { x: box.x + box.width * 0.12, y: at.y };
      await assertOnMap(page, start, 'the pan start');
      await assertOnMap(page, { x: start.x, y: start.y + DISTANCE }, "the pan's end");
      const pan = await gesture(page, start, DISTANCE, record);
      await sleep(300);
      const panned = await linkCamera(page);
      const moved = toPagePoint(now.center, panned.center, panned.zoom, box);
      if (Math.abs(moved.y - (box.y + box.height / 2) - DISTANCE) > 5)
        throw new Error(`the pan did not move the map by ${DISTANCE} px: the old centre is now at ${JSON.stringify(moved)}`);
      // Back where it was (the next drag reads the camera from the link all the same).
      await gesture(page, { x: start.x, y: start.y + DISTANCE }, -DISTANCE, false);
      await sleep(300);
      if (errors.length) throw new Error(`the page threw: ${errors.join('\n')}`);

      if (record) {
        result.drag.push(...drag.frames);
        result.pan.push(...pan.frames);
        result.dragTook.push(drag.took);
        result.panTook.push(pan.took);
        result.updates.push(seen.updates);
        result.householdChanges.push(seen.households.length - 1);
        result.settle.push(settle);
      }
    }
    if (browser.outsideRequests.length) throw new Error(`requests left the machine: ${browser.outsideRequests.join(', ')}`);
    return result;
  } finally {
    await browser.close();
  }
}

function cases(label: string, zone: Zone, m: Measured, city: string): BenchCase[] {
  const frames = (xs: number[]) => `${xs.length} frames`;
  const over = (xs: number[]) => `${((100 * xs.filter((x) => x > 1000 / 60 + 1).length) / xs.length).toFixed(0)}% over 17.7 ms`;
  return [
    {
      name: `${label}: pan the map, frame time`,
      samples: m.pan,
      note: `${frames(m.pan)} over ${m.panTook.length} pans of ${STEPS} mouse moves (${over(m.pan)}); headless Chromium, SwiftShader WebGL, 1280x800`,
    },
    {
      name: `${label}: drag a zone vertex, frame time`,
      samples: m.drag,
      baseline: `${label}: pan the map, frame time`,
      note: `${frames(m.drag)} over ${m.dragTook.length} drags of ${STEPS} mouse moves (${over(m.drag)}); zone ${zone.id}: ${zone.vertices} vertices, ${zone.shellVertices} in the dragged shell; ${city}`,
    },
    {
      name: `${label}: pan the map, ${STEPS} moves`,
      samples: m.panTook,
      note: `paced one move per ${STEP_MS.toFixed(1)} ms (${(STEPS * STEP_MS).toFixed(0)} ms); longer when the page takes the moves late`,
    },
    { name: `${label}: drag a zone vertex, ${STEPS} moves`, samples: m.dragTook, baseline: `${label}: pan the map, ${STEPS} moves` },
    {
      name: `${label}: impact panel updates per drag`,
      samples: m.updates,
      unit: 'updates',
      note: `DOM updates of the impact panel during a drag (households figure changed ${median(m.householdChanges)} times, median)`,
    },
    { name: `${label}: drag released to zone marked unsaved`, samples: m.settle },
  ];
}

const bench = defineBench({
  name: 'vertex-drag',
  async run() {
    const n = runs(5);
    const out: BenchCase[] = [];

    const demoSeed = join(ROOT, 'data/nantong');
    const demoDir = join(TMP, 'bench-vertex-drag', `demo-${process.pid}`);
    await mkdir(join(TMP, 'bench-vertex-drag'), { recursive: true });
    await cp(await ensureTemplate(), demoDir, { recursive: true });
    try {
      const zone = pickZone(demoSeed);
      await withServedApp(demoDir, demoSeed, async (url) => {
        out.push(...cases('demo data', zone, await measureDrags(url, zone, n), 'demo district'));
      });
    } finally {
      await rm(demoDir, { recursive: true, force: true });
    }

    // Seeding the scale-10 city takes a while: its data folder is kept between runs (shared with public-map).
    const cityDir = scaleCityDir(10);
    const zone = pickZone(cityDir);
    const counts = ['zones', 'compounds', 'sites'].map((layer) => `${readLayer(cityDir, layer).features.length} ${layer}`);
    await withServedApp(cityDataDir(10), cityDir, async (url) => {
      out.push(...cases('scale-10 city', zone, await measureDrags(url, zone, n), `scale-10 city: ${counts.join(', ')}`));
    });
    return out;
  },
});

export default bench;

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const c of await bench.run()) {
    console.log(`${c.name}\t${c.samples.map((v) => v.toFixed(1)).join(' ')}\t${c.unit ?? 'ms'}`);
  }
}
