import { describe, expect, it } from 'vitest';
import { en } from '../../src/ui/i18n/en.ts';
import { translate } from '../../src/ui/i18n/translate.ts';
import { zhCN } from '../../src/ui/i18n/zh-CN.ts';

const parameters = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('i18n catalogues', () => {
  it('have the same keys in Chinese and English', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort());
  });

  it('use the same parameters in both languages', () => {
    for (const key of Object.keys(zhCN) as (keyof typeof zhCN)[]) {
      expect(parameters(en[key]), key).toEqual(parameters(zhCN[key]));
    }
  });

  it('fills parameters and leaves unknown ones visible', () => {
    expect(translate('en', 'legend.count', { count: 4 })).toBe('4');
    expect(translate('zh-CN', 'legend.count', { count: 4 })).toBe('4 个');
    expect(translate('en', 'live.updatedAt', {})).toBe('Updated {time}');
  });
});
