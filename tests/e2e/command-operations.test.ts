// Headquarters operations in the command view, in Chromium: the figures (quarantine rooms
// against the requirement, with the charts), and the sites (edit with validation, move by
// dragging, close).
import { readFileSync } from 'node:fs';
import type { Position } from 'geojson';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startOfDistrictDay } from '../../src/domain/district-time.ts';
import { COMMANDER, DEMO_PASSWORD } from '../helpers/stack.ts';
import { DESKTOP, PHONE, sizeTag, useAppSuite, type Viewport } from './helpers/app-suite.ts';
import { screenshot } from './helpers/browser.ts';
import { compoundOutsideZones } from './helpers/compounds.ts';
import { toPagePoint } from './helpers/map-math.ts';

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

      // Testing coverage: compounds farther than the limit from an open site; a longer limit never finds more.
      const coverage = page.getByTestId('coverage-dashboard');
      const over = async () => {
        const text = await coverage.getByTestId('coverage-over').innerText();
        const [, all, far] = /^(\d+) 个小区中有 (\d+) 个/.exec(text.replace(/,/g, ''))!.map(Number);
        return { all, far };
      };
      await expect
        .poll(async () => (await coverage.getByTestId('coverage-over').count()) > 0, { timeout: 60_000 })
        .toBe(true);
      const atOneKm = await over();
      const { count: compounds } = await suite.stack
        .client()
        .from('compounds')
        .select('id', { count: 'exact', head: true });
      expect(atOneKm.all).toBe(compounds);
      expect(await coverage.getByTestId('coverage-list').locator('li').count()).toBe(Math.min(30, atOneKm.far));
      await coverage.getByTestId('coverage-limit').selectOption('2000');
      await expect.poll(async () => (await over()).far).toBeLessThanOrEqual(atOneKm.far);
      expect(await coverage.getByTestId('testing-round').innerText()).toMatch(/^约需 \d+(\.\d)? 小时$/);
      // The trend needs more than a day of history. A fresh demo stack has one day, and says so,
      // unless the district's midnight (16:00 UTC) came between its seeding and now: two days.
      const { rows } = await suite.stack.ctx.db.query<{ first: string }>(
        `select min(changed_at)::text as first from site_revisions`,
      );
      const days = new Set(
        [rows[0].first, new Date().toISOString()].map((t) => startOfDistrictDay(new Date(t)).getTime()),
      ).size;
      if (days === 1) expect(await panel.getByText('修改记录不足一天，暂无变化曲线。').count()).toBe(1);
      else await panel.getByTestId('quarantine-trend').waitFor();
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

describe('sites', () => {
  it('edits a testing site with checked fields, moves it by dragging, closes it, and adds a quarantine site', async () => {
    const client = await suite.stack.signIn(COMMANDER, DEMO_PASSWORD);
    const { data } = await client
      .from('sites')
      .select('id,name,geom,version')
      .eq('kind', 'testing_site')
      .order('id')
      .limit(1)
      .single();
    const site = data as { id: string; name: string; geom: { coordinates: Position }; version: number };
    const center = site.geom.coordinates;
    const zoom = 16;
    const page = await suite.signIn(COMMANDER, DEMO_PASSWORD, DESKTOP);
    await page.goto(`${suite.stack.url}/#/command?map=${zoom}/${center[1]}/${center[0]}`);
    await page.reload();
    await page.waitForSelector('[data-map-ready="true"]', { timeout: 90_000 });
    await page.getByTestId('section-sites').click();
    const panel = page.getByTestId('sites-panel');
    await panel.getByTestId('site-search').fill(site.name);
    await panel.locator(`[data-site-id="${site.id}"]`).click();
    const form = panel.getByTestId('site-form');
    await form.waitFor();

    // A negative capacity is named and cannot be saved; occupied hours half given neither.
    await form.getByTestId('site-capacity_per_hour').fill('-5');
    expect(await form.locator('[role="alert"]').first().innerText()).toBe('不能为负数');
    expect(await panel.getByTestId('site-save').isDisabled()).toBe(true);
    await form.getByTestId('site-capacity_per_hour').fill('420');
    await panel.getByTestId('site-save').click();
    await expect.poll(() => panel.getByTestId('site-outcome').innerText()).toBe('已保存。');
    const saved = await client.from('sites').select('capacity_per_hour,version').eq('id', site.id).single();
    expect(saved.data).toEqual({ capacity_per_hour: 420, version: site.version + 1 });

    // Drag the handle 80 px east: the site moves there when saved.
    const box = (await page.getByTestId('map').boundingBox())!;
    const from = toPagePoint(center, center, zoom, box);
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(from.x + 40, from.y, { steps: 4 });
    await page.mouse.move(from.x + 80, from.y, { steps: 4 });
    await page.mouse.up();
    await panel.getByTestId('site-save').click();
    await expect
      .poll(async () => {
        const moved = await client.from('sites').select('geom').eq('id', site.id).single();
        return (moved.data as { geom: { coordinates: Position } }).geom.coordinates[0] - center[0];
      })
      .toBeGreaterThan(0.0003);
    await screenshot(page, 'command-sites-1280x800');

    await panel.getByTestId('site-close').click();
    await expect
      .poll(async () => (await client.from('sites').select('status').eq('id', site.id).single()).data)
      .toEqual({ status: 'closed' });
    const { data: revisions } = await client.from('site_revisions').select('version').eq('site_id', site.id);
    expect((revisions as unknown[]).length).toBeGreaterThanOrEqual(3);

    // A new quarantine site, placed by clicking the map.
    await panel.getByTestId('site-kind').selectOption('quarantine_site');
    await panel.getByTestId('site-new').click();
    await page.mouse.click(from.x - 120, from.y + 60);
    await form.waitFor();
    await form.getByTestId('site-name').fill('测试隔离酒店');
    await form.getByTestId('site-rooms_total').fill('80');
    await form.getByTestId('site-rooms_ready').fill('90');
    expect(await form.locator('[role="alert"]').first().innerText()).toBe('可用房间不能多于房间总数');
    await form.getByTestId('site-rooms_ready').fill('60');
    await panel.getByTestId('site-save').click();
    await expect.poll(() => panel.getByTestId('site-outcome').innerText()).toBe('已保存。');
    const created = await client
      .from('sites')
      .select('kind,rooms_total,rooms_ready')
      .eq('name', '测试隔离酒店')
      .single();
    expect(created.data).toEqual({ kind: 'quarantine_site', rooms_total: 80, rooms_ready: 60 });

    // A mobile testing team and the enterprises it serves.
    await panel.getByTestId('site-kind').selectOption('mobile_testing');
    await panel.getByTestId('site-search').fill('');
    await panel.locator('[data-site-id="mt-01"]').click();
    const team = form.getByTestId('team-enterprises');
    await team.getByTestId('team-enterprise-search').fill('物流');
    const boxes = team.locator('input[type="checkbox"]:not(:checked)');
    const first = await boxes.nth(0).getAttribute('data-enterprise-id');
    await boxes.nth(0).check();
    const second = await boxes.nth(0).getAttribute('data-enterprise-id');
    await boxes.nth(0).check();
    await panel.getByTestId('site-save').click();
    await expect
      .poll(async () =>
        (
          (await client.from('mobile_team_enterprises').select('enterprise_id').eq('team_id', 'mt-01')).data as {
            enterprise_id: string;
          }[]
        )
          .map((row) => row.enterprise_id)
          .sort(),
      )
      .toEqual([first, second].sort());
    await page.close();
  });
});

