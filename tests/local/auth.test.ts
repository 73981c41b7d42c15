import { AuthApiError, AuthSessionMissingError, AuthWeakPasswordError } from '@supabase/supabase-js';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../helpers/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  // Sign-up is closed by default (staff accounts come from an admin); this suite signs users up.
  // It makes more /token and /signup requests than GoTrue's per-address buckets of 30 allow from
  // one address; throttling has its own suite (auth-throttle.test.ts).
  stack = await startTestStack({ auth: { refreshTokenReuseSeconds: 2, signupEnabled: true, rateLimitBurst: 1000 } });
});
afterAll(() => stack?.stop());

let n = 0;
const email = () => `user${++n}-${Date.now()}@example.com`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function newUser(password = 'secret123') {
  const address = email();
  const { data, error } = await stack.client().auth.signUp({ email: address, password });
  if (error) throw error;
  return { email: address, password, id: data.user!.id };
}

describe('sign-up (E.23, E.28)', () => {
  it('returns a session whose JWT carries the Supabase claims and stores the user row', async () => {
    const address = email();
    const { data, error } = await stack.client().auth.signUp({ email: address, password: 'secret123', options: { data: { name: 'Ann' } } });
    expect(error).toBeNull();
    const claims = decodeJwt(data.session!.access_token);
    expect(claims).toMatchObject({ role: 'authenticated', aud: 'authenticated', sub: data.user!.id, email: address, aal: 'aal1', is_anonymous: false });
    expect(claims.user_metadata).toEqual({ name: 'Ann' });
    expect(claims.app_metadata).toEqual({ provider: 'email', providers: ['email'] });
    expect(claims.iss).toBe(`${stack.url}/auth/v1`);
    expect((claims.exp as number) - (claims.iat as number)).toBe(3600);
    expect(data.session!.expires_in).toBe(3600);
    const row = await stack.ctx.db.query<{ name: string; hash: string }>(
      "select raw_user_meta_data->>'name' as name, encrypted_password as hash from auth.users where id = $1",
      [data.user!.id],
    );
    expect(row.rows[0].name).toBe('Ann');
    expect(row.rows[0].hash).toMatch(/^\$2[aby]\$/);
  });

  it('refuses a second sign-up with the same email as user_already_exists (422)', async () => {
    const u = await newUser();
    const { data, error } = await stack.client().auth.signUp({ email: u.email, password: 'secret123' });
    expect(error).toBeInstanceOf(AuthApiError);
    expect(error!.status).toBe(422);
    expect(error!.code).toBe('user_already_exists');
    expect(data.session).toBeNull();
  });

  it('refuses a 5-character password as a weak password (422)', async () => {
    const { error } = await stack.client().auth.signUp({ email: email(), password: '12345' });
    expect(error).toBeInstanceOf(AuthWeakPasswordError);
    expect(error!.status).toBe(422);
    expect((error as AuthWeakPasswordError).reasons).toEqual(['length']);
  });

  it('refuses sign-up with signup_disabled (422) when the stack is configured without it (the default)', async () => {
    stack.ctx.config.auth.signupEnabled = false;
    try {
      const { error } = await stack.client().auth.signUp({ email: email(), password: 'secret123' });
      expect(error!.status).toBe(422);
      expect(error!.code).toBe('signup_disabled');
      expect(error!.message).toBe('Signups not allowed for this instance');
    } finally {
      stack.ctx.config.auth.signupEnabled = true;
    }
  });

  it('refuses an invalid email address with validation_failed (400)', async () => {
    const { error } = await stack.client().auth.signUp({ email: 'not-an-email', password: 'secret123' });
    expect(error!.status).toBe(400);
    expect(error!.code).toBe('validation_failed');
  });
});

