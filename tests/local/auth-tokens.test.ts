import { AuthApiError } from '@supabase/supabase-js';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Claims } from '../../supabase/local/keys.ts';
import { COMMANDER, DEMO_PASSWORD, startTestStack, type TestStack } from '../helpers/stack.ts';
import { recorder, subscribed } from '../helpers/realtime.ts';

// The claim rules every API applies (supabase/local/README.md, "Sign-up, sign-in limits and
// tokens"): `exp` is required, and `aud` must be `authenticated` except on the anon and
// service_role keys, which carry none. Tokens are signed with the stack's own secret, so only
// the claims are wrong.

let stack: TestStack;
let session: { access_token: string };
let claims: Claims;
const tokens: Record<string, string> = {};

const without = (c: Claims, ...keys: string[]) =>
  Object.fromEntries(Object.entries(c).filter(([k]) => !keys.includes(k)));

beforeAll(async () => {
  stack = await startTestStack();
  const c = await stack.signIn(COMMANDER, DEMO_PASSWORD);
  session = (await c.auth.getSession()).data.session!;
  claims = decodeJwt(session.access_token) as Claims;
  const sign = (x: Claims) => stack.ctx.keys.sign(x);
  tokens.noExp = await sign(without(claims, 'exp', 'iat'));
  tokens.otherAud = await sign({ ...claims, aud: 'someone-else' });
  tokens.noAud = await sign(without(claims, 'aud'));
  tokens.numberAud = await sign({ ...claims, aud: 42 });
  tokens.arrayAud = await sign({ ...claims, aud: ['someone-else', 'authenticated'] });
  tokens.anonNoExp = await sign({ iss: 'supabase-demo', role: 'anon' });
  tokens.serviceNoExp = await sign({ iss: 'supabase-demo', role: 'service_role' });
  tokens.anonOwnAud = await stack.ctx.keys.sign({ iss: 'supabase', ref: 'local', role: 'anon', aud: 'anon' }, 3600);
  tokens.anonOtherAud = await stack.ctx.keys.sign(
    { iss: 'supabase', ref: 'local', role: 'anon', aud: 'someone-else' },
    3600,
  );
});
afterAll(() => stack?.stop());

describe('the keys the stack mints', () => {
  it('carry the Supabase CLI claims: a role, an exp and no aud', () => {
    for (const [key, role] of [
      [stack.anonKey, 'anon'],
      [stack.serviceKey, 'service_role'],
    ]) {
      const c = decodeJwt(key);
      expect(c).toEqual({ iss: 'supabase-demo', role, exp: 1983812996 });
    }
    expect(claims).toMatchObject({ aud: 'authenticated', role: 'authenticated' });
    expect(typeof claims.exp).toBe('number');
  });
});

describe('REST', () => {
  const get = (token: string, apikey = stack.anonKey) =>
    fetch(`${stack.url}/rest/v1/zones?select=id&limit=1`, { headers: { apikey, Authorization: `Bearer ${token}` } });

  async function refused(token: string, message: string) {
    const res = await get(token);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    expect(await res.json()).toMatchObject({ code: 'PGRST303', message });
  }

  it('refuses a token without exp', () => refused(tokens.noExp, "The JWT 'exp' claim must be a number"));
  it('refuses a user token for another audience, or with none', async () => {
    await refused(tokens.otherAud, 'JWT not in audience');
    await refused(tokens.noAud, 'JWT not in audience');
    await refused(tokens.anonOtherAud, 'JWT not in audience');
  });
  it('refuses an aud that is not a string or strings', () =>
    refused(tokens.numberAud, "The JWT 'aud' claim must be a string or an array of strings"));
  it('refuses API-role tokens without exp', async () => {
    await refused(tokens.serviceNoExp, "The JWT 'exp' claim must be a number");
    // as the apikey itself, it is no project key: the gateway answers first
    const res = await fetch(`${stack.url}/rest/v1/zones?select=id&limit=1`, { headers: { apikey: tokens.anonNoExp } });
    expect(res.status).toBe(401);
    expect((await res.json()).message).toBe('Invalid API key');
  });

  it('accepts the session token, an aud list naming authenticated, the anon and service keys', async () => {
    for (const token of [session.access_token, tokens.arrayAud, stack.anonKey, stack.serviceKey, tokens.anonOwnAud]) {
      const res = await get(token);
      expect(res.status, decodeJwt(token).role as string).toBe(200);
    }
    const signedIn = await stack.signIn(COMMANDER, DEMO_PASSWORD);
    const { error, data } = await signedIn.from('zones').select('id').limit(1);
    expect(error).toBeNull();
    expect(data).toHaveLength(1);
  });
});

