import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { PUBLIC_SITE_KINDS } from '../../src/domain/rows.ts';
import { SITE_PALETTE } from '../../src/map/public-site-layers.ts';
import { DESKTOP, PHONE, sizeTag, useAppSuite, VIEWPORTS } from './helpers/app-suite.ts';
import { screenshot } from './helpers/browser.ts';
import { toPagePoint } from './helpers/map-math.ts';
import { countColours, hexToRgb } from './helpers/pixels.ts';
import { buildAppForTests } from './helpers/test-app.ts';

const suite = useAppSuite();
const { open } = suite;

interface PublicSite {
  id: string;
  name: string;
  kind: string;
  status: string | null;
  geom: { coordinates: [number, number] };
}

/** The sites the public may see, as the public API gives them. */
async function publicSites(): Promise<PublicSite[]> {
  const { data, error } = await suite.stack
    .client()
    .from('sites')
    .select('id,name,kind,status,geom')
    .in('kind', PUBLIC_SITE_KINDS);
  if (error) throw error;
  return data as PublicSite[];
}

/** What the site layers draw in view, as the map's summary for screen readers states it. */
async function inView(page: Page) {
  const summary = page.getByTestId('sites-in-view');
  if ((await summary.count()) === 0) return null;
  const read = async (name: string) => Number(await summary.getAttribute(`data-${name}`));
  return {
    sites: await read('sites'),
    groups: await read('groups'),
    singles: await read('singles'),
    open: await read('open'),
  };
}

const cameraOf = (url: string) => {
  const match = /map=([\d.]+)\/([\d.]+)\/([\d.]+)/.exec(decodeURIComponent(url));
  return match ? { zoom: Number(match[1]), lat: Number(match[2]), lng: Number(match[3]) } : null;
};

/**
 * The centre of a cluster marker in view, found by its ring colour, where nothing covers the map
 * (the legend, the search box): page pixels.
 */
async function clusterOnScreen(page: Page): Promise<{ x: number; y: number } | null> {
  const box = (await page.getByTestId('map').boundingBox())!;
  const png = await page.screenshot({ clip: box });
  const ring = hexToRgb(SITE_PALETTE.clusterRing);
  return page.evaluate(
    async ({ base64, ring, box }) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const context = canvas.getContext('2d')!;
      context.drawImage(bitmap, 0, 0);
      const { data, width, height } = context.getImageData(0, 0, bitmap.width, bitmap.height);
      const scale = width / box.width;
      const isRing = (x: number, y: number) => {
        const i = (y * width + x) * 4;
        return [0, 1, 2].every((c) => Math.abs(data[i + c] - ring[c]) <= 10);
      };
      const seen = new Uint8Array(width * height);
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          if (seen[y * width + x] || !isRing(x, y)) continue;
          // The ring's pixels around this one: a disc 32-54 px across.
          let sumX = 0;
          let sumY = 0;
          let count = 0;
          const reach = Math.round(30 * scale);
          for (let dy = -reach; dy <= reach * 2; dy++) {
            for (let dx = -reach * 2; dx <= reach * 2; dx++) {
              const [px, py] = [x + dx, y + dy];
              if (px < 0 || py < 0 || px >= width || py >= height || !isRing(px, py)) continue;
              seen[py * width + px] = 1;
              sumX += px;
              sumY += py;
              count++;
            }
          }
          if (count < 60 * scale) continue;
          const centre = { x: box.x + sumX / count / scale, y: box.y + sumY / count / scale };
          const hit = document.elementFromPoint(centre.x, centre.y);
          if (hit instanceof HTMLCanvasElement) return centre;
        }
      }
      return null;
    },
    { base64: png.toString('base64'), ring, box },
  );
}

