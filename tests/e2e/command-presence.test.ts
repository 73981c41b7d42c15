// Two commanders in two browsers: each sees the other online on the private `command` channel,
// and which zone the other has open; a phone-sized and a desktop-sized window.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMMANDER, DEMO_PASSWORD } from '../helpers/stack.ts';
import { createUser } from '../helpers/users.ts';
import { DESKTOP, PHONE, useAppSuite, type Viewport } from './helpers/app-suite.ts';
import { screenshot, type Browser } from './helpers/browser.ts';

const SECOND = 'second-commander@demo.local';
const SECOND_PASSWORD = 'second-commander-pw';

// Two browsers, not two pages: each keeps its own stored session.
const suite = useAppSuite({ browsers: 2 });

beforeAll(async () => {
  await createUser(suite.stack, SECOND, SECOND_PASSWORD, { role: 'commander' });
});

async function commandView(browser: Browser, email: string, password: string, viewport: Viewport): Promise<Page> {
  const page = await suite.signIn(email, password, viewport, browser);
  await page.getByTestId('view-commander').waitFor();
  await page.getByTestId('command-zone').first().waitFor();
  return page;
}

const entry = (page: Page, email: string) => page.locator(`[data-testid="online-commander"][data-email="${email}"]`);
const editing = (page: Page, email: string, zoneId: string) =>
  page.locator(`[data-testid="online-commander"][data-email="${email}"][data-editing="${zoneId}"]`);

/** Both commanders signed in, on the command view, one at desktop and one at phone size. */
async function twoCommanders(): Promise<[Page, Page]> {
  const first = await commandView(suite.browsers[0], COMMANDER, DEMO_PASSWORD, DESKTOP);
  const second = await commandView(suite.browsers[1], SECOND, SECOND_PASSWORD, PHONE);
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

    await suite.stack.restart();
    await first.locator('[data-testid="command-presence-status"][data-status="reconnecting"]').waitFor();
    await first.locator('[data-testid="command-presence-status"][data-status="live"]').waitFor({ timeout: 30_000 });
    await editing(first, SECOND, secondZone).waitFor({ timeout: 30_000 });
    await editing(second, COMMANDER, firstZone).waitFor({ timeout: 30_000 });
    await signOut(second);
    await signOut(first);
  });
});
