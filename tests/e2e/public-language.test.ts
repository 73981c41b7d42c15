// The English catalogue is a chunk of its own: a Chinese page never downloads it, an English link
// shows English from its first paint (the app waits for it), and a switch that cannot fetch it
// (offline) leaves the page in Chinese, working.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DESKTOP, useAppSuite } from './helpers/app-suite.ts';

const suite = useAppSuite();

/** The English app title: in the English catalogue's chunk, and nowhere else in the app's code. */
const ENGLISH_TITLE = 'Nantong Development Zone epidemic-control map';
const CHINESE_TITLE = '南通开发区疫情防控地图';
/** The English catalogue's chunk, by its name in the build (`assets/en-<hash>.js`). */
const ENGLISH_CHUNK = /\/assets\/en-[\w-]+\.js$/;

/** Paths of the scripts the page fetches from now on whose text holds `marker`. */
function scriptsWith(page: Page, marker: string): Promise<string | null>[] {
  const found: Promise<string | null>[] = [];
  page.on('response', (response) => {
    if (response.request().resourceType() !== 'script') return;
    found.push(response.text().then((body) => (body.includes(marker) ? new URL(response.url()).pathname : null)));
  });
  return found;
}

const fetched = async (scripts: Promise<string | null>[]) =>
  (await Promise.all(scripts)).filter((path) => path !== null);

describe('the English catalogue', () => {
  it('is not downloaded by a Chinese page, and is fetched by the language switch', async () => {
    const page = await suite.page(DESKTOP);
    const english = scriptsWith(page, ENGLISH_TITLE);
    await page.goto(`${suite.stack.url}/#/`);
    await page.waitForSelector('[data-map-ready="true"]', { timeout: 90_000 });
    const legend = page.getByTestId('legend');
    expect(await legend.innerText()).toContain('封控区');
    expect(await fetched(english)).toEqual([]);

    await page.getByTestId('language-switch').click();
    await expect.poll(() => legend.innerText()).toContain('Lockdown zone');
    expect(await page.locator('header').innerText()).toContain(ENGLISH_TITLE);
    expect(await fetched(english)).toEqual([expect.stringMatching(ENGLISH_CHUNK)]);
    await page.close();
  });

  it('is in before an English link shows anything: no Chinese first', async () => {
    const page = await suite.page(DESKTOP);
    // Whether the app's text ever held the Chinese title, checked on every change to the page.
    await page.addInitScript((chinese) => {
      const seen = window as unknown as { sawChinese: boolean };
      seen.sawChinese = false;
      new MutationObserver(() => {
        if (document.getElementById('app')?.textContent?.includes(chinese)) seen.sawChinese = true;
      }).observe(document, { childList: true, subtree: true, characterData: true });
    }, CHINESE_TITLE);
    await page.goto(`${suite.stack.url}/#/?lang=en`);
    await page.waitForSelector('[data-map-ready="true"]', { timeout: 90_000 });
    expect(await page.locator('header').innerText()).toContain(ENGLISH_TITLE);
    expect(await page.getByTestId('legend').innerText()).toContain('Lockdown zone');
    expect(await page.evaluate(() => (window as unknown as { sawChinese: boolean }).sawChinese)).toBe(false);
    await page.close();
  });

  it('cannot be fetched offline: the switch leaves the page in Chinese, without an error', async () => {
    const page = await suite.page(DESKTOP);
    await page.route(ENGLISH_CHUNK, (route) => route.abort('internetdisconnected'));
    await page.goto(`${suite.stack.url}/#/`);
    await page.waitForSelector('[data-map-ready="true"]', { timeout: 90_000 });
    const failed = page.waitForEvent('requestfailed', (request) => ENGLISH_CHUNK.test(request.url()));
    await page.getByTestId('language-switch').click();
    await failed;
    // Give the failed import time to settle; the page must not have moved.
    await page.waitForTimeout(500);
    expect(await page.getByTestId('legend').innerText()).toContain('封控区');
    expect(await page.getByTestId('language-switch').innerText()).toContain('English');
    expect(page.url()).not.toContain('lang=en');
    await page.close();
  });
});
