import { pointOnFeature } from '@turf/turf';
import type { MultiPolygon } from 'geojson';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ZONE_LEVELS, type ZoneLevel } from '../../src/domain/rows.ts';
import { ZONE_COLORS } from '../../src/map/zone-layers.ts';
import { COMMANDER, DEMO_PASSWORD, startTestStack, type TestStack } from '../helpers/stack.ts';
import { buildAppForTests } from './helpers/app-build.ts';
import { launchBrowser, openPage, screenshot, type Browser, type PageWatch } from './helpers/browser.ts';
import { countColours, hexToRgb } from './helpers/pixels.ts';

const VIEWPORTS = [
  { width: 360, height: 740 },
  { width: 1280, height: 800 },
] as const;

let stack: TestStack;
let browser: Browser;
const watches: PageWatch[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  stack = await startTestStack({ config: { serveApp: await buildAppForTests() } });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

afterEach(() => {
  // Every test: nothing left the machine and nothing threw on the page.
  expect(browser.outsideRequests).toEqual([]);
  for (const watch of watches.splice(0)) {
    expect(watch.outsideSockets).toEqual([]);
    expect(watch.errors).toEqual([]);
  }
});

async function open(viewport: { width: number; height: number }, hash = '#/') {
  const { page, watch } = await openPage(browser, viewport);
  watches.push(watch);
  await page.goto(`${stack.url}/${hash}`);
  await page.waitForSelector('[data-map-ready="true"]', { timeout: 90_000 });
  return page;
}

/** Active zones per level, as the public may read them. */
async function publicZoneCounts(): Promise<Record<ZoneLevel, number>> {
  const { data, error } = await stack.client().from('zones').select('level').eq('status', 'active');
  if (error) throw error;
  const counts: Record<ZoneLevel, number> = { lockdown: 0, control: 0, precaution: 0 };
  for (const row of data as { level: ZoneLevel }[]) counts[row.level] += 1;
  return counts;
}

async function legendCounts(page: Page): Promise<Record<ZoneLevel, number>> {
  const entries = await Promise.all(
    ZONE_LEVELS.map(async (level) => [level, Number((await page.getByTestId(`legend-count-${level}`).innerText()).replace(/\D/g, ''))]),
  );
  return Object.fromEntries(entries);
}

const tag = ({ width, height }: { width: number; height: number }) => `${width}x${height}`;

describe.each(VIEWPORTS)('public map at $width x $height', (viewport) => {
  it('draws the active zones in their level colours, with a legend that counts them', async () => {
    const page = await open(viewport);
    const expected = await publicZoneCounts();
    expect(expected.lockdown).toBeGreaterThan(0);
    await expect.poll(() => legendCounts(page)).toEqual(expected);

    const png = await screenshot(page, `public-${tag(viewport)}`);
    const mapBox = (await page.getByTestId('map').boundingBox())!;
    const mapOnly = await page.screenshot({ clip: mapBox });
    const colours = Object.fromEntries(ZONE_LEVELS.map((level) => [level, hexToRgb(ZONE_COLORS[level])]));
    const counts = await countColours(page, mapOnly, colours, 20);
    for (const level of ZONE_LEVELS) {
      if (expected[level] > 0) expect(counts[level], `${level} pixels in ${png.length}-byte screenshot`).toBeGreaterThan(10);
    }
    await page.close();
  });

  it('shows a zone’s details when it is tapped', async () => {
    const { data } = await stack.client().from('zones').select('id,name,geom').eq('status', 'active').eq('level', 'lockdown').limit(1).single();
    const zone = data as { id: string; name: string; geom: MultiPolygon };
    const [lng, lat] = pointOnFeature(zone.geom).geometry.coordinates;
    const page = await open(viewport, `#/?map=15.5/${lat}/${lng}`);
    const box = (await page.getByTestId('map').boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const details = page.getByTestId('details');
    await details.waitFor();
    expect(await details.innerText()).toContain(zone.name);
    expect(await details.innerText()).toContain('封控区');
    expect(page.url()).toContain(`sel=zone:${zone.id}`);
    await screenshot(page, `zone-details-${tag(viewport)}`);
    await page.close();
  });

  it('switches the legend and labels to English and keeps the language in the link', async () => {
    const page = await open(viewport);
    const legend = page.getByTestId('legend');
    expect(await legend.innerText()).toContain('封控区');
    await page.getByTestId('language-switch').click();
    await expect.poll(() => legend.innerText()).toContain('Lockdown zone');
    expect(await legend.innerText()).not.toContain('封控区');
    expect(page.url()).toContain('lang=en');
    await page.waitForTimeout(500);
    await screenshot(page, `public-en-${tag(viewport)}`);
    await page.reload();
    await page.waitForSelector('[data-map-ready="true"]', { timeout: 90_000 });
    expect(await page.getByTestId('legend').innerText()).toContain('Lockdown zone');
    await page.close();
  });
});

describe('live updates', () => {
  it('shows a zone published through the API, and removes it when lifted, without a reload', async () => {
    const page = await open(VIEWPORTS[1]);
    await page.getByTestId('live-status').and(page.locator('[data-status="live"]')).waitFor();
    const before = await legendCounts(page);
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));

    const commander = await stack.signIn(COMMANDER, DEMO_PASSWORD);
    const geom = { type: 'MultiPolygon', coordinates: [[[[120.93, 31.94], [120.935, 31.94], [120.935, 31.945], [120.93, 31.945], [120.93, 31.94]]]] };
    const { data: created, error } = await commander
      .from('zones')
      .insert({ name: '测试发布防范区', name_en: 'Published test zone', level: 'precaution', status: 'active', geom, review_days: 7, effective_from: new Date().toISOString() })
      .select('id')
      .single();
    expect(error).toBeNull();
    await expect.poll(() => legendCounts(page), { timeout: 15_000 }).toEqual({ ...before, precaution: before.precaution + 1 });
    await screenshot(page, 'live-zone-published-1280x800');

    const { error: liftError } = await commander.from('zones').update({ status: 'lifted' }).eq('id', (created as { id: string }).id);
    expect(liftError).toBeNull();
    await expect.poll(() => legendCounts(page), { timeout: 15_000 }).toEqual(before);
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    await page.close();
  });
});

describe('code splitting', () => {
  it('does not download the sign-in, command or dispatch code on the public map', async () => {
    const { page, watch } = await openPage(browser, VIEWPORTS[0]);
    watches.push(watch);
    const scripts: string[] = [];
    page.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.push(request.url());
    });
    await page.goto(`${stack.url}/#/`);
    await page.waitForSelector('[data-map-ready="true"]', { timeout: 90_000 });
    expect(scripts.some((url) => /PublicView/.test(url))).toBe(true);
    expect(scripts.filter((url) => /CommandView|DispatchView|SignInView|StaffPlaceholder|routing/i.test(url))).toEqual([]);
    await page.close();
  });
});
