import type { Position } from 'geojson';

const same = (a: Position, b: Position) => a[0] === b[0] && a[1] === b[1];

/**
 * The one vertex that moved between two versions of a closed ring, or null when the change was
 * anything else (a vertex added or deleted, several moved, the whole ring dragged). The closing
 * position moves with the first.
 */
export function movedVertex(
  before: readonly Position[],
  after: readonly Position[],
): { from: Position; to: Position } | null {
  if (before.length !== after.length || before.length < 4) return null;
  let moved: number | null = null;
  for (let i = 0; i < before.length - 1; i++) {
    if (same(before[i], after[i])) continue;
    if (moved !== null) return null;
    moved = i;
  }
  return moved === null ? null : { from: before[moved], to: after[moved] };
}
