/**
 * What the browser benches share: the built app served by a local stack over a dataset, the
 * kept data folder of a generated city (seeding one takes minutes), a staff sign-in, and frame
 * times recorded in the page.
 */
import { join } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { defaultConfig } from '../../supabase/local/config.ts';
import { loadKeys } from '../../supabase/local/keys.ts';
import { startStack } from '../../supabase/local/stack.ts';
import { buildApp } from '../e2e/helpers/app-build.ts';
import { ROOT, TMP } from '../helpers/template.ts';

/** Builds the app over `seedDir` and serves it from a stack on `dataDir` (seeded from `seedDir` when new). */
export async function withServedApp<T>(
  dataDir: string,
  seedDir: string,
  fn: (url: string, appDir: string) => Promise<T>,
): Promise<T> {
  const { anonKey } = await loadKeys(dataDir);
  const appDir = await buildApp({ anonKey, basemapDir: seedDir });
  const stack = await startStack({
    ...defaultConfig(ROOT),
    port: 0,
    dataDir,
    seedDir,
    envFile: null,
    quiet: true,
    serveApp: appDir,
  });
  try {
    return await fn(stack.url, appDir);
  } finally {
    await stack.close();
  }
}

/**
 * The data folder of the stack over the scale-`scale` city, kept between runs and shared by the
 * browser benches (they run one after another; never point two running stacks at it).
 */
export function cityDataDir(scale: number): string {
  return join(TMP, 'bench-public-map', `scale${scale}-data`);
}

/** Signs in on the app's sign-in screen; the caller waits for what should follow. */
export async function signIn(page: Page, url: string, email: string, password: string): Promise<void> {
  await page.goto(`${url}/#/signin`);
  await page.locator('input[name="email"]').fill(email);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('button[type="submit"]').click();
}

/**
 * Page scripts are strings: tsx compiles this file keeping function names (`__name(...)` calls),
 * which would not exist in the page.
 */
const START_FRAMES = `(() => {
  const probe = { recording: true, last: 0, deltas: [], started: performance.now() };
  window.__frames = probe;
  const loop = (time) => {
    if (!probe.recording) return;
    if (probe.last) probe.deltas.push(time - probe.last);
    probe.last = time;
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
})()`;

const STOP_FRAMES = `(() => {
  const probe = window.__frames;
  probe.recording = false;
  return { deltas: probe.deltas, elapsed: performance.now() - probe.started };
})()`;

/** What the page did while frames were recorded. */
export interface Frames {
  /** Time between consecutive animation frames (ms). */
  deltas: number[];
  /** Recording time (ms). */
  elapsed: number;
  /**
   * Time the page's main thread spent in tasks (its scripts, and the browser's own work there:
   * style, layout, paint, handing frames to the GPU process and waiting on it), and in scripts
   * alone (ms; the DevTools protocol's TaskDuration and ScriptDuration).
   */
  task: number;
  script: number;
}

const sessions = new WeakMap<Page, Promise<CDPSession>>();

/** The main thread's cumulative task and script times (ms), from the DevTools protocol. */
async function mainThread(page: Page): Promise<{ task: number; script: number }> {
  let session = sessions.get(page);
  if (!session) {
    session = page
      .context()
      .newCDPSession(page)
      .then(async (cdp) => {
        await cdp.send('Performance.enable');
        return cdp;
      });
    sessions.set(page, session);
  }
  const { metrics } = await (await session).send('Performance.getMetrics');
  const seconds = (name: string) => metrics.find((metric) => metric.name === name)?.value ?? Number.NaN;
  return {
    task: 1000 * seconds('TaskDuration'),
    script: 1000 * seconds('ScriptDuration'),
  };
}

const started = new WeakMap<Page, { task: number; script: number }>();

/**
 * Starts recording the time between animation frames in the page (the rAF timestamps, which
 * are the frames' start times: a frame that takes long shows as a long delta) and the main
 * thread's busy time.
 */
export async function startFrames(page: Page): Promise<void> {
  started.set(page, await mainThread(page));
  await page.evaluate(START_FRAMES);
}

/** Stops recording: what happened since `startFrames`. */
export async function stopFrames(page: Page): Promise<Frames> {
  const frames = (await page.evaluate(STOP_FRAMES)) as Pick<Frames, 'deltas' | 'elapsed'>;
  const [before, after] = [started.get(page)!, await mainThread(page)];
  return {
    ...frames,
    task: after.task - before.task,
    script: after.script - before.script,
  };
}
