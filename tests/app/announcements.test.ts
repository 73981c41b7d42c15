import { describe, expect, it } from 'vitest';
import type { MapChange } from '../../src/domain/map-changes.ts';
import { announcement, changeSentence } from '../../src/ui/announcements.ts';

const fengle = { name: '丰乐新村周边管控区', name_en: 'Fengle New Village control zone' };
const lifted: MapChange = { ...fengle, kind: 'zone_lifted', level: 'control' };

describe('live announcements', () => {
  it('says a lifted zone in both languages', () => {
    expect(changeSentence('zh-CN', lifted)).toBe('丰乐新村周边管控区已解封');
    expect(changeSentence('en', lifted)).toBe('Fengle New Village control zone has been lifted');
  });

  it('says a zone withdrawn (back to draft, deleted) as taken off the public map, not lifted', () => {
    const withdrawn: MapChange = { ...fengle, kind: 'zone_withdrawn', level: 'control' };
    expect(changeSentence('zh-CN', withdrawn)).toBe('丰乐新村周边管控区已从公开地图撤下');
    expect(changeSentence('en', withdrawn)).toBe('Fengle New Village control zone was withdrawn from the public map');
  });

  it('falls back to the Chinese name when there is no English one', () => {
    expect(changeSentence('en', { ...lifted, name_en: null })).toBe('丰乐新村周边管控区 has been lifted');
  });

  it('says new zones, level changes and new boundaries with the level words', () => {
    const added: MapChange = { name: '测试区', name_en: 'Test zone', kind: 'zone_added', level: 'precaution' };
    expect(changeSentence('zh-CN', added)).toBe('新增防范区：测试区');
    expect(changeSentence('en', added)).toBe('New precaution zone: Test zone');
    const down: MapChange = { ...fengle, kind: 'zone_stepped_down', from: 'lockdown', level: 'control' };
    expect(changeSentence('zh-CN', down)).toBe('丰乐新村周边管控区由封控区降为管控区');
    expect(changeSentence('en', down)).toBe(
      'Fengle New Village control zone stepped down from lockdown zone to control zone',
    );
    const up: MapChange = { ...fengle, kind: 'zone_stepped_up', from: 'control', level: 'lockdown' };
    expect(changeSentence('zh-CN', up)).toBe('丰乐新村周边管控区由管控区升为封控区');
    expect(changeSentence('en', { ...fengle, kind: 'zone_reshaped', level: 'control' })).toBe(
      'The boundary of Fengle New Village control zone has changed',
    );
  });

  it('says testing sites and checkpoints opening, pausing and closing', () => {
    const site = { name: '中央城核酸采样点', name_en: 'Zhongyang City testing site' };
    expect(changeSentence('zh-CN', { ...site, kind: 'site_status', status: 'paused' })).toBe(
      '中央城核酸采样点暂停开放',
    );
    expect(changeSentence('en', { ...site, kind: 'site_status', status: 'open' })).toBe(
      'Zhongyang City testing site is open again',
    );
    expect(changeSentence('en', { ...site, kind: 'site_status', status: 'closed' })).toBe(
      'Zhongyang City testing site has closed',
    );
    expect(changeSentence('zh-CN', { ...site, kind: 'checkpoint_state', state: 'restricted' })).toBe(
      '中央城核酸采样点限制通行',
    );
    expect(changeSentence('zh-CN', { ...site, kind: 'site_added', site: 'testing_site' })).toBe(
      '新增站点：中央城核酸采样点',
    );
    expect(changeSentence('en', { ...site, kind: 'site_removed', site: 'testing_site' })).toBe(
      'Zhongyang City testing site was removed from the map',
    );
  });

  it('joins a batch and counts what it leaves out', () => {
    expect(announcement('zh-CN', [])).toBe('');
    const zones: MapChange[] = ['甲', '乙', '丙', '丁'].map((name) => ({
      name,
      name_en: null,
      kind: 'zone_lifted',
      level: 'control',
    }));
    expect(announcement('zh-CN', zones.slice(0, 3))).toBe('甲已解封；乙已解封；丙已解封');
    expect(announcement('zh-CN', zones)).toBe('甲已解封；乙已解封；另有 2 项变化');
    expect(announcement('en', zones, 2)).toBe('甲 has been lifted; 3 more changes');
  });
});