describe('password sign-in (E.24, E.25)', () => {
  it('rejects a wrong password as invalid_credentials (400) without a session', async () => {
    const u = await newUser();
    const { data, error } = await stack.client().auth.signInWithPassword({ email: u.email, password: 'wrong-password' });
    expect(error).toBeInstanceOf(AuthApiError);
    expect(error!.name).toBe('AuthApiError');
    expect(error!.status).toBe(400);
    expect(error!.code).toBe('invalid_credentials');
    expect(data.session).toBeNull();
  });

  it('rejects an unknown email exactly like a wrong password', async () => {
    const { error } = await stack.client().auth.signInWithPassword({ email: email(), password: 'secret123' });
    expect(error!.code).toBe('invalid_credentials');
  });

  it('signs in and getUser returns the same id and email', async () => {
    const u = await newUser();
    const c = await stack.signIn(u.email, u.password);
    const { data, error } = await c.auth.getUser();
    expect(error).toBeNull();
    expect(data.user!.id).toBe(u.id);
    expect(data.user!.email).toBe(u.email);
  });

  it('accepts the email in any letter case', async () => {
    const u = await newUser();
    const { error } = await stack.client().auth.signInWithPassword({ email: u.email.toUpperCase(), password: u.password });
    expect(error).toBeNull();
  });
});

describe('refresh tokens (E.26)', () => {
  it('rotates: a new access token and a different refresh token', async () => {
    const u = await newUser();
    const c = await stack.signIn(u.email, u.password);
    const before = (await c.auth.getSession()).data.session!;
    await sleep(1100); // a new `iat` second, so the access token differs
    const { data, error } = await c.auth.refreshSession();
    expect(error).toBeNull();
    expect(data.session!.refresh_token).not.toBe(before.refresh_token);
    expect(data.session!.access_token).not.toBe(before.access_token);
    expect(decodeJwt(data.session!.access_token).session_id).toBe(decodeJwt(before.access_token).session_id);
  });

  it('rejects an unknown refresh token as refresh_token_not_found (400)', async () => {
    const { error } = await stack.client().auth.refreshSession({ refresh_token: 'bogus' });
    expect(error!.status).toBe(400);
    expect(error!.code).toBe('refresh_token_not_found');
  });

  it('hands the current token back for a reuse inside the reuse interval', async () => {
    const u = await newUser();
    const c = await stack.signIn(u.email, u.password);
    const old = (await c.auth.getSession()).data.session!.refresh_token;
    const rotated = (await c.auth.refreshSession()).data.session!.refresh_token;
    const { data, error } = await stack.client().auth.refreshSession({ refresh_token: old });
    expect(error).toBeNull();
    expect(data.session!.refresh_token).toBe(rotated);
  });

  it('rejects reuse after the interval as refresh_token_already_used and revokes the session', async () => {
    const u = await newUser();
    const c = await stack.signIn(u.email, u.password);
    const old = (await c.auth.getSession()).data.session!.refresh_token;
    const rotated = (await c.auth.refreshSession()).data.session!.refresh_token;
    await sleep(2500);
    const reuse = await stack.client().auth.refreshSession({ refresh_token: old });
    expect(reuse.error!.status).toBe(400);
    expect(reuse.error!.code).toBe('refresh_token_already_used');
    const stolen = await stack.client().auth.refreshSession({ refresh_token: rotated });
    expect(stolen.error!.code).toBe('refresh_token_already_used');
  });
});

describe('sign-out (E.27)', () => {
  it('clears the session; the old access token then gets AuthSessionMissingError (403 session_not_found)', async () => {
    const u = await newUser();
    const c = await stack.signIn(u.email, u.password);
    const token = (await c.auth.getSession()).data.session!.access_token;
    const out = await c.auth.signOut();
    expect(out.error).toBeNull();
    expect((await c.auth.getSession()).data.session).toBeNull();
    const { error } = await stack.client().auth.getUser(token);
    expect(error).toBeInstanceOf(AuthSessionMissingError);
    const raw = await fetch(`${stack.url}/auth/v1/user`, { headers: { apikey: stack.anonKey, Authorization: `Bearer ${token}` } });
    expect(raw.status).toBe(403);
    expect((await raw.json()).code).toBe('session_not_found');
  });

  it('scope=local ends only this session, scope=global all of the user\'s sessions', async () => {
    const u = await newUser();
    const a = await stack.signIn(u.email, u.password);
    const b = await stack.signIn(u.email, u.password);
    const c = await stack.signIn(u.email, u.password);
    await a.auth.signOut({ scope: 'local' });
    expect((await b.auth.getUser()).error).toBeNull();
    const tokenC = (await c.auth.getSession()).data.session!.access_token;
    await b.auth.signOut({ scope: 'global' });
    expect((await stack.client().auth.getUser(tokenC)).error).toBeInstanceOf(AuthSessionMissingError);
  });

  it('rejects the refresh token of a signed-out session', async () => {
    const u = await newUser();
    const c = await stack.signIn(u.email, u.password);
    const refresh = (await c.auth.getSession()).data.session!.refresh_token;
    await c.auth.signOut();
    const { error } = await stack.client().auth.refreshSession({ refresh_token: refresh });
    expect(error!.code).toBe('refresh_token_not_found');
  });
});

