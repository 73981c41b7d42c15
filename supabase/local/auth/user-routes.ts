import type { StackContext } from '../context.ts';
import type { Tx } from '../db.ts';
import { AuthError, invalidCredentials, validationFailed } from './errors.ts';
import { assertStrongPassword, checkPassword, hashPassword } from './password.ts';
import { authenticateUser, endSessions, refreshSession, startSession, type Session } from './sessions.ts';
import { obj, str, type Body } from './fields.ts';
import type { AuthThrottle } from './throttle.ts';
import { findUserByEmail, insertUser, mergeMetadata, normaliseEmail, toUser, USER_COLUMNS, type UserRow } from './users.ts';

/** The throttles of the running auth service and the client address of this request. */
export interface Limits {
  throttle: AuthThrottle;
  address: string;
}

/**
 * POST /token?grant_type=password|refresh_token. As in GoTrue, every grant of a known type
 * takes from the client address's /token bucket first (429 over_request_rate_limit).
 */
export async function tokenGrant(ctx: StackContext, grantType: string | null, body: Body, limits: Limits): Promise<Session> {
  if (grantType !== 'password' && grantType !== 'refresh_token') throw new AuthError(400, 'invalid_credentials', 'unsupported_grant_type');
  limits.throttle.tokenRequest(limits.address);
  if (grantType === 'password') return passwordGrant(ctx, body, limits.throttle);
  const token = str(body.refresh_token);
  if (!token) throw new AuthError(400, 'validation_failed', 'refresh_token required');
  const result = await ctx.db.transaction((tx) => refreshSession(ctx, tx, token));
  if (result instanceof AuthError) throw result;
  return result;
}

/**
 * The password grant. The attempt counts against the account (the normalised email, known or
 * not, so the answer says nothing about which accounts exist) before the password is checked,
 * and is taken back only when the password is right: a locked account is refused even with
 * the right password until its window passes.
 */
async function passwordGrant(ctx: StackContext, body: Body, throttle: AuthThrottle): Promise<Session> {
  const email = str(body.email);
  const password = str(body.password) ?? '';
  if (!email) {
    if (str(body.phone)) throw new AuthError(400, 'phone_provider_disabled', 'Phone logins are disabled');
    throw validationFailed('missing email or phone');
  }
  const account = email.trim().toLowerCase();
  const succeeded = throttle.passwordAttempt(account);
  const user = await findUserByEmail(ctx.db, account);
  if (!user || !(await checkPassword(password, user.encrypted_password))) throw invalidCredentials();
  succeeded();
  if (!user.email_confirmed_at) throw new AuthError(400, 'email_not_confirmed', 'Email not confirmed');
  if (user.banned_until && user.banned_until.getTime() > Date.now()) throw new AuthError(400, 'user_banned', 'User is banned');
  return ctx.db.transaction((tx) => startSession(ctx, tx, user));
}

/**
 * POST /signup: autoconfirmed, so the answer is a session (C.1). In GoTrue's order: the
 * per-address sign-up bucket, then 422 signup_disabled when sign-up is off (the default).
 */
export async function signUp(ctx: StackContext, body: Body, limits: Limits): Promise<Session> {
  const cfg = ctx.config.auth;
  limits.throttle.signupRequest(limits.address);
  if (!cfg.signupEnabled) throw new AuthError(422, 'signup_disabled', 'Signups not allowed for this instance');
  const rawEmail = str(body.email);
  const password = str(body.password);
  if (!rawEmail) {
    if (str(body.phone)) throw new AuthError(422, 'phone_provider_disabled', 'Phone signups are disabled');
    if (!password) throw new AuthError(422, 'anonymous_provider_disabled', 'Anonymous sign-ins are disabled');
    throw validationFailed('Signup requires a valid email');
  }
  if (!password) throw validationFailed('Signup requires a valid password');
  const email = normaliseEmail(rawEmail);
  assertStrongPassword(password, cfg.minPasswordLength);
  const passwordHash = await hashPassword(password, cfg.bcryptCost);
  return ctx.db.transaction(async (tx) => {
    const user = await insertUser(tx, { email, passwordHash, confirmed: true, userMetadata: obj(body.data), signedIn: true });
    return startSession(ctx, tx, user);
  });
}

/** GET /user */
export async function getUser(ctx: StackContext, bearer: string | null) {
  const caller = await authenticateUser(ctx, ctx.db, bearer);
  return toUser(caller.user);
}

/** PUT /user: metadata, password and (autoconfirmed) email changes. */
export async function updateUser(ctx: StackContext, bearer: string | null, body: Body) {
  const password = str(body.password);
  if (password !== undefined) assertStrongPassword(password, ctx.config.auth.minPasswordLength);
  const passwordHash = password !== undefined ? await hashPassword(password, ctx.config.auth.bcryptCost) : undefined;
  return ctx.db.transaction(async (tx) => {
    const { user } = await authenticateUser(ctx, tx, bearer);
    const updated = await applyUserChanges(tx, user, {
      email: body.email,
      passwordHash,
      userMetadata: obj(body.data),
    });
    return toUser(updated);
  });
}

export interface UserChanges {
  email?: unknown;
  passwordHash?: string;
  userMetadata?: Record<string, unknown>;
  appMetadata?: Record<string, unknown>;
  confirmEmail?: boolean;
}

/** One UPDATE for everything a user or an admin may change. */
export async function applyUserChanges(tx: Tx, user: UserRow, c: UserChanges): Promise<UserRow> {
  let email = user.email;
  if (c.email !== undefined && c.email !== null && c.email !== '') {
    email = normaliseEmail(c.email);
    if (email !== user.email) {
      const other = await findUserByEmail(tx, email);
      if (other && other.id !== user.id) throw new AuthError(422, 'email_exists', 'A user with this email address has already been registered');
    }
  }
  const r = await tx.query<UserRow>(
    `update auth.users set
        email = $2,
        encrypted_password = coalesce($3, encrypted_password),
        raw_user_meta_data = $4::jsonb,
        raw_app_meta_data = $5::jsonb,
        email_confirmed_at = case when $6 then coalesce(email_confirmed_at, now()) else email_confirmed_at end,
        updated_at = now()
      where id = $1
      returning ${USER_COLUMNS}`,
    [
      user.id,
      email,
      c.passwordHash ?? null,
      JSON.stringify(c.userMetadata ? mergeMetadata(user.raw_user_meta_data, c.userMetadata) : (user.raw_user_meta_data ?? {})),
      JSON.stringify(c.appMetadata ? mergeMetadata(user.raw_app_meta_data, c.appMetadata) : (user.raw_app_meta_data ?? {})),
      c.confirmEmail === true || (email !== user.email && user.email_confirmed_at !== null),
    ],
  );
  return r.rows[0];
}

const SCOPES = ['global', 'local', 'others'] as const;

/** POST /logout?scope= */
export async function logout(ctx: StackContext, bearer: string | null, scope: string | null): Promise<void> {
  const s = (scope ?? 'global') as (typeof SCOPES)[number];
  if (!SCOPES.includes(s)) throw validationFailed(`Unsupported logout scope ${JSON.stringify(scope)}`);
  await ctx.db.transaction(async (tx) => endSessions(tx, await authenticateUser(ctx, tx, bearer), s));
}
