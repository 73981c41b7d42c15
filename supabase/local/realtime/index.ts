import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Database } from '../db.ts';
import type { Keys } from '../keys.ts';
import { cleanupChanges, DEFAULT_RETENTION, installChangeCapture, type RetentionOptions } from './capture.ts';
import { Catalog } from './catalog.ts';
import { Connection } from './connection.ts';
import { MAX_FRAME_BYTES } from './frames.ts';
import { createHttpHandler } from './http.ts';
import { Hub } from './hub.ts';
import { MessageFeed } from './message-feed.ts';
import { ChangeFeed } from './postgres-changes.ts';
import { installRealtimeSchema } from './schema.ts';
import { checkToken } from './tokens.ts';

export { installRealtimeSchema, installChangeCapture, cleanupChanges };

export interface RealtimeOptions {
  retention?: RetentionOptions;
  /** How often old changes are deleted; default every 30 s. */
  cleanupIntervalMs?: number;
  /** A record larger than this (JSON bytes) is cut to its small fields with `Error 413`; default 1 MiB as on Supabase. */
  maxRecordBytes?: number;
  /** A socket silent for this long (no heartbeat) is dropped; default 75 s (the client beats every 25 s). */
  idleTimeoutMs?: number;
  log?: (msg: string, e?: unknown) => void;
}

export interface Realtime {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  handleHttp(req: IncomingMessage, res: ServerResponse, path: string, url: URL): Promise<void>;
  close(): Promise<void>;
}

/**
 * The Realtime service of the local stack: Phoenix channels over `/realtime/v1/websocket`
 * (broadcast, presence, postgres_changes with per-subscriber RLS) and the HTTP broadcast API.
 */
export function createRealtime(ctx: { db: Database; keys: Keys }, opts: RealtimeOptions = {}): Realtime {
  const log = opts.log ?? ((msg: string, e?: unknown) => console.error(msg, e ?? ''));
  const { db, keys } = ctx;
  const hub = new Hub(log);
  const catalog = new Catalog(db);
  const feed = new ChangeFeed(db, catalog, { maxRecordBytes: opts.maxRecordBytes ?? 1024 * 1024, batchSize: 200 }, log);
  const messages = new MessageFeed(db, hub, log);
  const ready = Promise.all([feed.start(), messages.start()]);
  ready.catch((e) => log('realtime: could not LISTEN for changes', e));
  // A larger frame closes its socket with 1009, as on hosted Realtime; the server and the other sockets carry on.
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: MAX_FRAME_BYTES });
  const connections = new Set<Connection>();
  const deps = { db, keys, hub, feed, log };
  const httpHandler = createHttpHandler(db, keys, hub);

  const idleTimeout = opts.idleTimeoutMs ?? 75_000;
  const sweeper = setInterval(() => {
    const cutoff = Date.now() - idleTimeout;
    for (const c of connections) if (c.lastSeen < cutoff) c.terminate();
  }, Math.min(idleTimeout, 30_000));
  sweeper.unref();
  const cleaner = setInterval(() => {
    cleanupChanges(db, opts.retention ?? DEFAULT_RETENTION).catch((e) => log('realtime: change cleanup failed', e));
  }, opts.cleanupIntervalMs ?? 30_000);
  cleaner.unref();

  function reject(socket: Duplex, status: number, error: string): void {
    const body = JSON.stringify({ error });
    const reason = status === 401 ? 'Unauthorized' : 'Forbidden';
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!/\/websocket\/?$/.test(url.pathname)) return reject(socket, 403, 'Not a Realtime endpoint');
    const headerKey = req.headers['x-api-key'];
    const apiKey = url.searchParams.get('apikey') ?? (Array.isArray(headerKey) ? headerKey[0] : headerKey);
    if (!apiKey) return reject(socket, 401, 'API key is missing');
    const checked = await checkToken(keys, apiKey);
    if (!checked.ok) return reject(socket, 401, checked.message);
    await ready;
    wss.handleUpgrade(req, socket, head, (ws) => {
      const conn = new Connection(ws, socket, deps, apiKey);
      connections.add(conn);
      ws.on('close', () => connections.delete(conn));
    });
  }

  return {
    handleUpgrade(req, socket, head) {
      upgrade(req, socket, head).catch((e) => {
        log('realtime: websocket upgrade failed', e);
        socket.destroy();
      });
    },
    handleHttp: httpHandler,
    async close() {
      clearInterval(sweeper);
      clearInterval(cleaner);
      for (const c of connections) c.terminate();
      connections.clear();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await ready.catch(() => undefined);
      await Promise.all([feed.stop(), messages.stop()]);
    },
  };
}
