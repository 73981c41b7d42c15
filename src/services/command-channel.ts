import type { RealtimeChannel } from '@supabase/supabase-js';
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
}

export interface CommandChannel {
  /** Tells the other commanders which zone this one has open (null: none). */
  setEditing(zoneId: string | null): void;
  /** Leaves the channel; the others see this commander go. */
  close(): void;
}

/**
 * Joins the private `command` channel as `me` and keeps this commander's presence current,
 * tracking again after each rejoin (the server forgets a channel's presence when the socket drops).
 */
export function joinCommandChannel(me: Omit<CommanderMeta, 'editing'>, handlers: CommandChannelHandlers): CommandChannel {
  let meta: CommanderMeta = { ...me, editing: null };
  let joined = false;
  const channel: RealtimeChannel = supabase().channel(COMMAND_TOPIC, {
    config: { private: true, presence: { key: me.user_id } },
  });
  channel.on('presence', { event: 'sync' }, () => handlers.commanders(onlineCommanders(channel.presenceState())));
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
    close() {
      void supabase().removeChannel(channel);
    },
  };
}
