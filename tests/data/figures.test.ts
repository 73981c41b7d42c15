import { describe, expect, it } from 'vitest';
import type { CompoundProps, QuarantineSiteProps, SiteProps } from '../../data/generator/contract.ts';
import { loadCommitted } from './dataset.ts';

// Every figure of the spring-2022 report (../shared/DOMAIN.md) the demo data must keep.
const data = loadCommitted();
const sites = data.sites.features.map((f) => f.properties);
const ofKind = <K extends SiteProps['kind']>(kind: K) =>
  sites.filter((s): s is Extract<SiteProps, { kind: K }> => s.kind === kind);
const compounds = data.compounds.features.map((f) => f.properties);
const sum = (values: number[]) => values.reduce((s, v) => s + v, 0);

describe('the committed Nantong ETDZ dataset', () => {
  it('has the five sub-districts of the report', () => {
    expect(data.districts.features.map((f) => [f.properties.id, f.properties.name_zh, f.properties.name_en])).toEqual([
      ['dst-xiaohai', '小海街道', 'Xiaohai'],
      ['dst-zhongxing', '中兴街道', 'Zhongxing'],
      ['dst-xinkai', '新开街道', 'Xinkai'],
      ['dst-zhuhang', '竹行街道', 'Zhuhang'],
      ['dst-laohonggang', '老洪港片区', 'Laohonggang'],
    ]);
  });

  it('houses about 306,000 residents (2,294 rooms at 75 per 10,000) in 100+ compounds', () => {
    expect(compounds.length).toBeGreaterThanOrEqual(100);
    const residents = sum(compounds.map((c) => c.residents));
    expect(Math.abs(residents - 306_000) / 306_000).toBeLessThanOrEqual(0.02);
    expect(Math.round((2_294 / residents) * 10_000)).toBe(75);
  });

  it('gives each district the residents of its compounds', () => {
    for (const d of data.districts.features) {
      const inside = compounds.filter((c) => c.district === d.properties.id);
      expect(inside.length, d.properties.id).toBeGreaterThan(0);
      expect(d.properties.residents, d.properties.id).toBe(sum(inside.map((c) => c.residents)));
    }
  });

  it('has compounds of plausible size with 2 to 3 residents per household', () => {
    for (const c of compounds) {
      expect(c.households).toBeGreaterThan(0);
      expect(c.residents / c.households).toBeGreaterThanOrEqual(2);
      expect(c.residents / c.households).toBeLessThanOrEqual(3.2);
    }
  });

  it('has Jiangshanding (江山鼎) in Xiaohai with 569 households', () => {
    const jsd = compounds.filter((c) => c.name_zh === '江山鼎');
    expect(jsd).toHaveLength(1);
    expect(jsd[0]).toMatchObject<Partial<CompoundProps>>({
      name_en: 'Jiangshanding',
      district: 'dst-xiaohai',
      households: 569,
    });
  });

  it('has unique compound names so residents can search for theirs', () => {
    expect(new Set(compounds.map((c) => c.name_zh)).size).toBe(compounds.length);
  });

  it('has 49 fixed testing sites with opening hours and capacity', () => {
    const testing = ofKind('testing_site');
    expect(testing).toHaveLength(49);
    for (const t of testing) {
      expect(t.capacity_per_hour).toBeGreaterThan(0);
      expect(t.opens < t.closes, `${t.id} opens before it closes`).toBe(true);
      expect(['open', 'paused', 'closed']).toContain(t.status);
    }
    expect(testing.filter((t) => t.status === 'open').length).toBeGreaterThanOrEqual(37);
  });

  it('has the 6 mobile testing teams of Laohonggang', () => {
    const mobile = ofKind('mobile_testing');
    expect(mobile).toHaveLength(6);
    for (const m of mobile) {
      expect(m.district).toBe('dst-laohonggang');
      expect(m.capacity_per_hour).toBeGreaterThan(0);
    }
  });

  it('has 35 quarantine sites with 2,294 rooms, 885 of them in converted apartments', () => {
    const quarantine = ofKind('quarantine_site');
    expect(quarantine).toHaveLength(35);
    expect(sum(quarantine.map((q) => q.rooms_total))).toBe(2_294);
    const converted = quarantine.filter((q) => q.site_type === 'converted_apartment');
    expect(sum(converted.map((q) => q.rooms_total))).toBe(885);
    // 8 state-owned apartment buildings plus the Tsinghua Tongfang apartments
    expect(converted).toHaveLength(9);
    for (const name of [
      'Wuhu Jiayuan',
      'Zhihuiyuan Neighbourhood Centre',
      'Jinqiao Apartments',
      'Tsinghua Tongfang Apartments',
    ]) {
      expect(converted.map((q) => q.name_en)).toContain(name);
    }
    expect(quarantine.find((q) => q.name_en === 'Hanting Youjia Hotel')).toMatchObject<Partial<QuarantineSiteProps>>({
      site_type: 'hotel',
    });
  });

  it('never has more rooms ready than rooms, nor more occupied than ready', () => {
    for (const q of ofKind('quarantine_site')) {
      expect(q.rooms_ready).toBeLessThanOrEqual(q.rooms_total);
      expect(q.rooms_occupied).toBeLessThanOrEqual(q.rooms_ready);
      expect(q.rooms_occupied).toBeGreaterThanOrEqual(0);
    }
  });

  it('has supply depots, Dasen Logistics (大森物流) among them', () => {
    const depots = ofKind('depot');
    expect(depots.length).toBeGreaterThanOrEqual(2);
    expect(depots.map((d) => d.name_zh)).toContain('大森物流');
  });

  it('has 190 key enterprises across the zone and 221 enterprises in Laohonggang', () => {
    const enterprises = ofKind('enterprise');
    expect(enterprises.filter((e) => e.key)).toHaveLength(190);
    expect(enterprises.filter((e) => e.district === 'dst-laohonggang')).toHaveLength(221);
    expect(new Set(enterprises.filter((e) => e.key).map((e) => e.district)).size).toBe(5);
  });

  it('has a checkpoint at every expressway exit, in all three states, a pass required where restricted', () => {
    const checkpoints = ofKind('checkpoint');
    expect(checkpoints.length).toBeGreaterThanOrEqual(4);
    expect(new Set(checkpoints.map((c) => c.state))).toEqual(new Set(['open', 'restricted', 'closed']));
    for (const c of checkpoints) {
      expect(c.pass_required).toBe(c.state === 'restricted');
      expect(c.road).toMatch(/高速$/);
    }
  });
});

