/**
 * The headquarters figures on a big city (issue: "every dashboard works on the --scale 10 city
 * without freezing the page"): in headless Chromium at 1280x800 against the local stack, the
 * commander opens the Figures section (quarantine rooms by sub-district with its charts, the
 * trend from the site revisions, testing coverage from the walking worker, the testing round);
 * measured from the click to the coverage answer on screen, with the page's long tasks in that
 * window (the longest is how long the page could not answer a tap). Beside it, in the same run,
 * the same measures for opening the Sites section, a list and nothing computed: the baseline
 * for what switching a section costs at all. On the demo district and the scale-10 city.
 *
 * Run: `npm run bench -- command-figures`, or `npx tsx tests/bench/command-figures.bench.ts`.
 */
import { cp, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { DEMO_PASSWORD, DEMO_USERS } from '../../supabase/seed/seed.ts';
import { launchBrowser } from '../e2e/helpers/browser.ts';
import { ensureTemplate, ROOT, TMP } from '../helpers/template.ts';
import { defineBench, runs, type BenchCase } from './bench.ts';
import { cityDataDir, signIn, withServedApp } from './chromium-stack.ts';
import { readLayer, scaleCityDir } from './scale-city.ts';

const COMMANDER = DEMO_USERS.find((user) => user.role === 'commander')!.email;
const TIMEOUT = 300_000;

interface Opened {
  /** Click to the section's answer on screen, ms. */
  ms: number;
  /** Longest task on the page's main thread in that time, ms (0 when none passed 50 ms). */
  longestTask: number;
  /** All long tasks together, ms. */
  blocked: number;
}

/** Opens a section and waits for `ready` to show, watching the main thread's long tasks. */
async function open(page: Page, section: 'dashboards' | 'sites', ready: string): Promise<Opened> {
  await page.evaluate(() => {
    const w = window as unknown as { tasks: number[]; observer?: PerformanceObserver };
    w.tasks = [];
    w.observer?.disconnect();
    w.observer = new PerformanceObserver((list) => w.tasks.push(...list.getEntries().map((e) => e.duration)));
    w.observer.observe({ type: 'longtask' });
  });
  const start = Date.now();
  await page.getByTestId(`section-${section}`).click();
  await page.locator(ready).first().waitFor({ timeout: TIMEOUT });
  const ms = Date.now() - start;
  // Long tasks are reported after they end: give the last one a moment to arrive.
  await page.waitForTimeout(200);
  const tasks = await page.evaluate(() => (window as unknown as { tasks: number[] }).tasks);
  return { ms, longestTask: Math.max(0, ...tasks), blocked: tasks.reduce((a, b) => a + b, 0) };
}

async function measure(url: string, n: number): Promise<{ figures: Opened[]; sites: Opened[] }> {
  const browser = await launchBrowser();
  const figures: Opened[] = [];
  const sites: Opened[] = [];
  try {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    await signIn(page, url, COMMANDER, DEMO_PASSWORD);
    await page.goto(`${url}/#/command`);
    await page.waitForSelector('[data-map-ready="true"]', { timeout: TIMEOUT });
    for (let i = 0; i < n + 1; i++) {
      const f = await open(page, 'dashboards', '[data-testid="coverage-over"]');
      const s = await open(page, 'sites', '[data-testid="site-list"] li');
      // The first round loads the worker and the roads: not measured.
      if (i > 0) {
        figures.push(f);
        sites.push(s);
      }
    }
  } finally {
    await browser.close();
  }
  return { figures, sites };
}

function cases(label: string, measured: { figures: Opened[]; sites: Opened[] }, note: string): BenchCase[] {
  const pick = (list: Opened[], key: keyof Opened) => list.map((o) => o[key]);
  return [
    { name: `${label}: open Figures, click to coverage answer`, samples: pick(measured.figures, 'ms'), note },
    { name: `${label}: open Figures, longest main-thread task`, samples: pick(measured.figures, 'longestTask'), note },
    { name: `${label}: open Figures, long tasks together`, samples: pick(measured.figures, 'blocked'), note },
    { name: `${label}: baseline, open Sites, click to list`, samples: pick(measured.sites, 'ms'), note },
    {
      name: `${label}: baseline, open Sites, longest main-thread task`,
      samples: pick(measured.sites, 'longestTask'),
      note,
    },
  ];
}

const bench = defineBench({
  name: 'command-figures',
  async run() {
    const n = runs(5);
    const out: BenchCase[] = [];
    // The demo district from the suite's template, in a folder of its own.
    const template = await ensureTemplate();
    const demoDir = join(TMP, `bench-figures-${process.pid}`);
    await mkdir(demoDir, { recursive: true });
    try {
      await cp(template, demoDir, { recursive: true });
      await withServedApp(demoDir, join(ROOT, 'data', 'nantong'), async (url) => {
        out.push(...cases('demo data', await measure(url, n), 'demo district'));
      });
    } finally {
      await rm(demoDir, { recursive: true, force: true });
    }
    const cityDir = scaleCityDir(10);
    const size = ['zones', 'compounds', 'sites'].map(
      (layer) => `${readLayer(cityDir, layer).features.length} ${layer}`,
    );
    await withServedApp(cityDataDir(10), cityDir, async (url) => {
      out.push(...cases('scale-10 city', await measure(url, n), `scale-10 city: ${size.join(', ')}`));
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
