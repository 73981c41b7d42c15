import { AuthApiError } from '@supabase/supabase-js';
import { request } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { COMMANDER, DEMO_PASSWORD, startTestStack, type TestStack } from '../helpers/stack.ts';
import { createUser } from '../helpers/users.ts';

// Sign-in throttling and closed sign-up (supabase/local/README.md, "Sign-up, sign-in limits and
// tokens"). The limiters run on a fake clock that the tests move; nothing here waits for real time.
// The stack trusts X-Forwarded-For, so each test can speak from addresses of its own.

let stack: TestStack;
let now = Date.UTC(2030, 0, 1);
const PASSWORD = 'throttle-2022';
const users: { email: string; id: string }[] = [];

beforeAll(async () => {
  stack = await startTestStack({ auth: { clock: () => now, rateLimitHeader: 'x-forwarded-for' } });
  for (let i = 0; i < 6; i++) {
    const email = `throttle-${i}@example.test`;
    users.push({ email, id: await createUser(stack, email, PASSWORD) });
  }
});
afterAll(() => stack?.stop());

// A day later every bucket is full and every window empty: each test starts from nothing.
beforeEach(() => {
  now += 86_400_000;
});

const advance = (seconds: number) => {
  now += seconds * 1000;
};

const post = (path: string, body: unknown, address?: string) =>
  fetch(`${stack.url}/auth/v1${path}`, {
    method: 'POST',
    headers: {
      apikey: stack.anonKey,
      'Content-Type': 'application/json',
      ...(address ? { 'X-Forwarded-For': address } : {}),
    },
    body: JSON.stringify(body),
  });

const signIn = (email: string, password: string, address?: string) =>
  post('/token?grant_type=password', { email, password }, address);

/** Statuses of sign-ins made one after another. */
async function statuses(attempts: [email: string, password: string, address?: string][]): Promise<number[]> {
  const out: number[] = [];
  for (const [email, password, address] of attempts) {
    const res = await signIn(email, password, address);
    await res.arrayBuffer();
    out.push(res.status);
  }
  return out;
}

const wrong = (email: string, n: number, address: string): [string, string, string][] =>
  Array.from({ length: n }, (_, i) => [email, `wrong-${i}`, address] as [string, string, string]);

async function expectLimited(res: Response, retryAfter?: number) {
  expect(res.status).toBe(429);
  expect(res.headers.get('x-sb-error-code')).toBe('over_request_rate_limit');
  expect(res.headers.get('x-supabase-api-version')).toBe('2024-01-01');
  expect(await res.json()).toEqual({ code: 'over_request_rate_limit', message: 'Request rate limit reached' });
  const seconds = Number(res.headers.get('retry-after'));
  expect(Number.isInteger(seconds) && seconds >= 1).toBe(true);
  if (retryAfter !== undefined) expect(seconds).toBe(retryAfter);
}

