import { randomBytes } from 'node:crypto';
import type { Tx } from '../db.ts';
import type { StackContext } from '../context.ts';
import { AuthError, badJwt, badJwtFrom } from './errors.ts';
import { appMetadata, findUserById, toUser, UUID_RE, type UserRow } from './users.ts';

/** Opaque, single-use refresh tokens as GoTrue issues them (12 url-safe characters). */
function newRefreshToken(): string {
  return randomBytes(9).toString('base64url');
}

/** The access token claims of supabase-compat A.3, with `app_metadata.role` from auth.users. */
async function accessToken(ctx: StackContext, user: UserRow, sessionId: string, signedInAt: number): Promise<string> {
  return ctx.keys.sign(
    {
      iss: `${ctx.url}/auth/v1`,
      sub: user.id,
      aud: user.aud ?? 'authenticated',
      email: user.email ?? '',
      phone: user.phone ?? '',
      app_metadata: appMetadata(user),
      user_metadata: user.raw_user_meta_data ?? {},
      role: user.role ?? 'authenticated',
      aal: 'aal1',
      amr: [{ method: 'password', timestamp: signedInAt }],
      session_id: sessionId,
      is_anonymous: user.is_anonymous,
    },
    ctx.config.auth.accessTokenTtlSeconds,
  );
}

export interface Session {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
  expires_at: number;
  refresh_token: string;
  user: Record<string, unknown>;
}

async function sessionBody(ctx: StackContext, user: UserRow, sessionId: string, signedInAt: number, refreshToken: string): Promise<Session> {
  const ttl = ctx.config.auth.accessTokenTtlSeconds;
  return {
    access_token: await accessToken(ctx, user, sessionId, signedInAt),
    token_type: 'bearer',
    expires_in: ttl,
    expires_at: Math.floor(Date.now() / 1000) + ttl,
    refresh_token: refreshToken,
    user: toUser(user),
  };
}

/** Opens a new session for a user who just proved who they are (sign-in or autoconfirmed sign-up). */
export async function startSession(ctx: StackContext, tx: Tx, user: UserRow): Promise<Session> {
  const s = await tx.query<{ id: string; created_at: Date }>('insert into auth.sessions (user_id) values ($1) returning id, created_at', [user.id]);
  const token = newRefreshToken();
  await tx.query('insert into auth.refresh_tokens (token, user_id, session_id) values ($1, $2, $3)', [token, user.id, s.rows[0].id]);
  const updated = await tx.query<{ last_sign_in_at: Date }>('update auth.users set last_sign_in_at = now() where id = $1 returning last_sign_in_at', [user.id]);
  const row = { ...user, last_sign_in_at: updated.rows[0]?.last_sign_in_at ?? user.last_sign_in_at };
  return sessionBody(ctx, row, s.rows[0].id, epoch(s.rows[0].created_at), token);
}

const epoch = (d: Date) => Math.floor(d.getTime() / 1000);

interface TokenRow {
  id: string;
  token: string;
  user_id: string;
  session_id: string;
  revoked: boolean;
  revoked_seconds_ago: number;
  session_created_at: Date;
}

/**
 * The refresh-token grant with rotation. A token is single-use; a rotated one may be presented
 * again for `reuseSeconds` (concurrent tabs) and then gets the session's current token back.
 * Later reuse is treated as theft: the session's tokens are all revoked, and the error is
 * returned rather than thrown so that the revocation commits.
 */
export async function refreshSession(ctx: StackContext, tx: Tx, presented: string): Promise<Session | AuthError> {
  const r = await tx.query<TokenRow>(
    `select t.id::text, t.token, t.user_id, t.session_id, t.revoked,
            extract(epoch from now() - t.updated_at)::float8 as revoked_seconds_ago, s.created_at as session_created_at
       from auth.refresh_tokens t join auth.sessions s on s.id = t.session_id
      where t.token = $1`,
    [presented],
  );
  const row = r.rows[0];
  if (!row) throw new AuthError(400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
  const user = await findUserById(tx, row.user_id);
  if (!user) throw new AuthError(400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
  if (user.banned_until && user.banned_until.getTime() > Date.now()) throw new AuthError(400, 'user_banned', 'User is banned');
  let token: string;
  if (row.revoked) {
    const current = await tx.query<{ token: string }>(
      'select token from auth.refresh_tokens where session_id = $1 and not revoked order by id desc limit 1',
      [row.session_id],
    );
    if (row.revoked_seconds_ago > ctx.config.auth.refreshTokenReuseSeconds || !current.rows[0]) {
      await tx.query('update auth.refresh_tokens set revoked = true, updated_at = now() where session_id = $1 and not revoked', [row.session_id]);
      return new AuthError(400, 'refresh_token_already_used', 'Invalid Refresh Token: Already Used');
    }
    token = current.rows[0].token;
  } else {
    await tx.query('update auth.refresh_tokens set revoked = true, updated_at = now() where id = $1', [row.id]);
    token = newRefreshToken();
    await tx.query('insert into auth.refresh_tokens (token, user_id, session_id, parent) values ($1, $2, $3, $4)', [
      token,
      row.user_id,
      row.session_id,
      row.token,
    ]);
  }
  await tx.query('update auth.sessions set updated_at = now() where id = $1', [row.session_id]);
  return sessionBody(ctx, user, row.session_id, epoch(row.session_created_at), token);
}

export interface Caller {
  user: UserRow;
  sessionId: string | null;
  claims: Record<string, unknown>;
}

/**
 * Who a user endpoint (`/user`, `/logout`) is talking to: the bearer must verify, carry a UUID
 * `sub` of an existing user and, when it names one, a session that still exists (C.3).
 */
export async function authenticateUser(ctx: StackContext, tx: Tx, token: string | null): Promise<Caller> {
  if (!token) throw new AuthError(401, 'no_authorization', 'This endpoint requires a valid Bearer token');
  let claims: Record<string, unknown>;
  try {
    claims = await ctx.keys.verify(token);
  } catch (e) {
    throw badJwtFrom(e);
  }
  const sub = claims.sub;
  if (typeof sub !== 'string' || sub === '') throw badJwt('invalid claim: missing sub claim');
  if (!UUID_RE.test(sub)) throw badJwt('invalid claim: sub claim must be a UUID');
  const user = await findUserById(tx, sub);
  if (!user) throw new AuthError(403, 'user_not_found', 'User from sub claim in JWT does not exist');
  const sessionId = typeof claims.session_id === 'string' && claims.session_id !== '' ? claims.session_id : null;
  if (sessionId !== null) {
    const s = UUID_RE.test(sessionId) ? await tx.query('select 1 from auth.sessions where id = $1 and user_id = $2', [sessionId, sub]) : { rows: [] };
    if (s.rows.length === 0) throw new AuthError(403, 'session_not_found', 'Session from session_id claim in JWT does not exist');
  }
  return { user, sessionId, claims };
}

/** Ends sessions: `local` this one, `others` all but this one, `global` all of the user's. */
export async function endSessions(tx: Tx, caller: Caller, scope: 'global' | 'local' | 'others'): Promise<void> {
  if (scope === 'global' || caller.sessionId === null) {
    if (scope !== 'others') await tx.query('delete from auth.sessions where user_id = $1', [caller.user.id]);
    return;
  }
  if (scope === 'local') await tx.query('delete from auth.sessions where id = $1', [caller.sessionId]);
  else await tx.query('delete from auth.sessions where user_id = $1 and id <> $2', [caller.user.id, caller.sessionId]);
}
