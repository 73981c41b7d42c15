// The dispatcher's screen in Chromium: plan a supply run from a depot into sealed compounds
// under the closures in force, save it as a delivery, and mark its stops live.
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, DISPATCHER } from '../helpers/stack.ts';
import { DESKTOP, useAppSuite } from './helpers/app-suite.ts';
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
});
