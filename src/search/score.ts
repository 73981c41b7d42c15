import { approximateSubstring } from './fuzzy.ts';
import type { NormalizedText } from './normalize.ts';

/** How a query met a name, best first. */
export type MatchKind = 'exact' | 'prefix' | 'word' | 'substring' | 'fuzzy';

export interface TextMatch {
  kind: MatchKind;
  /** Higher is better; every kind outranks the next one whatever the penalties. */
  score: number;
  /** Matched range in the normalised text, [start, end). */
  start: number;
  end: number;
}

const HAN = /\p{Script=Han}/u;

/**
 * Typos tolerated for a normalised query: one in a Chinese query of three or more
 * characters (a wrong homophone), one in a Latin query of 4-7 letters, two from 8 letters.
 */
export function maxEditsFor(query: string): number {
  if (HAN.test(query)) return query.length >= 3 ? 1 : 0;
  if (query.length >= 8) return 2;
  return query.length >= 4 ? 1 : 0;
}

const cap = (value: number, max: number) => Math.min(value, max);

/** Scores a normalised query against a normalised name; null when it does not match. */
export function matchText(query: string, target: NormalizedText, maxEdits = maxEditsFor(query)): TextMatch | null {
  const text = target.text;
  const m = query.length;
  const extra = text.length - m;
  if (m === 0) return null;
  if (text === query) return { kind: 'exact', score: 1000, start: 0, end: m };
  if (text.startsWith(query)) return { kind: 'prefix', score: 900 - cap(extra, 99), start: 0, end: m };
  let at = text.indexOf(query);
  if (at >= 0) {
    let wordAt = at;
    while (wordAt >= 0 && !target.wordStart[wordAt]) wordAt = text.indexOf(query, wordAt + 1);
    if (wordAt >= 0) return { kind: 'word', score: 800 - cap(wordAt, 49) - cap(extra, 49), start: wordAt, end: wordAt + m };
    return { kind: 'substring', score: 600 - cap(at, 49) - cap(extra, 49), start: at, end: at + m };
  }
  if (maxEdits === 0) return null;
  const fuzzy = approximateSubstring(query, text, maxEdits);
  if (!fuzzy) return null;
  at = fuzzy.start;
  const score = 400 - 100 * fuzzy.distance + (at === 0 ? 50 : 0) - cap(at, 49) - cap(Math.abs(extra), 49);
  return { kind: 'fuzzy', score, start: fuzzy.start, end: fuzzy.end };
}