describe('forged and expired tokens', () => {
  it('answers an expired user token with 403 bad_jwt (AuthApiError)', async () => {
    const u = await newUser();
    const c = await stack.signIn(u.email, u.password);
    const claims = decodeJwt((await c.auth.getSession()).data.session!.access_token);
    const { exp: _exp, iat: _iat, ...rest } = claims;
    const expired = await stack.ctx.keys.sign(rest, -60);
    const { error } = await stack.client().auth.getUser(expired);
    expect(error).toBeInstanceOf(AuthApiError);
    expect(error!.status).toBe(403);
    expect(error!.code).toBe('bad_jwt');
  });

  it('answers a token signed with another secret with 403 bad_jwt', async () => {
    const u = await newUser();
    const c = await stack.signIn(u.email, u.password);
    const token = (await c.auth.getSession()).data.session!.access_token;
    const [h, p] = token.split('.');
    const forged = `${h}.${p}.${Buffer.from('not the signature').toString('base64url')}`;
    const { error } = await stack.client().auth.getUser(forged);
    expect(error!.status).toBe(403);
    expect(error!.code).toBe('bad_jwt');
  });

  it('answers /user without a bearer with 401 no_authorization', async () => {
    const res = await fetch(`${stack.url}/auth/v1/user`, { headers: { apikey: stack.anonKey } });
    expect(res.status).toBe(401);
    expect(res.headers.get('x-supabase-api-version')).toBe('2024-01-01');
    expect(await res.json()).toEqual({ code: 'no_authorization', message: 'This endpoint requires a valid Bearer token' });
  });

  it('answers a token whose user was deleted with 403 user_not_found', async () => {
    const u = await newUser();
    const c = await stack.signIn(u.email, u.password);
    const token = (await c.auth.getSession()).data.session!.access_token;
    const { sub: _s, session_id: _sid, exp: _e, iat: _i, ...rest } = decodeJwt(token);
    const orphan = await stack.ctx.keys.sign({ ...rest, sub: '00000000-0000-4000-8000-000000000000' }, 600);
    const res = await fetch(`${stack.url}/auth/v1/user`, { headers: { apikey: stack.anonKey, Authorization: `Bearer ${orphan}` } });
    expect(res.status).toBe(403);
    expect((await res.json()).code).toBe('user_not_found');
  });
});

describe('updating the user', () => {
  it('merges user metadata and changes the password', async () => {
    const u = await newUser();
    const c = await stack.signIn(u.email, u.password);
    const { data, error } = await c.auth.updateUser({ password: 'another-secret', data: { shift: 'night' } });
    expect(error).toBeNull();
    expect(data.user!.user_metadata).toEqual({ shift: 'night' });
    expect((await stack.client().auth.signInWithPassword({ email: u.email, password: u.password })).error!.code).toBe('invalid_credentials');
    expect((await stack.client().auth.signInWithPassword({ email: u.email, password: 'another-secret' })).error).toBeNull();
  });
});

