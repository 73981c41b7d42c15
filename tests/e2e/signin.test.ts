import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDER, DEMO_PASSWORD, DISPATCHER, startTestStack, type TestStack } from '../helpers/stack.ts';
import { buildAppForTests } from './helpers/test-app.ts';
import { launchBrowser, openPage, screenshot, type Browser, type PageWatch } from './helpers/browser.ts';

let stack: TestStack;
let browser: Browser;
const watches: PageWatch[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  stack = await startTestStack({ config: { serveApp: await buildAppForTests() } });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

afterEach(() => {
  expect(browser.outsideRequests).toEqual([]);
  for (const watch of watches.splice(0)) {
    expect(watch.outsideSockets).toEqual([]);
    expect(watch.errors).toEqual([]);
  }
});

async function signInAs(email: string, password: string, viewport = { width: 360, height: 740 }) {
  const { page, watch } = await openPage(browser, viewport);
  watches.push(watch);
  await page.goto(`${stack.url}/#/signin`);
  await page.locator('input[name="email"]').fill(email);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('button[type="submit"]').click();
  return page;
}

describe('staff sign-in', () => {
  it('takes a commander to the command view and back out on sign-out', async () => {
    const page = await signInAs(COMMANDER, DEMO_PASSWORD);
    await page.getByTestId('view-commander').waitFor();
    expect(page.url()).toContain('#/command');
    expect(await page.getByTestId('signed-in-as').innerText()).toContain(COMMANDER);
    await screenshot(page, 'command-360x740');
    await page.getByTestId('sign-out').click();
    await page.waitForSelector('[data-testid="map"]');
    expect(page.url()).not.toContain('command');
    await page.goto(`${stack.url}/#/command`);
    await page.waitForURL(/#\/signin/);
    await page.close();
  });

  it('takes a dispatcher to the dispatch view', async () => {
    const page = await signInAs(DISPATCHER, DEMO_PASSWORD, { width: 1280, height: 800 });
    await page.getByTestId('view-dispatcher').waitFor();
    expect(await page.getByTestId('signed-in-as').innerText()).toContain(DISPATCHER);
    await screenshot(page, 'dispatch-1280x800');
    await page.getByTestId('sign-out').click();
    await page.getByTestId('sign-in').waitFor();
    await page.close();
  });

  it('says why a wrong password is refused and stays on the form', async () => {
    const page = await signInAs(COMMANDER, 'not-the-password');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/登录失败/);
    expect(page.url()).toContain('#/signin');
    await screenshot(page, 'signin-failed-360x740');
    await page.close();
  });
});
