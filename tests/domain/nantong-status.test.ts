import { describe, expect, it } from 'vitest';
import { compoundStatusText } from '../../src/domain/zone-status-text.ts';
import { zonesForCompound } from '../../src/geo/zones-for-compound.ts';
import { demoLayer } from '../helpers/demo-district.ts';

// The committed demo district, data/nantong, on 12 April 2022.
const data = { zones: demoLayer('zones'), compounds: demoLayer('compounds') };
const now = new Date('2022-04-12T14:00:00+08:00');
const zones = data.zones.features.map(({ properties: p, geometry }) => ({
  id: p.id,
  name: p.name_zh,
  name_en: p.name_en,
  level: p.level,
  status: p.status,
  effective_from: p.effective_from ?? null,
  review_days: p.review_days ?? null,
  geom: geometry,
}));
const compound = (name: string) => {
  const f = data.compounds.features.find((c) => c.properties.name_zh === name)!;
  return { name: f.properties.name_zh, geom: f.geometry };
};

describe('compound status on the demo district', () => {
  it('says 江山鼎 is sealed, in both languages', () => {
    const jiangshanding = compound('江山鼎');
    const containing = zonesForCompound(jiangshanding, zones);
    expect(compoundStatusText('en', jiangshanding, containing, { now })).toBe('江山鼎 is in a lockdown zone since 4 April; review on 18 April');
    expect(compoundStatusText('zh-CN', jiangshanding, containing, { now })).toBe('江山鼎自4月4日起处于封控区，4月18日复核');
  });

  it('does not report a lifted zone as current', () => {
    const baihe = compound('百合苑');
    const containing = zonesForCompound(baihe, zones);
    expect(containing.some((z) => z.status === 'lifted')).toBe(true);
    expect(compoundStatusText('en', baihe, containing, { now })).not.toMatch(/lockdown zone since 26 March/);
  });
});