describe('per-account limit (10 failed sign-ins in 15 minutes)', () => {
  it('answers the 11th wrong password with 429 and Retry-After, and refuses the right password too', async () => {
    const u = users[0];
    expect(await statuses(wrong(u.email, 10, '198.51.100.1'))).toEqual(Array(10).fill(400));
    await expectLimited(await signIn(u.email, 'wrong-again', '198.51.100.1'), 900);
    await expectLimited(await signIn(u.email, PASSWORD, '198.51.100.1'), 900);
    // supabase-js sees an AuthApiError with the status and GoTrue's code.
    const c = stack.client({ options: { global: { headers: { 'X-Forwarded-For': '198.51.100.1' } } } });
    const { data, error } = await c.auth.signInWithPassword({ email: u.email, password: PASSWORD });
    expect(error).toBeInstanceOf(AuthApiError);
    expect(error!.status).toBe(429);
    expect(error!.code).toBe('over_request_rate_limit');
    expect(data.session).toBeNull();
  });

  it('locks the account from every address and leaves other accounts alone, from any address', async () => {
    const [a, b] = users;
    await statuses(wrong(a.email, 10, '198.51.100.2'));
    await expectLimited(await signIn(a.email, PASSWORD, '203.0.113.9'));
    expect((await signIn(b.email, PASSWORD, '203.0.113.9')).status).toBe(200);
    expect((await signIn(b.email, PASSWORD, '198.51.100.2')).status).toBe(200);
  });

  it('counts the email in any letter case and unknown emails alike', async () => {
    const u = users[1];
    await statuses(wrong(u.email.toUpperCase(), 10, '198.51.100.3'));
    await expectLimited(await signIn(` ${u.email} `, PASSWORD, '198.51.100.4'));
    await statuses(wrong('nobody@example.test', 10, '198.51.100.3'));
    await expectLimited(await signIn('NOBODY@example.test', 'x', '198.51.100.4'));
  });

  it('signs in again once the window has passed', async () => {
    const u = users[2];
    await statuses(wrong(u.email, 10, '198.51.100.5'));
    advance(600);
    await expectLimited(await signIn(u.email, PASSWORD, '198.51.100.5'), 300);
    advance(299);
    await expectLimited(await signIn(u.email, PASSWORD, '198.51.100.5'), 1);
    advance(1);
    expect((await signIn(u.email, PASSWORD, '198.51.100.5')).status).toBe(200);
  });

  it('slides: a failure frees its place 15 minutes after it happened', async () => {
    const u = users[2];
    await statuses(wrong(u.email, 5, '198.51.100.6'));
    advance(600);
    await statuses(wrong(u.email, 5, '198.51.100.6'));
    await expectLimited(await signIn(u.email, PASSWORD, '198.51.100.6'), 300);
    advance(300); // the first five are out of the window, the last five still in it
    expect(await statuses(wrong(u.email, 5, '198.51.100.6'))).toEqual(Array(5).fill(400));
    await expectLimited(await signIn(u.email, PASSWORD, '198.51.100.6'), 600);
  });

  it('does not count successful sign-ins', async () => {
    const u = users[3];
    const rights = Array.from(
      { length: 25 },
      (_, i) => [u.email, PASSWORD, `192.0.2.${i + 1}`] as [string, string, string],
    );
    expect(await statuses(rights)).toEqual(Array(25).fill(200));
    expect(await statuses(wrong(u.email, 9, '198.51.100.7'))).toEqual(Array(9).fill(400));
    expect((await signIn(u.email, PASSWORD, '198.51.100.7')).status).toBe(200);
    expect((await signIn(u.email, 'wrong', '198.51.100.7')).status).toBe(400);
    await expectLimited(await signIn(u.email, PASSWORD, '198.51.100.7'));
  });

  it('counts parallel guesses before any of them fails', async () => {
    const u = users[4];
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        signIn(u.email, `guess-${i}`, `192.0.2.${100 + i}`).then(async (r) => (await r.arrayBuffer(), r.status)),
      ),
    );
    expect(results.filter((s) => s === 400)).toHaveLength(10);
    expect(results.filter((s) => s === 429)).toHaveLength(15);
  });

  it('lets an admin unlock the account by setting its password', async () => {
    const u = users[5];
    await statuses(wrong(u.email, 10, '198.51.100.8'));
    await expectLimited(await signIn(u.email, PASSWORD, '198.51.100.8'));
    const admin = stack.client({ key: stack.serviceKey });
    expect((await admin.auth.admin.updateUserById(u.id, { password: 'throttle-2023' })).error).toBeNull();
    expect((await signIn(u.email, 'throttle-2023', '198.51.100.8')).status).toBe(200);
    expect((await admin.auth.admin.updateUserById(u.id, { password: PASSWORD })).error).toBeNull();
  });
});

