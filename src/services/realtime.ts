import type { RealtimeChannel } from '@supabase/realtime-js';
import type { Change } from '../domain/change.ts';
import { loadSupabase, loadedSupabase } from './load-supabase.ts';
import { publicRealtime } from './public-realtime.ts';
import type { PublicMapPointer } from './published-map.ts';

/**
 * The public broadcast contract (supabase/local/realtime/README.md): topic `public-map`, events
 * `zone` and `site`, payload `{op:'upsert', row}` with the public columns (geometry as GeoJSON)
 * or `{op:'remove', id, reason?}` when a row leaves public view (a zone's says whether it was
 * lifted, withdrawn to draft or deleted), each with its publication number `v`;
 * event `published` with the pointer to the files of a new publication. The channel is private: anyone may join
 * and receive, only the database's triggers may send (migration `..._public_map_private.sql`).
 */
export const PUBLIC_TOPIC = 'public-map';

export type FeedStatus = 'live' | 'reconnecting';

export interface PublicFeedHandlers<Z, S> {
  /** `v`: the change's publication number (absent from a database without publication). */
  zone(change: Change<Z>, v: number | undefined): void;
  site(change: Change<S>, v: number | undefined): void;
  /** A new publication's pointer, sent after its files are written. */
  published?(pointer: PublicMapPointer): void;
  /** Called on every successful (re)subscription: the caller re-reads what it may have missed. */
  subscribed(): void;
  status(status: FeedStatus): void;
}

/** Tables of the staff feed, with the column that identifies a row (the id the app keys it by). */
export const STAFF_FEED_KEYS = {
  zones: 'id',
  sites: 'id',
  zone_drafts: 'zone_id',
  compounds: 'id',
  deliveries: 'id',
  delivery_stops: 'id',
  case_reports: 'id',
  zone_rules: 'id',
  zone_proposal_decisions: 'id',
} as const;
export type StaffTable = keyof typeof STAFF_FEED_KEYS;

export interface StaffFeedHandlers {
  /** A row of the table changed; its current state must be read (staff get every change). */
  changed(table: StaffTable, id: string, op: 'upsert' | 'remove'): void;
  subscribed(): void;
  status(status: FeedStatus): void;
}

function numberOf(payload: unknown): number | undefined {
  const v = (payload as { v?: unknown }).v;
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

function isChange(payload: unknown): payload is Change<never> {
  if (!payload || typeof payload !== 'object') return false;
  const p = payload as Record<string, unknown>;
  return (p.op === 'upsert' && !!p.row && typeof p.row === 'object') || (p.op === 'remove' && typeof p.id === 'string');
}

function watchStatus(channel: RealtimeChannel, handlers: { subscribed(): void; status(status: FeedStatus): void }) {
  channel.subscribe((state) => {
    if (state === 'SUBSCRIBED') {
      handlers.status('live');
      handlers.subscribed();
    } else {
      // realtime-js rejoins by itself after CHANNEL_ERROR / TIMED_OUT; CLOSED is our own teardown.
      if (state !== 'CLOSED') handlers.status('reconnecting');
    }
  });
}

/**
 * Anonymous viewers: the public broadcast of already-public rows. Returns the teardown.
 *
 * Through supabase-js's socket where the page has loaded it (a stored session, a sign-in: the
 * socket carries the user's token), else through realtime-js alone with the anon key, so that
 * an anonymous visitor never downloads supabase-js.
 */
export function subscribePublicFeed<Z, S>(handlers: PublicFeedHandlers<Z, S>): () => void {
  const realtime = loadedSupabase()?.realtime ?? publicRealtime();
  const channel = realtime
    .channel(PUBLIC_TOPIC, { config: { private: true } })
    .on('broadcast', { event: 'zone' }, ({ payload }) => {
      if (isChange(payload)) handlers.zone(payload as Change<Z>, numberOf(payload));
    })
    .on('broadcast', { event: 'site' }, ({ payload }) => {
      if (isChange(payload)) handlers.site(payload as Change<S>, numberOf(payload));
    })
    .on('broadcast', { event: 'published' }, ({ payload }) => {
      const pointer = payload as Partial<PublicMapPointer> | null;
      if (pointer && typeof pointer.version === 'number' && typeof pointer.map === 'string') handlers.published?.(pointer as PublicMapPointer);
    });
  watchStatus(channel, handlers);
  return () => void realtime.removeChannel(channel);
}

/**
 * Signed-in staff: `postgres_changes` on the tables, checked against RLS per subscriber.
 * The change only names the row: its geometry arrives in the database's own encoding on
 * hosted Supabase, so the caller re-reads the row through REST.
 */
export function subscribeStaffFeed(tables: readonly StaffTable[], handlers: StaffFeedHandlers): () => void {
  // Staff are signed in, so supabase-js is loaded already; still a promise, which the teardown may beat.
  let closed = false;
  const subscription = loadSupabase().then((client) => {
    if (closed) return null;
    const channel = client.channel(`staff-${tables.join('-')}`);
    for (const table of tables) {
      channel.on('postgres_changes', { event: '*', schema: 'public', table }, (payload) => {
        const deleted = payload.eventType === 'DELETE';
        const id = (deleted ? payload.old : payload.new)?.[STAFF_FEED_KEYS[table]];
        if (typeof id === 'string') handlers.changed(table, id, deleted ? 'remove' : 'upsert');
      });
    }
    watchStatus(channel, handlers);
    return () => void client.removeChannel(channel);
  });
  return () => {
    closed = true;
    void subscription.then((remove) => remove?.());
  };
}
