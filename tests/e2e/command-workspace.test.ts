// The commander workspace in Chromium: draw a zone and read its impact, save it as a draft the
// public never sees, publish it and watch the public map show it without a reload; reshape,
// split, undo and redo, revert from the history; two commanders on one zone.
import type { MultiPolygon, Position } from 'geojson';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ZONE_LEVELS, type ZoneLevel } from '../../src/domain/rows.ts';
import { COMMANDER, DEMO_PASSWORD } from '../helpers/stack.ts';
import { createUser } from '../helpers/users.ts';
import { DESKTOP, PHONE, useAppSuite, type Viewport } from './helpers/app-suite.ts';
import { screenshot } from './helpers/browser.ts';
import { compoundOutsideZones as outsideZones } from './helpers/compounds.ts';
import { toPagePoint } from './helpers/map-math.ts';

// Two browsers: a commander and a resident (the second keeps no session), or two commanders.
const suite = useAppSuite({ browsers: 2 });
const SECOND = 'second-commander@demo.local';
const SECOND_PASSWORD = 'second-commander-pw';

/** The largest compound under no active zone (see helpers/compounds.ts). */
const compoundOutsideZones = () => outsideZones(suite.stack.client());

function bbox(geom: MultiPolygon): [number, number, number, number] {
  const points = geom.coordinates.flat(2);
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

/** The command view with the camera at `center`, `zoom`, in `lang`, with zone `open` open. */
async function commandView(
  center: Position,
  zoom: number,
  lang: 'zh-CN' | 'en' = 'zh-CN',
  open?: string,
  browser = suite.browsers[0],
  email = COMMANDER,
  password = DEMO_PASSWORD,
  viewport: Viewport = DESKTOP,
): Promise<Page> {
  const page = await suite.signIn(email, password, viewport, browser);
  await page.getByTestId('view-commander').waitFor();
  const hash = `#/command?map=${zoom}/${center[1]}/${center[0]}${open ? `&sel=zone:${open}` : ''}${lang === 'en' ? '&lang=en' : ''}`;
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

interface Zone {
  id: string;
  name: string;
  version: number;
  geom: MultiPolygon;
}

async function zoneById(id: string): Promise<Zone> {
  const { data, error } = await suite.stack.client().from('zones').select('id,name,version,geom').eq('id', id).single();
  if (error) throw new Error(error.message);
  return data as Zone;
}

/** Drags the map from one position to another in small steps (Alt held: no snapping). */
async function drag(page: Page, from: Position, to: Position, center: Position, zoom: number, free = true) {
  const box = (await page.getByTestId('map').boundingBox())!;
  const a = toPagePoint(from, center, zoom, box);
  const b = toPagePoint(to, center, zoom, box);
  if (free) await page.keyboard.down('Alt');
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 20 });
  await page.mouse.up();
  if (free) await page.keyboard.up('Alt');
}

