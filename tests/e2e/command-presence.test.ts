// Two commanders in two browsers: each sees the other online on the private `command` channel,
// and which zone the other has open; a phone-sized and a desktop-sized window.
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDER, DEMO_PASSWORD, startTestStack, type TestStack } from '../helpers/stack.ts';
import { launchBrowser, openPage, screenshot, type Browser, type PageWatch } from './helpers/browser.ts';
import { buildAppForTests } from './helpers/test-app.ts';

const SECOND = 'second-commander@demo.local';
const SECOND_PASSWORD = 'second-commander-pw';

let stack: TestStack;
// Two browsers, not two pages: each keeps its own stored session.
const browsers: Browser[] = [];
const watches: PageWatch[] = [];

beforeAll(async () => {
  browsers.push(await launchBrowser(), await launchBrowser());
  stack = await startTestStack({ config: { serveApp: await buildAppForTests() } });
  const admin = stack.client({ key: stack.serviceKey });
  const { error } = await admin.auth.admin.createUser({
    email: SECOND,
    password: SECOND_PASSWORD,
    email_confirm: true,
    app_metadata: { role: 'commander' },
  });
  if (error) throw error;
});

afterAll(async () => {
  await Promise.all(browsers.map((b) => b.close()));
  await stack?.stop();
});

afterEach(() => {
  for (const browser of browsers) expect(browser.outsideRequests).toEqual([]);
  for (const watch of watches.splice(0)) {
    expect(watch.outsideSockets).toEqual([]);
    expect(watch.errors).toEqual([]);
  }
});

async function commandView(browser: Browser, email: string, password: string, viewport: { width: number; height: number }): Promise<Page> {
  const { page, watch } = await openPage(browser, viewport);
  watches.push(watch);
  await page.goto(`${stack.url}/#/signin`);
  await page.locator('input[name="email"]').fill(email);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('button[type="submit"]').click();
  await page.getByTestId('view-commander').waitFor();
  await page.getByTestId('command-zone').first().waitFor();
  return page;
}

const entry = (page: Page, email: string) => page.locator(`[data-testid="online-commander"][data-email="${email}"]`);

describe('commander presence', () => {
  it('shows each commander the other online and the zone the other has open, and when one leaves', async () => {
    const first = await commandView(browsers[0], COMMANDER, DEMO_PASSWORD, { width: 1280, height: 800 });
    const second = await commandView(browsers[1], SECOND, SECOND_PASSWORD, { width: 360, height: 740 });

    await entry(first, SECOND).waitFor();
    await entry(second, COMMANDER).waitFor();
    expect(await first.getByTestId('online-commander').count()).toBe(2);
    expect(await second.getByTestId('online-commander').count()).toBe(2);

    const zones = first.getByTestId('command-zone');
    const firstZone = (await zones.nth(0).getAttribute('data-zone-id')) ?? '';
    const secondZone = (await zones.nth(1).getAttribute('data-zone-id')) ?? '';
    expect(firstZone).not.toBe('');
    expect(secondZone).not.toBe(firstZone);

    await first.locator(`[data-testid="command-zone"][data-zone-id="${firstZone}"]`).click();
    await second.locator(`[data-testid="command-zone"][data-zone-id="${secondZone}"]`).click();

    await second.locator(`[data-testid="online-commander"][data-email="${COMMANDER}"][data-editing="${firstZone}"]`).waitFor();
    await first.locator(`[data-testid="online-commander"][data-email="${SECOND}"][data-editing="${secondZone}"]`).waitFor();
    const firstZoneName = await first.locator(`[data-testid="command-zone"][data-zone-id="${firstZone}"] .name`).innerText();
    const secondZoneName = await first.locator(`[data-testid="command-zone"][data-zone-id="${secondZone}"] .name`).innerText();
    expect(await entry(second, COMMANDER).innerText()).toContain(firstZoneName);
    expect(await entry(first, SECOND).innerText()).toContain(secondZoneName);
    expect(second.url()).toContain(`sel=zone:${secondZone}`);

    await screenshot(first, 'command-presence-1280x800');
    await screenshot(second, 'command-presence-360x740');

    await second.getByTestId('sign-out').click();
    await entry(first, SECOND).waitFor({ state: 'detached' });
    expect(await first.getByTestId('online-commander').count()).toBe(1);
    await first.close();
    await second.close();
  });
});
