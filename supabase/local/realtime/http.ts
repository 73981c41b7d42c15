import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Database } from '../db.ts';
import type { Keys } from '../keys.ts';
import { BodyError, parseJson, readBody } from '../http/body.ts';
import { authorizePrivate } from './authorize.ts';
import { topicKey } from './channel.ts';
import { MAX_BROADCAST_PAYLOAD_BYTES } from './frames.ts';
import type { Hub } from './hub.ts';
import { checkToken } from './tokens.ts';

/** Plug.Parsers' default limit, which hosted Realtime's endpoint keeps; larger bodies get 413. */
const MAX_BODY_BYTES = 8_000_000;
const TOO_LARGE = 'Payload size exceeds tenant limit';

interface OutgoingMessage {
  topic: string;
  event: string;
  payload: Buffer | string;
  binary: boolean;
  isPrivate: boolean;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function bearer(req: IncomingMessage): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return m ? m[1] : null;
}

/**
 * Realtime's HTTP API: `POST /api/broadcast` (the client's fallback when send() is called on a
 * channel that is not joined) and `POST /api/broadcast/<topic>/events/<event>` (httpSend), both
 * answered 202 as on hosted Realtime. A payload over the size limit fails the whole request with
 * 422 and sends nothing. A private message goes out only if the caller may `insert` a message of
 * its topic under realtime.messages' policies; a refused one is dropped, and the single-message
 * route answers 403 `Unauthorized` instead of 202 (the batch route, checking once per topic,
 * still answers 202).
 */
export function createHttpHandler(db: Database, keys: Keys, hub: Hub) {
  return async (req: IncomingMessage, res: ServerResponse, path: string, url: URL): Promise<void> => {
    const route = path.replace(/^\/realtime\/v1(?=\/)/, '');
    const single = /^\/api\/broadcast\/([^/]+)\/events\/([^/]+)$/.exec(route);
    if (route !== '/api/broadcast' && !single) return json(res, 404, { error: 'Not found' });
    if (req.method !== 'POST') return json(res, 405, { error: 'Method not allowed' });
    const headerKey = req.headers.apikey;
    const token = bearer(req) ?? (Array.isArray(headerKey) ? headerKey[0] : headerKey) ?? url.searchParams.get('apikey');
    const checked = token ? await checkToken(keys, token) : null;
    if (!checked?.ok) return json(res, 401, { message: 'Unauthorized' });
    let body: Buffer;
    try {
      body = await readBody(req, MAX_BODY_BYTES);
    } catch (e) {
      if (e instanceof BodyError) return json(res, e.status, { error: e.message });
      throw e;
    }
    if (single) {
      const binary = /octet-stream/i.test(req.headers['content-type'] ?? '');
      if (!binary && !isJson(body)) return json(res, 400, { error: 'Body must be JSON' });
      const m: OutgoingMessage = {
        topic: decodeURIComponent(single[1]),
        event: decodeURIComponent(single[2]),
        payload: binary ? body : body.toString('utf8'),
        binary,
        isPrivate: url.searchParams.get('private') === 'true',
      };
      if (tooLarge(m)) return json(res, 422, { errors: { payload: [TOO_LARGE] } });
      if (m.isPrivate && !(await authorizePrivate(db, checked.claims, m.topic, 'write'))) return json(res, 403, { message: 'Unauthorized' });
      send(hub, m);
    } else {
      let parsed: unknown;
      try {
        // Depth-limited like every JSON body (http/body.ts MAX_JSON_DEPTH).
        parsed = parseJson(body.toString('utf8'));
      } catch {
        return json(res, 400, { error: 'Body must be JSON' });
      }
      const list = (parsed as { messages?: unknown })?.messages;
      if (!Array.isArray(list)) return json(res, 400, { error: 'Body must have a messages array' });
      const messages: OutgoingMessage[] = list.map((m: Record<string, unknown>) => ({
        topic: String(m?.topic ?? ''),
        event: String(m?.event ?? ''),
        payload: JSON.stringify(m?.payload ?? {}),
        binary: false,
        isPrivate: m?.private === true,
      }));
      if (messages.some(tooLarge)) {
        return json(res, 422, { errors: { messages: messages.map((m) => (tooLarge(m) ? { payload: [TOO_LARGE] } : {})) } });
      }
      const mayWrite = new Map<string, boolean>();
      for (const m of messages) {
        if (!m.topic) continue;
        if (m.isPrivate) {
          let allowed = mayWrite.get(m.topic);
          if (allowed === undefined) mayWrite.set(m.topic, (allowed = await authorizePrivate(db, checked.claims, m.topic, 'write')));
          if (!allowed) continue;
        }
        send(hub, m);
      }
    }
    res.writeHead(202, { 'Content-Length': 0 });
    res.end();
  };
}

function isJson(body: Buffer): boolean {
  try {
    parseJson(body.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

function tooLarge(m: OutgoingMessage): boolean {
  return Buffer.byteLength(m.payload) > MAX_BROADCAST_PAYLOAD_BYTES;
}

/** Straight to the topic's subscribers, private and public apart; nothing is stored. */
function send(hub: Hub, m: OutgoingMessage): void {
  const topic = `realtime:${m.topic}`;
  hub.broadcast(topicKey(topic, m.isPrivate), topic, m.event, m.payload, m.binary, null);
}
