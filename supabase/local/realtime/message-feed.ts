import type { Database } from '../db.ts';
import { topicKey } from './channel.ts';
import type { Hub } from './hub.ts';
import { MESSAGES_CHANNEL } from './schema.ts';

interface StoredMessage {
  id: string;
  topic: string;
  event: string | null;
  payload: string | null;
  private: boolean | null;
}

/** A notified message: its id, and the transaction that wrote it when the NOTIFY says. */
interface Notified {
  id: string;
  tx: string | undefined;
}

/** Messages read and broadcast together at most. */
const BATCH = 200;

/**
 * Broadcasts written to realtime.messages (by realtime.send() in a trigger, or a private REST
 * broadcast) reach subscribers after the writing transaction commits: the row's NOTIFY is only
 * delivered at commit, and carries just the id, because payloads such as a zone's geometry
 * exceed NOTIFY's 8000 bytes.
 */
export class MessageFeed {
  private queue: Notified[] = [];
  private draining: Promise<void> | null = null;
  private unlisten: (() => Promise<void>) | null = null;

  constructor(
    private readonly db: Database,
    private readonly hub: Hub,
    private readonly log: (msg: string, e?: unknown) => void,
  ) {}

  async start(): Promise<void> {
    this.unlisten = await this.db.listen(MESSAGES_CHANNEL, (payload) => {
      const [id, topic, isPrivate, tx] = JSON.parse(payload) as [string, string?, boolean?, string?];
      if (topic !== undefined && this.hub.channels(topicKey(`realtime:${topic}`, isPrivate === true)).size === 0) return;
      this.queue.push({ id, tx });
      if (!this.draining) {
        this.draining = this.drain().finally(() => {
          this.draining = null;
        });
      }
    });
  }

  async stop(): Promise<void> {
    await this.unlisten?.();
    this.unlisten = null;
    await this.draining;
  }

  /**
   * Reads the queued messages and broadcasts them. The NOTIFYs of one commit arrive one by one,
   * so a read may start with only the first messages of a save; the rest of that save (same
   * transaction, next in the queue) that came in meanwhile are read too before anything is sent.
   * The save's messages are then broadcast together, and the Fanout writes them to each socket at
   * once: one write per viewer for a save of nine zones, not nine. Other commits wait for the
   * next round, as before.
   */
  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0, BATCH);
      try {
        const rows = await this.read(batch);
        const tx = batch[batch.length - 1].tx;
        let rest = 0;
        while (tx !== undefined && rest < this.queue.length && rest < BATCH && this.queue[rest].tx === tx) rest++;
        if (rest) {
          const more = this.queue.splice(0, rest);
          for (const [id, m] of await this.read(more)) rows.set(id, m);
          batch.push(...more);
        }
        for (const { id } of batch) {
          const m = rows.get(id);
          if (!m) continue;
          const topic = `realtime:${m.topic}`;
          this.hub.broadcast(topicKey(topic, m.private === true), topic, m.event ?? '', m.payload ?? '{}', false, null, { id: m.id });
        }
      } catch (e) {
        this.log('realtime: delivering database broadcasts failed', e);
      }
    }
  }

  private async read(batch: Notified[]): Promise<Map<string, StoredMessage>> {
    // payload::text: the JSON goes to the sockets as is, never parsed and re-serialised.
    const r = await this.db.query<StoredMessage>(
      `select id::text as id, topic, event, payload::text as payload, private from realtime.messages where id = any ($1::uuid[])`,
      [batch.map((m) => m.id)],
    );
    return new Map(r.rows.map((m) => [m.id, m]));
  }
}
