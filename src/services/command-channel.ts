import type { RealtimeChannel } from '@supabase/supabase-js';
import type { MultiPolygon, Polygon } from 'geojson';
import { onlineCommanders, type CommanderMeta, type OnlineCommander } from '../domain/command-presence.ts';
import type { FeedStatus } from './realtime.ts';
import { supabase } from './supabase.ts';

/**
 * The commanders' private channel (migration `..._realtime_command_channel.sql`): only users
 * with the commander role may join, track presence or broadcast on it.
 */
export const COMMAND_TOPIC = 'command';

export interface CommandChannelHandlers {
  /** Everyone online, this commander included, after every presence change. */
  commanders(list: OnlineCommander[]): void;
  status(status: FeedStatus): void;
  /** The join was refused (e.g. the account is not a commander): the server's reason. */
  refused(reason: string): void;
  /** Another commander's unsaved outline of a zone moved (geom null: they stopped editing it). */
  outline(outline: CommanderOutline): void;
}

/** An unsaved boundary a commander is drawing, broadcast to the others while it moves. */
export interface CommanderOutline {
  user_id: string;
  email: string;
  zone_id: string | null;
  geom: Polygon | MultiPolygon | null;
}

function isOutline(payload: unknown): payload is CommanderOutline {
  const p = payload as Partial<CommanderOutline> | null;
  return (
    !!p &&
    typeof p.user_id === 'string' &&
    typeof p.email === 'string' &&
    (p.geom === null || typeof p.geom === 'object')
  );
}

export interface CommandChannel {
  /** Tells the other commanders which zone this one has open (null: none). */
  setEditing(zoneId: string | null): void;
  /** Shows the others this commander's unsaved outline (null: nothing being edited). */
  sendOutline(zoneId: string | null, geom: Polygon | MultiPolygon | null): void;
  /** Leaves the channel; the others see this commander go. */
  close(): void;
}

/**
 * Joins the private `command` channel as `me` and keeps this commander's presence current,
 * tracking again after each rejoin (the server forgets a channel's presence when the socket drops).
 */
export function joinCommandChannel(
  me: Omit<CommanderMeta, 'editing'>,
  handlers: CommandChannelHandlers,
): CommandChannel {
  let meta: CommanderMeta = { ...me, editing: null };
  let joined = false;
  const channel: RealtimeChannel = supabase().channel(COMMAND_TOPIC, {
    config: { private: true, presence: { key: me.user_id } },
  });
  channel.on('presence', { event: 'sync' }, () => handlers.commanders(onlineCommanders(channel.presenceState())));
  channel.on('broadcast', { event: 'outline' }, ({ payload }) => {
    if (isOutline(payload) && payload.user_id !== me.user_id) handlers.outline(payload);
  });
  channel.subscribe((state, error) => {
    joined = state === 'SUBSCRIBED';
    if (joined) {
      handlers.status('live');
      void channel.track({ ...meta });
    } else if (state === 'CHANNEL_ERROR' && error?.message.startsWith('Unauthorized')) {
      handlers.refused(error.message);
      void supabase().removeChannel(channel);
    } else if (state !== 'CLOSED') {
      // realtime-js rejoins by itself after CHANNEL_ERROR / TIMED_OUT; CLOSED is our own teardown.
      handlers.status('reconnecting');
    }
  });
  return {
    setEditing(zoneId) {
      if (meta.editing === zoneId) return;
      meta = { ...meta, editing: zoneId };
      if (joined) void channel.track({ ...meta });
    },
    sendOutline(zoneId, geom) {
      if (!joined) return;
      const payload: CommanderOutline = { user_id: me.user_id, email: me.email, zone_id: zoneId, geom };
      void channel.send({ type: 'broadcast', event: 'outline', payload });
    },
    close() {
      void supabase().removeChannel(channel);
    },
  };
}
