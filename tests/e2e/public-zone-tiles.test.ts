// The public map draws the zones from the publication's vector tiles (cut by the stack), and a
// change from the broadcast at once, before the next publication's tiles arrive: a new zone is
// drawn from its row and a lifted one is hidden in the tiles it is still in.
import { pointOnFeature } from '@turf/turf';
import type { MultiPolygon } from 'geojson';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ZONE_OUTLINE_COLORS } from '../../src/map/zone-layers.ts';
import { COMMANDER, DEMO_PASSWORD } from '../helpers/stack.ts';
import { DESKTOP, useAppSuite } from './helpers/app-suite.ts';
import { countColours, hexToRgb } from './helpers/pixels.ts';
import { testSquare } from './helpers/test-zones.ts';

const suite = useAppSuite();

const TILE = /\/storage\/v1\/object\/public\/public-map\/(zones-[0-9a-f]{16})\/\d+\/\d+\/\d+\.pbf$/;

/**
 * Pixels of `colour` on the map, clear of the legend on the left and the toolbar at the bottom
 * (its badge is red).
 */
async function mapPixels(page: Page, colour: string, tolerance: number): Promise<number> {
  const box = (await page.getByTestId('map').boundingBox())!;
  const clip = { x: box.x + 220, y: box.y + 60, width: box.width - 220, height: box.height - 140 };
  const counts = await countColours(page, await page.screenshot({ clip }), { colour: hexToRgb(colour) }, tolerance);
  return counts.colour;
}

/** Pixels of the lockdown outline on the map (the fills are translucent tints). */
const lockdownPixels = (page: Page) => mapPixels(page, ZONE_OUTLINE_COLORS.lockdown, 20);

async function lockdownCount(page: Page): Promise<number> {
  return Number((await page.getByTestId('legend-count-lockdown').innerText()).replace(/\D/g, ''));
}

describe('zones from the published tiles', () => {
  it('are drawn from the tiles; a change is drawn from the broadcast while the next tiles are held back', async () => {
    const page = await suite.page(DESKTOP);
    const tileSets: string[] = [];
    page.on('request', (request) => {
      const match = TILE.exec(new URL(request.url()).pathname);
      if (match && !tileSets.includes(match[1])) tileSets.push(match[1]);
    });
    await page.goto(`${suite.stack.url}/#/`);
    await page.waitForSelector('[data-map-ready="true"]', { timeout: 90_000 });
    await page.locator('[data-testid="live-status"][data-status="live"]').waitFor();
    expect(tileSets).toHaveLength(1);
    const [first] = tileSets;

    // Tiles of any later publication wait until the end: what changes is drawn from the rows.
    let release: () => void = () => {};
    const held = new Promise<void>((done) => (release = done));
    await page.route(TILE, async (route) => {
      if (!route.request().url().includes(first)) await held;
      await route.continue();
    });
    await page.waitForTimeout(500);
    const before = await lockdownPixels(page);
    const lockdowns = await lockdownCount(page);
    expect(before).toBeGreaterThan(10);

    const commander = await suite.stack.signIn(COMMANDER, DEMO_PASSWORD);
    const { data: created, error } = await commander
      .from('zones')
      .insert({
        name: '瓦片测试封控区',
        name_en: 'Tile test lockdown',
        level: 'lockdown',
        status: 'active',
        geom: testSquare(120.935),
        review_days: 7,
        effective_from: new Date().toISOString(),
      })
      .select('id')
      .single();
    expect(error).toBeNull();
    await expect.poll(() => lockdownCount(page), { timeout: 30_000 }).toBe(lockdowns + 1);
    await expect.poll(() => lockdownPixels(page), { timeout: 30_000 }).toBeGreaterThan(before + 50);
    // The next publication's tiles were asked for (and are held back).
    await expect.poll(() => tileSets.length, { timeout: 30_000 }).toBeGreaterThan(1);

    // Lifting the new zone and one that is in the first tiles: both go, though the tiles that
    // would leave them out are still held back.
    const { data: old } = await suite.stack
      .client()
      .from('zones')
      .select('id')
      .eq('status', 'active')
      .eq('level', 'lockdown')
      .neq('id', (created as { id: string }).id)
      .order('id')
      .limit(1)
      .single();
    for (const id of [(created as { id: string }).id, (old as { id: string }).id]) {
      expect((await commander.from('zones').update({ status: 'lifted' }).eq('id', id)).error).toBeNull();
    }
    await expect.poll(() => lockdownCount(page), { timeout: 30_000 }).toBe(lockdowns - 1);
    await expect.poll(() => lockdownPixels(page), { timeout: 30_000 }).toBeLessThan(before);
    const lifted = await lockdownPixels(page);

    // The newer tiles arrive: the map switches to the latest publication's and stays as it is
    // (a tile still loading when the publication changed is fetched again, not kept).
    release();
    const latest = (await (
      await fetch(`${suite.stack.url}/storage/v1/object/public/public-map/latest.json`)
    ).json()) as { zone_tiles: string };
    const newest = latest.zone_tiles.split('/')[0];
    await expect.poll(() => tileSets.includes(newest), { timeout: 30_000 }).toBe(true);
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(500);
    expect(Math.abs((await lockdownPixels(page)) - lifted)).toBeLessThan(20);
    await page.close();
  });

  it('outline the selected zone (drawn from its row) and nothing else', async () => {
    const { data } = await suite.stack
      .client()
      .from('zones')
      .select('id,geom')
      .eq('status', 'active')
      .eq('level', 'control')
      .order('id')
      .limit(1)
      .single();
    const zone = data as { id: string; geom: MultiPolygon };
    const [lng, lat] = pointOnFeature(zone.geom).geometry.coordinates;
    const selectionInk = async (hash: string) => {
      const page = await suite.open(DESKTOP, hash);
      await page.waitForTimeout(500);
      const ink = await mapPixels(page, '#1b1b3a', 5);
      await page.close();
      return ink;
    };
    const camera = `map=16/${lat}/${lng}`;
    const plain = await selectionInk(`#/?${camera}`);
    const selected = await selectionInk(`#/?${camera}&sel=zone:${zone.id}`);
    // Tight tolerance: the card's text ink (#1d2330) is close to the outline's colour.
    expect(selected - plain).toBeGreaterThan(300);
  });
});
