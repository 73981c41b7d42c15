// Headquarters operations in the command view, in Chromium: the figures (quarantine rooms
// against the requirement, with the charts), and the sites (edit with validation, move by
// dragging, close).
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { COMMANDER, DEMO_PASSWORD } from '../helpers/stack.ts';
import { DESKTOP, PHONE, sizeTag, useAppSuite, type Viewport } from './helpers/app-suite.ts';
import { screenshot } from './helpers/browser.ts';

const suite = useAppSuite();

async function commandView(viewport: Viewport): Promise<Page> {
  const page = await suite.signIn(COMMANDER, DEMO_PASSWORD, viewport);
  await page.getByTestId('view-commander').waitFor();
  await page.waitForSelector('[data-map-ready="true"]', { timeout: 90_000 });
  return page;
}

describe('headquarters figures', () => {
  for (const viewport of [DESKTOP, PHONE]) {
    it(`shows quarantine rooms per 10,000 residents against the requirement, by sub-district (${sizeTag(viewport)})`, async () => {
      const page = await commandView(viewport);
      await page.getByTestId('section-dashboards').click();
      const panel = page.getByTestId('quarantine-dashboard');
      await panel.waitFor();
      // The demo district: 2,294 rooms for 306,000 residents.
      expect(await panel.getByTestId('rooms-per-10k').innerText()).toMatch(/^75\.0/);
      expect(await panel.getByTestId('quarantine-by-district').locator('tbody tr').count()).toBe(5);
      // The charts drew their bars.
      await expect.poll(() => panel.locator('.lc-bar').count()).toBeGreaterThan(4);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      await screenshot(page, `command-quarantine-${sizeTag(viewport)}`);
      await page.close();
    });
  }
});
