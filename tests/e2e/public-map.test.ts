import { pointOnFeature } from '@turf/turf';
import type { MultiPolygon } from 'geojson';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ZONE_LEVELS, type ZoneLevel } from '../../src/domain/rows.ts';
import { DISTRICT_LABEL_COLOR } from '../../src/map/basemap/style.ts';
import { SITE_PALETTE } from '../../src/map/public-site-layers.ts';
import { ZONE_OUTLINE_COLORS } from '../../src/map/zone-layers.ts';
import { COMMANDER, DEMO_PASSWORD } from '../helpers/stack.ts';
import { DESKTOP, PHONE, sizeTag, useAppSuite, VIEWPORTS } from './helpers/app-suite.ts';
import { screenshot } from './helpers/browser.ts';
import { countColours, hexToRgb } from './helpers/pixels.ts';
import { testSquare } from './helpers/test-zones.ts';

const suite = useAppSuite();
const { open } = suite;

/** Active zones per level, as the public may read them. */
async function publicZoneCounts(): Promise<Record<ZoneLevel, number>> {
  const { data, error } = await suite.stack.client().from('zones').select('level').eq('status', 'active');
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

describe.each(VIEWPORTS)('public map at $width x $height', (viewport) => {
  it('draws the active zones in their level colours and the labels, with a legend that counts them', async () => {
    const page = await open(viewport);
    const expected = await publicZoneCounts();
    expect(expected.lockdown).toBeGreaterThan(0);
    await expect.poll(() => legendCounts(page)).toEqual(expected);

    const png = await screenshot(page, `public-${sizeTag(viewport)}`);
    const mapBox = (await page.getByTestId('map').boundingBox())!;
    const mapOnly = await page.screenshot({ clip: mapBox });
    // Each level's outline, drawn opaque in its darker shade (the fills are translucent tints).
    const colours = Object.fromEntries(ZONE_LEVELS.map((level) => [level, hexToRgb(ZONE_OUTLINE_COLORS[level])]));
    const counts = await countColours(page, mapOnly, colours, 20);
    for (const level of ZONE_LEVELS) {
      if (expected[level] > 0) expect(counts[level], `${level} pixels in ${png.length}-byte screenshot`).toBeGreaterThan(10);
    }
    // Sub-district names are drawn in their own ink: glyphs came from the bundled font faces.
    const labels = await countColours(page, mapOnly, { districtLabel: hexToRgb(DISTRICT_LABEL_COLOR) }, 16);
    expect(labels.districtLabel).toBeGreaterThan(30);
    await page.close();
  });

  it('shows a zone’s details when it is tapped', async () => {
    const { data } = await suite.stack.client().from('zones').select('id,name,geom').eq('status', 'active').eq('level', 'lockdown').limit(1).single();
    const zone = data as { id: string; name: string; geom: MultiPolygon };
    const [lng, lat] = pointOnFeature(zone.geom).geometry.coordinates;
    const page = await open(viewport, `#/?map=15.5/${lat}/${lng}`);
    const box = (await page.getByTestId('map').boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const details = page.getByTestId('details');
    await details.waitFor();
    expect(await details.innerText()).toContain(zone.name);
    expect(await details.innerText()).toContain('封控区');
    // A demo zone of 2022: its dates carry the year, and a review date long past says so.
    const { data: full } = await suite.stack.client().from('zones').select('effective_from,review_days').eq('id', zone.id).single();
    const facts = full as { effective_from: string | null; review_days: number | null };
    if (facts.effective_from && facts.review_days !== null) {
      expect(await details.getByTestId('zone-review').innerText()).toMatch(/^复核已逾期（原定 \d{4}年\d{1,2}月\d{1,2}日）$/);
    }
    // the level line carries the level's colour (lockdown red), not the card's grey
    expect(await details.locator('.level-lockdown').first().evaluate((el) => getComputedStyle(el).color)).toBe('rgb(179, 19, 42)');
    expect(page.url()).toContain(`sel=zone:${zone.id}`);
    await screenshot(page, `zone-details-${sizeTag(viewport)}`);
    await page.close();
  });

  it('draws the sites as map icons and shows a testing site’s details when it is tapped', async () => {
    const { data } = await suite.stack.client().from('sites').select('id,name,geom').eq('kind', 'testing_site').order('id').limit(1).single();
    const site = data as { id: string; name: string; geom: { coordinates: [number, number] } };
    const [lng, lat] = site.geom.coordinates;
    const page = await open(viewport, `#/?map=16/${lat}/${lng}`);
    const box = (await page.getByTestId('map').boundingBox())!;
    const markerColours = { open: hexToRgb(SITE_PALETTE.testingOpen), closed: hexToRgb(SITE_PALETTE.closedRing) };
    await expect
      .poll(async () => {
        const counts = await countColours(page, await page.screenshot({ clip: box }), markerColours, 12);
        return counts.open + counts.closed;
      })
      .toBeGreaterThan(20);
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const details = page.getByTestId('details');
    await details.waitFor();
    expect(await details.innerText()).toContain(site.name);
    expect(await details.innerText()).toContain('核酸检测点');
    expect(page.url()).toContain(`sel=site:${site.id}`);
    await screenshot(page, `site-details-${sizeTag(viewport)}`);
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
    await screenshot(page, `public-en-${sizeTag(viewport)}`);
    await page.reload();
    await page.waitForSelector('[data-map-ready="true"]', { timeout: 90_000 });
    expect(await page.getByTestId('legend').innerText()).toContain('Lockdown zone');
    await page.close();
  });
});

describe('live updates', () => {
  it('shows a zone published through the API, and removes it when lifted, without a reload', async () => {
    const page = await open(DESKTOP);
    await page.getByTestId('live-status').and(page.locator('[data-status="live"]')).waitFor();
    const before = await legendCounts(page);
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));

    const commander = await suite.stack.signIn(COMMANDER, DEMO_PASSWORD);
    const geom = testSquare(120.93);
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

describe('staff on the public map', () => {
  it('get zone changes through postgres_changes once signed in, and hear why a zone left', async () => {
    const page = await suite.signIn(COMMANDER, DEMO_PASSWORD, DESKTOP);
    await page.getByTestId('view-commander').waitFor();
    await page.getByRole('button', { name: '地图' }).click();
    await page.waitForSelector('[data-map-ready="true"]', { timeout: 90_000 });
    await page.locator('[data-testid="live-status"][data-status="live"]').waitFor();
    const before = await legendCounts(page);

    const commander = await suite.stack.signIn(COMMANDER, DEMO_PASSWORD);
    const { data: created, error } = await commander
      .from('zones')
      .insert({ name: '员工视图测试封控区', level: 'lockdown', status: 'active', geom: testSquare(120.94) })
      .select('id')
      .single();
    expect(error).toBeNull();
    const added = { ...before, lockdown: before.lockdown + 1 };
    await expect.poll(() => legendCounts(page), { timeout: 15_000 }).toEqual(added);
    const id = (created as { id: string }).id;

    // Their feed says only that the row changed; its status says why it left the map.
    const announcer = page.getByTestId('announcer');
    const setStatus = async (status: string) =>
      expect((await commander.from('zones').update({ status }).eq('id', id)).error).toBeNull();
    await setStatus('draft');
    await expect.poll(() => legendCounts(page), { timeout: 15_000 }).toEqual(before);
    await expect.poll(() => announcer.textContent(), { timeout: 15_000 }).toMatch(/员工视图测试封控区已从公开地图撤下$/);
    await setStatus('active');
    await expect.poll(() => legendCounts(page), { timeout: 15_000 }).toEqual(added);
    await setStatus('lifted');
    await expect.poll(() => announcer.textContent(), { timeout: 15_000 }).toMatch(/员工视图测试封控区已解封$/);
    await setStatus('active');
    await expect.poll(() => legendCounts(page), { timeout: 15_000 }).toEqual(added);
    await commander.from('zones').delete().eq('id', id);
    await expect.poll(() => legendCounts(page), { timeout: 15_000 }).toEqual(before);
    await expect.poll(() => announcer.textContent(), { timeout: 15_000 }).toMatch(/员工视图测试封控区已从公开地图撤下$/);
    // The session lives in the profile's storage: leave the next test an anonymous visitor.
    await page.getByTestId('sign-out').click();
    await page.getByTestId('sign-in').waitFor();
    await page.close();
  });
});

describe('reconnecting', () => {
  it('catches up on a change it missed while the connection was down', async () => {
    const page = await open(PHONE);
    await page.getByTestId('sign-in').waitFor();
    const badge = page.getByTestId('live-status');
    await page.locator('[data-testid="live-status"][data-status="live"]').waitFor();
    // The resync that follows every subscription has finished once no request is in flight.
    await page.waitForLoadState('networkidle');
    const before = await legendCounts(page);

    // Written with the public broadcast switched off: the page can only learn of it by re-reading.
    await suite.stack.ctx.db.transaction(async (tx) => {
      await tx.exec("set local app.bulk_import = 'on'");
      await tx.query(`insert into public.zones (id, name, level, status, geom) values ('zone-missed', '断线期间新增管控区', 'control', 'active', ST_GeomFromGeoJSON($1))`, [
        JSON.stringify(testSquare(120.95)),
      ]);
    });
    await page.waitForTimeout(1000);
    expect(await legendCounts(page)).toEqual(before);

    await suite.stack.restart();
    await expect.poll(() => badge.getAttribute('data-status'), { timeout: 30_000 }).toBe('live');
    await expect.poll(() => legendCounts(page), { timeout: 15_000 }).toEqual({ ...before, control: before.control + 1 });
    await screenshot(page, 'reconnected-360x740');
    await page.close();
  });
});

describe('code splitting', () => {
  it('does not download the sign-in, command or dispatch code on the public map', async () => {
    const page = await suite.page(PHONE);
    const scripts: string[] = [];
    page.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.push(request.url());
    });
    await page.goto(`${suite.stack.url}/#/`);
    await page.waitForSelector('[data-map-ready="true"]', { timeout: 90_000 });
    expect(scripts.some((url) => /PublicView/.test(url))).toBe(true);
    expect(scripts.filter((url) => /CommandView|DispatchView|SignInView|StaffPlaceholder|routing/i.test(url))).toEqual([]);
    await page.close();
  });
});
