import { channel as diagnostics } from 'node:diagnostics_channel';
import type { Channel } from './channel.ts';
import { encodeBroadcast } from './frames.ts';
import { PresenceTopic, type PresenceDiff } from './presence.ts';

const fanouts = diagnostics('local-realtime:fanout');

/**
 * Every joined channel by topic (public and private namespaces apart), with the topic's
 * presences. Broadcast frames are encoded once per message and written to every socket.
 */
export class Hub {
  private topics = new Map<string, Set<Channel>>();
  private presences = new Map<string, PresenceTopic>();

  add(channel: Channel): void {
    let set = this.topics.get(channel.key);
    if (!set) this.topics.set(channel.key, (set = new Set()));
    set.add(channel);
  }

  /** Drops the channel and its presence; the presence leave goes to the remaining subscribers. */
  remove(channel: Channel): void {
    const set = this.topics.get(channel.key);
    set?.delete(channel);
    if (set?.size === 0) this.topics.delete(channel.key);
    this.untrack(channel);
  }

  channels(key: string): ReadonlySet<Channel> {
    return this.topics.get(key) ?? new Set();
  }

  /** Sends a broadcast to every channel of the topic except `except`; JSON payloads arrive pre-serialised. */
  broadcast(key: string, topic: string, event: string, payload: Buffer | string, binary: boolean, except: Channel | null, meta?: Record<string, unknown>): void {
    const set = this.topics.get(key);
    if (!set || set.size === 0) return;
    const t0 = performance.now();
    const frame = encodeBroadcast(topic, event, payload, binary, meta);
    for (const ch of set) if (ch !== except && !ch.closed) ch.outlet.sendBinary(frame);
    if (fanouts.hasSubscribers) fanouts.publish({ key, sockets: set.size, ms: performance.now() - t0 });
  }

  presenceState(channel: Channel): Record<string, unknown> {
    return this.presences.get(channel.key)?.state() ?? {};
  }

  track(channel: Channel, payload: Record<string, unknown>): void {
    let p = this.presences.get(channel.key);
    if (!p) this.presences.set(channel.key, (p = new PresenceTopic()));
    const diff = p.track(channel.id, channel.config.presenceKey, payload);
    if (diff) this.sendDiff(channel.key, diff);
  }

  untrack(channel: Channel): void {
    const p = this.presences.get(channel.key);
    if (!p) return;
    const diff = p.untrack(channel.id);
    if (p.size === 0) this.presences.delete(channel.key);
    if (diff) this.sendDiff(channel.key, diff);
  }

  private sendDiff(key: string, diff: PresenceDiff): void {
    for (const ch of this.topics.get(key) ?? []) {
      if (ch.config.presenceEnabled && !ch.closed) ch.push('presence_diff', diff as unknown as Record<string, unknown>);
    }
  }
}
