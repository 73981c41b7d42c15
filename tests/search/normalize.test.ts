import { describe, expect, it } from 'vitest';
import { approximateSubstring } from '../../src/search/fuzzy.ts';
import { normalizeText } from '../../src/search/normalize.ts';

describe('normalizeText', () => {
  it('lower-cases and drops spaces and punctuation', () => {
    expect(normalizeText('Jiang Shan-Ding (No. 2)').text).toBe('jiangshandingno2');
  });

  it('removes tone marks and folds full-width forms', () => {
    expect(normalizeText('Jiāng Shān Dǐng').text).toBe('jiangshanding');
    expect(normalizeText('ＳＵＮ　１号').text).toBe('sun1号');
  });

  it('maps each normalised character back to its place in the original', () => {
    const { text, origin } = normalizeText('Ab  江山');
    expect(text).toBe('ab江山');
    expect(Array.from(origin)).toEqual([0, 1, 4, 5]);
  });

  it('marks word starts after separators, at case changes, at script changes and at every Han character', () => {
    const { wordStart } = normalizeText('Haiyun GardenPlaza江山a');
    const starts = 'haiyungardenplaza江山a'.split('').filter((_, i) => wordStart[i]);
    expect(starts).toEqual(['h', 'g', 'p', '江', '山', 'a']);
  });
});

describe('approximateSubstring', () => {
  it('finds a substring within the edit budget and where it lies', () => {
    expect(approximateSubstring('shanding', 'jiangshandinggarden', 0)).toEqual({ distance: 0, start: 5, end: 13 });
    expect(approximateSubstring('shangding', 'jiangshandinggarden', 1)).toMatchObject({ distance: 1, start: 5 });
  });

  it('counts an adjacent transposition as one edit', () => {
    expect(approximateSubstring('jaingshan', 'jiangshan', 1)?.distance).toBe(1);
  });

  it('returns null beyond the budget', () => {
    expect(approximateSubstring('jaingshan', 'jiangshan', 0)).toBeNull();
    expect(approximateSubstring('zhongxing', 'jiangshan', 2)).toBeNull();
  });
});