const figure = async (page: Page, name: string) => Number((await page.getByTestId(`impact-${name}`).locator('.value').innerText()).replace(/\D/g, ''));

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

  it('moves a vertex shared with the control ring in both zones, and undoes and redoes it', async () => {
    const lockdown = await zoneById('zone-001');
    const ring = lockdown.geom.coordinates[0][0];
    const center: Position = [(ring[0][0] + ring[2][0]) / 2, (ring[0][1] + ring[2][1]) / 2];
    const page = await commandView(center, 17, 'zh-CN', lockdown.id);
    const editor = page.getByTestId('zone-editor');
    await editor.waitFor();
    await expect.poll(() => figure(page, 'households')).toBeGreaterThan(0);
    const before = await figure(page, 'households');
    expect(await editor.innerText()).toContain('相邻区域');

    // The far corner dragged onto the near one: the compound's point falls outside, households drop.
    await drag(page, ring[2], [ring[0][0] + 0.00005, ring[0][1] + 0.00005], center, 17);
    await expect.poll(() => figure(page, 'households')).toBeLessThan(before);
    await page.getByTestId('newly-out').waitFor();
    await expect.poll(() => page.getByTestId('unsaved-count').innerText()).toContain('2');
    await screenshot(page, 'command-vertex-dragged-1280x800');

    await page.keyboard.press('Control+z');
    await expect.poll(() => figure(page, 'households')).toBe(before);
    await expect.poll(() => page.getByTestId('unsaved-count').count()).toBe(0);
    await page.getByTestId('redo').click();
    await expect.poll(() => figure(page, 'households')).toBeLessThan(before);
    await page.getByTestId('undo').click();
    await expect.poll(() => figure(page, 'households')).toBe(before);
    await page.close();
  });

  it('splits a zone along a drawn line into two drafts, undoes and redoes the split, and saves both', async () => {
    const zone = await zoneById('zone-009');
    const [w, south, e, n] = bbox(zone.geom);
    const center: Position = [(w + e) / 2, (south + n) / 2];
    const page = await commandView(center, 14, 'zh-CN', zone.id);
    await page.getByTestId('zone-editor').waitFor();
    await page.getByTestId('split').click();
    const box = (await page.getByTestId('map').boundingBox())!;
    const start = toPagePoint([w - 0.002, center[1]], center, 14, box);
    const end = toPagePoint([e + 0.002, center[1] + 0.0003], center, 14, box);
    await page.keyboard.down('Alt');
    await page.mouse.click(start.x, start.y);
    await page.waitForTimeout(150);
    await page.mouse.click(end.x, end.y);
    await page.waitForTimeout(150);
    await page.mouse.click(end.x, end.y);
    await page.keyboard.up('Alt');
    await expect.poll(() => page.getByTestId('unsaved-count').innerText()).toContain('2');
    const pieces = page.locator('[data-testid="command-zone"]').filter({ hasText: `${zone.name} (2)` });
    await pieces.first().waitFor();
    await screenshot(page, 'command-split-1280x800');

    await page.getByTestId('undo').click();
    await expect.poll(() => page.getByTestId('unsaved-count').count()).toBe(0);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => page.getByTestId('unsaved-count').innerText()).toContain('2');
    await page.getByTestId('save').click();
    await expect.poll(() => page.getByTestId('unsaved-count').count(), { timeout: 15_000 }).toBe(0);
    const commander = await suite.stack.signIn(COMMANDER, DEMO_PASSWORD);
    const [{ data: drafts }, { data: created }] = await Promise.all([
      commander.from('zone_drafts').select('zone_id').eq('zone_id', zone.id),
      commander.from('zones').select('id,status').eq('name', `${zone.name} (2)`),
    ]);
    expect(drafts).toHaveLength(1);
    expect(created).toEqual([{ id: expect.any(String), status: 'draft' }]);
    await page.close();
  });

  it('steps a zone down, publishes it, and reverts it to its earlier revision from the history', async () => {
    const zone = await zoneById('zone-005');
    const [w, south, e, n] = bbox(zone.geom);
    const center: Position = [(w + e) / 2, (south + n) / 2];
    const page = await commandView(center, 16, 'zh-CN', zone.id);
    const editor = page.getByTestId('zone-editor');
    await editor.waitFor();
    await page.getByTestId('step-down').click();
    await expect.poll(() => page.getByTestId('zone-level').inputValue()).toBe('control');
    await page.getByTestId('save').click();
    await page.getByTestId('publish-zone').click();
    const dialog = page.getByTestId('publish-dialog');
    await dialog.waitFor();
    expect(await dialog.locator('[data-kind="steppedDown"]').count()).toBe(1);
    await dialog.getByTestId('publish-confirm').click();
    await expect.poll(async () => (await zoneById(zone.id)).version, { timeout: 15_000 }).toBe(zone.version + 1);
    expect(await publicZoneNamed(zone.name)).toMatchObject({ level: 'control' });

    await page.getByTestId('history').click();
    const history = page.getByTestId('history-panel');
    await history.locator(`[data-testid="revision"][data-version="${zone.version + 1}"][data-kind="level_changed"]`).waitFor();
    const earlier = history.locator(`[data-testid="revision"][data-version="${zone.version}"]`);
    await earlier.getByTestId('show-revision').click();
    await screenshot(page, 'command-history-1280x800');
    page.once('dialog', (dialog) => void dialog.accept());
    await earlier.getByTestId('revert').click();
    await expect.poll(() => publicZoneNamed(zone.name), { timeout: 15_000 }).toMatchObject({ level: 'lockdown' });
    expect((await zoneById(zone.id)).version).toBe(zone.version + 2);
    await page.close();
  });

  it('works in English: draws a rectangle and reads the figures', async () => {
    const compound = await compoundOutsideZones();
    const area = bbox(compound.geom);
    const center: Position = [(area[0] + area[2]) / 2, (area[1] + area[3]) / 2];
    const page = await commandView(center, 16, 'en');
    await page.getByTestId('tool-rectangle').click();
    expect(await page.getByTestId('draw-hint').innerText()).toContain('Esc cancels');
    const box = (await page.getByTestId('map').boundingBox())!;
    const a = toPagePoint([area[0] - 0.0008, area[1] - 0.0008], center, 16, box);
    const b = toPagePoint([area[2] + 0.0008, area[3] + 0.0008], center, 16, box);
    await page.mouse.click(a.x, a.y);
    await page.waitForTimeout(150);
    await page.mouse.click(b.x, b.y);
    await page.getByTestId('zone-editor').waitFor();
    expect(await page.getByTestId('impact-households').innerText()).toContain('Households');
    await expect.poll(() => figure(page, 'households')).toBeGreaterThanOrEqual(compound.households);
    expect(await page.getByTestId('zone-status').innerText()).toBe('New, not saved');
    await page.keyboard.press('Control+z');
    await page.getByTestId('zone-editor').waitFor({ state: 'detached' });

    // A circle says its radius while it is drawn; Escape drops it.
    await page.getByTestId('tool-circle').click();
    await page.mouse.click(a.x, a.y);
    await page.mouse.move(b.x, b.y, { steps: 5 });
    expect(await page.getByTestId('circle-radius').innerText()).toMatch(/^Radius \d+ m$/);
    await page.keyboard.press('Escape');
    await page.getByTestId('draw-hint').waitFor({ state: 'detached' });
    expect(await page.getByTestId('zone-editor').count()).toBe(0);
    await page.getByTestId('tool-rectangle').click();
    await page.mouse.click(a.x, a.y);
    await page.waitForTimeout(150);
    await page.mouse.click(b.x, b.y);
    await page.getByTestId('zone-editor').waitFor();
    await screenshot(page, 'command-en-1280x800');
    await page.keyboard.press('Control+z');
    await page.getByTestId('zone-editor').waitFor({ state: 'detached' });
    await page.close();
  });

  it('tells a commander who saves second about the conflict, shows both versions, and reapplies theirs on top', async () => {
    const zone = await zoneById('zone-007');
    const [w, south, e, n] = bbox(zone.geom);
    const center: Position = [(w + e) / 2, (south + n) / 2];
    await createUser(suite.stack, SECOND, SECOND_PASSWORD, { role: 'commander' });
    const first = await commandView(center, 16, 'zh-CN', zone.id, suite.browsers[0]);
    const second = await commandView(center, 16, 'zh-CN', zone.id, suite.browsers[1], SECOND, SECOND_PASSWORD);
    await second.getByTestId('also-editing').waitFor();

    // The first commander drags a vertex: the second sees the unsaved outline move, then go when undone.
    const corner = zone.geom.coordinates[0][0][1];
    await drag(first, corner, [corner[0] + 0.0003, corner[1] - 0.0002], center, 16);
    await second.locator(`[data-testid="map-pane"][data-remote-outlines~="${COMMANDER}"]`).waitFor();
    await first.getByTestId('undo').click();
    await second.locator('[data-testid="map-pane"][data-remote-outlines=""]').waitFor();

    await first.getByTestId('zone-name').fill('丰乐新村封控区（一）');
    await first.getByTestId('zone-name').press('Enter');
    await second.locator('input[type="number"]').first().fill('21');
    await second.locator('input[type="number"]').first().press('Enter');
    await first.getByTestId('save').click();
    await expect.poll(() => first.getByTestId('unsaved-count').count(), { timeout: 15_000 }).toBe(0);
    await second.getByTestId('save').click();
    const conflict = second.getByTestId('conflict');
    await conflict.waitFor();
    await screenshot(second, 'command-conflict-1280x800');
    await conflict.getByTestId('conflict-reapply').click();
    await second.getByTestId('save').click();
    await expect.poll(() => second.getByTestId('unsaved-count').count(), { timeout: 15_000 }).toBe(0);
    expect(await second.getByTestId('conflict').count()).toBe(0);

    const commander = await suite.stack.signIn(COMMANDER, DEMO_PASSWORD);
    const { data: draft } = await commander.from('zone_drafts').select('name,review_days,version').eq('zone_id', zone.id).single();
    expect(draft).toEqual({ name: '丰乐新村封控区（一）', review_days: 21, version: 2 });
    await first.close();
    await second.close();
  });

  it('on a phone: makes a zone from a compound chosen in the list, then a control ring around it', async () => {
    const compound = await compoundOutsideZones();
    const area = bbox(compound.geom);
    const center: Position = [(area[0] + area[2]) / 2, (area[1] + area[3]) / 2];
    const page = await commandView(center, 15, 'zh-CN', undefined, suite.browsers[0], COMMANDER, DEMO_PASSWORD, PHONE);
    await page.getByTestId('new-level').selectOption('lockdown');
    await page.getByTestId('tool-compounds').click();
    const picker = page.getByTestId('compound-picker');
    await picker.getByTestId('compound-search').fill(compound.name);
    await picker.locator(`[data-compound-id="${compound.id}"]`).check();
    await picker.getByTestId('compound-margin').fill('20');
    await picker.getByTestId('compound-create').click();
    const editor = page.getByTestId('zone-editor');
    await editor.waitFor();
    expect(await page.getByTestId('zone-level').inputValue()).toBe('lockdown');
    await expect.poll(() => figure(page, 'households')).toBe(compound.households);

    await page.getByTestId('ring').click();
    await expect.poll(() => page.getByTestId('unsaved-count').innerText()).toContain('2');
    expect(await page.getByTestId('zone-level').inputValue()).toBe('control');
    // The ring leaves the compound to the lockdown zone inside it.
    await expect.poll(() => figure(page, 'households')).toBe(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, 'command-ring-360x740');
    await page.getByTestId('undo').click();
    await page.getByTestId('undo').click();
    await expect.poll(() => page.getByTestId('unsaved-count').count()).toBe(0);
    await page.close();
  });
});
