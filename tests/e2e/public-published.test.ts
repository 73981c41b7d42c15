// The public map reads published files, not the tables: a resident's visit (map, search, zone
// list, today's changes, live changes) makes no REST request, and a viewer that was offline
// while a zone was lifted catches up from the newer publication when it reconnects.
import type { Page, Request } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { COMMANDER, DEMO_PASSWORD } from '../helpers/stack.ts';
import { DESKTOP, useAppSuite } from './helpers/app-suite.ts';

const suite = useAppSuite();

/** Every request the page makes from now on, by path. */
function watchRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (request: Request) => seen.push(new URL(request.url()).pathname));
  return seen;
}

async function lockdownCount(page: Page): Promise<number> {
  return Number((await page.getByTestId('legend-count-lockdown').innerText()).replace(/\D/g, ''));
}

async function activeLockdowns(): Promise<{ id: string; name: string }[]> {
  const { data, error } = await suite.stack.client().from('zones').select('id,name').eq('status', 'active').eq('level', 'lockdown').order('id');
  if (error) throw error;
  return data as { id: string; name: string }[];
}

describe('the published public map', () => {
  it('serves a resident’s whole visit without one REST request, live changes included', async () => {
    const page = await suite.page(DESKTOP);
    const requests = watchRequests(page);
    await page.goto(`${suite.stack.url}/#/`);
    await page.waitForSelector('[data-map-ready="true"]', { timeout: 90_000 });
    await page.locator('[data-testid="live-status"][data-status="live"]').waitFor();
    const lockdowns = await activeLockdowns();
    await expect.poll(() => lockdownCount(page)).toBe(lockdowns.length);

    // Search reads the published compounds, the list the published district names.
    const search = page.getByRole('combobox');
    await search.fill('江山');
    await page.getByRole('option').first().waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('open-list').click();
    await page.getByTestId('zone-row').first().waitFor();
    await page.getByTestId('open-changes').click();
    await page.getByTestId('changes-summary').waitFor();

    const commander = await suite.stack.signIn(COMMANDER, DEMO_PASSWORD);
    expect((await commander.from('zones').update({ status: 'lifted' }).eq('id', lockdowns[0].id)).error).toBeNull();
    await expect.poll(() => lockdownCount(page), { timeout: 15_000 }).toBe(lockdowns.length - 1);
    await expect.poll(() => page.getByTestId('change').evaluateAll((els) => els.map((el) => el.getAttribute('data-kind'))), { timeout: 15_000 }).toContain('lifted');

    expect(requests.filter((path) => path.startsWith('/rest/v1/'))).toEqual([]);
    expect(requests.some((path) => /\/storage\/v1\/object\/public\/public-map\/map-[0-9a-f]{16}\.json$/.test(path))).toBe(true);
    expect(requests.some((path) => /\/public-map\/compounds-[0-9a-f]{16}\.json$/.test(path))).toBe(true);
    await page.close();
  });

  it('catches up after a dropped connection during which a zone was lifted', async () => {
    const page = await suite.open(DESKTOP);
    await page.locator('[data-testid="live-status"][data-status="live"]').waitFor();
    const before = await activeLockdowns();
    await expect.poll(() => lockdownCount(page)).toBe(before.length);

    // The server restarts (every socket dropped) and the zone is lifted at once, before the
    // client's first reconnection attempt (a second later): its broadcast reaches nobody.
    await suite.stack.restart();
    await suite.stack.ctx.db.query(`update zones set status = 'lifted' where id = $1`, [before[0].id]);
    expect(await lockdownCount(page)).toBe(before.length);

    // Reconnected, the viewer compares its publication with the pointer and loads the newer one.
    await expect.poll(() => lockdownCount(page), { timeout: 30_000 }).toBe(before.length - 1);
    await page.locator('[data-testid="live-status"][data-status="live"]').waitFor({ timeout: 30_000 });
    await page.close();
  });

  it('after a dropped connection, tells a zone lifted meanwhile from one only withdrawn', async () => {
    const [lifted, withdrawn] = await activeLockdowns();
    const page = await suite.open(DESKTOP, `#/?sel=zone:${withdrawn.id}`);
    await page.locator('[data-testid="live-status"][data-status="live"]').waitFor();
    const details = page.getByTestId('details');
    await expect.poll(() => details.innerText()).toContain(withdrawn.name);

    // Both happen while every socket is down: the viewer learns of them from the next
    // publication's files alone, whose changes file says which was lifted.
    await suite.stack.restart();
    await suite.stack.ctx.db.query(`update zones set status = 'lifted' where id = $1`, [lifted.id]);
    await suite.stack.ctx.db.query(`update zones set status = 'draft' where id = $1`, [withdrawn.id]);

    const announcer = page.getByTestId('announcer');
    await expect.poll(() => announcer.textContent(), { timeout: 30_000 }).toContain(`${withdrawn.name}已从公开地图撤下`);
    expect(await announcer.textContent()).toContain(`${lifted.name}已解封`);
    expect(await announcer.textContent()).not.toContain(`${withdrawn.name}已解封`);
    // The card kept open says the same.
    expect(await details.getAttribute('data-gone')).toBe('true');
    expect(await details.innerText()).toContain('已撤下');
    await page.close();
  });

  it('shows the zone counts, search and list before the map has loaded', async () => {
    const page = await suite.page(DESKTOP);
    // Hold the map's chunk until the text status has been checked.
    let release: () => void = () => {};
    const held = new Promise<void>((done) => (release = done));
    await page.route(/\/assets\/PublicMap-[\w-]+\.js$/, async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(`${suite.stack.url}/#/`);
    const lockdowns = await activeLockdowns();
    await expect.poll(() => lockdownCount(page), { timeout: 30_000 }).toBe(lockdowns.length);
    expect(await page.getByTestId('map-loading').isVisible()).toBe(true);
    expect(await page.locator('[data-map-ready]').count()).toBe(0);
    await page.getByTestId('open-list').click();
    await expect.poll(() => page.getByTestId('zone-row').count()).toBeGreaterThan(0);
    release();
    await page.waitForSelector('[data-map-ready="true"]', { timeout: 90_000 });
    expect(await page.getByTestId('map-loading').count()).toBe(0);
    await page.close();
  });
});
