import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toRestError } from '../../supabase/local/rest/errors.ts';
import { startRestStack, type RestStack } from '../fixtures/rest/rest-stack.ts';

// Hostile and broken requests: each gets a clear 4xx in PostgREST's error shape, nothing is
// written, and the server keeps serving.
let stack: RestStack;

beforeAll(async () => {
  stack = await startRestStack();
  const { error } = await stack.admin.from('todos').insert([{ title: 'keep-1' }, { title: 'keep-2' }]);
  expect(error).toBeNull();
});

afterAll(async () => {
  await stack?.stop();
});

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function call(path: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(`${stack.url}/rest/v1${path}`, {
    ...init,
    headers: { apikey: stack.keys.serviceKey, 'Content-Type': 'application/json', ...(init.headers as Record<string, string>) },
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {} };
}

async function counts(): Promise<{ todos: number; areas: number }> {
  const r = await stack.db.query<{ todos: number; areas: number }>(
    'select (select count(*) from public.todos)::int as todos, (select count(*) from public.areas)::int as areas',
  );
  return r.rows[0];
}

function expectError(a: Answer, status: number, code: string) {
  expect(a.status).toBe(status);
  expect(Object.keys(a.body).sort()).toEqual(['code', 'details', 'hint', 'message']);
  expect(a.body.code).toBe(code);
  expect(String(a.body.message)).not.toMatch(/\n\s+at /);
}

describe('REST rejects bad input without writing anything', () => {
  let before: { todos: number; areas: number };
  beforeAll(async () => {
    before = await counts();
  });
  afterAll(async () => {
    expect(await counts()).toEqual(before);
    const { data, error } = await stack.anon.from('todos').select('title').like('title', 'keep-%').order('title');
    expect(error).toBeNull();
    expect(data).toEqual([{ title: 'keep-1' }, { title: 'keep-2' }]);
  });

  it('malformed and empty JSON bodies are 400 PGRST102', async () => {
    expectError(await call('/todos', { method: 'POST', body: '{"title": ' }), 400, 'PGRST102');
    expectError(await call('/todos', { method: 'POST', body: '' }), 400, 'PGRST102');
    expectError(await call('/todos', { method: 'POST', body: '[1, 2]' }), 400, 'PGRST102');
    expectError(await call('/todos?id=eq.1', { method: 'PATCH', body: '[{"title":"x"}]' }), 400, 'PGRST102');
  });

  it('unknown tables, columns and payload keys', async () => {
    expectError(await call('/nope'), 404, 'PGRST205');
    expectError(await call('/todos?select=id,nope'), 400, '42703');
    expectError(await call('/todos?nope=eq.1'), 400, '42703');
    expectError(await call('/todos?order=nope.desc'), 400, '42703');
    expectError(await call('/todos', { method: 'POST', body: '{"nope": 1}' }), 400, 'PGRST204');
    expectError(await call('/todos?columns=title,nope', { method: 'POST', body: '[{"title":"x"}]' }), 400, 'PGRST204');
    expectError(await call('/todos?id=eq.1', { method: 'PATCH', body: '{"nope": 1}' }), 400, 'PGRST204');
    expectError(await call('/todos?on_conflict=nope', { method: 'POST', body: '{"title":"x"}', headers: { Prefer: 'resolution=merge-duplicates' } }), 400, 'PGRST204');
  });

  it('unsupported syntax is 400 PGRST100, never a guess', async () => {
    expectError(await call('/todos?id=equals.1'), 400, 'PGRST100');
    expectError(await call('/todos?or=(id.eq.1'), 400, 'PGRST100');
    expectError(await call('/todos?id=in.(1,2'), 400, 'PGRST100');
    expectError(await call('/todos?select=...todos'), 400, 'PGRST100');
    expectError(await call('/todos?select=count()'), 400, 'PGRST100');
    expectError(await call('/todos?done=is.maybe'), 400, 'PGRST100');
    expectError(await call('/todos?limit=ten'), 400, 'PGRST100');
    expectError(await call('/todos?order=id.sideways'), 400, 'PGRST100');
  });

  it('SQL in filter values is only ever a value', async () => {
    for (const value of [`x'; drop table todos; --`, `1 or 1=1`, `keep-1' or '1'='1`, `$1`, `\\'); delete from todos; --`]) {
      const a = await call(`/todos?select=title&title=eq.${encodeURIComponent(value)}`);
      expect(a.status).toBe(200);
      expect(a.body).toEqual([]);
    }
    const list = await call(`/todos?select=title&title=in.(${encodeURIComponent(`"a\\"); drop table todos; --",keep-1`)})`);
    expect(list.body).toEqual([{ title: 'keep-1' }]);
    const tree = await call(`/todos?select=title&or=(${encodeURIComponent(`title.eq."x') or true --",title.eq.keep-2`)})`);
    expect(tree.body).toEqual([{ title: 'keep-2' }]);
    const jsonKey = await call(`/todos?select=title&meta->>${encodeURIComponent(`"k' or 1=1 --"`)}=eq.1`);
    expect(jsonKey.body).toEqual([]);
    const typed = await call(`/todos?id=eq.${encodeURIComponent('1; drop table todos')}`);
    expectError(typed, 400, '22P02');
  });

  it('SQL in select, order, filter keys, columns and payload keys is rejected', async () => {
    const attempts = [
      `/todos?select=${encodeURIComponent('id,title);drop table todos;--')}`,
      `/todos?select=${encodeURIComponent('"id"";drop table todos;--"')}`,
      `/todos?select=${encodeURIComponent('id::text;drop table todos')}`,
      `/todos?select=${encodeURIComponent('id::pg_sleep(1)')}`,
      `/todos?order=${encodeURIComponent('id;delete from todos')}`,
      `/todos?order=${encodeURIComponent('(select 1)')}`,
      `/todos?${encodeURIComponent('id);delete from todos;--')}=eq.1`,
      `/todos?${encodeURIComponent("meta->>k'||pg_sleep(1)")}=eq.1`,
    ];
    for (const path of attempts) {
      const a = await call(path);
      expect(a.status, path).toBeGreaterThanOrEqual(400);
      expect(a.status, path).toBeLessThan(500);
    }
    const quotedName = await call(`/todos?select=${encodeURIComponent('"title\\"; drop table todos; --"')}`);
    expectError(quotedName, 400, '42703');
    expectError(await call(`/todos?columns=${encodeURIComponent('"title); drop table todos; --"')}`, { method: 'POST', body: '[{"title":"x"}]' }), 400, 'PGRST204');
    expectError(await call('/todos', { method: 'POST', body: JSON.stringify({ 'title") values (1); drop table todos; --': 'x' }) }), 400, 'PGRST204');
    expectError(await call(`/${encodeURIComponent('todos; drop table todos')}`), 404, 'PGRST205');
  });

  it('invalid, self-intersecting, wrongly typed and wrong-SRID geometry is 400 before PostGIS', async () => {
    const square = [[[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]];
    const bowtie = [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]];
    const post = (geom: unknown) => call('/areas', { method: 'POST', body: JSON.stringify({ name: 'bad', geom }) });
    const cases: [string, unknown, RegExp][] = [
      ['no coordinates', { type: 'MultiPolygon' }, /coordinates/],
      ['not a geometry type', { type: 'Feature', geometry: { type: 'MultiPolygon', coordinates: [square] } }, /not a GeoJSON geometry/],
      ['open ring', { type: 'MultiPolygon', coordinates: [[[[0, 0], [0, 1], [1, 1], [1, 0]]]] }, /closed|at least 4/],
      ['text coordinates', { type: 'MultiPolygon', coordinates: [[[['0', '0'], [0, 1], [1, 1], [0, 0]]]] }, /finite numbers/],
      ['self-intersecting', { type: 'MultiPolygon', coordinates: [bowtie] }, /Self-intersection/],
      ['wrong type', { type: 'Polygon', coordinates: square }, /does not fit a MultiPolygon/],
      ['wrong SRID in crs', { type: 'MultiPolygon', crs: { type: 'name', properties: { name: 'EPSG:3857' } }, coordinates: [square] }, /3857/],
      ['out of range', { type: 'MultiPolygon', coordinates: [[[[0, 0], [0, 100], [1, 1], [0, 0]]]] }, /range/],
      ['wrong SRID in EWKT', 'SRID=3857;MULTIPOLYGON(((0 0,0 1,1 1,0 0)))', /3857/],
      ['broken WKT', 'MULTIPOLYGON(((0 0, 1', /parse error/],
      ['self-intersecting WKT', 'MULTIPOLYGON(((0 0,1 1,1 0,0 1,0 0)))', /Self-intersection/],
    ];
    for (const [label, geom, message] of cases) {
      const a = await post(geom);
      expect(a.status, label).toBe(400);
      expect(String(a.body.message), label).toMatch(message);
    }
    const patch = await call('/areas?id=eq.x', { method: 'PATCH', body: JSON.stringify({ geom: { type: 'MultiPolygon', coordinates: [bowtie] } }) });
    expect(patch.status).toBe(400);
    const rpc = await call('/rpc/area_of', { method: 'POST', body: JSON.stringify({ g: { type: 'Polygon', coordinates: bowtie } }) });
    expect(rpc.status).toBe(400);
    expect(String(rpc.body.message)).toMatch(/Self-intersection/);
    const fine = await call('/rpc/area_of', { method: 'POST', body: JSON.stringify({ g: { type: 'Polygon', coordinates: square } }) });
    expect(fine).toEqual({ status: 200, body: 1 });
  });

  it('values Postgres cannot parse or take are 4xx with its SQLSTATE, never a 500', async () => {
    expectError(await call('/roads?select=id&oneway=eq.x&limit=1'), 400, '22P02');
    expectError(await call('/todos?done=eq.x'), 400, '22P02');
    expectError(await call('/todos?done=in.(true,x)'), 400, '22P02');
    expectError(await call('/rpc/nearest_sites?lng=120.9&lat=31.9&kind=depot&open_only=x'), 400, '22P02');
    expectError(await call('/roads?name=eq.a%00b&limit=1'), 400, '22021');
    // Pseudo-types are no output type: refused before Postgres fails on them as an internal error.
    for (const type of ['unknown', 'record', 'anyelement']) {
      const a = await call(`/roads?select=name::${type}&limit=1`);
      expectError(a, 400, '42846');
      expect(a.body.message).toBe(`cannot cast to type ${type}: it is a pseudo-type`);
    }
    // With PostGIS, `&&` on text reads the value as a geometry: GeoJSON that does not parse.
    const overlap = await call('/zones?district=ov.{1,2}');
    expectError(overlap, 400, 'XX000');
    expect(overlap.body.message).toBe('quoted object property name expected (at offset 1)');
    const antipodal = await call('/rpc/zone_impact', {
      method: 'POST',
      body: JSON.stringify({ geom: { type: 'Polygon', coordinates: [[[0, 0], [180, 0], [0, 10], [0, 0]]] } }),
    });
    expectError(antipodal, 400, 'XX000');
    expect(antipodal.body.message).toBe('Antipodal (180 degrees long) edge detected!');
    expect((await call('/roads?select=id&oneway=eq.true&limit=1')).status).toBe(200);
  });

  it('Auth answers an email or metadata holding a NUL with 400, never a 500', async () => {
    const auth = async (path: string, body: unknown, bearer?: string) => {
      const res = await fetch(`${stack.url}/auth/v1${path}`, {
        method: 'POST',
        headers: { apikey: stack.keys.anonKey, 'Content-Type': 'application/json', ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}) },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    expect(await auth('/token?grant_type=password', { email: 'commander\u0000@demo.local', password: 'nantong-2022' })).toEqual({
      status: 400,
      body: { code: 'invalid_credentials', message: 'Invalid login credentials' },
    });
    const admin = stack.keys.serviceKey;
    expect(await auth('/admin/users', { email: 'nul\u0000@demo.local', password: 'secret-1' }, admin)).toEqual({
      status: 400,
      body: { code: 'validation_failed', message: 'Unable to validate email address: invalid format' },
    });
    const metadata = await auth('/admin/users', { email: 'nul-metadata@demo.local', password: 'secret-1', user_metadata: { note: 'a\u0000b' } }, admin);
    expect(metadata).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
    const made = await stack.db.query("select 1 from auth.users where email like 'nul%'");
    expect(made.rows).toEqual([]);
  });

  it('errors about stored data never carry a file path of the data folder', () => {
    const cases: [string, string][] = [
      ['XX001', 'invalid page in block 0 of relation "base/5/17890"'],
      ['XX001', 'could not read block 3 in file "base/5/17890": read only 0 of 8192 bytes'],
      ['XX002', 'index "zones_pkey" contains unexpected zero page at block 0'],
      ['58P01', 'could not open file "base/5/17890": No such file or directory'],
      ['42501', 'could not open file "base/5/17890": Permission denied'],
    ];
    for (const [code, message] of cases) {
      for (const anon of [true, false]) {
        const e = toRestError(Object.assign(new Error(message), { code, detail: 'base/5/17890', hint: 'see base/5/17890' }), anon);
        expect(e.status, message).toBe(500);
        expect(e.body()).toEqual({ code, details: null, hint: null, message: 'The database could not read stored data (the server log says more)' });
      }
    }
  });

  it('a 20 MB body is refused with 413 and the server keeps serving', async () => {
    const huge = JSON.stringify([{ title: 'x'.repeat(20 * 1024 * 1024) }]);
    const a = await call('/todos', { method: 'POST', body: huge });
    expect(a.status).toBe(413);
    expect(Object.keys(a.body).sort()).toEqual(['code', 'details', 'hint', 'message']);
    const after = await call('/todos?select=title&title=eq.keep-1');
    expect(after).toEqual({ status: 200, body: [{ title: 'keep-1' }] });
  });

  it('a write that fails the single-object check is rolled back', async () => {
    const a = await call('/todos?title=like.keep-*', {
      method: 'PATCH',
      body: '{"done": true}',
      headers: { Accept: 'application/vnd.pgrst.object+json', Prefer: 'return=representation' },
    });
    expectError(a, 406, 'PGRST116');
    const { data } = await stack.anon.from('todos').select('done').like('title', 'keep-%');
    expect(data!.every((r) => r.done === false)).toBe(true);
  });

  it('concurrent good and failing requests each get their own answer', async () => {
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        i % 3 === 0
          ? call('/todos?select=title&title=eq.keep-1')
          : i % 3 === 1
            ? call('/todos', { method: 'POST', body: '{"title": ' })
            : call('/areas', { method: 'POST', body: JSON.stringify({ name: 'bad', geom: 'MULTIPOLYGON(((0 0,1 1,1 0,0 1,0 0)))' }) }),
      ),
    );
    answers.forEach((a, i) => expect(a.status).toBe([200, 400, 400][i % 3]));
  });

  it('unsupported Accept types are 406 PGRST107; read-only GET cannot write', async () => {
    expectError(await call('/todos', { headers: { Accept: 'text/html' } }), 406, 'PGRST107');
    expectError(await call('/rpc/new_depot?depot_id=x&depot_name=y'), 405, '25006');
  });
});
