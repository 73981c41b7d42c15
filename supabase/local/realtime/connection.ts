import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Database } from '../db.ts';
import type { Keys } from '../keys.ts';
import { authorizePrivate } from './authorize.ts';
import { Channel, type ChannelConfig, type Outlet, type PostgresBinding } from './channel.ts';
import {
  decodeBinary,
  decodeText,
  encodeText,
  MAX_BROADCAST_PAYLOAD_BYTES,
  MAX_SOCKET_BACKLOG_BYTES,
  type BroadcastPush,
  type Message,
  type WireFrames,
} from './frames.ts';
import type { Hub } from './hub.ts';
import type { ChangeFeed } from './postgres-changes.ts';
import { checkToken, msUntilExpiry } from './tokens.ts';

export interface ConnectionDeps {
  db: Database;
  keys: Keys;
  hub: Hub;
  feed: ChangeFeed;
  log: (msg: string, e?: unknown) => void;
}

/** setTimeout cannot wait longer than this; longer-lived tokens are re-checked at the next push. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * One WebSocket: decodes frames, handles them strictly in arrival order (a broadcast sent right
 * after a join must see the join), and owns the channels joined over it.
 */
export class Connection implements Outlet {
  private channels = new Map<string, Channel>();
  private work: Promise<void> = Promise.resolve();
  lastSeen = Date.now();

  constructor(
    private readonly ws: WebSocket,
    /** The upgraded socket under `ws`, for writing broadcast frames framed once for all sockets. */
    private readonly socket: Duplex,
    private readonly deps: ConnectionDeps,
    private readonly apiKey: string,
  ) {
    ws.on('message', (data, isBinary) => {
      this.lastSeen = Date.now();
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      let message: Message | BroadcastPush;
      try {
        message = isBinary ? decodeBinary(buf) : decodeText(buf.toString('utf8'));
      } catch {
        return; // Phoenix drops frames it cannot decode.
      }
      // Heartbeats are answered at once, even while a join waits for the database: a late reply
      // makes the client drop the socket.
      if (!isBinary && message.topic === 'phoenix' && message.event === 'heartbeat') return this.reply(message, 'ok', {});
      this.work = this.work
        .then(() => (isBinary ? this.onBinaryBroadcast(message as BroadcastPush) : this.onMessage(message as Message)))
        .catch((e) => this.deps.log('realtime: message handling failed', e));
    });
    ws.on('close', () => {
      this.work = this.work.then(() => this.closeAll());
    });
    ws.on('error', () => ws.terminate());
  }

  sendText(frame: string | Buffer): void {
    if (this.writable()) this.ws.send(frame, { binary: false });
  }

  /**
   * Written to the socket as they are: one write, no per-socket framing. ws writes its own frames
   * to the socket at once unless its sender holds a queue (only with compression or a Blob, which
   * this server never uses); then bufferedAmount exceeds the socket's, and the frames go through
   * ws behind the queue so the stream keeps its order.
   */
  sendFrames(frames: WireFrames): void {
    if (!this.writable()) return;
    if (this.ws.bufferedAmount === this.socket.writableLength) this.socket.write(frames.bytes);
    else for (const body of frames.bodies) this.ws.send(body, { binary: true });
  }

  /**
   * Open, and not holding more unsent bytes than allowed: a viewer that stopped reading would
   * otherwise keep every later frame in memory. Such a socket is closed (terminated: a close frame
   * would wait behind the backlog); the client reconnects, and nothing delays the other sockets.
   */
  private writable(): boolean {
    if (this.ws.readyState !== this.ws.OPEN) return false;
    if (this.socket.writableLength <= MAX_SOCKET_BACKLOG_BYTES) return true;
    this.ws.terminate();
    return false;
  }

  terminate(): void {
    this.ws.terminate();
  }

  private send(m: Message): void {
    this.sendText(encodeText(m));
  }

  private reply(m: Pick<Message, 'joinRef' | 'ref' | 'topic'>, status: 'ok' | 'error', response: Record<string, unknown> | string): void {
    if (m.ref === null) return;
    this.send({ joinRef: m.joinRef, ref: m.ref, topic: m.topic, event: 'phx_reply', payload: { status, response } });
  }