describe('public sites at district zoom', () => {
  it('groups the sites into clusters whose counts add up to every public site', async () => {
    const sites = await publicSites();
    expect(sites.length).toBeGreaterThan(40);
    const page = await open(DESKTOP);
    await expect.poll(() => inView(page), { timeout: 20_000 }).toMatchObject({ sites: sites.length });
    const summary = (await inView(page))!;
    expect(cameraOf(page.url())?.zoom ?? 12).toBeLessThan(13);
    expect(summary.groups).toBeGreaterThan(0);
    // Grouped: far fewer markers than sites.
    expect(summary.groups + summary.singles).toBeLessThan(sites.length / 2);
    expect(summary.open).toBeGreaterThan(0);
    expect(summary.open).toBeLessThan(sites.length);

    // The clusters are drawn: their rings and the green open-count badges.
    const box = (await page.getByTestId('map').boundingBox())!;
    const colours = { ring: hexToRgb(SITE_PALETTE.clusterRing), badge: hexToRgb(SITE_PALETTE.badge) };
    const counts = await countColours(page, await page.screenshot({ clip: box }), colours, 10);
    expect(counts.ring).toBeGreaterThan(summary.groups * 20);
    expect(counts.badge).toBeGreaterThan(summary.groups * 20);
    expect(await page.getByTestId('sites-in-view').innerText()).toContain(`${sites.length}`);
    await screenshot(page, 'public-sites-clusters-1280x800');
    await page.close();
  });

  it('zooms into a cluster when it is clicked, and selects nothing', async () => {
    const page = await open(DESKTOP);
    await expect
      .poll(() => inView(page).then((summary) => summary?.groups ?? 0), { timeout: 20_000 })
      .toBeGreaterThan(0);
    const before = cameraOf(page.url());
    const target = await clusterOnScreen(page);
    expect(target).not.toBeNull();
    await page.mouse.click(target!.x, target!.y);
    await expect
      .poll(() => cameraOf(page.url())?.zoom ?? 0, { timeout: 10_000 })
      .toBeGreaterThan((before?.zoom ?? 11) + 0.5);
    expect(page.url()).not.toContain('sel=');
    expect(await page.getByTestId('details').count()).toBe(0);
    await page.close();
  });
});

describe.each(VIEWPORTS)('public sites zoomed in at $width x $height', (viewport) => {
  it('draws each site alone with its icon, and opens its card when it is tapped', async () => {
    const sites = await publicSites();
    const site = sites.filter((row) => row.kind === 'testing_site').sort((a, b) => a.id.localeCompare(b.id))[0];
    const [lng, lat] = site.geom.coordinates;
    const centre = [lng, lat + 0.001];
    const page = await open(viewport, `#/?map=16/${centre[1]}/${centre[0]}`);
    await expect
      .poll(() => inView(page).then((summary) => summary?.singles ?? 0), { timeout: 20_000 })
      .toBeGreaterThan(0);
    expect((await inView(page))!.groups).toBe(0);
    const box = (await page.getByTestId('map').boundingBox())!;
    // The site's marker: the open green or the grey or orange ring of a paused or closed one.
    const markers = {
      open: hexToRgb(SITE_PALETTE.testingOpen),
      limited: hexToRgb(SITE_PALETTE.limited),
      closed: hexToRgb(SITE_PALETTE.closedRing),
    };
    const before = await countColours(page, await page.screenshot({ clip: box }), markers, 10);
    expect(before.open + before.limited + before.closed).toBeGreaterThan(60);

    // Below the centre, clear of the panels over the top of the map.
    const target = toPagePoint(site.geom.coordinates, centre, 16, box);
    await page.mouse.click(target.x, target.y);
    const details = page.getByTestId('details');
    await details.waitFor();
    expect(await details.innerText()).toContain(site.name);
    expect(await details.innerText()).toContain('核酸检测点');
    expect(page.url()).toContain(`sel=site:${site.id}`);
    // The selected site gets a dark ring.
    await expect
      .poll(
        async () =>
          (await countColours(page, await page.screenshot({ clip: box }), { ring: hexToRgb(SITE_PALETTE.selected) }, 8))
            .ring,
      )
      .toBeGreaterThan(80);
    await screenshot(page, `public-site-selected-${sizeTag(viewport)}`);
    await page.close();
  });
});

