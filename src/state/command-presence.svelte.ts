import type { OnlineCommander } from '../domain/command-presence.ts';
import type { MultiPolygon, Polygon } from 'geojson';
import { joinCommandChannel, type CommandChannel, type CommanderOutline } from '../services/command-channel.ts';
import type { SignedInUser } from '../services/auth.ts';
import type { LiveStatus } from './live.svelte.ts';

/** Who is online on the command channel, and which zone this commander has told them about. */
class CommandPresenceStore {
  commanders = $state.raw<readonly OnlineCommander[]>([]);
  status = $state<LiveStatus>('connecting');
  refused = $state<string | null>(null);
  /** The other commanders' unsaved outlines, by user id. */
  outlines = $state.raw<ReadonlyMap<string, CommanderOutline>>(new Map());
  private channel: CommandChannel | null = null;
  private editing: string | null = null;
  private pendingOutline: { zoneId: string | null; geom: Polygon | MultiPolygon | null } | null = null;
  private outlineTimer: ReturnType<typeof setTimeout> | null = null;

  /** Joins as `user` (a commander); returns the teardown, which leaves the channel. */
  start(user: SignedInUser): () => void {
    this.commanders = [];
    this.status = 'connecting';
    this.refused = null;
    const channel = joinCommandChannel(
      { user_id: user.id, email: user.email, since: new Date().toISOString() },
      {
        commanders: (list) => {
          this.commanders = list;
          // A commander who left takes their outline along.
          const online = new Set(list.map((commander) => commander.user_id));
          if ([...this.outlines.keys()].some((id) => !online.has(id))) {
            this.outlines = new Map([...this.outlines].filter(([id]) => online.has(id)));
          }
        },
        outline: (outline) => {
          const others = [...this.outlines].filter(([id]) => id !== outline.user_id);
          this.outlines = new Map(outline.geom ? [...others, [outline.user_id, outline]] : others);
        },
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
      this.outlines = new Map();
    };
  }

  /**
   * Shows the others the unsaved outline being edited, at most every 100 ms (null: stopped). The
   * last outline of a burst is always sent.
   */
  sendOutline(zoneId: string | null, geom: Polygon | MultiPolygon | null): void {
    this.pendingOutline = { zoneId, geom };
    if (this.outlineTimer) return;
    const flush = () => {
      this.outlineTimer = null;
      const pending = this.pendingOutline;
      if (!pending) return;
      this.pendingOutline = null;
      this.channel?.sendOutline(pending.zoneId, pending.geom);
      this.outlineTimer = setTimeout(flush, 100);
    };
    flush();
  }

  /** The zone this commander has open (null: none), shown to the others. */
  setEditing(zoneId: string | null): void {
    this.editing = zoneId;
    this.channel?.setEditing(zoneId);
  }
}

export const commandPresence = new CommandPresenceStore();