/** A bare Phoenix socket (vsn 2.0.0) and the reply to one join. */
async function join(
  token: string,
  topic = 'realtime:tokens',
): Promise<{ status: string; response: Record<string, unknown> }> {
  const ws = new WebSocket(
    `${stack.url.replace(/^http/, 'ws')}/realtime/v1/websocket?apikey=${stack.anonKey}&vsn=2.0.0`,
  );
  const frames = recorder<unknown[]>();
  ws.on('message', (data, isBinary) => !isBinary && frames.push(JSON.parse(String(data))));
  await new Promise((resolve, reject) => ws.on('open', resolve).on('error', reject));
  try {
    ws.send(JSON.stringify(['1', '1', topic, 'phx_join', { config: {}, access_token: token }]));
    const reply = await frames.next((f) => f[1] === '1' && f[3] === 'phx_reply', 'join reply');
    return reply[4] as { status: string; response: Record<string, unknown> };
  } finally {
    ws.terminate();
  }
}

function upgradeRefusal(apikey: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${stack.url.replace(/^http/, 'ws')}/realtime/v1/websocket?vsn=2.0.0&apikey=${apikey}`);
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('open', () => (ws.terminate(), reject(new Error('upgrade accepted'))));
    ws.on('error', () => undefined);
  });
}

describe('Realtime', () => {
  it('refuses a join with a token without exp', async () => {
    expect(await join(tokens.noExp)).toEqual({
      status: 'error',
      response: { reason: 'InvalidJWTToken: Fields `role` and `exp` are required in JWT' },
    });
  });

  it('refuses a join with a token for another audience, or a user token with none', async () => {
    for (const token of [tokens.otherAud, tokens.noAud]) {
      expect(await join(token)).toEqual({
        status: 'error',
        response: { reason: 'InvalidJWTToken: Invalid value for JWT claim "aud"' },
      });
    }
  });

  it('refuses the WebSocket upgrade with a key without exp', async () => {
    expect(await upgradeRefusal(tokens.anonNoExp)).toEqual({
      status: 401,
      body: JSON.stringify({ error: 'Fields `role` and `exp` are required in JWT' }),
    });
  });

  it('joins with the session token, an aud list naming authenticated and the anon key', async () => {
    for (const token of [session.access_token, tokens.arrayAud, stack.anonKey])
      expect((await join(token)).status).toBe('ok');
    const c = await stack.signIn(COMMANDER, DEMO_PASSWORD);
    const ch = c.channel('tokens-app');
    try {
      await subscribed(ch);
    } finally {
      await c.removeAllChannels();
    }
  });
});

describe('Auth', () => {
  const user = (token: string) =>
    fetch(`${stack.url}/auth/v1/user`, { headers: { apikey: stack.anonKey, Authorization: `Bearer ${token}` } });
  const prefix = 'invalid JWT: unable to parse or verify signature, ';

  it('answers /user with a token without exp with 403 bad_jwt', async () => {
    const res = await user(tokens.noExp);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      code: 'bad_jwt',
      message: `${prefix}token has invalid claims: token is missing required claim: exp claim is required`,
    });
    const { error } = await stack.client().auth.getUser(tokens.noExp);
    expect(error).toBeInstanceOf(AuthApiError);
    expect(error!.status).toBe(403);
    expect(error!.code).toBe('bad_jwt');
  });

  it('answers /user with a token for another audience, or none, with 403 bad_jwt', async () => {
    for (const token of [tokens.otherAud, tokens.noAud]) {
      const res = await user(token);
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({
        code: 'bad_jwt',
        message: `${prefix}token has invalid claims: token has invalid audience`,
      });
    }
  });

  it('accepts the session token and an aud list naming authenticated', async () => {
    for (const token of [session.access_token, tokens.arrayAud]) {
      const res = await user(token);
      expect(res.status).toBe(200);
      expect((await res.json()).email).toBe(COMMANDER);
    }
  });

  it('refuses admin calls with a service_role token without exp; the service key still works', async () => {
    const res = await fetch(`${stack.url}/auth/v1/admin/users`, {
      headers: { apikey: stack.anonKey, Authorization: `Bearer ${tokens.serviceNoExp}` },
    });
    expect(res.status).toBe(403);
    expect((await res.json()).code).toBe('bad_jwt');
    const { data, error } = await stack
      .client({ key: stack.serviceKey })
      .auth.admin.listUsers({ page: 1, perPage: 1000 });
    expect(error).toBeNull();
    expect(data.users.map((u) => u.email)).toContain(COMMANDER);
  });
});
