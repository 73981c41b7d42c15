import type { Channel } from './channel.ts';
import { Fanout } from './fanout.ts';
import { encodeBroadcast, frameBinary } from './frames.ts';
import { PresenceTopic, type PresenceDiff } from './presence.ts';

/**
 * Every joined channel by topic (public and private namespaces apart), with the topic's
 * presences. A broadcast is encoded and framed once per message and written to every socket of
 * its topic by the Fanout.
 */
export class Hub {
  private topics = new Map<string, Set<Channel>>();
  /** Each topic's members as an array, rebuilt on the first broadcast after a join or leave. */
  private members = new Map<string, readonly Channel[]>();
  private presences = new Map<string, PresenceTopic>();
  private fanout: Fanout;

  constructor(log: (msg: string, e?: unknown) => void = () => undefined) {
    this.fanout = new Fanout((e) => log('realtime: writing a broadcast to a socket failed', e));
  }

  add(channel: Channel): void {
    let set = this.topics.get(channel.key);
    if (!set) this.topics.set(channel.key, (set = new Set()));
    set.add(channel);
    this.members.delete(channel.key);
  }

  /** Drops the channel and its presence; the presence leave goes to the remaining subscribers. */
  remove(channel: Channel): void {
    const set = this.topics.get(channel.key);
    if (set?.delete(channel)) this.members.delete(channel.key);
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
    let members = this.members.get(key);
    if (!members) this.members.set(key, (members = [...set]));
    this.fanout.enqueue(key, members, except, frameBinary(encodeBroadcast(topic, event, payload, binary, meta)), event);
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
