import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildCompoundSearchIndex, type SearchableCompound } from '../../src/search/compound-index.ts';

const compounds = Object.freeze(JSON.parse(readFileSync('tests/fixtures/search/compounds.json', 'utf8')) as SearchableCompound[]);
const index = buildCompoundSearchIndex(compounds);
const top = (query: string) => index.search(query)[0]?.item.id;

describe('compound search', () => {
  it.each(['江山鼎', '江山', 'jiangshanding', 'jiangshandin', 'Jiang Shan Ding', 'JIANGSHANDING', 'jaingshanding', 'jiangshangding', '江山顶'])(
    'finds 江山鼎 first for %j',
    (query) => {
      expect(top(query)).toBe('cmp-0001');
    },
  );

  it('ranks names that start with the query by how little they add', () => {
    expect(index.search('江山').map((h) => h.item.id)).toEqual(['cmp-0001', 'cmp-0002', 'cmp-0013']);
  });

  it('ranks an exact name first', () => {
    expect(index.search('江山花园').map((h) => h.kind)[0]).toBe('exact');
    expect(top('江山花园')).toBe('cmp-0002');
  });

  it('ranks prefix matches above matches inside a name, and those above typo matches', () => {
    const kinds = index.search('jiangshan', { limit: 20 }).map((h) => h.kind);
    const order = ['exact', 'prefix', 'word', 'substring', 'fuzzy'];
    const ranks = kinds.map((k) => order.indexOf(k));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(kinds[0]).toBe('prefix');
  });

  it('matches a word inside an English name', () => {
    const hits = index.search('garden', { limit: 20 });
    expect(hits.map((h) => h.item.id).sort()).toEqual(['cmp-0002', 'cmp-0004', 'cmp-0010']);
    expect(hits.every((h) => h.kind === 'word')).toBe(true);
  });

  it('finds a name by a part in the middle', () => {
    expect(top('山鼎')).toBe('cmp-0020');
    expect(index.search('山鼎').map((h) => h.item.id)).toContain('cmp-0001');
  });

  it('folds full-width letters', () => {
    expect(top('sun国际')).toBe('cmp-0021');
  });

  it('searches compounds without an English name by their Chinese name', () => {
    expect(top('明珠')).toBe('cmp-0022');
  });

  it('returns nothing for a query that matches no name within the typo budget', () => {
    expect(index.search('zzzzqqqq')).toEqual([]);
    expect(index.search('   ')).toEqual([]);
  });

  it('does not tolerate typos in very short queries', () => {
    expect(index.search('jxa')).toEqual([]);
  });

  it('highlights the matched part of the original name', () => {
    const [hit] = index.search('shan ding');
    expect(hit.item.id).toBe('cmp-0020');
    expect(hit.field).toBe('name_en');
    expect(hit.item.name_en!.slice(...hit.highlight)).toBe('Shanding');
    const [zh] = index.search('江山');
    expect(zh.item.name.slice(...zh.highlight)).toBe('江山');
  });

  it('limits the number of hits', () => {
    expect(index.search('a', { limit: 3 })).toHaveLength(3);
  });

  it('answers like a scan of every compound', () => {
    let seed = 11;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const names = compounds.flatMap((c) => [c.name, c.name_en ?? c.name]);
    for (let i = 0; i < 300; i++) {
      const name = names[Math.floor(random() * names.length)];
      const start = Math.floor(random() * name.length);
      let query = name.slice(start, start + 2 + Math.floor(random() * 10));
      if (random() < 0.5 && query.length > 3) {
        const at = Math.floor(random() * query.length);
        query = query.slice(0, at) + 'xq'[Math.floor(random() * 2)] + query.slice(at + 1);
      }
      expect(index.search(query, { limit: 50 }), query).toEqual(index.scan(query, { limit: 50 }));
    }
  });
});
