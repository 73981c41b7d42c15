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
const editing = (page: Page, email: string, zoneId: string) =>
  page.locator(`[data-testid="online-commander"][data-email="${email}"][data-editing="${zoneId}"]`);

/** Both commanders signed in, on the command view, one at desktop and one at phone size. */
async function twoCommanders(): Promise<[Page, Page]> {
  const first = await commandView(browsers[0], COMMANDER, DEMO_PASSWORD, { width: 1280, height: 800 });
  const second = await commandView(browsers[1], SECOND, SECOND_PASSWORD, { width: 360, height: 740 });
  await entry(first, SECOND).waitFor();
  await entry(second, COMMANDER).waitFor();
  return [first, second];
}

/** Ids of two different published zones, as the command view lists them. */
async function twoZones(page: Page): Promise<[string, string]> {
  const zones = page.getByTestId('command-zone');
  const a = (await zones.nth(0).getAttribute('data-zone-id')) ?? '';
  const b = (await zones.nth(1).getAttribute('data-zone-id')) ?? '';
  expect(a).not.toBe('');
  expect(b).not.toBe(a);
  return [a, b];
}

const pick = (page: Page, zoneId: string) => page.locator(`[data-testid="command-zone"][data-zone-id="${zoneId}"]`).click();

/** Profiles keep the session: each test starts and ends signed out. */
async function signOut(page: Page) {
  await page.getByTestId('sign-out').click();
  await page.getByTestId('sign-in').waitFor();
  await page.close();
}

describe('commander presence', () => {
  it('shows each commander the other online and the zone the other has open, and when one leaves', async () => {
    const [first, second] = await twoCommanders();
    expect(await first.getByTestId('online-commander').count()).toBe(2);
    expect(await second.getByTestId('online-commander').count()).toBe(2);
    const [firstZone, secondZone] = await twoZones(first);

    await pick(first, firstZone);
    await pick(second, secondZone);
    await editing(second, COMMANDER, firstZone).waitFor();
    await editing(first, SECOND, secondZone).waitFor();
    const zoneName = (id: string) => first.locator(`[data-testid="command-zone"][data-zone-id="${id}"] .name`).innerText();
    expect(await entry(second, COMMANDER).innerText()).toContain(await zoneName(firstZone));
    expect(await entry(first, SECOND).innerText()).toContain(await zoneName(secondZone));
    expect(second.url()).toContain(`sel=zone:${secondZone}`);

    await screenshot(first, 'command-presence-1280x800');
    await screenshot(second, 'command-presence-360x740');

    await signOut(second);
    await entry(first, SECOND).waitFor({ state: 'detached' });
    expect(await first.getByTestId('online-commander').count()).toBe(1);
    await signOut(first);
  });

  it('shows both commanders again, with the zones they have open, after the server restarts', async () => {
    const [first, second] = await twoCommanders();
    const [firstZone, secondZone] = await twoZones(first);
    await pick(first, firstZone);
    await pick(second, secondZone);
    await editing(first, SECOND, secondZone).waitFor();

    await stack.restart();
    await first.locator('[data-testid="command-presence-status"][data-status="reconnecting"]').waitFor();
    await first.locator('[data-testid="command-presence-status"][data-status="live"]').waitFor({ timeout: 30_000 });
    await editing(first, SECOND, secondZone).waitFor({ timeout: 30_000 });
    await editing(second, COMMANDER, firstZone).waitFor({ timeout: 30_000 });
    await signOut(second);
    await signOut(first);
  });
});
