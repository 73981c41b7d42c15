import { describe, expect, it } from 'vitest';
import { buildCompoundSearchIndex } from '../../src/search/compound-index.ts';
import { demoLayer } from '../helpers/demo-district.ts';

// The committed demo district, data/nantong.
const compounds = demoLayer('compounds').features.map(({ properties: p }) => ({ id: p.id, name: p.name_zh, name_en: p.name_en }));
const index = buildCompoundSearchIndex(compounds);

describe('compound search on the demo district', () => {
  it.each(['江山', '江山鼎', 'jiangshanding', 'jiangshandin', 'Jiang Shan Ding'])('finds 江山鼎 first for %j', (query) => {
    expect(index.search(query)[0].item.name).toBe('江山鼎');
  });

  it('finds every compound first by its own Chinese name and by its own English name', () => {
    for (const c of compounds) {
      expect(index.search(c.name)[0].item.name, c.name).toBe(c.name);
      expect(index.search(c.name_en)[0].item.name_en, c.name_en).toBe(c.name_en);
    }
  });
});
