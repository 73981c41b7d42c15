import { describe, expect, it } from 'vitest';
import { blend, contrastRatio, hexToRgb, relativeLuminance } from '../../src/map/contrast.ts';

describe('contrast', () => {
  it('gives the WCAG figures for known pairs', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#ffffff', '#000000')).toBeCloseTo(21, 5);
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
    expect(contrastRatio('#d7263d', '#d7263d')).toBe(1);
    expect(relativeLuminance('#ffffff')).toBeCloseTo(1, 5);
    expect(relativeLuminance([0, 0, 0])).toBe(0);
  });

  it('blends a colour over another as the map composites a translucent fill', () => {
    expect(blend('#ff0000', 0.5, '#0000ff')).toBe('#800080');
    expect(blend('#f2c500', 0, '#f2efe6')).toBe('#f2efe6');
    expect(blend('#f2c500', 1, '#f2efe6')).toBe('#f2c500');
  });

  it('refuses what is not a #rrggbb colour', () => {
    expect(hexToRgb('#1A2b3c')).toEqual([26, 43, 60]);
    expect(() => hexToRgb('red')).toThrow(/#rrggbb/);
  });
});
