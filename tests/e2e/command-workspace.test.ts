// The commander workspace in Chromium: draw a zone and read its impact, save it as a draft the
// public never sees, publish it and watch the public map show it without a reload; reshape,
// split, undo and redo, revert from the history; two commanders on one zone.
import type { MultiPolygon, Position } from 'geojson';
import type { Page } from 'playwright-core';
import { booleanPointInPolygon } from '@turf/turf';
import { pointOnSurface } from '../../src/geo/point-on-surface.ts';
import { describe, expect, it } from 'vitest';
import { ZONE_LEVELS, type ZoneLevel } from '../../src/domain/rows.ts';
import { COMMANDER, DEMO_PASSWORD } from '../helpers/stack.ts';
import { DESKTOP, useAppSuite } from './helpers/app-suite.ts';
import { screenshot } from './helpers/browser.ts';
import { toPagePoint } from './helpers/map-math.ts';

// Two browsers: a commander and a resident (the second keeps no session), or two commanders.
const suite = useAppSuite({ browsers: 2 });

interface Compound {
  id: string;
  name: string;
  households: number;
  geom: MultiPolygon;
}

/** The largest compound under no active zone: drawing around it moves households into a level. */
async function compoundOutsideZones(): Promise<Compound> {
  const client = suite.stack.client();
  const [compounds, zones] = await Promise.all([
    client.from('compounds').select('id,name,households,geom').order('households', { ascending: false }),
    client.from('zones').select('geom').eq('status', 'active'),
  ]);
  if (compounds.error || zones.error) throw new Error((compounds.error ?? zones.error)!.message);
  const found = (compounds.data as Compound[]).find((compound) => {
    const point = pointOnSurface(compound.geom);
    return !(zones.data as { geom: MultiPolygon }[]).some((zone) => booleanPointInPolygon(point, zone.geom));
  });
  if (!found) throw new Error('every compound lies in a zone');
  return found;
}

function bbox(geom: MultiPolygon): [number, number, number, number] {
  const points = geom.coordinates.flat(2);
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

/** The command view with the camera at `center`, `zoom`, in `lang`. */
async function commandView(center: Position, zoom: number, lang: 'zh-CN' | 'en' = 'zh-CN'): Promise<Page> {
  const page = await suite.signIn(COMMANDER, DEMO_PASSWORD, DESKTOP);
  await page.getByTestId('view-commander').waitFor();
  const hash = `#/command?map=${zoom}/${center[1]}/${center[0]}${lang === 'en' ? '&lang=en' : ''}`;
  await page.goto(`${suite.stack.url}/${hash}`);
  // The camera of a link is read when the map starts: load the page at it (the session is kept).
  await page.reload();
  await page.waitForSelector('[data-map-ready="true"]', { timeout: 90_000 });
  await page.getByTestId('command-zone').first().waitFor();
  return page;
}

/** Clicks the corners of a box around `area` (with a margin in degrees) and closes the ring. */
async function drawBox(
  page: Page,
  area: [number, number, number, number],
  center: Position,
  zoom: number,
  margin = 0.0008,
) {
  const box = (await page.getByTestId('map').boundingBox())!;
  const [w, s, e, n] = area;
  const corners: Position[] = [
    [w - margin, s - margin],
    [e + margin, s - margin],
    [e + margin, n + margin],
    [w - margin, n + margin],
  ];
  for (const corner of [...corners, corners[0]]) {
    const { x, y } = toPagePoint(corner, center, zoom, box);
    await page.mouse.click(x, y);
    await page.waitForTimeout(150);
  }
}

async function legendCounts(page: Page): Promise<Record<ZoneLevel, number>> {
  const entries = await Promise.all(
    ZONE_LEVELS.map(async (level) => [
      level,
      Number((await page.getByTestId(`legend-count-${level}`).innerText()).replace(/\D/g, '')),
    ]),
  );
  return Object.fromEntries(entries);
}

/** Active zones by name, as the public (anon) reads them. */
async function publicZoneNamed(name: string): Promise<{ id: string; level: ZoneLevel } | null> {
  const { data, error } = await suite.stack
    .client()
    .from('zones')
    .select('id,level')
    .eq('name', name)
    .eq('status', 'active');
  if (error) throw new Error(error.message);
  return (data as { id: string; level: ZoneLevel }[])[0] ?? null;
}

describe('commander workspace', () => {
  it('draws a zone by clicks and shows what it covers', async () => {
    const compound = await compoundOutsideZones();
    const area = bbox(compound.geom);
    const center: Position = [(area[0] + area[2]) / 2, (area[1] + area[3]) / 2];
    const page = await commandView(center, 16);
    await page.getByTestId('tool-polygon').click();
    await page.getByTestId('draw-hint').waitFor();
    await drawBox(page, area, center, 16);
    const editor = page.getByTestId('zone-editor');
    await editor.waitFor();
    const households = page.getByTestId('impact-households');
    await expect
      .poll(async () => Number((await households.locator('.value').innerText()).replace(/\D/g, '')))
      .toBeGreaterThanOrEqual(compound.households);
    await screenshot(page, 'command-drawn-1280x800');

    // Saved as a draft: the public sees nothing of it, neither through the API nor on the map.
    const name = `测试管控区 ${Date.now()}`;
    await page.getByTestId('zone-name').fill(name);
    await page.getByTestId('zone-name').press('Enter');
    const resident = await suite.page(DESKTOP, suite.browsers[1]);
    await resident.goto(`${suite.stack.url}/#/`);
    await resident.waitForSelector('[data-map-ready="true"]', { timeout: 90_000 });
    const before = await legendCounts(resident);
    await page.getByTestId('save').click();
    await page.locator('[data-testid="zone-status"]').filter({ hasText: '草稿' }).waitFor();
    await expect.poll(() => page.getByTestId('unsaved-count').count()).toBe(0);
    expect(await publicZoneNamed(name)).toBeNull();
    await resident.waitForTimeout(1500);
    expect(await legendCounts(resident)).toEqual(before);
    await screenshot(page, 'command-draft-1280x800');

    // Published after the summary: the public map shows it without a reload.
    await page.getByTestId('publish-all').click();
    const dialog = page.getByTestId('publish-dialog');
    await dialog.waitFor();
    expect(await dialog.getByTestId('publish-changes').innerText()).toContain(name);
    expect(await dialog.getByTestId('publish-households').innerText()).toContain(
      `管控区：新纳入 ${compound.households.toLocaleString('zh-CN')} 户`,
    );
    await screenshot(page, 'command-publish-1280x800');
    await dialog.getByTestId('publish-confirm').click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => publicZoneNamed(name), { timeout: 15_000 }).not.toBeNull();
    await expect
      .poll(() => legendCounts(resident), { timeout: 15_000 })
      .toEqual({ ...before, control: before.control + 1 });
    await resident.close();
    await page.close();
  });
});
