import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Database } from '../db.ts';
import type { Claims, Keys } from '../keys.ts';
import { BodyError, readBody } from '../http/body.ts';
import { topicKey } from './channel.ts';
import type { Hub } from './hub.ts';
import { checkToken } from './tokens.ts';

const MAX_BODY_BYTES = 10 * 1024 * 1024;

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
 * channel that is not joined) and `POST /api/broadcast/<topic>/events/<event>` (httpSend). Both
 * answer 202. Public messages go straight to the subscribers; private ones are inserted into
 * realtime.messages as the caller, so its RLS policies decide, and go out after commit.
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
    let messages: OutgoingMessage[];
    if (single) {
      const binary = /octet-stream/i.test(req.headers['content-type'] ?? '');
      if (!binary && !isJson(body)) return json(res, 400, { error: 'Body must be JSON' });
      messages = [
        {
          topic: decodeURIComponent(single[1]),
          event: decodeURIComponent(single[2]),
          payload: binary ? body : body.toString('utf8'),
          binary,
          isPrivate: url.searchParams.get('private') === 'true',
        },
      ];
    } else {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        return json(res, 400, { error: 'Body must be JSON' });
      }
      const list = (parsed as { messages?: unknown })?.messages;
      if (!Array.isArray(list)) return json(res, 400, { error: 'Body must have a messages array' });
      messages = list.map((m: Record<string, unknown>) => ({
        topic: String(m?.topic ?? ''),
        event: String(m?.event ?? ''),
        payload: JSON.stringify(m?.payload ?? {}),
        binary: false,
        isPrivate: m?.private === true,
      }));
    }
    for (const m of messages) await deliver(db, hub, checked.claims, m);
    res.writeHead(202, { 'Content-Length': 0 });
    res.end();
  };
}

function isJson(body: Buffer): boolean {
  try {
    JSON.parse(body.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

async function deliver(db: Database, hub: Hub, claims: Claims, m: OutgoingMessage): Promise<void> {
  if (!m.topic) return;
  if (!m.isPrivate) {
    const topic = `realtime:${m.topic}`;
    hub.broadcast(topicKey(topic, false), topic, m.event, m.payload, m.binary, null);
    return;
  }
  if (m.binary) return;
  try {
    await db.transaction(async (tx) => {
      await tx.query(`select set_config('role', $1, true), set_config('request.jwt.claims', $2, true), set_config('realtime.topic', $3, true)`, [
        String(claims.role),
        JSON.stringify(claims),
        m.topic,
      ]);
      await tx.query(`insert into realtime.messages (topic, extension, event, payload, private) values ($1, 'broadcast', $2, $3::jsonb, true)`, [
        m.topic,
        m.event,
        m.payload,
      ]);
    });
  } catch {
    // Not allowed by realtime.messages' policies: Realtime drops it and still answers 202.
  }
}
