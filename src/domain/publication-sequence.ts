/**
 * The order of the public map's changes. Each change the public can see carries its
 * publication number `v` (gap-free, in commit order); a viewer holds the published files of
 * number `version` and applies the changes after it one by one. A change that skips a number
 * means one was missed (a dropped socket, a late subscription): the viewer must load newer
 * files before going on.
 */
export interface Numbered {
  v: number;
}

export interface SequenceStep<D extends Numbered> {
  /** The changes to apply now, in order: `version + 1`, `version + 2`, … */
  apply: D[];
  /** The number held after applying them. */
  version: number;
  /** Changes beyond a missing number, kept until newer files arrive. */
  pending: D[];
  /** Whether a number is missing before `pending`. */
  gap: boolean;
}

/**
 * What to apply of `pending` on top of publication `version`: changes already covered
 * (number ≤ version) are dropped, duplicates once, and the run of consecutive numbers applied.
 */
export function advance<D extends Numbered>(version: number, pending: readonly D[]): SequenceStep<D> {
  const ahead = [...pending].filter((change) => change.v > version).sort((a, b) => a.v - b.v);
  const apply: D[] = [];
  let at = version;
  let i = 0;
  for (; i < ahead.length; i++) {
    const change = ahead[i];
    if (change.v === at) continue;
    if (change.v !== at + 1) break;
    apply.push(change);
    at = change.v;
  }
  const rest = ahead.slice(i).filter((change, index, list) => index === 0 || change.v !== list[index - 1].v);
  return { apply, version: at, pending: rest, gap: rest.length > 0 };
}