describe('per-address limit (GoTrue: a bucket of 30, 150 per 5 minutes)', () => {
  it('refuses the 31st /token request from one address across many accounts, right password or not', async () => {
    const tries = Array.from(
      { length: 30 },
      (_, i) => [`stranger-${i}@example.test`, 'x', '198.51.100.20'] as [string, string, string],
    );
    expect(await statuses(tries)).toEqual(Array(30).fill(400));
    await expectLimited(await signIn(COMMANDER, DEMO_PASSWORD, '198.51.100.20'), 2);
    // Refresh grants come out of the same bucket, as in GoTrue.
    await expectLimited(
      await post('/token?grant_type=refresh_token', { refresh_token: 'whatever' }, '198.51.100.20'),
      2,
    );
    // Another address is not affected.
    expect((await signIn(COMMANDER, DEMO_PASSWORD, '198.51.100.21')).status).toBe(200);
    // 150 per 5 minutes: one more request every 2 seconds.
    advance(2);
    expect((await signIn(COMMANDER, DEMO_PASSWORD, '198.51.100.20')).status).toBe(200);
    await expectLimited(await signIn(COMMANDER, DEMO_PASSWORD, '198.51.100.20'), 2);
    advance(60);
    expect(await statuses(Array(30).fill([COMMANDER, DEMO_PASSWORD, '198.51.100.20']))).toEqual([
      ...Array(30).fill(200),
    ]);
  });

  it('counts successful sign-ins too, like GoTrue', async () => {
    expect(await statuses(Array(30).fill([COMMANDER, DEMO_PASSWORD, '198.51.100.22']))).toEqual(Array(30).fill(200));
    await expectLimited(await signIn(COMMANDER, DEMO_PASSWORD, '198.51.100.22'));
  });

  it('uses the last X-Forwarded-For entry (the one the trusted proxy added)', async () => {
    const tries = Array.from(
      { length: 30 },
      (_, i) => [`forged-${i}@example.test`, 'x', `10.0.0.${i}, 198.51.100.23`] as [string, string, string],
    );
    expect(await statuses(tries)).toEqual(Array(30).fill(400));
    await expectLimited(await signIn(COMMANDER, DEMO_PASSWORD, '10.9.9.9, 198.51.100.23'));
  });

  it('ignores X-Forwarded-For unless a header is configured: then the socket address counts', async () => {
    stack.ctx.config.auth.rateLimitHeader = null;
    try {
      const tries = Array.from(
        { length: 30 },
        (_, i) => [`spoof-${i}@example.test`, 'x', `198.51.100.${100 + i}`] as [string, string, string],
      );
      expect(await statuses(tries)).toEqual(Array(30).fill(400));
      await expectLimited(await signIn(COMMANDER, DEMO_PASSWORD, '198.51.100.250'));
    } finally {
      stack.ctx.config.auth.rateLimitHeader = 'x-forwarded-for';
    }
  });

  // Any 127.x address reaches the loopback listener on Linux; other systems may lack 127.0.0.2.
  it.runIf(process.platform === 'linux')('keeps apart clients on different socket addresses', async () => {
    stack.ctx.config.auth.rateLimitHeader = null;
    try {
      const from = (localAddress: string) =>
        new Promise<number>((resolve, reject) => {
          const { hostname, port } = new URL(stack.url);
          const req = request(
            {
              host: hostname,
              port,
              localAddress,
              method: 'POST',
              path: '/auth/v1/token?grant_type=password',
              headers: { apikey: stack.anonKey, 'Content-Type': 'application/json' },
            },
            (res) => (res.resume(), res.on('end', () => resolve(res.statusCode ?? 0))),
          );
          req.on('error', reject);
          req.end(JSON.stringify({ email: COMMANDER, password: DEMO_PASSWORD }));
        });
      for (let i = 0; i < 30; i++) expect(await from('127.0.0.3')).toBe(200);
      expect(await from('127.0.0.3')).toBe(429);
      expect(await from('127.0.0.4')).toBe(200);
    } finally {
      stack.ctx.config.auth.rateLimitHeader = 'x-forwarded-for';
    }
  });
});

describe('sign-up', () => {
  it("is refused by default with GoTrue's signup_disabled (422), while the admin API still creates users", async () => {
    const { data, error } = await stack.client().auth.signUp({ email: 'walk-in@example.test', password: 'secret123' });
    expect(error).toBeInstanceOf(AuthApiError);
    expect(error!.status).toBe(422);
    expect(error!.code).toBe('signup_disabled');
    expect(error!.message).toBe('Signups not allowed for this instance');
    expect(data.session).toBeNull();
    const raw = await post('/signup', { email: 'walk-in@example.test', password: 'secret123' }, '198.51.100.30');
    expect(raw.status).toBe(422);
    expect(await raw.json()).toEqual({ code: 'signup_disabled', message: 'Signups not allowed for this instance' });
    const settings = await fetch(`${stack.url}/auth/v1/settings`, { headers: { apikey: stack.anonKey } });
    expect((await settings.json()).disable_signup).toBe(true);
    expect(
      (await stack.ctx.db.query('select 1 from auth.users where email = $1', ['walk-in@example.test'])).rows,
    ).toHaveLength(0);
    const id = await createUser(stack, 'made-by-admin@example.test', 'secret123');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await signIn('made-by-admin@example.test', 'secret123', '198.51.100.31')).status).toBe(200);
  });

  it('is allowed when the stack is configured with it', async () => {
    stack.ctx.config.auth.signupEnabled = true;
    try {
      const { data, error } = await stack.client().auth.signUp({ email: 'opened@example.test', password: 'secret123' });
      expect(error).toBeNull();
      expect(data.session?.access_token).toBeTruthy();
    } finally {
      stack.ctx.config.auth.signupEnabled = false;
    }
  });

  it('is limited per address (GoTrue: 30 per 5 minutes), before the signup_disabled answer', async () => {
    const tries: number[] = [];
    for (let i = 0; i < 30; i++) {
      const res = await post('/signup', { email: `burst-${i}@example.test`, password: 'secret123' }, '198.51.100.32');
      await res.arrayBuffer();
      tries.push(res.status);
    }
    expect(tries).toEqual(Array(30).fill(422));
    await expectLimited(
      await post('/signup', { email: 'burst-x@example.test', password: 'secret123' }, '198.51.100.32'),
      10,
    );
  });
});
