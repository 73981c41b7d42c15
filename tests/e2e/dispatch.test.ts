// The dispatcher's screen in Chromium: plan a supply run from a depot (or an expressway entry)
// into sealed compounds under the closures in force, reorder it by hand, print its route sheet,
// save it as a delivery, mark its stops live; see a commander's new zone flag the run and
// re-plan it from the truck's last stop; plan a testing team's round on a phone.
import type { LineString, Polygon, Position } from 'geojson';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { splitRouteAtStops } from '../../src/routing/run-breaks.ts';
import { COMMANDER, DEMO_PASSWORD, DISPATCHER } from '../helpers/stack.ts';
import { DESKTOP, PHONE, useAppSuite } from './helpers/app-suite.ts';
import { screenshot } from './helpers/browser.ts';

const suite = useAppSuite();

describe('dispatch', () => {
  it('plans a run into sealed compounds, saves it, and marks a stop arrived and delivered', async () => {
    const page = await suite.signIn(DISPATCHER, DEMO_PASSWORD, DESKTOP);
    await page.getByTestId('view-dispatcher').waitFor();
    await page.waitForSelector('[data-map-ready="true"]', { timeout: 90_000 });
    const options = page.getByTestId('stop-option');
    await options.first().waitFor();
    // 江山鼎 (cmp-0001) is sealed in the demo district.
    const jiangshanding = page.locator('[data-testid="stop-option"][data-compound-id="cmp-0001"]');
    await jiangshanding.check();
    const another = page.locator('[data-testid="stop-option"]:not([data-compound-id="cmp-0001"])').first();
    await another.check();
    await page.getByTestId('make-plan').click();
    await expect.poll(() => page.getByTestId('run-stop').count(), { timeout: 60_000 }).toBe(2);
    expect(await page.getByTestId('unassigned').count()).toBe(0);
    await screenshot(page, 'dispatch-plan-1280x800');

    await page.getByTestId('save-plan').click();
    const delivery = page.getByTestId('delivery').first();
    await delivery.waitFor();
    expect(await delivery.getByTestId('delivery-stop').count()).toBe(2);
    const client = await suite.stack.signIn(DISPATCHER, DEMO_PASSWORD);
    const { data: stops } = await client.from('delivery_stops').select('compound_id,seq,status');
    expect((stops as { compound_id: string }[]).map((s) => s.compound_id)).toContain('cmp-0001');

    const first = delivery.getByTestId('delivery-stop').first();
    await first.getByTestId('advance-stop').click();
    await delivery.locator('[data-testid="delivery-stop"][data-status="arrived"]').waitFor();
    await delivery.locator('[data-testid="delivery-stop"][data-status="arrived"]').getByTestId('advance-stop').click();
    await delivery.locator('[data-testid="delivery-stop"][data-status="delivered"]').waitFor();
    expect(await page.getByTestId('delivery').first().getAttribute('data-status')).toBe('en_route');
    await expect
      .poll(async () =>
        Number((await page.getByTestId('households-served').innerText()).match(/\d[\d,]*/)![0].replace(/,/g, '')),
      )
      .toBeGreaterThan(0);
    await screenshot(page, 'dispatch-delivered-1280x800');
    await page.close();
  });

  it('refuses a restricted entry without a pass, reorders a run by hand, prints its sheet and saves it from the entry', async () => {
    const page = await dispatcherPage();
    // cp-03 is a restricted expressway exit in the demo district.
    await page.getByTestId('depot').selectOption('cp-03');
    const options = page.locator('[data-testid="stop-option"]:not(:checked)');
    await options.nth(0).check();
    await options.nth(0).check();
    await options.nth(0).check();
    await page.getByTestId('make-plan').click();
    await expect.poll(() => page.getByRole('alert').innerText()).toContain('通行证');
    await page.getByLabel('持通行证').check();
    await page.getByTestId('make-plan').click();
    await expect.poll(() => page.getByTestId('run-stop').count(), { timeout: 60_000 }).toBe(3);

    const order = () =>
      page.getByTestId('run-stop').evaluateAll((items) => items.map((item) => item.getAttribute('data-compound-id')));
    const before = await order();
    const times = await page.getByTestId('run-stop').allInnerTexts();
    await page.getByTestId('move-later').first().click();
    await expect.poll(order).toEqual([before[1], before[0], before[2]]);
    // The times follow the new order: the stop now first is reached at another time than before.
    await expect.poll(() => page.getByTestId('run-stop').allInnerTexts()).not.toEqual(times);

    await page.getByTestId('open-sheet').first().click();
    const sheet = page.getByTestId('route-sheet');
    await sheet.waitFor();
    expect(await sheet.getByTestId('sheet-stops').locator('tbody tr').count()).toBe(3);
    const legs = sheet.getByTestId('sheet-turns');
    expect(await legs.count()).toBe(4);
    expect(await legs.first().locator('li').first().innerText()).toMatch(/^沿 .+ 出发/);
    expect(await legs.first().locator('li').last().innerText()).toContain('到达');
    await screenshot(page, 'dispatch-route-sheet-1280x800');
    await page.keyboard.press('Escape');
    await sheet.waitFor({ state: 'detached' });
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('open-sheet');

    await page.getByTestId('save-plan').click();
    await expect.poll(() => page.getByTestId('delivery').count()).toBeGreaterThan(0);
    const client = await suite.stack.signIn(DISPATCHER, DEMO_PASSWORD);
    const { data } = await client.from('deliveries').select('id,depot_id,has_pass').eq('depot_id', 'cp-03');
    expect(data).toEqual([expect.objectContaining({ depot_id: 'cp-03', has_pass: true })]);
    const { data: stops } = await client
      .from('delivery_stops')
      .select('compound_id,seq')
      .eq('delivery_id', (data as { id: string }[])[0].id)
      .order('seq');
    expect((stops as { compound_id: string }[]).map((s) => s.compound_id)).toEqual([before[1], before[0], before[2]]);
    await page.close();
  });

  it('flags a saved run that a commander’s new lockdown zone breaks, and re-plans it from the last stop served', async () => {
    const page = await dispatcherPage();
    const options = page.locator('[data-testid="stop-option"]:not(:checked)');
    await options.nth(0).check();
    await options.nth(0).check();
    await page.getByTestId('truck').fill('苏F·REPLAN');
    await page.getByTestId('make-plan').click();
    await expect.poll(() => page.getByTestId('run-stop').count(), { timeout: 60_000 }).toBe(2);
    await page.getByTestId('save-plan').click();
    const delivery = page.locator('[data-testid="delivery"]', { hasText: '苏F·REPLAN' });
    await delivery.waitFor();
    await delivery.getByTestId('advance-stop').first().click();
    await delivery.locator('[data-testid="delivery-stop"][data-status="arrived"]').getByTestId('advance-stop').click();
    await delivery.locator('[data-testid="delivery-stop"][data-status="delivered"]').waitFor();

    // A lockdown zone across the middle of the leg still to drive (stop 1 to stop 2), clear of both ends.
    const dispatcher = await suite.stack.signIn(DISPATCHER, DEMO_PASSWORD);
    const { data: runs } = await dispatcher.from('deliveries').select('id,route,version').eq('truck', '苏F·REPLAN');
    const run = (runs as { id: string; route: LineString; version: number }[])[0];
    const { data: stopRows } = await dispatcher
      .from('delivery_stops')
      .select('compound_id,seq,compounds(drop_point)')
      .eq('delivery_id', run.id)
      .order('seq');
    const drops = (stopRows as unknown as { compounds: { drop_point: { coordinates: Position } } }[]).map(
      (row) => row.compounds.drop_point.coordinates,
    );
    const leg = splitRouteAtStops(run.route.coordinates, drops)[1];
    const middle = pointAlong(leg, 0.5);
    const commander = await suite.stack.signIn(COMMANDER, DEMO_PASSWORD);
    const created = await commander.rpc('create_zone', {
      fields: { name: '测试封控区', name_en: 'Test lockdown', level: 'lockdown', geom: square(middle, 0.0004) },
    });
    expect(created.error).toBeNull();
    const published = await commander.rpc('publish_zones', { items: [{ id: created.data.id, expected_version: 1 }] });
    expect(published.error).toBeNull();

    await delivery.locator('[data-testid="run-broken"]').waitFor({ timeout: 10_000 });
    expect(await delivery.getAttribute('data-broken')).toBe('true');
    expect(await delivery.getByTestId('run-broken').innerText()).toContain('测试封控区');
    await delivery.getByTestId('replan').click();
    const proposal = delivery.getByTestId('replan-proposal');
    await proposal.waitFor({ timeout: 60_000 });
    expect(await proposal.getByTestId('replan-stop').count()).toBe(1);
    await screenshot(page, 'dispatch-replan-1280x800');
    await delivery.getByTestId('apply-replan').click();
    await expect.poll(() => delivery.getAttribute('data-broken'), { timeout: 10_000 }).toBe('false');
    const { data: after } = await dispatcher.from('deliveries').select('version,route').eq('id', run.id).single();
    expect((after as { version: number }).version).toBeGreaterThan(run.version);
    const { data: stopsAfter } = await dispatcher
      .from('delivery_stops')
      .select('status')
      .eq('delivery_id', run.id)
      .order('seq');
    expect((stopsAfter as { status: string }[]).map((s) => s.status)).toEqual(['delivered', 'pending']);
    await page.close();
  });

  it('on a phone: plans a mobile testing team’s round of enterprises and opens its sheet', async () => {
    const page = await suite.signIn(DISPATCHER, DEMO_PASSWORD, PHONE);
    await page.getByTestId('view-dispatcher').waitFor();
    await page.waitForSelector('[data-map-ready="true"]', { timeout: 90_000 });
    await page.getByTestId('mode-testing').click();
    await page.getByTestId('enterprise-filter').fill('物流');
    const options = page.locator('[data-testid="stop-option"]:not(:checked)');
    await options.first().waitFor();
    await options.nth(0).check();
    await options.nth(0).check();
    await page.getByTestId('make-plan').click();
    await expect.poll(() => page.getByTestId('run-stop').count(), { timeout: 60_000 }).toBe(2);
    expect(await page.getByTestId('save-plan').count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, 'dispatch-testing-360x740');
    await page.getByTestId('open-sheet').first().click();
    await page.getByTestId('route-sheet').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await page.getByRole('button', { name: '关闭路单' }).click();
    await page.close();
  });
});

