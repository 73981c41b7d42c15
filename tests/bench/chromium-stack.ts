/**
 * What the browser benches share: the built app served by a local stack over a dataset, the
 * kept data folder of a generated city (seeding one takes minutes), a staff sign-in, and frame
 * times recorded in the page.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
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
  const probe = { recording: true, last: 0, deltas: [] };
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
  window.__frames.recording = false;
  return window.__frames.deltas;
})()`;

/**
 * Starts recording the time between animation frames in the page (the rAF timestamps, which
 * are the frames' start times): a frame that takes long shows as a long delta.
 */
export async function startFrames(page: Page): Promise<void> {
  await page.evaluate(START_FRAMES);
}

/** Stops recording; the frame deltas (ms) since `startFrames`. */
export async function stopFrames(page: Page): Promise<number[]> {
  return (await page.evaluate(STOP_FRAMES)) as number[];
}
