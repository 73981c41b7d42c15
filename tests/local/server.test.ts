import { readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/template.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ auth: { signupEnabled: true } });
});
afterAll(() => stack?.stop());

const health = () => fetch(`${stack.url}/auth/v1/health`, { headers: { apikey: stack.anonKey } });

/** Sends bytes as they are (fetch would normalise the path or refuse bad requests) and returns the reply. */
function raw(request: string): Promise<string> {
  return new Promise((done, fail) => {
    const { port, hostname } = new URL(stack.url);
    const socket = connect(Number(port), hostname, () => socket.end(request));
    let reply = '';
    socket.on('data', (d) => (reply += d.toString('latin1')));
    socket.on('end', () => done(reply));
    socket.on('error', fail);
  });
}

describe('gateway', () => {
  it('answers a request without an API key with 401 "No API key found in request"', async () => {
    const res = await fetch(`${stack.url}/rest/v1/zones`);
    expect(res.status).toBe(401);
    expect((await res.json()).message).toBe('No API key found in request');
  });

  it('answers a wrong API key with 401 "Invalid API key"', async () => {
    const res = await fetch(`${stack.url}/auth/v1/health`, { headers: { apikey: 'eyJhbGciOiJIUzI1NiJ9.e30.AAAA' } });
    expect(res.status).toBe(401);
    expect((await res.json()).message).toBe('Invalid API key');
  });

  it('accepts the key as an `apikey` query parameter', async () => {
    const res = await fetch(`${stack.url}/auth/v1/health?apikey=${stack.anonKey}`);
    expect(res.status).toBe(200);
  });

  it('accepts a request that carries only a valid bearer token', async () => {
    const res = await fetch(`${stack.url}/auth/v1/health`, { headers: { Authorization: `Bearer ${stack.serviceKey}` } });
    expect(res.status).toBe(200);
  });

  it('answers a path outside the API with a JSON 404 when no app is served', async () => {
    const res = await fetch(`${stack.url}/nowhere`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
  });
});

describe('CORS', () => {
  it('answers a preflight without an API key and allows the requested headers', async () => {
    const res = await fetch(`${stack.url}/rest/v1/zones`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'PATCH', 'Access-Control-Request-Headers': 'apikey, authorization, prefer' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(res.headers.get('access-control-allow-methods')).toContain('PATCH');
    expect(res.headers.get('access-control-allow-headers')).toBe('apikey, authorization, prefer');
  });

  it('adds Access-Control-Allow-Origin to error responses too', async () => {
    const res = await fetch(`${stack.url}/rest/v1/zones`, { headers: { Origin: 'http://localhost:5173' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(res.headers.get('access-control-expose-headers')).toContain('Content-Range');
  });
});

describe('bad input', () => {
  const signup = (body: BodyInit, headers: Record<string, string> = {}) =>
    fetch(`${stack.url}/auth/v1/signup`, { method: 'POST', body, headers: { apikey: stack.anonKey, 'Content-Type': 'application/json', ...headers }, duplex: 'half' } as RequestInit);

  it('answers a body over 10 MB with a JSON 413 and keeps serving', async () => {
    const res = await signup(JSON.stringify({ email: 'big@example.com', password: 'x'.repeat(11 * 1024 * 1024) }));
    expect(res.status).toBe(413);
    expect((await res.json()).message).toMatch(/larger than the limit/);
    expect((await health()).status).toBe(200);
  });

  it('answers an oversized streamed body (no Content-Length) with 413', async () => {
    const chunk = new Uint8Array(1024 * 1024).fill(32);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent++ < 12) c.enqueue(chunk);
        else c.close();
      },
    });
    const res = await signup(body as unknown as BodyInit);
    expect(res.status).toBe(413);
    expect((await health()).status).toBe(200);
  });

  it('answers an oversized Realtime HTTP broadcast with a JSON 413 and keeps serving', async () => {
    const res = await fetch(`${stack.url}/realtime/v1/api/broadcast`, {
      method: 'POST',
      headers: { apikey: stack.anonKey, 'Content-Type': 'application/json' },
      body: JSON.stringify({ messages: [{ topic: 'r', event: 'e', payload: { x: 'x'.repeat(11 * 1024 * 1024) } }] }),
    });
    expect(res.status).toBe(413);
    expect((await res.json()).error).toMatch(/larger than the limit/);
    expect((await health()).status).toBe(200);
  });

  it('answers malformed JSON with 400 and no stack trace', async () => {
    const res = await signup('{"email": "a@b.co", "password": ');
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(JSON.parse(text).code).toBe('bad_json');
    expect(text).not.toMatch(/\n\s+at /);
    expect(text).not.toContain('node_modules');
  });

  it('answers a JSON body that is not an object with 400', async () => {
    const res = await signup('[1,2,3]');
    expect(res.status).toBe(400);
  });

  it('answers a malformed HTTP request with 400 and keeps serving', async () => {
    const reply = await raw('GET / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n');
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect((await health()).status).toBe(200);
  });

  it('keeps serving after a burst of garbage requests', async () => {
    const junk = ['\0\0\0', 'POST /auth/v1/token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 'GET /%%%% HTTP/1.1\r\nHost: x\r\n\r\n'];
    await Promise.all(junk.map((j) => raw(j).catch(() => '')));
    expect((await health()).status).toBe(200);
  });
});

describe('database lifecycle', () => {
  it('records every migration in supabase_migrations.schema_migrations', async () => {
    const files = readdirSync(`${ROOT}/supabase/migrations`)
      .filter((f) => /^\d+_.+\.sql$/.test(f))
      .map((f) => f.split('_')[0])
      .sort();
    const r = await stack.ctx.db.query<{ version: string }>('select version from supabase_migrations.schema_migrations order by version');
    expect(r.rows.map((x) => x.version)).toEqual(files);
  });

  it('keeps users and sessions across a restart', async () => {
    const c = stack.client();
    const signUp = await c.auth.signUp({ email: 'restart@example.com', password: 'secret123' });
    expect(signUp.error).toBeNull();
    const refresh = signUp.data.session!.refresh_token;
    await stack.restart();
    expect((await stack.ctx.db.query('select 1 from auth.users where email = $1', ['restart@example.com'])).rows).toHaveLength(1);
    const signIn = await stack.client().auth.signInWithPassword({ email: 'restart@example.com', password: 'secret123' });
    expect(signIn.error).toBeNull();
    const refreshed = await stack.client().auth.refreshSession({ refresh_token: refresh });
    expect(refreshed.error).toBeNull();
  });
});