async function dispatcherPage(): Promise<Page> {
  const page = await suite.signIn(DISPATCHER, DEMO_PASSWORD, DESKTOP);
  await page.getByTestId('view-dispatcher').waitFor();
  await page.waitForSelector('[data-map-ready="true"]', { timeout: 90_000 });
  await page.getByTestId('stop-option').first().waitFor();
  return page;
}

/** The point `share` of the way along a line (by vertex distance in degrees: enough to aim a test zone). */
function pointAlong(line: Position[], share: number): Position {
  const lengths = line.slice(1).map((p, i) => Math.hypot(p[0] - line[i][0], p[1] - line[i][1]));
  let left = lengths.reduce((a, b) => a + b, 0) * share;
  for (const [i, length] of lengths.entries()) {
    if (left <= length) {
      const f = length ? left / length : 0;
      return [line[i][0] + f * (line[i + 1][0] - line[i][0]), line[i][1] + f * (line[i + 1][1] - line[i][1])];
    }
    left -= length;
  }
  return line[line.length - 1];
}

function square([x, y]: Position, half: number): Polygon {
  return {
    type: 'Polygon',
    coordinates: [
      [
        [x - half, y - half],
        [x + half, y - half],
        [x + half, y + half],
        [x - half, y + half],
        [x - half, y - half],
      ],
    ],
  };
}
