import { normalizeText, type NormalizedText } from './normalize.ts';
import { matchText, maxEditsFor, type MatchKind } from './score.ts';

/** What the index needs of a compound (a `compounds` row or its public columns). */
export interface SearchableCompound {
  id: string;
  name: string;
  name_en?: string | null;
}

export type SearchField = 'name' | 'name_en';

export interface CompoundHit<T> {
  item: T;
  score: number;
  kind: MatchKind;
  /** The name that matched best. */
  field: SearchField;
  /** The matched part of `item[field]` as UTF-16 offsets [start, end), for highlighting. */
  highlight: [number, number];
}

export interface SearchOptions {
  /** Most hits returned. Default 10. */
  limit?: number;
}

export interface CompoundSearchIndex<T> {
  readonly size: number;
  /** Compounds matching `query` by Chinese or English name, best first (see `matchText`). */
  search(query: string, options?: SearchOptions): CompoundHit<T>[];
  /** The same answer by scoring every compound, without the gram filter: the reference for tests and benchmarks. */
  scan(query: string, options?: SearchOptions): CompoundHit<T>[];
}

interface Entry {
  field: SearchField;
  original: string;
  normalized: NormalizedText;
}

/** Distinct grams of a normalised text: characters tagged '1', adjacent pairs tagged '2'. */
function gramsOf(text: string, size: 1 | 2): Set<string> {
  const grams = new Set<string>();
  for (let i = 0; i + size <= text.length; i++) grams.add(size + text.slice(i, i + size));
  return grams;
}

function toOriginal(entry: Entry, start: number, end: number): [number, number] {
  const { origin } = entry.normalized;
  const last = origin[end - 1];
  return [origin[start], last + ((entry.original.codePointAt(last) ?? 0) > 0xffff ? 2 : 1)];
}

/**
 * Builds the search index once (normalised names plus an inverted index of characters and
 * character pairs). A query is answered by counting, per compound, the query's grams it
 * holds; only compounds that hold enough of them to be within the typo budget are scored.
 */
export function buildCompoundSearchIndex<T extends SearchableCompound>(items: readonly T[]): CompoundSearchIndex<T> {
  const entries: Entry[][] = items.map((item) => {
    const fields: Entry[] = [{ field: 'name', original: item.name, normalized: normalizeText(item.name) }];
    if (item.name_en) fields.push({ field: 'name_en', original: item.name_en, normalized: normalizeText(item.name_en) });
    return fields;
  });

  const postingLists = new Map<string, number[]>();
  entries.forEach((fields, index) => {
    const grams = new Set<string>();
    for (const { normalized } of fields) {
      for (const g of gramsOf(normalized.text, 1)) grams.add(g);
      for (const g of gramsOf(normalized.text, 2)) grams.add(g);
    }
    for (const g of grams) {
      const list = postingLists.get(g);
      if (list) list.push(index);
      else postingLists.set(g, [index]);
    }
  });
  const postings = new Map<string, Uint32Array>();
  for (const [g, list] of postingLists) postings.set(g, Uint32Array.from(list));
  const counts = new Uint16Array(items.length);

  /** Best-first order: score, then the shorter name, then id. */
  const before = (a: CompoundHit<T>, b: CompoundHit<T>) =>
    b.score - a.score ||
    a.item[a.field]!.length - b.item[b.field]!.length ||
    (a.item.id < b.item.id ? -1 : a.item.id > b.item.id ? 1 : 0);

  /** Scores compound `index` and keeps it in `top` (sorted, at most `limit`) if it ranks. */
  const consider = (top: CompoundHit<T>[], limit: number, index: number, query: string, maxEdits: number): boolean => {
    let best: CompoundHit<T> | null = null;
    for (const entry of entries[index]) {
      const match = matchText(query, entry.normalized, maxEdits);
      if (match && (!best || match.score > best.score)) {
        best = { item: items[index], score: match.score, kind: match.kind, field: entry.field, highlight: [match.start, match.end] };
      }
    }
    if (!best) return false;
    if (top.length === limit && before(best, top[limit - 1]) >= 0) return true;
    let lo = 0;
    let hi = top.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(top[mid], best) <= 0) lo = mid + 1;
      else hi = mid;
    }
    const entry = entries[index].find((e) => e.field === best.field)!;
    best.highlight = toOriginal(entry, best.highlight[0], best.highlight[1]);
    top.splice(lo, 0, best);
    if (top.length > limit) top.pop();
    return true;
  };

  /**
   * Compounds that can match: an edit changes at most one character gram and at most three
   * pair grams, so a match within k edits holds all but k of the query's characters and all
   * but 3k of its pairs. Pairs filter harder; short queries fall back to characters.
   */
  const candidates = (query: string, maxEdits: number): number[] => {
    const pairs = gramsOf(query, 2);
    const usePairs = pairs.size - 3 * maxEdits >= 2 || (maxEdits === 0 && pairs.size > 0);
    const grams = usePairs ? pairs : gramsOf(query, 1);
    const needed = Math.max(1, grams.size - (usePairs ? 3 : 1) * maxEdits);
    const touched: number[] = [];
    for (const g of grams) {
      const list = postings.get(g);
      if (!list) continue;
      for (let i = 0; i < list.length; i++) {
        if (counts[list[i]]++ === 0) touched.push(list[i]);
      }
    }
    const out: number[] = [];
    for (const index of touched) {
      if (counts[index] >= needed) out.push(index);
      counts[index] = 0;
    }
    return out;
  };

  const run = (query: string, options: SearchOptions, all: boolean): CompoundHit<T>[] => {
    const q = normalizeText(query).text;
    const limit = options.limit ?? 10;
    if (!q || limit <= 0) return [];
    const maxEdits = maxEditsFor(q);
    const top: CompoundHit<T>[] = [];
    const unmatched: number[] = [];
    for (const index of all ? items.keys() : candidates(q, maxEdits)) {
      if (!consider(top, limit, index, q, 0)) unmatched.push(index);
    }
    // Typo matches rank below every exact one, so they only matter while the list has room.
    if (maxEdits > 0 && top.length < limit) {
      for (const index of unmatched) consider(top, limit, index, q, maxEdits);
    }
    return top;
  };

  return {
    size: items.length,
    search: (query, options = {}) => run(query, options, false),
    scan: (query, options = {}) => run(query, options, true),
  };
}