describe('boundary wording (四至)', () => {
  it('words a zone’s boundary from the map, keeps the commander’s edit, and shows it on the public card once published', async () => {
    const client = await suite.stack.signIn(COMMANDER, DEMO_PASSWORD);
    const { data } = await client.from('zones').select('id,name,geom,version').eq('id', 'zone-001').single();
    const zone = data as { id: string; name: string; geom: { coordinates: Position[][][] }; version: number };
    const ring = zone.geom.coordinates[0][0];
    const center: Position = [
      ring.reduce((sum, p) => sum + p[0], 0) / ring.length,
      ring.reduce((sum, p) => sum + p[1], 0) / ring.length,
    ];
    const page = await suite.signIn(COMMANDER, DEMO_PASSWORD, DESKTOP);
    await page.goto(`${suite.stack.url}/#/command?map=16/${center[1]}/${center[0]}&sel=zone:${zone.id}`);
    await page.reload();
    await page.waitForSelector('[data-map-ready="true"]', { timeout: 90_000 });
    const bounds = page.getByTestId('zone-bounds');
    await bounds.waitFor();
    await expect.poll(() => bounds.getByTestId('generate-bounds').isEnabled(), { timeout: 30_000 }).toBe(true);
    await bounds.getByTestId('generate-bounds').click();
    // The demo zone lies between four named roads.
    await expect
      .poll(() => bounds.getByTestId('bounds-zh').inputValue())
      .toBe('东至宏达二路，南至东方二街，西至金港二街，北至秋实二大道');
    expect(await bounds.getByTestId('bounds-en').inputValue()).toMatch(/^east: .+; south: .+; west: .+; north: .+$/);
    // The commander's own words win over the generated ones.
    const edited = '东至宏达二路，南至东方二街，西至金港二街，北至秋实二大道（含沿街商铺）';
    await bounds.getByTestId('bounds-zh').fill(edited);
    await bounds.getByTestId('bounds-zh').blur();
    await page.getByTestId('save').click();
    await page.getByTestId('publish-zone').click();
    await page.getByTestId('publish-dialog').getByTestId('publish-confirm').click();
    await expect
      .poll(
        async () => (await suite.stack.client().from('zones').select('bounds_zh').eq('id', zone.id).single()).data,
        {
          timeout: 15_000,
        },
      )
      .toEqual({ bounds_zh: edited });

    // The printable notice carries the wording, what residents must do, and the map as a picture.
    await page.getByTestId('zone-notice').click();
    const notice = page.getByTestId('notice');
    await notice.waitFor();
    expect(await notice.getByTestId('notice-bounds').innerText()).toBe(`范围：${edited}。`);
    expect(await notice.getByTestId('notice-must').innerText()).toContain('足不出户');
    await notice.getByTestId('notice-hotline').fill('0513-12345');
    await expect.poll(() => notice.innerText()).toContain('咨询电话：0513-12345');
    const map = notice.getByTestId('notice-map');
    await map.waitFor({ timeout: 30_000 });
    expect(
      await map.evaluate((img: HTMLImageElement) => img.src.startsWith('data:image/png') && img.naturalWidth > 100),
    ).toBe(true);
    await screenshot(page, 'command-notice-1280x800');
    await page.keyboard.press('Escape');
    await notice.waitFor({ state: 'detached' });
    await page.close();

    // The resident's card shows it.
    const [x, y] = center;
    const visitor = await suite.open(DESKTOP, `#/?map=16/${y}/${x}&sel=zone:${zone.id}`);
    await expect.poll(() => visitor.getByTestId('zone-bounds').innerText(), { timeout: 30_000 }).toBe(edited);
    await visitor.close();
  });
});

