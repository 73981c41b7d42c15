import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StackContext } from '../context.ts';
import { BodyError, parseJson, readJson } from '../http/body.ts';
import { ANON_ROLE, authenticate, unknownRole, type Caller } from './auth.ts';
import { CastResolver } from './casts.ts';
import { RestError, toRestError } from './errors.ts';
import { chooseMedia, chooseSchema, parsePrefer } from './headers.ts';
import type { RestRequest } from './request.ts';
import { send, sendError } from './respond.ts';
import { handleRpc } from './rpc-handler.ts';
import { SchemaCache } from './schema-cache.ts';
import { handleTable } from './table.ts';
import { countVertices, PUBLIC_MAX_VERTICES } from './payload.ts';
import { invalidateRoleSettings, laneOf } from './transaction.ts';

/** Schemas reachable through the API (PostgREST's `db-schemas`); Supabase exposes `public` by default. */
export const EXPOSED_SCHEMAS = ['public'] as const;

export interface RestOptions {
  /**
   * PostgREST's `db-max-rows`. Supabase projects default to 1000, so the local stack does too,
   * and an app that forgets to page finds out locally. Env `PGRST_DB_MAX_ROWS` (0: no cap).
   */
  maxRows?: number | null;
}

const DEFAULT_MAX_ROWS = 1000;

function maxRowsFrom(env: NodeJS.ProcessEnv): number | null {
  const raw = env.PGRST_DB_MAX_ROWS;
  if (raw === undefined || raw === '') return DEFAULT_MAX_ROWS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`PGRST_DB_MAX_ROWS must be a non-negative integer, got ${JSON.stringify(raw)}`);
  return n === 0 ? null : n;
}

export type RestHandler = ((req: IncomingMessage, res: ServerResponse, path: string, url: URL) => Promise<void>) & {
  /** Drops the cached catalog; call after applying migrations or other DDL. */
  invalidateSchema(): void;
};

const STALE_CATALOG = new Set(['42703', '42P01', '42883', '42704']);

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PATCH', 'DELETE']);

async function readBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  try {
    return await readJson(req, maxBytes);
  } catch (e) {
    if (e instanceof BodyError && e.status === 413) throw new RestError(413, '54000', e.message, null, 'Send a smaller request body.');
    if (e instanceof BodyError) throw new RestError(400, 'PGRST102', 'Empty or invalid json', e.message);
    throw e;
  }
}

/**
 * The public may send geometry of at most PUBLIC_MAX_VERTICES positions in all (GeoJSON anywhere
 * in the body or in a JSON query-string argument, WKT text), checked before the database sees it:
 * a 150,000-vertex polygon held the only PGlite connection for 1.6 s.
 */
function limitPublicGeometry(value: unknown): void {
  const n = countVertices(value);
  if (n > PUBLIC_MAX_VERTICES) {
    throw new RestError(
      400,
      '54000',
      `The geometry in the request has ${n} vertices; anonymous requests may send at most ${PUBLIC_MAX_VERTICES}`,
      null,
      'Simplify the geometry, or sign in as staff.',
    );
  }
}

/** Query-string values that hold JSON (RPC arguments by GET), parsed as far as they parse. */
function jsonArguments(params: URLSearchParams): unknown[] {
  const out: unknown[] = [];
  for (const v of params.values()) {
    const t = v.trimStart();
    if (t.startsWith('{') || t.startsWith('[')) {
      try {
        out.push(parseJson(t));
      } catch {
        // not JSON after all (or too deep): Postgres gets it as text, as before
      }
    } else out.push(v);
  }
  return out;
}

/**
 * The PostgREST-compatible REST API (`/rest/v1/*`). Each request is authenticated from its JWT
 * and served by one statement (plus a geometry check) in one transaction under the caller's
 * role, so row-level security is Postgres's job. `path` is what follows `/rest/v1`.
 */
export function createRestHandler(ctx: Pick<StackContext, 'db' | 'keys' | 'config'>, options: RestOptions = {}): RestHandler {
  const maxRows = options.maxRows === undefined ? maxRowsFrom(process.env) : options.maxRows;
  const cache = new SchemaCache(ctx.db);
  const casts = new CastResolver(ctx.db);
  // PostgREST's way to ask for a reload after DDL: NOTIFY pgrst, 'reload schema'.
  ctx.db
    .listen('pgrst', (payload) => {
      if (payload === '' || payload.includes('reload schema')) cache.invalidate();
      // PostgREST re-reads role settings (statement_timeout per role) with its config.
      invalidateRoleSettings(ctx.db);
    })
    .catch(() => undefined);

  const handler = async (req: IncomingMessage, res: ServerResponse, path: string, url: URL): Promise<void> => {
    let caller: Caller = { role: ANON_ROLE, claims: { role: ANON_ROLE } };
    try {
      caller = await authenticate(req, ctx.keys);
      if (!(await cache.roleExists(caller.role))) throw unknownRole(caller.role);
      const method = req.method ?? 'GET';
      if (!METHODS.has(method)) throw new RestError(405, 'PGRST101', `Unsupported HTTP method: ${method}`);
      const schema = chooseSchema(req, EXPOSED_SCHEMAS);
      const media = chooseMedia(req);
      const isPublic = laneOf(caller) === 'public';
      if (isPublic) limitPublicGeometry(jsonArguments(url.searchParams));
      let bodyPromise: Promise<unknown> | null = null;
      const r: RestRequest = {
        ctx,
        cache,
        casts,
        req,
        url,
        path,
        method,
        caller,
        schema,
        media,
        prefs: parsePrefer(req.headers.prefer),
        maxRows,
        body: () =>
          (bodyPromise ??= readBody(req, ctx.config.maxBodyBytes).then((body) => {
            if (isPublic) limitPublicGeometry(body);
            return body;
          })),
      };
      const segments = path.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
      let reply;
      if (segments.length === 1) reply = await handleTable(r, segments[0]);
      else if (segments.length === 2 && segments[0] === 'rpc') reply = await handleRpc(r, segments[1]);
      else if (segments.length === 0) reply = await openApi(r);
      else throw new RestError(404, 'PGRST125', `Invalid path specified in request URL: ${path}`);
      send(res, reply, method === 'HEAD');
    } catch (e) {
      const error = toRestError(e, caller.role === ANON_ROLE);
      // Postgres found something gone that the cached catalog still lists (dropped by DDL).
      if (!(e instanceof RestError) && STALE_CATALOG.has(error.code ?? '')) cache.invalidate();
      if (error.status >= 500 && !ctx.config.quiet) console.error(`[rest] ${req.method} ${path}: ${(e as Error).message}`);
      if (!req.complete) req.resume();
      sendError(res, error);
    }
  };
  return Object.assign(handler, {
    invalidateSchema: () => {
      cache.invalidate();
      invalidateRoleSettings(ctx.db);
    },
  });
}

/** `GET /rest/v1/`: a minimal OpenAPI description listing the exposed tables and functions. */
async function openApi(r: RestRequest) {
  const info = await r.cache.get(r.schema);
  const paths: Record<string, object> = {};
  for (const rel of info.relations.values()) paths[`/${rel.name}`] = {};
  for (const name of info.functions.keys()) paths[`/rpc/${name}`] = {};
  const body = JSON.stringify({ swagger: '2.0', info: { title: 'Local Supabase REST', version: '12' }, basePath: '/', schemes: ['http'], paths });
  return { status: 200, headers: { 'Content-Type': 'application/openapi+json; charset=utf-8' }, body };
}