describe('admin API (E.29)', () => {
  it('creates, lists, reads and deletes users with the service_role key', async () => {
    const admin = stack.client({ key: stack.serviceKey });
    const address = email();
    const created = await admin.auth.admin.createUser({ email: address, password: 'secret123', email_confirm: true, app_metadata: { role: 'dispatcher' } });
    expect(created.error).toBeNull();
    expect(created.data.user!.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.data.user!.app_metadata.role).toBe('dispatcher');

    const c = await stack.signIn(address, 'secret123');
    const token = (await c.auth.getSession()).data.session!.access_token;
    expect((decodeJwt(token).app_metadata as Record<string, unknown>).role).toBe('dispatcher');

    const list = await admin.auth.admin.listUsers({ page: 1, perPage: 1000 });
    expect(list.error).toBeNull();
    expect(list.data.users.map((x) => x.email)).toContain(address);
    const firstPage = await admin.auth.admin.listUsers({ page: 1, perPage: 1 });
    expect(firstPage.data.users).toHaveLength(1);
    expect((firstPage.data as { total?: number }).total).toBe(list.data.users.length);

    const got = await admin.auth.admin.getUserById(created.data.user!.id);
    expect(got.data.user!.email).toBe(address);

    const removed = await admin.auth.admin.deleteUser(created.data.user!.id);
    expect(removed.error).toBeNull();
    const gone = await stack.ctx.db.query('select 1 from auth.users where id = $1', [created.data.user!.id]);
    expect(gone.rows).toHaveLength(0);
  });

  it('refuses admin calls made with the anon key (403 not_admin)', async () => {
    const { data, error } = await stack.client().auth.admin.createUser({ email: email(), password: 'secret123', email_confirm: true });
    expect(error!.status).toBe(403);
    expect(error!.code).toBe('not_admin');
    expect(data.user).toBeNull();
  });

  it('refuses a user created without email_confirm until it is confirmed', async () => {
    const admin = stack.client({ key: stack.serviceKey });
    const address = email();
    const created = await admin.auth.admin.createUser({ email: address, password: 'secret123' });
    const first = await stack.client().auth.signInWithPassword({ email: address, password: 'secret123' });
    expect(first.error!.code).toBe('email_not_confirmed');
    await admin.auth.admin.updateUserById(created.data.user!.id, { email_confirm: true });
    const second = await stack.client().auth.signInWithPassword({ email: address, password: 'secret123' });
    expect(second.error).toBeNull();
  });
});

describe('wire shapes (C.2, C.3)', () => {
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${stack.url}/auth/v1${path}`, {
      method: 'POST',
      headers: { apikey: stack.anonKey, 'Content-Type': 'application/json;charset=UTF-8', 'X-Supabase-Api-Version': '2024-01-01', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('answers the password grant with a bearer session object and the API version header', async () => {
    const u = await newUser();
    const res = await post('/token?grant_type=password', { email: u.email, password: u.password, gotrue_meta_security: {} });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-supabase-api-version')).toBe('2024-01-01');
    const s = await res.json();
    expect(Object.keys(s).sort()).toEqual(['access_token', 'expires_at', 'expires_in', 'refresh_token', 'token_type', 'user']);
    expect(s.token_type).toBe('bearer');
    expect(s.expires_at - Math.floor(Date.now() / 1000)).toBeGreaterThan(3500);
    expect(s.user).toMatchObject({ id: u.id, aud: 'authenticated', role: 'authenticated', email: u.email, phone: '', identities: [], is_anonymous: false });
  });

  it('names the error code in the body and in X-Sb-Error-Code', async () => {
    const res = await post('/token?grant_type=password', { email: 'nobody@example.com', password: 'whatever' });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-sb-error-code')).toBe('invalid_credentials');
    expect(await res.json()).toEqual({ code: 'invalid_credentials', message: 'Invalid login credentials' });
  });

  it('refuses a password grant without email or phone, and an unknown grant type', async () => {
    const missing = await post('/token?grant_type=password', { password: 'x' });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ code: 'validation_failed', message: 'missing email or phone' });
    const unknown = await post('/token?grant_type=magic', {});
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).message).toBe('unsupported_grant_type');
  });

  it('answers logout with 204 and an empty body', async () => {
    const u = await newUser();
    const c = await stack.signIn(u.email, u.password);
    const token = (await c.auth.getSession()).data.session!.access_token;
    const res = await post('/logout?scope=local', undefined, { Authorization: `Bearer ${token}` });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
  });
});