describe('the public route without deck.gl', () => {
  /** The chunks of the deck.gl overlay and layers that the public route's own code does not share. */
  function deckOnlyChunks(manifest: Record<string, { file: string; imports?: string[] }>): Set<string> {
    const reach = (keys: string[]) => {
      const files = new Set<string>();
      const visit = (key: string) => {
        const chunk = manifest[key];
        if (!chunk || files.has(chunk.file)) return;
        files.add(chunk.file);
        chunk.imports?.forEach(visit);
      };
      keys.forEach(visit);
      return files;
    };
    const publicRoute = reach(['index.html', 'src/views/public/PublicView.svelte']);
    const deck = reach(['src/map/deck-overlay.ts', 'src/map/site-layers.ts']);
    return new Set([...deck].filter((file) => !publicRoute.has(file)));
  }

  it('never downloads the deck.gl chunks, and has one canvas, the map’s', async () => {
    const dir = await buildAppForTests();
    const manifest = JSON.parse(readFileSync(join(dir, '.vite', 'manifest.json'), 'utf8'));
    const deck = deckOnlyChunks(manifest);
    expect([...deck].some((file) => /deck-overlay/.test(file))).toBe(true);

    const page = await suite.page(PHONE);
    const scripts: string[] = [];
    page.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname.replace(/^\//, ''));
    });
    await page.goto(`${suite.stack.url}/#/`);
    await page.waitForSelector('[data-map-ready="true"]', { timeout: 90_000 });
    await expect
      .poll(() => inView(page).then((summary) => summary?.sites ?? 0), { timeout: 20_000 })
      .toBeGreaterThan(0);
    await page.waitForLoadState('networkidle');
    expect(scripts.some((path) => /PublicView/.test(path))).toBe(true);
    expect(scripts.filter((path) => deck.has(path))).toEqual([]);
    expect(await page.locator('canvas').count()).toBe(1);
    expect(
      await page
        .locator('canvas')
        .first()
        .evaluate((canvas) => canvas.classList.contains('maplibregl-canvas')),
    ).toBe(true);
    await page.close();
  });
});

describe('legend of the site shapes', () => {
  it('shows each kind and state with its map icon, and fits a 360 px phone in English', async () => {
    const page = await open(PHONE, '#/?lang=en');
    const legend = page.getByTestId('legend');
    await legend.getByRole('button', { name: 'Sites' }).click();
    const sites = page.getByTestId('legend-sites');
    await sites.waitFor();
    expect(await sites.locator('svg[data-icon]').count()).toBe(9);
    for (const text of [
      'Testing site · Open now',
      'Testing site · Paused',
      'Testing site · Closed now',
      'Mobile testing team',
      'Highway checkpoint · Restricted',
      'Group of sites',
    ]) {
      expect(await sites.innerText()).toContain(text);
    }
    const fits = await page.evaluate(() => {
      const legend = document.querySelector('[data-testid="legend"]')!;
      const box = legend.getBoundingClientRect();
      const overflowing = [legend, ...legend.querySelectorAll('li, li > span')].filter(
        (element) => element.scrollWidth > element.clientWidth + 1,
      );
      return {
        left: box.left,
        right: box.right,
        page: document.documentElement.scrollWidth,
        overflowing: overflowing.map(
          (element) => `${element.textContent}: ${element.scrollWidth} > ${element.clientWidth}`,
        ),
      };
    });
    await screenshot(page, 'legend-sites-en-360x740');
    expect(fits.left).toBeGreaterThanOrEqual(0);
    expect(fits.right).toBeLessThanOrEqual(360);
    expect(fits.page).toBeLessThanOrEqual(360);
    expect(fits.overflowing).toEqual([]);
    await page.close();
  });
});