describe('cases and the rules that move zones', () => {
  it('proposes from the rules, puts an accepted step down into the session, and keeps a dismissed seal with its reason', async () => {
    const client = await suite.stack.signIn(COMMANDER, DEMO_PASSWORD);
    const page = await commandView(DESKTOP);
    const panel = page.getByTestId('cases-panel');
    await panel.waitFor();
    // The demo's lockdown zones date from April 2022 with no case since: each is due to step down.
    const stepDown = panel.locator('[data-testid="proposal"][data-kind="step_down"]', { hasText: '江山鼎封控区' });
    await expect.poll(() => stepDown.count(), { timeout: 30_000 }).toBe(1);
    expect(await stepDown.innerText()).toContain('可于 2022年4月11日 降为管控区');
    await stepDown.getByTestId('accept-proposal').click();
    await expect.poll(() => page.getByTestId('zone-level').inputValue()).toBe('control');
    await expect.poll(() => page.getByTestId('unsaved-count').innerText()).toContain('1');
    await expect
      .poll(
        async () =>
          (await client.from('zone_proposal_decisions').select('decision,proposed_level').eq('zone_id', 'zone-001'))
            .data,
      )
      .toEqual([{ decision: 'accepted', proposed_level: 'control' }]);
    expect(await stepDown.count()).toBe(0);
    await page.getByTestId('undo').click();

    // A control zone of a compound's own, published; then a case in it proposes sealing the compound.
    const outside = await compoundOutsideZones(client);
    const created = await client.rpc('create_zone', {
      fields: {
        name: `${outside.name}管控区`,
        level: 'control',
        geom: outside.geom,
        effective_from: new Date().toISOString(),
      },
    });
    expect(created.error).toBeNull();
    const published = await client.rpc('publish_zones', { items: [{ id: created.data.id, expected_version: 1 }] });
    expect(published.error).toBeNull();
    const compoundId = outside.id;
    const name = outside.name;
    await panel.getByTestId('case-compound-search').fill(name);
    await panel.locator(`input[name="case-compound"][value="${compoundId}"]`).check();
    await panel.getByTestId('case-count').fill('2');
    await panel.getByTestId('record-case').click();
    const seal = panel.locator('[data-testid="proposal"][data-kind="seal"]', { hasText: name });
    await seal.waitFor({ timeout: 15_000 });
    await seal.getByTestId('dismiss-proposal').click();
    await seal.getByTestId('dismiss-reason').fill('已转运至隔离点，楼栋单独管控');
    await seal.getByTestId('confirm-dismiss').click();
    await seal.waitFor({ state: 'detached' });
    const { data: dismissed } = await client
      .from('zone_proposal_decisions')
      .select('kind,decision,reason,compound_id')
      .eq('decision', 'dismissed');
    expect(dismissed).toEqual([
      { kind: 'seal', decision: 'dismissed', reason: '已转运至隔离点，楼栋单独管控', compound_id: compoundId },
    ]);
    await screenshot(page, 'command-cases-1280x800');

    // The rules are configuration: 30 days without a case instead of 7 moves each step down 23 days later.
    const another = panel.locator('[data-testid="proposal"][data-kind="step_down"]', { hasText: '降为管控区' }).first();
    const dateIn = async () =>
      /可于 (\d{4})年(\d{1,2})月(\d{1,2})日/
        .exec(await another.innerText())!
        .slice(1)
        .map(Number);
    const [y, m, d] = await dateIn();
    await panel.getByTestId('rules-settings').locator('summary').click();
    await panel.getByTestId('rules-lockdown-days').fill('30');
    await panel.getByTestId('save-rules').click();
    const expected = new Date(Date.UTC(y, m - 1, d + 23));
    await expect.poll(dateIn).toEqual([expected.getUTCFullYear(), expected.getUTCMonth() + 1, expected.getUTCDate()]);
    expect((await client.from('zone_rules').select('lockdown_to_control_days').single()).data).toEqual({
      lockdown_to_control_days: 30,
    });
    await page.close();
  });
});
