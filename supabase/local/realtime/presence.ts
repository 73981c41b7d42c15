import { isDeepStrictEqual } from 'node:util';

export type Meta = Record<string, unknown> & { phx_ref: string; phx_ref_prev?: string };
export type PresenceMap = Record<string, { metas: Meta[] }>;
export interface PresenceDiff {
  joins: PresenceMap;
  leaves: PresenceMap;
}

let refCounter = 0;
/** phx_ref values only need to be unique strings (Phoenix uses opaque base64 refs). */
function nextRef(): string {
  refCounter += 1;
  return `F${Date.now().toString(36)}${refCounter.toString(36)}`;
}

interface Tracked {
  key: string;
  payload: Record<string, unknown>;
  meta: Meta;
}

/**
 * Presences of one topic: one entry per (channel, key), as Phoenix.Presence keeps one per
 * channel process. A key tracked from several channels has several metas.
 */
export class PresenceTopic {
  private byChannel = new Map<number, Tracked>();

  get size(): number {
    return this.byChannel.size;
  }

  /** Returns the diff to broadcast, or null when the payload did not change. */
  track(channelId: number, key: string, payload: Record<string, unknown>): PresenceDiff | null {
    const prev = this.byChannel.get(channelId);
    if (prev && prev.key === key && isDeepStrictEqual(prev.payload, payload)) return null;
    const meta: Meta = { ...payload, phx_ref: nextRef() };
    const diff: PresenceDiff = { joins: {}, leaves: {} };
    if (prev) {
      if (prev.key === key) meta.phx_ref_prev = prev.meta.phx_ref;
      diff.leaves[prev.key] = { metas: [prev.meta] };
    }
    diff.joins[key] = { metas: [meta] };
    this.byChannel.set(channelId, { key, payload, meta });
    return diff;
  }

  untrack(channelId: number): PresenceDiff | null {
    const prev = this.byChannel.get(channelId);
    if (!prev) return null;
    this.byChannel.delete(channelId);
    return { joins: {}, leaves: { [prev.key]: { metas: [prev.meta] } } };
  }

  state(): PresenceMap {
    const out: PresenceMap = {};
    for (const t of this.byChannel.values()) {
      const { phx_ref_prev: _prev, ...meta } = t.meta;
      (out[t.key] ??= { metas: [] }).metas.push(meta as Meta);
    }
    return out;
  }
}