describe('the zones on 12 April 2022', () => {
  const zones = data.zones.features.map((f) => f.properties);
  const active = zones.filter((z) => z.status === 'active');
  const ends = (z: (typeof zones)[number]) => new Date(z.effective_from).getTime() + z.review_days * 86_400_000;
  const april12 = new Date('2022-04-12T14:00:00+08:00').getTime();

  it('seals Jiangshanding since 4 April, reviewed after 14 days', () => {
    const jsd = zones.filter((z) => z.name_zh === '江山鼎封控区');
    expect(jsd).toHaveLength(1);
    expect(jsd[0]).toMatchObject({
      level: 'lockdown',
      status: 'active',
      effective_from: '2022-04-04T00:00:00+08:00',
      review_days: 14,
      district: 'dst-xiaohai',
    });
  });

  it('has lockdown zones in Xiaohai with a control zone around each and a precaution zone', () => {
    const lockdown = active.filter((z) => z.level === 'lockdown');
    expect(lockdown.length).toBeGreaterThanOrEqual(2);
    for (const z of lockdown) expect(z.district).toBe('dst-xiaohai');
    expect(active.filter((z) => z.level === 'control')).toHaveLength(lockdown.length);
    expect(active.filter((z) => z.level === 'precaution')).toHaveLength(1);
  });

  it('has a few lifted zones', () => {
    const lifted = zones.filter((z) => z.status === 'lifted');
    expect(lifted.length).toBeGreaterThanOrEqual(2);
    expect(lifted.length).toBeLessThanOrEqual(6);
  });

  it('keeps active zones within their review period and lifted ones past it', () => {
    for (const z of zones) {
      if (z.status === 'active') expect(ends(z), z.id).toBeGreaterThan(april12);
      else expect(ends(z), z.id).toBeLessThanOrEqual(april12);
    }
  });

  it('uses only the statuses a published dataset has (no drafts)', () => {
    expect(new Set(zones.map((z) => z.status))).toEqual(new Set(['active', 'lifted']));
  });
});
