/**
 * Vertex drag in the commander's editor (issue: "a vertex drag on the scale-10 city stays at 60
 * frames per second in headless Chromium"): frame times while one vertex of an open zone is
 * dragged, the impact panel recomputing live, beside frame times while the mouse pans the map
 * with the same number of moves at the same pace (the baseline: what the map alone costs on this
 * machine), in headless Chromium at 1280x800 against the local stack, on the demo district and
 * the scale-10 city. The zone is the active zone with the most vertices; the drag moves a vertex
 * of its shell past a compound outside it, so the households figure changes on the way. Every
 * drag must mark the zone unsaved and bring that compound's households in, or the bench fails;
 * it is undone before the next round. Also: the page's script time per mouse move (DevTools
 * ScriptDuration), how often the impact panel changed, and the time from releasing the vertex
 * to the zone being marked unsaved.
 *
 * Headless Chromium draws WebGL in software (SwiftShader), on the main thread's behalf in the
 * GPU process: on a small machine even the pan is far from 60 Hz, which the baseline shows.
 *
 * Run: `npm run bench -- vertex-drag`, or `npx tsx tests/bench/vertex-drag.bench.ts`.
 */
import { cp, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import type { Page } from 'playwright-core';
import { booleanPointInPolygon } from '@turf/turf';
import { pointOnSurface } from '../../src/geo/point-on-surface.ts';
import { validatePolygon } from '../../src/geo/validate-polygon.ts';
import { polygonsOf } from '../../src/geo/zone-geometry.ts';
import { DEMO_PASSWORD, DEMO_USERS } from '../../supabase/seed/seed.ts';
import { launchBrowser } from '../e2e/helpers/browser.ts';
import { toPagePoint } from '../e2e/helpers/map-math.ts';
import { ensureTemplate, ROOT, TMP } from '../helpers/template.ts';
import { defineBench, median, percentile, runs, type BenchCase } from './bench.ts';
import { cityDataDir, signIn, startFrames, stopFrames, withServedApp, type Frames } from './chromium-stack.ts';
import { readLayer, scaleCityDir } from './scale-city.ts';

/** Mouse moves per gesture, one every frame at 60 Hz. */
const STEPS = 120;
/** The unmeasured gestures (the first round, panning back) take fewer. */
const WARMUP_STEPS = 20;
const STEP_MS = 1000 / 60;
/** The vertex is dragged past the compound it brings into the zone by one of these (page pixels)... */
const OVERSHOOTS = [30, 50, 80];
/** ... from a vertex at most this far from that compound... */
const REACH = 160;
/** ... so that the compound comes in even when the vertex snaps this far off (the editor snaps within 12 px). */
const SNAP = 14;
/** Held still before the button is released: a pan then ends without inertia. */
const HOLD_MS = 250;
/** The zone's bounding box fills this share of the map's width and height. */
const FIT = 0.4;
const TIMEOUT = 300_000;

const COMMANDER = DEMO_USERS.find((user) => user.role === 'commander')!.email;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

interface Zone {
  id: string;
  geom: Polygon | MultiPolygon;
  vertices: number;
  shellVertices: number;
  bbox: [number, number, number, number];
}

/** The active zone with the most vertices (first by id on a tie). */
function pickZone(seedDir: string): Zone {
  const zones = readLayer<Polygon | MultiPolygon, { id: string; status: string }>(seedDir, 'zones');
  let best: Zone | null = null;
  for (const { properties, geometry } of zones.features) {
    if (properties.status !== 'active') continue;
    const polygons = polygonsOf(geometry);
    // Rings are closed: the last position repeats the first.
    const vertices = polygons.flat(1).reduce((sum, ring) => sum + ring.length - 1, 0);
    if (best && (vertices < best.vertices || (vertices === best.vertices && properties.id > best.id))) continue;
    const all = polygons.flat(2);
    const xs = all.map((p) => p[0]);
    const ys = all.map((p) => p[1]);
    best = {
      id: properties.id,
      geom: geometry,
      vertices,
      shellVertices: polygons[0][0].length - 1,
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

type Box = { x: number; y: number; width: number; height: number };

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

interface Drag {
  /** The shell vertex dragged (terra-draw selects the first ring: the first part's shell). */
  vertex: Position;
  /** Where it is dragged to: past `compound`'s point, which comes into the zone. */
  target: Position;
  compound: { id: string; households: number };
}

/** The inverse of `toPagePoint`: the position drawn at page point `point`. */
function fromPagePoint(point: { x: number; y: number }, camera: Camera, box: Box): Position {
  const scale = (512 * 2 ** camera.zoom) / (2 * Math.PI);
  const lng = camera.center[0] + ((point.x - box.x - box.width / 2) / scale) * (180 / Math.PI);
  const y = mercatorY(camera.center[1]) - (point.y - box.y - box.height / 2) / scale;
  return [lng, (360 / Math.PI) * Math.atan(Math.exp(y)) - 90];
}

/**
 * The drag that brings the most households into the zone: a vertex of its shell moved in a
 * straight line past the point of a compound outside it (within REACH pixels at `camera`), the
 * zone staying valid all along the way, the drag staying on the map clear of the controls over
 * it, and the compound coming in even when the vertex snaps up to SNAP pixels off the target.
 */
function planDrag(seedDir: string, zone: Zone, camera: Camera, box: Box): Drag {
  const compounds = readLayer<Polygon | MultiPolygon, { id: string; households: number }>(seedDir, 'compounds');
  const polygons = polygonsOf(zone.geom);
  const [shell, ...holes] = polygons[0];
  const page = (p: Position) => toPagePoint(p, camera.center, camera.zoom, box);
  const position = (p: { x: number; y: number }) => fromPagePoint(p, camera, box);
  const clear = ({ x, y }: { x: number; y: number }) =>
    x > box.x + 40 && x < box.x + box.width - 40 && y > box.y + 120 && y < box.y + box.height - 40;
  const moved = (i: number, to: Position): MultiPolygon => {
    const ring = shell.map((p, j) => (j === i || (i === 0 && j === shell.length - 1) ? to : p));
    return { type: 'MultiPolygon', coordinates: [[ring, ...holes], ...polygons.slice(1)] };
  };
  const around = Array.from({ length: 8 }, (_, k) => ({
    x: SNAP * Math.cos((k * Math.PI) / 4),
    y: SNAP * Math.sin((k * Math.PI) / 4),
  }));
  let best: (Drag & { length: number }) | null = null;
  for (const { properties, geometry } of compounds.features) {
    if (best && properties.households < best.compound.households) continue;
    const point = pointOnSurface(geometry);
    const shellPolygon: Polygon = { type: 'Polygon', coordinates: [shell] };
    if (booleanPointInPolygon(point, zone.geom) || booleanPointInPolygon(point, shellPolygon)) continue;
    const at = page(point);
    for (let i = 0; i < shell.length - 1; i++) {
      const from = page(shell[i]);
      const distance = Math.hypot(at.x - from.x, at.y - from.y);
      if (distance < 10 || distance > REACH || !clear(from)) continue;
      for (const overshoot of OVERSHOOTS) {
        const length = distance + overshoot;
        if (best && properties.households === best.compound.households && length >= best.length) break;
        const to = {
          x: from.x + ((at.x - from.x) * length) / distance,
          y: from.y + ((at.y - from.y) * length) / distance,
        };
        if (!clear(to)) break;
        const path = Array.from({ length: 12 }, (_, k) =>
          position({ x: from.x + ((to.x - from.x) * (k + 1)) / 12, y: from.y + ((to.y - from.y) * (k + 1)) / 12 }),
        );
        const ends = around.map((d) => position({ x: to.x + d.x, y: to.y + d.y }));
        const holds = (tip: Position) => {
          const geom = moved(i, tip);
          return validatePolygon(geom).valid && booleanPointInPolygon(point, geom);
        };
        if (!path.every((tip) => validatePolygon(moved(i, tip)).valid) || !holds(path.at(-1)!) || !ends.every(holds))
          continue;
        best = {
          vertex: shell[i],
          target: path.at(-1)!,
          compound: { id: properties.id, households: properties.households },
          length,
        };
        break;
      }
    }
  }
  if (!best) throw new Error(`no compound within ${REACH} px of zone ${zone.id} that a vertex drag brings in`);
  return best;
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
  if (hit)
    throw new Error(`${what} at (${point.x.toFixed(0)}, ${point.y.toFixed(0)}) is not on the map canvas but on ${hit}`);
}

type Point = { x: number; y: number };

/**
 * Mouse down at `from`, `steps` moves in a straight line to `to`, one every STEP_MS (later when
 * the page lags: a move is sent once the page took the previous one), hold, up. With `record`,
 * the frames from the button press to the last move; and how long the moves took.
 */
async function gesture(page: Page, from: Point, to: Point, steps: number, record: boolean) {
  await page.mouse.move(from.x, from.y);
  await sleep(100);
  if (record) await startFrames(page);
  await page.mouse.down();
  const started = performance.now();
  for (let i = 1; i <= steps; i++) {
    const wait = started + i * STEP_MS - performance.now();
    if (wait > 0) await sleep(wait);
    await page.mouse.move(from.x + ((to.x - from.x) * i) / steps, from.y + ((to.y - from.y) * i) / steps);
  }
  const took = performance.now() - started;
  const frames = record ? await stopFrames(page) : null;
  await sleep(HOLD_MS);
  await page.mouse.up();
  return { frames, took };
}

/** Counts the impact panel's DOM updates and the households figures it shows (a string: see the page scripts in chromium-stack.ts). */
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
const impactSeen = async (page: Page) =>
  (await page.evaluate(IMPACT_SEEN)) as { updates: number; households: string[] };

const impactText = (page: Page) => page.getByTestId('impact-panel').locator('dl').innerText();
const households = async (page: Page) =>
  Number((await page.getByTestId('impact-households').locator('.value').innerText()).replace(/\D/g, ''));

interface Measured {
  drag: Drag;
  idle: Frames[];
  pan: Frames[];
  drags: Frames[];
  panTook: number[];
  dragTook: number[];
  updates: number[];
  householdChanges: number[];
  settle: number[];
}

/**
 * Signs in and opens the zone framed on the map; then, after one unmeasured round (code paths
 * warm, and a drag that does not take fails before any figure is kept), `n` rounds of: a second
 * without input, the vertex drag (then undone), the pan (then panned back).
 */
async function measureDrags(url: string, seedDir: string, zone: Zone, n: number): Promise<Measured> {
  const browser = await launchBrowser();
  const errors: string[] = [];
  try {
    const page = await browser.context.newPage();
    page.on('pageerror', (error) => errors.push(error.stack ?? error.message));
    await signIn(page, url, COMMANDER, DEMO_PASSWORD);
    await page.getByTestId('view-commander').waitFor({ timeout: TIMEOUT });
    const box = (await page.getByTestId('map').boundingBox())!;
    const camera = framing(zone.bbox, box.width, box.height);
    const drag = planDrag(seedDir, zone, camera, box);
    await page.goto(`${url}/#/command?sel=zone:${zone.id}&map=${camera.zoom}/${camera.center[1]}/${camera.center[0]}`);
    // The camera of a link is read when the map starts: load the page at it (the session is kept).
    await page.reload();
    await page.waitForSelector('[data-map-ready="true"]', { timeout: TIMEOUT });
    await page.locator(`[data-testid="zone-editor"][data-zone-id="${zone.id}"]`).waitFor({ timeout: TIMEOUT });
    await page.getByTestId('impact-panel').waitFor({ timeout: TIMEOUT });
    await sleep(2000);

    const result: Measured = {
      drag,
      idle: [],
      pan: [],
      drags: [],
      panTook: [],
      dragTook: [],
      updates: [],
      householdChanges: [],
      settle: [],
    };
    const unsaved = page.getByTestId('zone-unsaved');
    for (let i = -1; i < n; i++) {
      const record = i >= 0;
      const steps = record ? STEPS : WARMUP_STEPS;

      await startFrames(page);
      await sleep(1000);
      const idle = await stopFrames(page);

      // The case: drag the vertex, from where the link's camera puts it.
      const now = await linkCamera(page);
      const from = toPagePoint(drag.vertex, now.center, now.zoom, box);
      const to = toPagePoint(drag.target, now.center, now.zoom, box);
      await assertOnMap(page, from, 'the vertex');
      await assertOnMap(page, to, "the drag's end");
      if (await unsaved.count()) throw new Error('the zone is marked unsaved before the drag');
      const before = { text: await impactText(page), households: await households(page) };
      await watchImpact(page);
      const dragged = await gesture(page, from, to, steps, record);
      const released = performance.now();
      await unsaved.waitFor({ timeout: 60_000 }).catch(() => {
        throw new Error(
          `the vertex drag did not take: zone ${zone.id} is not marked unsaved 60 s after dragging its vertex ` +
            `${JSON.stringify(drag.vertex)} from (${from.x.toFixed(0)}, ${from.y.toFixed(0)}) to (${to.x.toFixed(0)}, ${to.y.toFixed(0)})`,
        );
      });
      const settle = performance.now() - released;
      const seen = await impactSeen(page);
      const after = await households(page);
      if (seen.updates === 0 || after < before.households + drag.compound.households)
        throw new Error(
          `the impact panel did not follow the drag of zone ${zone.id}: ${seen.updates} updates, households ` +
            `${before.households} before, ${after} after, expected at least ${drag.compound.households} more (compound ${drag.compound.id})`,
        );
      await page.getByTestId('undo').click();
      await unsaved.waitFor({ state: 'detached', timeout: 60_000 });
      await sleep(500);
      if ((await impactText(page)) !== before.text) throw new Error('undo did not bring the impact figures back');

      // The baseline: the same gesture on an empty spot left of the zone pans the map; then back.
      const middle = { x: box.x + box.width * 0.15, y: box.y + box.height * 0.6 };
      const start = { x: middle.x - (to.x - from.x) / 2, y: middle.y - (to.y - from.y) / 2 };
      const end = { x: middle.x + (to.x - from.x) / 2, y: middle.y + (to.y - from.y) / 2 };
      await assertOnMap(page, start, 'the pan start');
      await assertOnMap(page, end, "the pan's end");
      const pan = await gesture(page, start, end, steps, record);
      await sleep(300);
      const panned = await linkCamera(page);
      const centre = toPagePoint(now.center, panned.center, panned.zoom, box);
      const shift = { x: centre.x - (box.x + box.width / 2), y: centre.y - (box.y + box.height / 2) };
      if (Math.hypot(shift.x - (end.x - start.x), shift.y - (end.y - start.y)) > 5)
        throw new Error(`the pan did not move the map with the mouse: it moved by ${JSON.stringify(shift)}`);
      // Back where it was (the next drag reads the camera from the link all the same).
      await gesture(page, end, start, WARMUP_STEPS, false);
      await sleep(300);
      if (errors.length) throw new Error(`the page threw: ${errors.join('\n')}`);

      if (record) {
        result.idle.push(idle);
        result.drags.push(dragged.frames!);
        result.pan.push(pan.frames!);
        result.dragTook.push(dragged.took);
        result.panTook.push(pan.took);
        result.updates.push(seen.updates);
        result.householdChanges.push(seen.households.length - 1);
        result.settle.push(settle);
      }
    }
    if (browser.outsideRequests.length)
      throw new Error(`requests left the machine: ${browser.outsideRequests.join(', ')}`);
    return result;
  } finally {
    await browser.close();
  }
}

const deltas = (frames: Frames[]) => frames.flatMap((f) => f.deltas);
const percent = (part: number, whole: number) => `${((100 * part) / whole).toFixed(0)}%`;
const slow = (frames: Frames[]) => {
  const all = deltas(frames);
  return `${all.length} frames, ${percent(all.filter((d) => d > 1000 / 60 + 1).length, all.length)} longer than 17.7 ms`;
};
const perMove = (frames: Frames[], key: 'task' | 'script') => frames.map((f) => f[key] / STEPS);

function cases(label: string, zone: Zone, m: Measured, city: string): BenchCase[] {
  const pan = `${label}: pan the map, frame time`;
  const panScripts = `${label}: pan the map, scripts per mouse move`;
  const panMoves = `${label}: pan the map, ${STEPS} mouse moves`;
  const idle = deltas(m.idle);
  const tasks = (frames: Frames[]) =>
    `main thread busy ${median(perMove(frames, 'task')).toFixed(0)} ms per mouse move in all (median), ` +
    `scripts and the browser's own work (DevTools TaskDuration)`;
  return [
    {
      name: pan,
      samples: deltas(m.pan),
      note:
        `${slow(m.pan)} over ${m.pan.length} pans of ${STEPS} mouse moves; with no input ${median(idle).toFixed(1)} ms ` +
        `(p99 ${percentile(idle, 99).toFixed(1)}); headless Chromium, SwiftShader WebGL, 1280x800`,
    },
    {
      name: `${label}: drag a zone vertex, frame time`,
      samples: deltas(m.drags),
      baseline: pan,
      note:
        `${slow(m.drags)} over ${m.drags.length} drags of ${STEPS} mouse moves; zone ${zone.id}: ${zone.vertices} ` +
        `vertices, ${zone.shellVertices} in the dragged shell; ${city}`,
    },
    {
      name: panScripts,
      samples: perMove(m.pan, 'script'),
      note: `the page's script time during a gesture (DevTools ScriptDuration) / ${STEPS}; ${tasks(m.pan)}`,
    },
    {
      name: `${label}: drag a zone vertex, scripts per mouse move`,
      samples: perMove(m.drags, 'script'),
      baseline: panScripts,
      note: tasks(m.drags),
    },
    {
      name: panMoves,
      samples: m.panTook,
      note: `paced at one move per ${STEP_MS.toFixed(1)} ms (${(STEPS * STEP_MS).toFixed(0)} ms in all) when the page keeps up`,
    },
    { name: `${label}: drag a zone vertex, ${STEPS} mouse moves`, samples: m.dragTook, baseline: panMoves },
    {
      name: `${label}: impact panel updates per drag`,
      samples: m.updates,
      unit: 'updates',
      note:
        `DOM updates of the impact panel during a drag (a figure that comes out the same is not rewritten); ` +
        `households changed ${median(m.householdChanges)} times (median), compound ${m.drag.compound.id} ` +
        `(${m.drag.compound.households} households) brought in`,
    },
    {
      name: `${label}: drag released to zone marked unsaved`,
      samples: m.settle,
      note: 'mouse up to the unsaved badge: the edit applied (vertices shared with other zones move too) and checked',
    },
  ];
}

const bench = defineBench({
  name: 'vertex-drag',
  async run() {
    const n = runs(3);
    const out: BenchCase[] = [];

    const demoSeed = join(ROOT, 'data/nantong');
    const demoDir = join(TMP, 'bench-vertex-drag', `demo-${process.pid}`);
    await mkdir(join(TMP, 'bench-vertex-drag'), { recursive: true });
    await cp(await ensureTemplate(), demoDir, { recursive: true });
    try {
      const zone = pickZone(demoSeed);
      await withServedApp(demoDir, demoSeed, async (url) => {
        out.push(...cases('demo data', zone, await measureDrags(url, demoSeed, zone, n), 'demo district'));
      });
    } finally {
      await rm(demoDir, { recursive: true, force: true });
    }

    // Seeding the scale-10 city takes a while: its data folder is kept between runs (shared with public-map).
    const cityDir = scaleCityDir(10);
    const zone = pickZone(cityDir);
    const size = ['zones', 'compounds', 'sites'].map(
      (layer) => `${readLayer(cityDir, layer).features.length} ${layer}`,
    );
    await withServedApp(cityDataDir(10), cityDir, async (url) => {
      const measured = await measureDrags(url, cityDir, zone, n);
      out.push(...cases('scale-10 city', zone, measured, `scale-10 city: ${size.join(', ')}`));
    });
    return out;
  },
});

export default bench;

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const c of await bench.run()) {
    console.log(`${c.name}\t${c.samples.map((v) => v.toFixed(1)).join(' ')}\t${c.unit ?? 'ms'}`);
    if (c.note) console.log(`  ${c.note}`);
  }
}
