import { describe, expect, it } from 'vitest';
import { noRouteText } from '../../src/views/dispatch/no-route-text.ts';

const names: Record<string, string> = { 'zone-001': '江山鼎封控区', 'cp-04': '秋实二大道卡口' };
const nameOf = (_kind: 'zone' | 'checkpoint', id: string) => names[id] ?? id;

describe('noRouteText', () => {
  it('names what cuts the way and the one opening that restores it, with its time', () => {
    const why = {
      reason: 'closures' as const,
      cutBy: [
        { kind: 'zone' as const, id: 'zone-001' },
        { kind: 'checkpoint' as const, id: 'cp-04' },
      ],
      opening: { kind: 'checkpoint' as const, id: 'cp-04' },
      openingSeconds: 754,
    };
    expect(noRouteText('zh-CN', why, nameOf)).toBe(
      '被 江山鼎封控区、秋实二大道卡口 阻断；开放 秋实二大道卡口 即可通行（约 13 分钟）',
    );
    expect(noRouteText('en', why, nameOf)).toBe(
      'cut by 江山鼎封控区, 秋实二大道卡口; opening 秋实二大道卡口 would restore a way (about 13 min)',
    );
  });

  it('says when a pass would do, and when no single opening would', () => {
    const cutBy = [{ kind: 'checkpoint' as const, id: 'cp-04' }];
    expect(
      noRouteText(
        'en',
        { reason: 'closures', cutBy, opening: { kind: 'pass', checkpoints: ['cp-04'] }, openingSeconds: 20 },
        nameOf,
      ),
    ).toBe('cut by 秋实二大道卡口; a pass would open a way (about 1 min)');
    expect(noRouteText('zh-CN', { reason: 'closures', cutBy, opening: null, openingSeconds: null }, nameOf)).toBe(
      '被 秋实二大道卡口 阻断；单独开放任何一处都无法恢复通行',
    );
  });

  it('tells a missing road from a network that does not join', () => {
    expect(noRouteText('en', { reason: 'no_road', cutBy: [], opening: null, openingSeconds: null }, nameOf)).toBe(
      'no truck road near it',
    );
    expect(
      noRouteText('zh-CN', { reason: 'disconnected', cutBy: [], opening: null, openingSeconds: null }, nameOf),
    ).toBe('即使解除全部管控也没有道路相通');
  });
});
