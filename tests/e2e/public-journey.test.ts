import { pointOnFeature } from '@turf/turf';
import type { MultiPolygon } from 'geojson';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { COMMANDER, DEMO_PASSWORD } from '../helpers/stack.ts';
import { DESKTOP, PHONE, sizeTag, useAppSuite, VIEWPORTS, type Viewport } from './helpers/app-suite.ts';
import { screenshot } from './helpers/browser.ts';

// The resident's questions on the public map: search a compound, where am I, nearest testing
// sites, the list of zones, and what changed today. Both viewports, both languages.

const suite = useAppSuite();
const { open } = suite;

async function zoneById(id: string): Promise<{ id: string; name: string; geom: MultiPolygon }> {
  const { data, error } = await suite.stack.client().from('zones').select('id,name,geom').eq('id', id).single();
  if (error) throw error;
  return data as { id: string; name: string; geom: MultiPolygon };
}

/** Opens the map centred on a point and taps the map there in "pick on map" mode. */
async function pickPlace(viewport: Viewport, [lng, lat]: number[], hash = '') {
  const page = await open(viewport, `#/?map=15.5/${lat}/${lng}${hash}`);
  await page.getByTestId('pick-place').click();
  const box = (await page.getByTestId('map').boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  return page;
}

async function switchToEnglish(page: Page) {
  await page.getByTestId('language-switch').click();
  await expect.poll(() => page.url()).toContain('lang=en');
}

describe.each(VIEWPORTS)('resident questions at $width x $height', (viewport) => {
  it('finds 江山鼎 by name and says its lockdown status in plain words, in both languages, kept in the link', async () => {
    const page = await open(viewport);
    const input = page.getByTestId('search-input');
    await input.click();
    await input.fill('江山鼎');
    await page.getByTestId('search-results').getByRole('option').first().waitFor();
    await input.press('Enter');
    const status = page.getByTestId('compound-status');
    await expect.poll(() => status.innerText()).toMatch(/^江山鼎自(\d{4}年)?4月4日起处于封控区，(\d{4}年)?4月18日复核$/);
    expect(page.url()).toContain('sel=compound:cmp-0001');
    await page.waitForTimeout(600);
    await screenshot(page, `search-compound-${sizeTag(viewport)}`);

    await switchToEnglish(page);
    await expect.poll(() => status.innerText()).toMatch(/^江山鼎 is in a lockdown zone since 4 April( \d{4})?; review on 18 April( \d{4})?$/);

    await page.reload();
    await page.waitForSelector('[data-map-ready="true"]', { timeout: 90_000 });
    await expect.poll(() => page.getByTestId('compound-status').innerText()).toContain('is in a lockdown zone');
    await page.close();
  });

  it('tolerates a typo and an English name in the search', async () => {
    const page = await open(viewport);
    const input = page.getByTestId('search-input');
    await input.click();
    await input.fill('jiangshandin');
    const first = page.getByTestId('search-results').getByRole('option').first();
    await expect.poll(() => first.innerText()).toContain('江山鼎');
    await page.close();
  });

  it('says which zone a tapped place is in and lists the three nearest testing sites on foot with their hours', async () => {
    const zone = await zoneById('zone-001');
    const point = pointOnFeature(zone.geom).geometry.coordinates;
    const page = await pickPlace(viewport, point);
    const status = page.getByTestId('place-status');
    await expect.poll(() => status.innerText()).toContain('处于封控区');
    expect(await status.innerText()).toContain(zone.name);
    expect(page.url()).toMatch(/at=\d+\.\d{5}\/\d+\.\d{5}/);

    const items = page.getByTestId('nearest-site');
    await expect.poll(() => items.count(), { timeout: 30_000 }).toBe(3);
    for (const text of await items.allInnerTexts()) {
      expect(text).toMatch(/步行 [\d.]+ (米|公里)，约 \d+ 分钟/);
      expect(text).toMatch(/开放时间 \d{2}:\d{2}–\d{2}:\d{2}/);
    }
    await page.waitForTimeout(800);
    await screenshot(page, `nearest-sites-${sizeTag(viewport)}`);

    await switchToEnglish(page);
    await expect.poll(() => status.innerText()).toMatch(/^This place is in a lockdown zone \(.+\) since/);
    for (const text of await items.allInnerTexts()) expect(text).toMatch(/[\d.]+ (m|km) walk, about \d+ min/);

    // The link keeps the place: a reload answers for it again.
    await page.reload();
    await page.waitForSelector('[data-map-ready="true"]', { timeout: 90_000 });
    await expect.poll(() => page.getByTestId('place-status').innerText()).toContain('This place is in a lockdown zone');
    await page.close();
  });

  it('says when a tapped place is outside all zones', async () => {
    // The far north-west of the district, away from the dataset's zones.
    const page = await pickPlace(viewport, [120.86, 31.985]);
    await expect.poll(() => page.getByTestId('place-status').innerText()).toBe('该位置不在任何封控区、管控区或防范区内');
    await page.close();
  });

  it('answers "where am I" from the device location', async () => {
    const zone = await zoneById('zone-001');
    const [longitude, latitude] = pointOnFeature(zone.geom).geometry.coordinates;
    await suite.browser.context.grantPermissions(['geolocation']);
    await suite.browser.context.setGeolocation({ latitude, longitude, accuracy: 10 });
    try {
      const page = await open(viewport);
      await page.getByTestId('where-am-i').click();
      await expect.poll(() => page.getByTestId('place-status').innerText()).toContain('处于封控区');
      expect(await page.getByTestId('place-status').innerText()).toContain(zone.name);
      await expect.poll(() => page.getByTestId('nearest-site').count(), { timeout: 30_000 }).toBe(3);
      await page.close();
    } finally {
      await suite.browser.context.clearPermissions();
    }
  });

  it('lists the active zones, sortable by level and by sub-district', async () => {
    const { count } = await suite.stack.client().from('zones').select('id', { count: 'exact', head: true }).eq('status', 'active');
    const page = await open(viewport);
    await page.getByTestId('open-list').click();
    const rows = page.getByTestId('zone-row');
    await expect.poll(() => rows.count()).toBe(count);
    const severity = { lockdown: 0, control: 1, precaution: 2 } as Record<string, number>;
    const levels = async () => (await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-level') ?? ''))).map((l) => severity[l]);
    const ascending = (list: number[]) => list.every((value, i) => i === 0 || list[i - 1] <= value);

    expect(ascending(await levels())).toBe(true);
    await page.getByTestId('sort-level').click();
    expect(ascending((await levels()).reverse())).toBe(true);
    expect(await page.locator('th[aria-sort="descending"]').count()).toBe(1);

    await page.getByTestId('sort-district').click();
    const districts = await page.getByTestId('zone-district').allInnerTexts();
    const sorted = await page.evaluate((list) => [...list].sort(new Intl.Collator('zh-CN').compare), districts);
    expect(districts).toEqual(sorted);
    expect(districts.some((name) => name.includes('街道') || name.includes('片区'))).toBe(true);
    await screenshot(page, `zone-list-${sizeTag(viewport)}`);

    // Keyboard: the sort buttons and zone names are reachable and a name opens the zone.
    await page.getByTestId('sort-level').focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByTestId('details').waitFor();
    expect(page.url()).toMatch(/sel=zone:/);

    await switchToEnglish(page);
    await page.getByTestId('open-list').click();
    expect(await page.getByTestId('zone-list').innerText()).toContain('Sub-district');
    await page.close();
  });
});

describe('nearest testing sites far from any road', () => {
  it('falls back to the straight-line answer of the nearest_sites RPC and says so', async () => {
    // In the river, kilometres from the nearest walkable road.
    const page = await pickPlace(DESKTOP, [120.9, 31.87]);
    const items = page.getByTestId('nearest-site');
    await expect.poll(() => items.count(), { timeout: 30_000 }).toBe(3);
    expect(await page.getByTestId('place-card').innerText()).toContain('附近没有可步行的道路，按直线距离排列');
    for (const text of await items.allInnerTexts()) expect(text).toMatch(/直线 [\d.]+ 公里/);
    const { data } = await suite.stack.client().rpc('nearest_sites', { lng: 120.9, lat: 31.87, kind: 'testing_site', max_count: 3, open_only: true });
    const names = (data as { name: string }[]).map((row) => row.name);
    expect((await items.allInnerTexts()).map((text) => text.split('\n')[0])).toEqual(names);
    await page.close();
  });
});

describe('what changed today', () => {
  it('reports a zone published, a zone reshaped and a zone lifted through the API, without a reload', async () => {
    const page = await open(DESKTOP);
    await page.locator('[data-testid="live-status"][data-status="live"]').waitFor();
    await page.getByTestId('open-changes').click();
    await expect.poll(() => page.getByTestId('changes-summary').innerText()).toBe('今日区域无变化');

    const commander = await suite.stack.signIn(COMMANDER, DEMO_PASSWORD);
    const [w, s] = [120.93, 31.94];
    const square: MultiPolygon = { type: 'MultiPolygon', coordinates: [[[[w, s], [w + 0.005, s], [w + 0.005, s + 0.005], [w, s + 0.005], [w, s]]]] };
    const { error: insertError } = await commander
      .from('zones')
      .insert({ id: 'zone-today', name: '今日新增防范区', name_en: 'Added today', level: 'precaution', status: 'active', district: 'dst-zhongxing', geom: square })
      .select('id')
      .single();
    expect(insertError).toBeNull();

    const reshaped = await zoneById('zone-009');
    const moved: MultiPolygon = { type: 'MultiPolygon', coordinates: reshaped.geom.coordinates.map((poly) => poly.map((ring) => ring.map(([x, y]) => [x + 0.0005, y]))) };
    expect((await commander.from('zones').update({ geom: moved }).eq('id', 'zone-009')).error).toBeNull();
    expect((await commander.from('zones').update({ status: 'lifted' }).eq('id', 'zone-008')).error).toBeNull();
    // A draft stays private: its revisions never reach the public.
    expect((await commander.from('zones').insert({ id: 'zone-draft', name: '草稿区域', level: 'lockdown', status: 'draft', geom: square })).error).toBeNull();

    const kinds = async () => (await page.getByTestId('change').evaluateAll((els) => els.map((el) => `${el.getAttribute('data-zone-id')}:${el.getAttribute('data-kind')}`))).sort();
    await expect.poll(kinds, { timeout: 15_000 }).toEqual(['zone-008:lifted', 'zone-009:reshaped', 'zone-today:added']);
    const summary = page.getByTestId('changes-summary');
    expect(await summary.innerText()).toBe('今日区域变化3项：新增1个，调整范围1个，解封1个');
    expect(await page.getByTestId('changes-today').innerText()).toContain('新增防范区：今日新增防范区');
    expect(await page.getByTestId('changes-today').innerText()).not.toContain('草稿区域');
    await screenshot(page, 'changes-today-1280x800');

    await switchToEnglish(page);
    await expect.poll(() => summary.innerText()).toBe('Today: 3 zone changes (1 added, 1 redrawn, 1 lifted)');
    expect(await page.getByTestId('changes-today').innerText()).toContain('Added today was added as a precaution zone at');
    await page.close();

    const phone = await open(PHONE, '#/?lang=en');
    await phone.getByTestId('open-changes').click();
    await expect.poll(() => phone.getByTestId('change').count()).toBe(3);
    await screenshot(phone, 'changes-today-360x740');
    await phone.close();
  });
});
