import type { PublicSiteRow, PublicZoneRow } from '../domain/rows.ts';
import type { LiveCollection } from '../state/live-collection.svelte.ts';
import type { FeedStatus } from './realtime.ts';
import { subscribePublicFeed, subscribeStaffFeed } from './realtime.ts';

export interface PublicMapSyncOptions {
  zones: LiveCollection<PublicZoneRow>;
  sites: LiveCollection<PublicSiteRow>;
  /** Staff get postgres_changes (RLS per subscriber); the public gets the broadcast. */
  staff: boolean;
  status(status: FeedStatus): void;
}

/**
 * Fills the public map's collections and keeps them live: one read at once (so the first
 * frame does not wait for the socket), then a resync on every (re)subscription so that a change
 * committed before the subscription took effect, or while disconnected, is not lost.
 * Returns the teardown.
 */
export function startPublicMapSync({ zones, sites, staff, status }: PublicMapSyncOptions): () => void {
  const abort = new AbortController();
  const { signal } = abort;
  const initial = Promise.all([zones.load(signal), sites.load(signal)]);
  const resync = () => {
    void initial.then(() => Promise.all([zones.resync(signal), sites.resync(signal)]));
  };
  const unsubscribe = staff
    ? subscribeStaffFeed(['zones', 'sites'], {
        changed(table, id, op) {
          const collection = table === 'zones' ? zones : sites;
          if (op === 'remove') collection.apply({ op: 'remove', id });
          else void collection.refresh(id, signal).catch(() => resync());
        },
        subscribed: resync,
        status,
      })
    : subscribePublicFeed<PublicZoneRow, PublicSiteRow>({
        zone: (change) => zones.apply(change),
        site: (change) => sites.apply(change),
        subscribed: resync,
        status,
      });
  return () => {
    abort.abort();
    unsubscribe();
  };
}
