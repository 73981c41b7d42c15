/** Where and how well a pattern matches inside a text: [start, end) in text units. */
export interface FuzzyMatch {
  distance: number;
  start: number;
  end: number;
}

let rows = new Int32Array(0);

/**
 * The substring of `text` closest to `pattern` by optimal-string-alignment distance
 * (insertions, deletions, substitutions, adjacent transpositions), if that distance is at
 * most `maxDistance`; null otherwise. Sellers' algorithm: O(|pattern| * |text|) with an
 * early exit once no alignment can come back under the limit.
 */
export function approximateSubstring(pattern: string, text: string, maxDistance: number): FuzzyMatch | null {
  const m = pattern.length;
  const n = text.length;
  const width = n + 1;
  // Three rows of distances and three of alignment starts, reused across calls.
  if (rows.length < 6 * width) rows = new Int32Array(6 * width * 2);
  let prev2 = 0;
  let prev = width;
  let cur = 2 * width;
  const S = 3 * width;
  for (let j = 0; j <= n; j++) {
    rows[prev + j] = 0;
    rows[S + prev + j] = j;
  }
  let prevMin = 0;
  for (let i = 1; i <= m; i++) {
    rows[cur] = i;
    rows[S + cur] = 0;
    let rowMin = i;
    const p = pattern.charCodeAt(i - 1);
    for (let j = 1; j <= n; j++) {
      const t = text.charCodeAt(j - 1);
      let d = rows[prev + j - 1] + (p === t ? 0 : 1);
      let s = rows[S + prev + j - 1];
      if (rows[prev + j] + 1 < d) {
        d = rows[prev + j] + 1;
        s = rows[S + prev + j];
      }
      if (rows[cur + j - 1] + 1 < d) {
        d = rows[cur + j - 1] + 1;
        s = rows[S + cur + j - 1];
      }
      if (i > 1 && j > 1 && p === text.charCodeAt(j - 2) && pattern.charCodeAt(i - 2) === t && rows[prev2 + j - 2] + 1 < d) {
        d = rows[prev2 + j - 2] + 1;
        s = rows[S + prev2 + j - 2];
      }
      rows[cur + j] = d;
      rows[S + cur + j] = s;
      if (d < rowMin) rowMin = d;
    }
    // Row minima can only fall back by one through a transposition from two rows up.
    if (rowMin > maxDistance && prevMin >= maxDistance) return null;
    prevMin = rowMin;
    const oldPrev2 = prev2;
    prev2 = prev;
    prev = cur;
    cur = oldPrev2;
  }
  let best: FuzzyMatch | null = null;
  for (let j = 0; j <= n; j++) {
    const d = rows[prev + j];
    if (d <= maxDistance && (!best || d < best.distance)) best = { distance: d, start: rows[S + prev + j], end: j };
  }
  return best;
}
