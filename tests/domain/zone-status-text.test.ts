import { describe, expect, it } from 'vitest';
import { STATUS_MESSAGES } from '../../src/domain/status-messages.ts';
import { compoundStatusText, governingZone, pointStatusText, reviewDate, type ZoneFacts } from '../../src/domain/zone-status-text.ts';

const now = new Date('2022-04-12T14:00:00+08:00');
const jiangshanding = { name: '江山鼎', name_en: 'Jiangshanding' };

function zone(overrides: Partial<ZoneFacts> = {}): ZoneFacts {
  return {
    id: 'zone-1',
    name: '江山鼎封控区',
    name_en: 'Jiangshanding lockdown zone',
    level: 'lockdown',
    status: 'active',
    effective_from: '2022-04-04T00:00:00+08:00',
    review_days: 14,
    ...overrides,
  };
}

describe('compoundStatusText', () => {
  it('says in English which zone a compound is in, since when and when it is reviewed', () => {
    expect(compoundStatusText('en', jiangshanding, [zone()], { now })).toBe('江山鼎 is in a lockdown zone since 4 April; review on 18 April');
  });

  it('says the same in Chinese', () => {
    expect(compoundStatusText('zh-CN', jiangshanding, [zone()], { now })).toBe('江山鼎自4月4日起处于封控区，4月18日复核');
  });

  it('says when a compound is outside all zones', () => {
    expect(compoundStatusText('en', jiangshanding, [], { now })).toBe('江山鼎 is outside all zones');
    expect(compoundStatusText('zh-CN', jiangshanding, [], { now })).toBe('江山鼎不在任何封控区、管控区或防范区内');
  });

  it('dates by the district clock, not UTC', () => {
    const justAfterMidnight = zone({ effective_from: '2022-04-03T16:30:00Z', review_days: 7 });
    expect(compoundStatusText('en', jiangshanding, [justAfterMidnight], { now })).toBe('江山鼎 is in a lockdown zone since 4 April; review on 11 April');
  });

  it('adds the year to dates outside the current year', () => {
    expect(compoundStatusText('en', jiangshanding, [zone()], { now: new Date('2026-11-28T12:00:00Z') })).toBe(
      '江山鼎 is in a lockdown zone since 4 April 2022; review on 18 April 2022',
    );
    expect(compoundStatusText('zh-CN', jiangshanding, [zone()], { now: new Date('2026-11-28T12:00:00Z') })).toBe(
      '江山鼎自2022年4月4日起处于封控区，2022年4月18日复核',
    );
  });

  it('leaves out what the zone does not say', () => {
    expect(compoundStatusText('en', jiangshanding, [zone({ review_days: null })], { now })).toBe('江山鼎 is in a lockdown zone since 4 April');
    expect(compoundStatusText('en', jiangshanding, [zone({ effective_from: null })], { now })).toBe('江山鼎 is in a lockdown zone');
    expect(compoundStatusText('zh-CN', jiangshanding, [zone({ effective_from: null })], { now })).toBe('江山鼎处于封控区');
  });

  it('ignores draft and lifted zones', () => {
    expect(compoundStatusText('en', jiangshanding, [zone({ status: 'draft' }), zone({ status: 'lifted' })], { now })).toBe(
      '江山鼎 is outside all zones',
    );
  });

  it('takes its words from a catalogue passed in', () => {
    const messages = { ...STATUS_MESSAGES, en: { ...STATUS_MESSAGES.en, compoundOutside: ({ name }: { name: string }) => `${name}: no restrictions` } };
    expect(compoundStatusText('en', jiangshanding, [], { now, messages })).toBe('江山鼎: no restrictions');
  });
});

describe('pointStatusText', () => {
  it('names the zone in the reader’s language', () => {
    expect(pointStatusText('en', [zone()], { now })).toBe('This place is in a lockdown zone (Jiangshanding lockdown zone) since 4 April; review on 18 April');
    expect(pointStatusText('zh-CN', [zone()], { now })).toBe('该位置自4月4日起处于封控区（江山鼎封控区），4月18日复核');
  });

  it('says when a point is outside all zones', () => {
    expect(pointStatusText('en', [], { now })).toBe('This place is outside all zones');
    expect(pointStatusText('zh-CN', [], { now })).toBe('该位置不在任何封控区、管控区或防范区内');
  });
});

describe('governingZone', () => {
  it('picks the most severe level where zones overlap', () => {
    const control = zone({ id: 'c', level: 'control', review_days: 30 });
    const lockdown = zone({ id: 'l', level: 'lockdown', review_days: 3 });
    expect(governingZone([control, lockdown])?.zone.id).toBe('l');
  });

  it('among zones of one level, picks the one reviewed last', () => {
    const early = zone({ id: 'early', review_days: 3 });
    const late = zone({ id: 'late', review_days: 10 });
    expect(governingZone([late, early])?.zone.id).toBe('late');
    expect(governingZone([early, late])?.zone.id).toBe('late');
  });
});

describe('reviewDate', () => {
  it('is effective_from plus review_days days', () => {
    expect(reviewDate(zone())?.toISOString()).toBe('2022-04-17T16:00:00.000Z');
    expect(reviewDate(zone({ review_days: null }))).toBeNull();
  });
});
