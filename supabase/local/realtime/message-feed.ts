import type { Database } from '../db.ts';
import { topicKey } from './channel.ts';
import type { Hub } from './hub.ts';
import { MESSAGES_CHANNEL } from './schema.ts';

/**
 * Broadcasts written to realtime.messages (by realtime.send() in a trigger, or a private REST
 * broadcast) reach subscribers after the writing transaction commits: the row's NOTIFY is only
 * delivered at commit, and carries just the id, because payloads such as a zone's geometry
 * exceed NOTIFY's 8000 bytes.
 */
export class MessageFeed {
  private queue: string[] = [];
  private draining: Promise<void> | null = null;
  private unlisten: (() => Promise<void>) | null = null;

  constructor(
    private readonly db: Database,
    private readonly hub: Hub,
    private readonly log: (msg: string, e?: unknown) => void,
  ) {}

  async start(): Promise<void> {
    this.unlisten = await this.db.listen(MESSAGES_CHANNEL, (payload) => {
      const [id, topic, isPrivate] = JSON.parse(payload) as [string, string?, boolean?];
      if (topic !== undefined && this.hub.channels(topicKey(`realtime:${topic}`, isPrivate === true)).size === 0) return;
      this.queue.push(id);
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

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const ids = this.queue.splice(0, 200);
      try {
        // payload::text: the JSON goes to the sockets as is, never parsed and re-serialised.
        const r = await this.db.query<{ id: string; topic: string; event: string | null; payload: string | null; private: boolean | null }>(
          `select id::text as id, topic, event, payload::text as payload, private from realtime.messages where id = any ($1::uuid[])`,
          [ids],
        );
        const byId = new Map(r.rows.map((m) => [m.id, m]));
        for (const id of ids) {
          const m = byId.get(id);
          if (!m) continue;
          const topic = `realtime:${m.topic}`;
          this.hub.broadcast(topicKey(topic, m.private === true), topic, m.event ?? '', m.payload ?? '{}', false, null, { id: m.id });
        }
      } catch (e) {
        this.log('realtime: delivering database broadcasts failed', e);
      }
    }
  }
}
