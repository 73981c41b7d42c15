import type { Claims } from '../keys.ts';
import { encodeText, type WireFrames } from './frames.ts';

/** The bits of a socket a channel writes to. */
export interface Outlet {
  /** A text frame; a Buffer is UTF-8 text encoded once for many sockets. */
  sendText(frame: string | Buffer): void;
  /** Broadcast frames framed once for every socket of a fan-out. */
  sendFrames(frames: WireFrames): void;
}

export interface PostgresBinding {
  event: string;
  schema: string;
  table?: string;
  filter?: string;
  /** The binding exactly as the client sent it; echoed in the join reply with `id` added. */
  raw: Record<string, unknown>;
  id: number;
}

export interface ChannelConfig {
  isPrivate: boolean;
  broadcastSelf: boolean;
  broadcastAck: boolean;
  presenceEnabled: boolean;
  presenceKey: string;
  bindings: PostgresBinding[];
}

let nextChannelId = 1;

/** One joined topic on one socket, authorised with one JWT at a time. */
export class Channel {
  readonly id = nextChannelId++;
  /** The server-side topic name: `realtime:<name>`, namespaced by the private flag. */
  readonly key: string;
  readonly subTopic: string;
  claims: Claims;
  token: string;
  /** Identical claims see identical rows, so RLS is checked once per distinct value. */
  claimsKey: string;
  expiryTimer: NodeJS.Timeout | null = null;
  /** Private channels: whether the current claims may broadcast (cached after the first check). */
  canWrite: boolean | null = null;
  /** Private channels: whether the current claims may track presence (cached likewise). */
  canTrack: boolean | null = null;
  /** Set once the channel has left; async work finishing later must not write to it. */
  closed = false;
  /** Bumped by every (re)subscription to changes, so only the latest one takes effect. */
  subscriptionGeneration = 0;

  constructor(
    readonly outlet: Outlet,
    readonly topic: string,
    readonly joinRef: string,
    readonly config: ChannelConfig,
    token: string,
    claims: Claims,
  ) {
    this.subTopic = topic.replace(/^realtime:/i, '');
    this.key = topicKey(topic, config.isPrivate);
    this.token = token;
    this.claims = claims;
    this.claimsKey = JSON.stringify(claims);
  }

  get role(): string {
    return String(this.claims.role);
  }

  setClaims(token: string, claims: Claims): void {
    this.token = token;
    this.claims = claims;
    this.claimsKey = JSON.stringify(claims);
    this.canWrite = null;
    this.canTrack = null;
  }

  /** A server push on this channel (ref null, the current join_ref). */
  push(event: string, payload: Record<string, unknown>): void {
    this.outlet.sendText(encodeText({ joinRef: this.joinRef, ref: null, topic: this.topic, event, payload }));
  }

  reply(ref: string | null, status: 'ok' | 'error', response: Record<string, unknown>): void {
    this.outlet.sendText(encodeText({ joinRef: this.joinRef, ref, topic: this.topic, event: 'phx_reply', payload: { status, response } }));
  }

  /** Graceful server close: the client reports CLOSED. */
  close(): void {
    this.outlet.sendText(encodeText({ joinRef: this.joinRef, ref: this.joinRef, topic: this.topic, event: 'phx_close', payload: {} }));
  }
}

export function topicKey(topic: string, isPrivate: boolean): string {
  return `${isPrivate ? 'private' : 'public'}|${topic}`;
}
