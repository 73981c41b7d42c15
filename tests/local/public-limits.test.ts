import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lane } from '../../supabase/local/db.ts';
import { MAX_JSON_DEPTH } from '../../supabase/local/http/body.ts';
import { PUBLIC_MAX_VERTICES } from '../../supabase/local/rest/payload.ts';
import { COMMANDER, DEMO_PASSWORD, startTestStack, type TestStack } from '../helpers/stack.ts';

// What the public can make the database do (docs/database.md, "Limits and the public RPCs"):
// which RPCs anon may call, statement time limits per role, geometry size for anon, the JSON
// depth limit, and the fair queue between the public and staff. On PGlite and PostgreSQL.

/** The functions of the API schema that anon may execute, and why (docs/database.md). */
const PUBLIC_FUNCTIONS = [
  'app_role', // called by RLS policies as the querying role
  'is_staff', // idem
  'nearest_sites', // the nearest open testing site (src/services/nearest-testing.ts)
  'zones_at_point', // which zones hold a place
];

let stack: TestStack;
let commanderToken: string;

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

/** A closed ring of n vertices around (121, 32), as a GeoJSON Polygon. */
function polygon(n: number) {
  const ring: [number, number][] = [];
  for (let i = 0; i < n - 1; i++) {
    const a = (2 * Math.PI * i) / (n - 1);
    ring.push([121 + 0.01 * Math.cos(a), 32 + 0.01 * Math.sin(a)]);
  }
  ring.push(ring[0]);
  return { type: 'Polygon', coordinates: [ring] };
}

