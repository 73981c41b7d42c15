// Headquarters operations in the command view, in Chromium: the figures (quarantine rooms
// against the requirement, with the charts), and the sites (edit with validation, move by
// dragging, close).
import { readFileSync } from 'node:fs';
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

describe('import and export', () => {
  it('exports the zones in force as GeoJSON and CSV, imports a good file as drafts and refuses a broken one whole', async () => {
    const page = await commandView(DESKTOP);
    await page.getByTestId('section-data').click();
    const panel = page.getByTestId('data-panel');
    await panel.waitFor();

    const [geojson] = await Promise.all([page.waitForEvent('download'), panel.getByTestId('export').click()]);
    const exported = JSON.parse(readFileSync(await geojson.path(), 'utf8'));
    const { data: active } = await suite.stack.client().from('zones').select('id').eq('status', 'active');
    expect(exported.features.map((f: { id: string }) => f.id).sort()).toEqual(
      (active as { id: string }[]).map((z) => z.id).sort(),
    );
    expect(exported.features[0].properties.households).toBeGreaterThanOrEqual(0);

    await panel.getByTestId('export-format').selectOption('csv');
    const [csv] = await Promise.all([page.waitForEvent('download'), panel.getByTestId('export').click()]);
    const text = readFileSync(await csv.path(), 'utf8');
    expect(text.startsWith('\ufeff编号,名称')).toBe(true);
    expect(text.trimEnd().split('\r\n')).toHaveLength((active as unknown[]).length + 1);

    // A file with a feature without a level is refused whole: nothing joins the session.
    await panel.getByTestId('import-file').setInputFiles('tests/fixtures/io/broken-no-level.geojson');
    await panel.getByTestId('import-problems').waitFor();
    expect(await panel.getByTestId('import-problems').innerText()).toContain('缺少等级');
    expect(await page.getByTestId('import-done').count()).toBe(0);

    await panel.getByTestId('import-file').setInputFiles('tests/fixtures/io/zones.kml');
    await panel.getByTestId('import-done').waitFor();
    expect(await panel.getByTestId('import-done').innerText()).toMatch(/^已导入 3 个区域草稿/);
    await screenshot(page, 'command-import-1280x800');
    // The drafts are in the session, one undo away.
    await page.getByTestId('section-zones').click();
    await expect.poll(() => page.getByTestId('unsaved-count').innerText()).toContain('3');
    await page.getByTestId('undo').click();
    await expect.poll(() => page.getByTestId('unsaved-count').count()).toBe(0);
    await page.close();
  });
});
