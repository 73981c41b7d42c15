import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StackContext } from '../context.ts';
import { BodyError, readJson } from '../http/body.ts';
import { bearerToken } from '../http/gateway.ts';
import { sendEmpty, sendJson } from '../http/respond.ts';
import { createUser, deleteUserById, getUserById, listUsers, requireAdmin, updateUserById } from './admin.ts';
import { API_VERSION, AuthError, sendAuthError, validationFailed } from './errors.ts';
import type { Body } from './fields.ts';
import { AuthThrottle, clientAddress } from './throttle.ts';
import { getUser, logout, signUp, tokenGrant, updateUser } from './user-routes.ts';

export type AuthHandler = (req: IncomingMessage, res: ServerResponse, path: string, url: URL) => Promise<void>;

const HEADERS = { 'X-Supabase-Api-Version': API_VERSION };

/**
 * The GoTrue subset of supabase-compat C under `/auth/v1`; `path` is what follows the prefix.
 * Every failure becomes a C.3 error; anything unexpected is a 500 without internals.
 */
export function createAuthHandler(ctx: StackContext, onError: (e: unknown) => void = () => {}): AuthHandler {
  const throttle = new AuthThrottle(() => ctx.config.auth);
  return async (req, res, path, url) => {
    try {
      await route(ctx, throttle, req, res, path, url);
    } catch (e) {
      if (e instanceof AuthError) return sendAuthError(res, e);
      if (e instanceof BodyError) {
        return sendAuthError(res, new AuthError(e.status, e.status === 413 ? 'request_too_large' : 'bad_json', e.message));
      }
      // A value Postgres refuses to store (class 22, data exception: e.g. a NUL in user metadata,
      // which jsonb cannot hold) is the request's fault, not the server's.
      const code = (e as { code?: unknown }).code;
      if (typeof code === 'string' && code.startsWith('22')) return sendAuthError(res, validationFailed((e as Error).message));
      onError(e);
      sendAuthError(res, new AuthError(500, 'unexpected_failure', 'Unexpected failure, please check server logs for more information'));
    }
  };
}

async function body(ctx: StackContext, req: IncomingMessage): Promise<Body> {
  const b = await readJson(req, ctx.config.maxBodyBytes);
  if (b === undefined) return {};
  if (!b || typeof b !== 'object' || Array.isArray(b)) throw new AuthError(400, 'bad_json', 'Request body must be a JSON object');
  return b as Body;
}

async function route(ctx: StackContext, throttle: AuthThrottle, req: IncomingMessage, res: ServerResponse, path: string, url: URL): Promise<void> {
  const method = req.method ?? 'GET';
  const bearer = bearerToken(req);
  const ok = (b: unknown, headers: Record<string, string> = {}) => sendJson(res, 200, b, { ...HEADERS, ...headers });
  const limits = () => ({ throttle, address: clientAddress(req, ctx.config.auth.rateLimitHeader) });

  if (path === '/token' && method === 'POST') {
    return ok(await tokenGrant(ctx, url.searchParams.get('grant_type'), await body(ctx, req), limits()));
  }
  if (path === '/signup' && method === 'POST') return ok(await signUp(ctx, await body(ctx, req), limits()));
  if (path === '/user' && method === 'GET') return ok(await getUser(ctx, bearer));
  if (path === '/user' && method === 'PUT') return ok(await updateUser(ctx, bearer, await body(ctx, req)));
  if (path === '/logout' && method === 'POST') {
    await logout(ctx, bearer, url.searchParams.get('scope'));
    return sendEmpty(res, 204, HEADERS);
  }
  if (path === '/health' && method === 'GET') return ok({ version: 'local', name: 'GoTrue', description: 'Local stack auth (GoTrue subset)' });
  if (path === '/settings' && method === 'GET') {
    return ok({
      external: { email: true, phone: false, anonymous_users: false },
      disable_signup: !ctx.config.auth.signupEnabled,
      mailer_autoconfirm: true,
      phone_autoconfirm: false,
      sms_provider: '',
      saml_enabled: false,
    });
  }
  if (path === '/admin/users' || path.startsWith('/admin/users/')) {
    await requireAdmin(ctx, bearer);
    const id = path.slice('/admin/users/'.length);
    if (path === '/admin/users' && method === 'GET') {
      const list = await listUsers(ctx, url);
      return ok(list.body, list.headers);
    }
    if (path === '/admin/users' && method === 'POST') return ok(await createUser(ctx, await body(ctx, req)));
    if (id && !id.includes('/')) {
      if (method === 'GET') return ok(await getUserById(ctx, id));
      if (method === 'PUT') {
        const b = await body(ctx, req);
        const user = await updateUserById(ctx, id, b);
        // An admin setting a password lets a locked-out account sign in again at once.
        if (typeof b.password === 'string' && typeof user.email === 'string') throttle.forgetAccount(user.email);
        return ok(user);
      }
      if (method === 'DELETE') return ok(await deleteUserById(ctx, id, await body(ctx, req)));
    }
  }
  throw new AuthError(404, 'not_found', `No auth endpoint ${method} ${path}`);
}