function rest(
  path: string,
  init: { method?: string; token?: string; key?: string; body?: string; headers?: Record<string, string> } = {},
) {
  const key = init.key ?? stack.anonKey;
  return fetch(`${stack.url}/rest/v1${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      apikey: key,
      Authorization: `Bearer ${init.token ?? key}`,
      'Content-Type': 'application/json',
      ...init.headers,
    },
    body: init.body,
  });
}

const rpc = (name: string, args: unknown, token?: string) =>
  rest(`/rpc/${name}`, { body: JSON.stringify(args), token });

beforeAll(async () => {
  stack = await startTestStack();
  const commander = await stack.signIn(COMMANDER, DEMO_PASSWORD);
  commanderToken = (await commander.auth.getSession()).data.session!.access_token;
  await stack.ctx.db.exec(`
    create function public.limits_sleep(seconds float8) returns integer language sql volatile
      as $$ select pg_sleep(seconds); select 1 $$;
    revoke all on function public.limits_sleep(float8) from public;
    grant execute on function public.limits_sleep(float8) to anon, authenticated;
    create table public.limits_notes (id integer primary key, doc jsonb);
    revoke all on table public.limits_notes from anon, authenticated;
    notify pgrst, 'reload schema';
  `);
});

afterAll(async () => {
  await stack?.stop();
});

describe('RPCs the public may call', () => {
  it('anon can execute exactly the public functions of the API schema', async () => {
    const { rows } = await stack.ctx.db.query<{ name: string }>(
      `select p.proname as name from pg_proc p
        where p.pronamespace = 'public'::regnamespace and p.proname <> 'limits_sleep'
          and has_function_privilege('anon', p.oid, 'execute')
        order by 1`,
    );
    expect(rows.map((r) => r.name)).toEqual(PUBLIC_FUNCTIONS);
  });

  it('anon calling a staff RPC is refused (401 42501), and learns nothing of the zone', async () => {
    const { rows } = await stack.ctx.db.query<{ id: string; version: number }>(
      'select id, version from zones order by id limit 1',
    );
    const res = await rpc('save_zone', { id: rows[0].id, expected_version: rows[0].version + 7, patch: { name: 'x' } });
    expect(res.status).toBe(401);
    const body = await res.json();
    expect(body.code).toBe('42501');
    expect(JSON.stringify(body)).not.toContain('current_version');
  });

  it('zone_impact is a staff tool: anon 401, a commander gets the figures', async () => {
    const anon = await rpc('zone_impact', { geom: polygon(40) });
    expect(anon.status).toBe(401);
    expect((await anon.json()).code).toBe('42501');
    const staff = await rpc('zone_impact', { geom: polygon(40) }, commanderToken);
    expect(staff.status).toBe(200);
    expect(await staff.json()).toHaveProperty('households');
  });

  it('the public RPCs answer anon', async () => {
    expect((await rpc('zones_at_point', { lng: 121, lat: 32 })).status).toBe(200);
    const nearest = await rpc('nearest_sites', {
      lng: 121,
      lat: 32,
      kind: 'testing_site',
      max_count: 3,
      open_only: true,
    });
    expect(nearest.status).toBe(200);
  });
});

describe('geometry size for anon', () => {
  it(`refuses more than ${PUBLIC_MAX_VERTICES} vertices from anon before the database sees them (400 54000)`, async () => {
    const restarts = (stack.ctx.db as { restarts?: number }).restarts;
    const res = await rpc('zone_impact', { geom: polygon(150_000) });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      code: '54000',
      details: null,
      hint: expect.any(String),
      message: expect.stringContaining('150000 vertices'),
    });
    const wkt = `SRID=4326;LINESTRING(${Array.from({ length: PUBLIC_MAX_VERTICES + 1 }, (_, i) => `${i} 0`).join(',')})`;
    expect((await rpc('nearest_sites', { lng: 121, lat: 32, kind: 'testing_site', junk: wkt })).status).toBe(400);
    expect((stack.ctx.db as { restarts?: number }).restarts).toBe(restarts);
  });

  it('staff are not held to it', async () => {
    const res = await rpc('zone_impact', { geom: polygon(PUBLIC_MAX_VERTICES + 500) }, commanderToken);
    expect(res.status).toBe(200);
  });
});

describe('statement time limits per role', () => {
  it("are Supabase's: anon 3 s, authenticated 8 s", async () => {
    const { rows } = await stack.ctx.db.query<{ role: string; setting: string }>(
      `select r.rolname as role, c.setting from pg_db_role_setting s join pg_roles r on r.oid = s.setrole,
              unnest(s.setconfig) as c(setting)
        where r.rolname in ('anon', 'authenticated') and c.setting like 'statement_timeout=%' order by 1`,
    );
    expect(rows).toEqual([
      { role: 'anon', setting: 'statement_timeout=3s' },
      { role: 'authenticated', setting: 'statement_timeout=8s' },
    ]);
  });

  it('ends an anonymous statement after 3 s (57014); a commander may run the same one for 4 s', async () => {
    expect((await rpc('limits_sleep', { seconds: 0.05 })).status).toBe(200);
    const anon = await rpc('limits_sleep', { seconds: 4 });
    expect(anon.status).toBe(500);
    expect((await anon.json()).code).toBe('57014');
    const staff = await rpc('limits_sleep', { seconds: 4 }, commanderToken);
    expect(staff.status).toBe(200);
    expect((await rpc('limits_sleep', { seconds: 0.05 })).status).toBe(200);
  });
});

describe('fair queue', () => {
  it("serves a commander's request before a backlog of anonymous ones drains (order of completion)", async () => {
    const db = stack.ctx.db as unknown as { waiting: Record<Lane, number> };
    // Warm the caches (schema, roles) so that queued requests wait only for the connection.
    expect((await rpc('limits_sleep', { seconds: 0 })).status).toBe(200);
    expect((await rpc('limits_sleep', { seconds: 0 }, commanderToken)).status).toBe(200);
    const ANON = 30;
    const done: string[] = [];
    const anon = Array.from({ length: ANON }, (_, i) =>
      rpc('limits_sleep', { seconds: 0.15 }).then(async (r) => {
        await r.arrayBuffer();
        done.push(`anon${i}`);
        return r.status;
      }),
    );
    // Until a backlog waits for the connection (PGlite: one; PostgreSQL: a pool of ten).
    await expect.poll(() => db.waiting.public, { timeout: 30_000, interval: 20 }).toBeGreaterThanOrEqual(15);
    const staff = rpc('limits_sleep', { seconds: 0 }, commanderToken).then(async (r) => {
      await r.arrayBuffer();
      done.push('commander');
      return r.status;
    });
    expect(await staff).toBe(200);
    expect(await Promise.all(anon)).toEqual(Array(ANON).fill(200));
    const at = done.indexOf('commander');
    // Anonymous requests still unserved when the commander's was answered.
    expect(done.length - 1 - at).toBeGreaterThanOrEqual(10);
  });
});

describe('JSON depth', () => {
  const doc = (depth: number) => `{"id": ${depth}, "doc": ${nested(depth - 1)}}`;

  it(`accepts a body ${MAX_JSON_DEPTH} deep and refuses one deeper with PostgREST's 400`, async () => {
    const ok = await rest('/limits_notes', { key: stack.serviceKey, body: doc(MAX_JSON_DEPTH) });
    expect(ok.status).toBe(201);
    const deep = await rest('/limits_notes', { key: stack.serviceKey, body: doc(MAX_JSON_DEPTH + 1) });
    expect(deep.status).toBe(400);
    expect(await deep.json()).toEqual({
      code: 'PGRST102',
      details: `The JSON body nests deeper than the limit of ${MAX_JSON_DEPTH} levels`,
      hint: null,
      message: 'Empty or invalid json',
    });
    // Brackets inside strings do not count.
    const quoted = await rest('/limits_notes', {
      key: stack.serviceKey,
      body: `{"id": 1, "doc": ${JSON.stringify(nested(500))}}`,
    });
    expect(quoted.status).toBe(201);
  });

  it("refuses it on Auth with GoTrue's 400 and on Realtime's broadcast endpoint", async () => {
    const auth = await fetch(`${stack.url}/auth/v1/token?grant_type=password`, {
      method: 'POST',
      headers: { apikey: stack.anonKey, 'Content-Type': 'application/json' },
      body: `{"email": "a@b.c", "password": "x", "x": ${nested(5000)}}`,
    });
    expect(auth.status).toBe(400);
    expect(await auth.json()).toMatchObject({
      code: 'bad_json',
      message: expect.stringContaining('deeper than the limit'),
    });
    const broadcast = await fetch(`${stack.url}/realtime/v1/api/broadcast`, {
      method: 'POST',
      headers: { apikey: stack.anonKey, 'Content-Type': 'application/json' },
      body: `{"messages": [{"topic": "t", "event": "e", "payload": ${nested(5000)}}]}`,
    });
    expect(broadcast.status).toBe(400);
  });
});
