/**
 * Why a zone left the public map, as its broadcast `remove` says (`…_public_map_remove_reason.sql`):
 * lifted, taken back to draft, or deleted. Only 'lifted' is a lifting.
 */
export type RemoveReason = 'lifted' | 'withdrawn' | 'deleted';

/**
 * A change to one row of a collection, as the public broadcast sends it (`{op:'upsert', row}`
 * or `{op:'remove', id, reason?}`) and as the staff feed is reduced to. A remove has no reason
 * from the staff feed, a re-read, a site's broadcast or a server older than the reason.
 */
export type Change<T> = { op: 'upsert'; row: T } | { op: 'remove'; id: string; reason?: RemoveReason };

/** What a live collection needs of its rows: a stable id and, where the table has one, a version. */
export interface Versioned {
  id: string;
  version?: number | null;
}

/**
 * Applies a change to a collection and returns a new array, or the same array when nothing
 * changed (so `$state.raw` consumers and deck.gl see a new identity only on a real change).
 *
 * An upsert older than the row already held (lower `version`) is ignored: a re-read and a
 * broadcast can arrive in either order.
 */
export function applyChange<T extends Versioned>(collection: readonly T[], change: Change<T>): readonly T[] {
  if (change.op === 'remove') {
    const index = collection.findIndex((row) => row.id === change.id);
    if (index === -1) return collection;
    return [...collection.slice(0, index), ...collection.slice(index + 1)];
  }
  const { row } = change;
  const index = collection.findIndex((existing) => existing.id === row.id);
  if (index === -1) return [...collection, row];
  const held = collection[index];
  if (held.version != null && row.version != null && row.version < held.version) return collection;
  const next = collection.slice();
  next[index] = row;
  return next;
}

/** What a re-read must do to bring a local collection in line with the server's `id, version` list. */
export interface ResyncPlan {
  /** Ids held locally that the server no longer shows to this viewer. */
  remove: string[];
  /** Ids that are new or whose version moved: their full rows must be fetched. */
  fetch: string[];
}

/**
 * Compares the rows held with the server's current `id, version` list (just `id` for a table
 * without versions). Used after a
 * (re)subscription, so that changes missed while disconnected are caught up without
 * downloading every geometry again.
 */
export function planResync(held: readonly Versioned[], current: readonly Versioned[]): ResyncPlan {
  const heldVersions = new Map(held.map((row) => [row.id, row.version ?? null]));
  const currentIds = new Set(current.map((row) => row.id));
  const fetch = current
    .filter((row) => {
      if (!heldVersions.has(row.id)) return true;
      // A table without versions (compounds) is kept current by its change events: nothing to compare.
      return (heldVersions.get(row.id) ?? null) !== (row.version ?? null);
    })
    .map((row) => row.id);
  const remove = held.filter((row) => !currentIds.has(row.id)).map((row) => row.id);
  return { remove, fetch };
}