  private async onMessage(m: Message): Promise<void> {
    if (m.event === 'phx_join') return this.join(m);
    const channel = this.channels.get(m.topic);
    if (!channel) return this.reply(m, 'error', { reason: 'unmatched topic' });
    switch (m.event) {
      case 'phx_leave':
        this.reply(m, 'ok', {});
        channel.close();
        return this.drop(channel);
      case 'access_token':
        return this.changeToken(channel, m.payload.access_token);
      case 'presence':
        return this.presence(channel, m);
      case 'broadcast': {
        const p = m.payload;
        const json = JSON.stringify(p.payload ?? {});
        return this.relay(channel, m.ref, String(p.event ?? ''), json, false);
      }
      default:
        return this.reply(m, 'error', { reason: `unknown event ${m.event}` });
    }
  }

  private async join(m: Message): Promise<void> {
    const topic = m.topic;
    const subTopic = topic.replace(/^realtime:/i, '');
    const fail = (reason: string) => this.reply(m, 'error', { reason });
    if (!subTopic) return fail('TopicNameRequired: You must provide a topic name');
    const given = m.payload.access_token ?? m.payload.user_token;
    const token = typeof given === 'string' && given && !given.startsWith('sb_') ? given : this.apiKey;
    const checked = await checkToken(this.deps.keys, token);
    if (!checked.ok) return fail(`${checked.code}: ${checked.message}`);
    const config = parseConfig(m.payload.config);
    if (config.isPrivate && !(await authorizePrivate(this.deps.db, checked.claims, subTopic, 'read'))) {
      return fail(`Unauthorized: You do not have permissions to read from this Channel topic: ${subTopic}`);
    }
    const previous = this.channels.get(topic);
    if (previous) {
      previous.close();
      this.drop(previous);
    }
    const channel = new Channel(this, topic, m.joinRef ?? m.ref ?? '', config, token, checked.claims);
    this.channels.set(topic, channel);
    this.deps.hub.add(channel);
    this.reply(m, 'ok', { postgres_changes: config.bindings.map((b) => ({ ...b.raw, id: b.id })) });
    if (config.presenceEnabled) channel.push('presence_state', this.deps.hub.presenceState(channel));
    this.scheduleExpiry(channel);
    this.activate(channel);
  }

  /** Subscribing to changes needs the database; the socket's other messages need not wait for it. */
  private activate(channel: Channel): void {
    this.deps.feed.activate(channel).catch((e) => this.deps.log('realtime: postgres_changes subscription failed', e));
  }

  private drop(channel: Channel): void {
    channel.closed = true;
    if (channel.expiryTimer) clearTimeout(channel.expiryTimer);
    if (this.channels.get(channel.topic) === channel) this.channels.delete(channel.topic);
    this.deps.hub.remove(channel);
    this.deps.feed.remove(channel);
  }

  private closeAll(): void {
    for (const ch of [...this.channels.values()]) this.drop(ch);
  }

  /** A failed re-authorisation ends the channel the way Realtime does: a `system` error, then phx_close. */
  private revoke(channel: Channel, message: string): void {
    channel.push('system', { extension: 'system', status: 'error', message, channel: channel.subTopic });
    channel.close();
    this.drop(channel);
  }

  private scheduleExpiry(channel: Channel): void {
    if (channel.expiryTimer) clearTimeout(channel.expiryTimer);
    channel.expiryTimer = null;
    const ms = msUntilExpiry(channel.claims);
    if (ms > MAX_TIMER_MS) return;
    const exp = channel.claims.exp ?? 0;
    channel.expiryTimer = setTimeout(() => {
      this.work = this.work.then(() => {
        if (channel.closed || channel.claims.exp !== exp) return;
        const ago = Math.max(0, Math.floor(Date.now() / 1000) - exp);
        this.revoke(channel, `Token has expired ${ago} seconds ago`);
      });
    }, ms + 50);
    channel.expiryTimer.unref();
  }

