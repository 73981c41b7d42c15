import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { StackContext } from './context.ts';
import { applyCors, publicCors } from './http/cors.ts';
import { checkGateway } from './http/gateway.ts';
import { sendJson } from './http/respond.ts';
import type { StaticHandler } from './http/static.ts';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse, path: string, url: URL) => Promise<void>;

/** The Realtime service as `realtime/index.ts` `createRealtime(ctx)` returns it. */
export interface RealtimeService {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  handleHttp: RouteHandler;
  close(): Promise<void> | void;
}

export interface Services {
  auth: RouteHandler;
  rest: RouteHandler;
  realtime: RealtimeService;
  /** The local stack's own API (`/local/v1`): backups (backups.ts). */
  local: RouteHandler;
  /** Public objects of Storage: the published public map (storage/index.ts), no key needed. */
  storage: RouteHandler;
  /** The built app, served for every path outside the API prefixes. */
  app: StaticHandler | null;
}

const PREFIXES = [
  { prefix: '/auth/v1', service: 'auth', keyAsBearer: false },
  { prefix: '/rest/v1', service: 'rest', keyAsBearer: true },
  { prefix: '/realtime/v1', service: 'realtime', keyAsBearer: true },
  { prefix: '/local/v1', service: 'local', keyAsBearer: true },
] as const;

/**
 * One HTTP server for the whole API, routed like Supabase's gateway: CORS on every response, the
 * `apikey` rule in front of each service, and the service handler with the path after its prefix.
 * Each request is isolated: whatever it throws becomes a JSON 500, logged, never a stack trace.
 */
export function createApiServer(ctx: StackContext, services: Services, log: (msg: string, e?: unknown) => void): Server {
  const server = createServer((req, res) => {
    handle(ctx, services, req, res).catch((e) => {
      log(`request ${req.method} ${req.url} failed`, e);
      if (!res.headersSent) sendJson(res, 500, { message: 'Internal server error' });
      else res.destroy();
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (!path.startsWith('/realtime/v1/')) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    try {
      services.realtime.handleUpgrade(req, socket, head);
    } catch (e) {
      log('websocket upgrade failed', e);
      socket.destroy();
    }
  });
  // Malformed HTTP never reaches the handler; answer it instead of dropping the socket.
  server.on('clientError', (_e, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  return server;
}

async function handle(ctx: StackContext, services: Services, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (applyCors(req, res)) return;
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://localhost');
  } catch {
    return sendJson(res, 400, { message: 'Bad request URL' });
  }
  // Public bucket objects need no key on Supabase either: a CDN serves them to anyone.
  if (url.pathname.startsWith('/storage/v1/')) {
    publicCors(res);
    return services.storage(req, res, url.pathname.slice('/storage/v1'.length), url);
  }
  const route = PREFIXES.find((p) => url.pathname === p.prefix || url.pathname.startsWith(p.prefix + '/'));
  if (!route) {
    publicCors(res);
    if (services.app) return services.app(req, res, url);
    return sendJson(res, 404, { message: 'no Route matched with those values' });
  }
  const verdict = await checkGateway(req, url, ctx.keys, { keyAsBearer: route.keyAsBearer });
  if (!verdict.ok) return sendJson(res, verdict.status, verdict.body);
  const path = url.pathname.slice(route.prefix.length) || '/';
  if (route.service === 'auth') return services.auth(req, res, path, url);
  if (route.service === 'rest') return services.rest(req, res, path, url);
  if (route.service === 'local') return services.local(req, res, path, url);
  return services.realtime.handleHttp(req, res, path, url);
}
