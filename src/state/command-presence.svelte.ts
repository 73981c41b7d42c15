import type { OnlineCommander } from '../domain/command-presence.ts';
import { joinCommandChannel, type CommandChannel } from '../services/command-channel.ts';
import type { SignedInUser } from '../services/auth.ts';
import type { LiveStatus } from './live.svelte.ts';

/** Who is online on the command channel, and which zone this commander has told them about. */
class CommandPresenceStore {
  commanders = $state.raw<readonly OnlineCommander[]>([]);
  status = $state<LiveStatus>('connecting');
  refused = $state<string | null>(null);
  private channel: CommandChannel | null = null;
  private editing: string | null = null;

  /** Joins as `user` (a commander); returns the teardown, which leaves the channel. */
  start(user: SignedInUser): () => void {
    this.commanders = [];
    this.status = 'connecting';
    this.refused = null;
    const channel = joinCommandChannel(
      { user_id: user.id, email: user.email, since: new Date().toISOString() },
      {
        commanders: (list) => (this.commanders = list),
        status: (status) => (this.status = status),
        refused: (reason) => (this.refused = reason),
      },
    );
    channel.setEditing(this.editing);
    this.channel = channel;
    return () => {
      channel.close();
      if (this.channel === channel) this.channel = null;
      this.commanders = [];
    };
  }

  /** The zone this commander has open (null: none), shown to the others. */
  setEditing(zoneId: string | null): void {
    this.editing = zoneId;
    this.channel?.setEditing(zoneId);
  }
}

export const commandPresence = new CommandPresenceStore();