  private async changeToken(channel: Channel, given: unknown): Promise<void> {
    if (typeof given !== 'string' || !given || given.startsWith('sb_') || given === channel.token) return;
    const checked = await checkToken(this.deps.keys, given);
    if (!checked.ok) return this.revoke(channel, checked.message);
    if (channel.config.isPrivate && !(await authorizePrivate(this.deps.db, checked.claims, channel.subTopic, 'read'))) {
      return this.revoke(channel, `You do not have permissions to read from this Channel topic: ${channel.subTopic}`);
    }
    channel.setClaims(given, checked.claims);
    this.scheduleExpiry(channel);
    if (channel.config.bindings.length) this.activate(channel);
  }

  private async presence(channel: Channel, m: Message): Promise<void> {
    const p = m.payload;
    if (p.event === 'track') {
      if (channel.config.isPrivate) {
        channel.canTrack ??= await authorizePrivate(this.deps.db, channel.claims, channel.subTopic, 'write', 'presence');
        if (!channel.canTrack) return this.reply(m, 'error', {});
      }
      const meta = p.payload;
      if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) return this.reply(m, 'error', { reason: 'Presence track payload must be a map' });
      if (!channel.config.presenceEnabled) {
        channel.config.presenceEnabled = true;
        channel.push('presence_state', this.deps.hub.presenceState(channel));
      }
      this.deps.hub.track(channel, meta as Record<string, unknown>);
      return this.reply(m, 'ok', {});
    }
    if (p.event === 'untrack') {
      this.deps.hub.untrack(channel);
      return this.reply(m, 'ok', {});
    }
    this.reply(m, 'error', { reason: 'unknown presence event' });
  }

  private async onBinaryBroadcast(b: BroadcastPush): Promise<void> {
    const channel = this.channels.get(b.topic);
    if (!channel) return this.reply(b, 'error', { reason: 'unmatched topic' });
    const body = b.binary ? (b.payload as Buffer) : JSON.stringify(b.payload ?? {});
    await this.relay(channel, b.ref, b.event, body, b.binary);
  }

  /**
   * A client broadcast, as Realtime handles it: on a private channel the `insert` policy decides
   * first, and a refused message is dropped without a reply, even with `ack` (the client's send()
   * then times out); a payload over the size limit is dropped, answered `payload_size_exceeded`
   * with `ack`.
   */
  private async relay(channel: Channel, ref: string | null, event: string, payload: Buffer | string, binary: boolean): Promise<void> {
    const where = { joinRef: channel.joinRef, ref, topic: channel.topic };
    if (channel.config.isPrivate) {
      channel.canWrite ??= await authorizePrivate(this.deps.db, channel.claims, channel.subTopic, 'write');
      if (!channel.canWrite) return;
    }
    if (Buffer.byteLength(payload) > MAX_BROADCAST_PAYLOAD_BYTES) {
      if (channel.config.broadcastAck) this.reply(where, 'error', 'payload_size_exceeded');
      return;
    }
    this.deps.hub.broadcast(channel.key, channel.topic, event, payload, binary, channel.config.broadcastSelf ? null : channel);
    if (channel.config.broadcastAck) this.reply(where, 'ok', {});
  }
}

/** Same id for the same binding (Realtime hashes it); never 0, which the client treats as no id. */
function bindingId(b: Record<string, unknown>): number {
  const text = JSON.stringify([b.event, b.schema, b.table ?? null, b.filter ?? null]);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return (h % 2_147_483_646) + 1;
}

function obj(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** The join `config`, shallow-merged by the client, so any key may be missing. */
function parseConfig(raw: unknown): ChannelConfig {
  const config = obj(raw);
  const broadcast = obj(config.broadcast);
  const presence = obj(config.presence);
  const list = Array.isArray(config.postgres_changes) ? config.postgres_changes : [];
  const bindings: PostgresBinding[] = list.map((entry) => {
    const raw = obj(entry);
    return {
      event: String(raw.event ?? ''),
      schema: String(raw.schema ?? ''),
      table: typeof raw.table === 'string' ? raw.table : undefined,
      filter: typeof raw.filter === 'string' && raw.filter !== '' ? raw.filter : undefined,
      raw,
      id: bindingId(raw),
    };
  });
  return {
    isPrivate: config.private === true,
    broadcastSelf: broadcast.self === true,
    broadcastAck: broadcast.ack === true,
    presenceEnabled: presence.enabled === true,
    presenceKey: typeof presence.key === 'string' && presence.key !== '' ? presence.key : crypto.randomUUID(),
    bindings,
  };
}
