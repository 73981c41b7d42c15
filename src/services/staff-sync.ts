import type { Versioned } from '../domain/change.ts';
import type { LiveCollection } from '../state/live-collection.svelte.ts';
import { subscribeStaffFeed, type FeedStatus, type StaffTable } from './realtime.ts';

/**
 * Fills staff collections and keeps them live through the staff feed (`postgres_changes`, RLS
 * per subscriber): a read at once, a re-read of each changed row, and a resync after every
 * (re)subscription so that nothing missed while disconnected is lost. Returns the teardown.
 */
export function startStaffSync(
  collections: Partial<Record<StaffTable, LiveCollection<Versioned>>>,
  status: (status: FeedStatus) => void,
): () => void {
  const abort = new AbortController();
  const { signal } = abort;
  const entries = Object.entries(collections) as [StaffTable, LiveCollection<Versioned>][];
  const initial = Promise.all(entries.map(([, collection]) => collection.load(signal)));
  const resync = () => void initial.then(() => Promise.all(entries.map(([, collection]) => collection.resync(signal))));
  const unsubscribe = subscribeStaffFeed(
    entries.map(([table]) => table),
    {
      changed(table, id, op) {
        const collection = collections[table];
        if (!collection) return;
        // The feed's remove is a deleted row.
        if (op === 'remove') collection.apply({ op: 'remove', id, reason: 'deleted' });
        else void collection.refresh(id, signal).catch(() => resync());
      },
      subscribed: resync,
      status,
    },
  );
  return () => {
    abort.abort();
    unsubscribe();
  };
}
