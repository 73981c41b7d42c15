import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startRestStack, type RestStack } from '../fixtures/rest/rest-stack.ts';

// supabase-compat.md section E, REST items 1-22, driven through the unmodified supabase-js client.
let stack: RestStack;
const ids: number[] = [];
const tag = () => `t-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  stack = await startRestStack();
  const { data, error } = await stack.admin
    .from('todos')
    .insert([
      {
        title: 'alpha',
        done: false,
        tags: ['x', 'y'],
        meta: { k: 1 },
        amount: 12.5,
        big: 9007199254740991,
        due: '2022-04-01T08:00:00+08:00',
      },
      { title: 'beta', done: true, tags: ['y'], meta: { k: 2 } },
      { title: 'gamma', done: null, tags: ['z'], meta: { k: 1, j: 2 } },
      { title: null, done: false },
      { title: 'a,b', done: true },
    ])
    .select('id');
  expect(error).toBeNull();
  ids.push(...data!.map((r) => r.id as number));
});

afterAll(async () => {
  await stack?.stop();
});

const seeded = () => stack.anon.from('todos').select('*').in('id', ids);

describe('REST reads', () => {
  it('1: returns exactly the selected keys', async () => {
    const { data, error, status } = await stack.anon.from('todos').select('id,title').in('id', ids);
    expect(error).toBeNull();
    expect(status).toBe(200);
    expect(Array.isArray(data)).toBe(true);
    for (const row of data!) expect(Object.keys(row).sort()).toEqual(['id', 'title']);
  });

  it('2: renames with alias:column, spaces and all', async () => {
    const { data } = await stack.anon.from('todos').select('ident:id, title').eq('id', ids[0]);
    expect(data).toEqual([{ ident: ids[0], title: 'alpha' }]);
  });

  it('3: counts exactly and answers 206 for a partial range', async () => {
    const { data, count, status } = await stack.anon
      .from('todos')
      .select('*', { count: 'exact' })
      .in('id', ids)
      .range(0, 1);
    expect(data).toHaveLength(2);
    expect(count).toBe(5);
    expect(status).toBe(206);
  });

  it('4: HEAD with count returns no data and the count', async () => {
    const { data, count, error } = await stack.anon
      .from('todos')
      .select('*', { count: 'exact', head: true })
      .in('id', ids);
    expect(error).toBeNull();
    expect(data).toBeNull();
    expect(count).toBe(5);
  });

  it('5: single() on zero rows is 406 PGRST116', async () => {
    const { data, error, status } = await stack.anon.from('todos').select().eq('id', -1).single();
    expect(status).toBe(406);
    expect(error?.code).toBe('PGRST116');
    expect(data).toBeNull();
  });

  it('6: single() on one row is a plain object', async () => {
    const { data } = await stack.anon.from('todos').select('id,title').eq('id', ids[1]).single();
    expect(data).toEqual({ id: ids[1], title: 'beta' });
  });

  it('7: maybeSingle() on zero rows is null without error', async () => {
    const { data, error } = await stack.anon.from('todos').select().eq('id', -1).maybeSingle();
    expect(data).toBeNull();
    expect(error).toBeNull();
  });

  it('8: filters return the SQL-equivalent rows', async () => {
    const titles = async (q: PromiseLike<{ data: { title: string | null }[] | null; error: unknown }>) => {
      const { data, error } = await q;
      expect(error).toBeNull();
      return data!.map((r) => r.title).sort();
    };
    const base = () => stack.anon.from('todos').select('title').in('id', ids);
    expect(await titles(base().eq('title', 'beta'))).toEqual(['beta']);
    expect(await titles(base().neq('title', 'beta'))).toEqual(['a,b', 'alpha', 'gamma']);
    expect(await titles(base().gt('id', ids[2]))).toEqual(['a,b', null].sort());
    expect(await titles(base().gte('id', ids[3]).lte('id', ids[4]))).toEqual(['a,b', null].sort());
    expect(await titles(base().lt('id', ids[1]))).toEqual(['alpha']);
    expect(await titles(base().like('title', '%a%'))).toEqual(['a,b', 'alpha', 'beta', 'gamma']);
    expect(await titles(base().ilike('title', 'AL*'))).toEqual(['alpha']);
    expect(await titles(base().is('done', null))).toEqual(['gamma']);
    expect(await titles(base().in('id', [ids[0], ids[2]]))).toEqual(['alpha', 'gamma']);
    expect(await titles(base().not('title', 'is', null))).toEqual(['a,b', 'alpha', 'beta', 'gamma']);
    expect(await titles(base().or(`id.eq.${ids[0]},and(done.is.true,id.gt.${ids[2]})`))).toEqual(['a,b', 'alpha']);
    expect(await titles(base().in('title', ['a,b', 'c']))).toEqual(['a,b']);
    expect(await titles(base().or('title.eq."a,b",title.eq.beta'))).toEqual(['a,b', 'beta']);
    expect(await titles(base().not('id', 'in', `(${ids[0]},${ids[1]})`).not('title', 'is', null))).toEqual([
      'a,b',
      'gamma',
    ]);
    expect(await titles(base().match({ title: 'alpha', done: false }))).toEqual(['alpha']);
    expect(await titles(base().regexMatch('title', '^[ab]'))).toEqual(['a,b', 'alpha', 'beta']);
    expect(await titles(base().isDistinct('done', true))).toEqual([null, 'alpha', 'gamma'].sort());
    expect(await titles(base().filter('meta->>k', 'eq', '2'))).toEqual(['beta']);
    expect(await titles(base().likeAnyOf('title', ['al%', 'be%']))).toEqual(['alpha', 'beta']);
    expect(await titles(base().textSearch('title', 'gamma'))).toEqual(['gamma']);
  });

  it('9: contains / containedBy / overlaps on text[] and jsonb', async () => {
    const titles = async (q: PromiseLike<{ data: { title: string | null }[] | null }>) =>
      (await q).data!.map((r) => r.title).sort();
    const base = () => stack.anon.from('todos').select('title').in('id', ids);
    expect(await titles(base().contains('tags', ['y']))).toEqual(['alpha', 'beta']);
    expect(await titles(base().containedBy('tags', ['y', 'z']))).toEqual(['beta', 'gamma']);
    expect(await titles(base().overlaps('tags', ['x', 'z']))).toEqual(['alpha', 'gamma']);
    expect(await titles(base().contains('meta', { k: 1 }))).toEqual(['alpha', 'gamma']);
  });

  it('10: orders by several keys and places nulls first on request', async () => {
    const { data } = await stack.anon
      .from('todos')
      .select('title,done')
      .in('id', ids)
      .order('done', { ascending: false })
      .order('title');
    expect(data!.map((r) => r.title)).toEqual(['gamma', 'a,b', 'beta', 'alpha', null]);
    const { data: nullsFirst } = await stack.anon
      .from('todos')
      .select('title')
      .in('id', ids)
      .order('title', { ascending: true, nullsFirst: true });
    expect(nullsFirst!.map((r) => r.title)).toEqual([null, 'a,b', 'alpha', 'beta', 'gamma']);
  });

  it('22: timestamptz as ISO with offset, int8 and numeric as numbers', async () => {
    const { data } = await seeded().eq('id', ids[0]).single();
    expect(data.due).toBe('2022-04-01T00:00:00+00:00');
    expect(data.amount).toBe(12.5);
    expect(data.big).toBe(9007199254740991);
  });

  it('casts and JSON paths in select', async () => {
    const { data, error } = await stack.anon
      .from('todos')
      .select('id::text,kind:meta->>k,meta->k')
      .eq('id', ids[0])
      .single();
    expect(error).toBeNull();
    expect(data).toEqual({ id: String(ids[0]), kind: '1', k: 1 });
  });
});

describe('REST writes', () => {
  it('11: insert without select is 201 with no data; with select().single() returns defaults', async () => {
    const first = await stack.admin.from('todos').insert({ title: tag() });
    expect(first.status).toBe(201);
    expect(first.data).toBeNull();
    const { data, status } = await stack.admin.from('todos').insert({ title: tag() }).select().single();
    expect(status).toBe(201);
    expect(typeof data.id).toBe('number');
    expect(data.done).toBe(false);
  });

  it('12: bulk insert unions the columns; defaultToNull:false keeps defaults', async () => {
    const a = await stack.admin
      .from('todos')
      .insert([{ title: tag() }, { title: tag(), done: true }])
      .select();
    expect(a.data![0].done).toBeNull();
    const b = await stack.admin
      .from('todos')
      .insert([{ title: tag() }, { title: tag(), done: true }], { defaultToNull: false })
      .select();
    expect(b.error).toBeNull();
    expect(b.data!.map((r) => r.done).sort()).toEqual([false, true]);
  });

  it('13: upsert merges on the primary key; ignoreDuplicates leaves the row alone', async () => {
    const title = tag();
    const { data: row } = await stack.admin.from('todos').insert({ title }).select().single();
    const merged = await stack.admin
      .from('todos')
      .upsert({ id: row.id, title: `${title}-z` })
      .select();
    expect(merged.error).toBeNull();
    expect(merged.status).toBe(200);
    expect(merged.data).toMatchObject([{ id: row.id, title: `${title}-z` }]);
    const ignored = await stack.admin
      .from('todos')
      .upsert({ title: `${title}-z`, done: true }, { onConflict: 'title', ignoreDuplicates: true })
      .select();
    expect(ignored.error).toBeNull();
    const { data: after } = await stack.admin.from('todos').select('done').eq('id', row.id).single();
    expect(after!.done).toBe(false);
  });

  it('rollback() answers as usual and keeps nothing; maxAffected() refuses and rolls back', async () => {
    const { data: row } = await stack.admin.from('todos').insert({ title: tag() }).select().single();
    const rolled = await stack.admin.from('todos').update({ done: true }).eq('id', row!.id).select('done').rollback();
    expect(rolled.data).toEqual([{ done: true }]);
    const { data: after } = await stack.admin.from('todos').select('done').eq('id', row!.id).single();
    expect(after!.done).toBe(false);
    // supabase-js types maxAffected() only for a client declared against PostgREST 13; the call itself is the same.
    type Answer = PromiseLike<{ status: number; error: { code: string } | null }>;
    const capped = await (stack.admin
      .from('todos')
      .update({ amount: 7 })
      .in('id', ids)
      .maxAffected(1) as unknown as Answer);
    expect(capped.status).toBe(400);
    expect(capped.error?.code).toBe('PGRST124');
    const { data: changed } = await stack.admin.from('todos').select('id').eq('amount', 7);
    expect(changed).toEqual([]);
  });

  it('14: a duplicate primary key is 409 23505 with message, details and hint keys', async () => {
    const { error, status } = await stack.admin.from('todos').insert({ id: ids[0], title: tag() });
    expect(status).toBe(409);
    expect(error?.code).toBe('23505');
    expect(Object.keys(error!).sort()).toEqual(expect.arrayContaining(['code', 'details', 'hint', 'message']));
  });

  it('15: update is 204, with select() 200 and the rows', async () => {
    const { data: row } = await stack.admin.from('todos').insert({ title: tag() }).select().single();
    const plain = await stack.admin.from('todos').update({ done: true }).eq('id', row.id);
    expect(plain.status).toBe(204);
    const selected = await stack.admin
      .from('todos')
      .update({ title: 'renamed-' + row.id })
      .eq('id', row.id)
      .select();
    expect(selected.status).toBe(200);
    expect(selected.data).toMatchObject([{ id: row.id, done: true, title: 'renamed-' + row.id }]);
  });

  it('16: delete with select() returns the rows, which are then gone', async () => {
    const { data: row } = await stack.admin.from('todos').insert({ title: tag() }).select().single();
    const { data } = await stack.admin.from('todos').delete().eq('id', row.id).select();
    expect(data).toMatchObject([{ id: row.id }]);
    const { data: again } = await stack.admin.from('todos').select().eq('id', row.id);
    expect(again).toEqual([]);
  });

  it('17: RLS decides: 401 for anon, 403 for a user, own rows only, service_role sees all', async () => {
    const anonInsert = await stack.anon.from('todos').insert({ title: tag() });
    expect(anonInsert.error?.code).toBe('42501');
    expect(anonInsert.status).toBe(401);
    const alice = randomUUID();
    const aliceClient = await stack.userClient(alice);
    const foreign = await aliceClient.from('todos').insert({ title: tag(), user_id: randomUUID() });
    expect(foreign.error?.code).toBe('42501');
    expect(foreign.status).toBe(403);
    const own = await aliceClient.from('todos').insert({ title: tag() }).select().single();
    expect(own.error).toBeNull();
    expect(own.data.user_id).toBe(alice);
    const { data: visible } = await aliceClient.from('todos').select('user_id');
    expect(visible!.length).toBeGreaterThan(0);
    expect(visible!.every((r) => r.user_id === alice)).toBe(true);
    const { count } = await stack.admin.from('todos').select('*', { count: 'exact', head: true });
    expect(count!).toBeGreaterThan(visible!.length);
  });
});

describe('REST functions', () => {
  it('18: scalar, void, set-returning with filters, missing function, GET', async () => {
    expect((await stack.anon.rpc('add', { a: 1, b: 2 })).data).toBe(3);
    const v = await stack.anon.rpc('void_fn');
    expect(v.status).toBe(204);
    expect(v.data).toBeNull();
    // A void function with arguments in the body: the arguments reach it, the answer is 204.
    await stack.admin.from('depots').upsert({ id: 'void-args', name: 'before' });
    const renamed = await stack.admin.rpc('void_rename_depot', { depot_id: 'void-args', depot_name: 'after' });
    expect([renamed.status, renamed.error]).toEqual([204, null]);
    expect((await stack.admin.from('depots').select('name').eq('id', 'void-args').single()).data).toEqual({
      name: 'after',
    });
    const set = await stack.anon.rpc('set_fn').eq('x', 1);
    expect(set.data).toEqual([{ x: 1, label: 'one' }]);
    const ordered = await stack.anon.rpc('set_fn').select('label').order('x', { ascending: false }).limit(2);
    expect(ordered.data).toEqual([{ label: 'three' }, { label: 'two' }]);
    const missing = await stack.anon.rpc('nope');
    expect(missing.status).toBe(404);
    expect(missing.error?.code).toBe('PGRST202');
    expect((await stack.anon.rpc('add', { a: 1, b: 2 }, { get: true })).data).toBe(3);
  });

  it('head calls count without a body, object arguments included (POST with return=minimal)', async () => {
    const head = await stack.anon.rpc('set_fn', {}, { head: true, count: 'exact' });
    expect(head).toMatchObject({ error: null, data: null, count: 3 });
    const posted = await stack.anon.rpc('echo_json', { any: { a: 1 } }, { head: true });
    expect(posted).toMatchObject({ error: null, data: null });
  });

  it('19: RAISE EXCEPTION is 400 P0001 with message, details and hint', async () => {
    const { error, status } = await stack.anon.rpc('boom');
    expect(status).toBe(400);
    expect(error).toMatchObject({ code: 'P0001', message: 'boom', hint: 'h', details: 'd' });
  });

  it('a volatile function writes; a composite result is an object; a lone jsonb parameter takes the body', async () => {
    const id = tag();
    const { data, error } = await stack.admin.rpc('new_depot', { depot_id: id, depot_name: 'Depot' });
    expect(error).toBeNull();
    expect(data).toEqual({ id, name: 'Depot' });
    expect((await stack.anon.rpc('echo_json', { any: [1, 2] })).data).toEqual({ any: [1, 2] });
  });
});

describe('REST errors', () => {
  it('20: a missing table is 404 PGRST205; an unknown schema is 406 PGRST106', async () => {
    const t = await stack.anon.from('missing_table').select();
    expect(t.status).toBe(404);
    expect(t.error?.code).toBe('PGRST205');
    const s = await stack.anon.schema('nope').from('t').select();
    expect(s.status).toBe(406);
    expect(s.error?.code).toBe('PGRST106');
  });

  it('an expired token is 401 PGRST303; a forged one 401 PGRST301', async () => {
    const expired = await stack.keys.sign({
      role: 'authenticated',
      sub: randomUUID(),
      exp: Math.floor(Date.now() / 1000) - 10,
    });
    const res = await fetch(`${stack.url}/rest/v1/todos`, {
      headers: { apikey: stack.keys.anonKey, Authorization: `Bearer ${expired}` },
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/invalid_token/);
    expect((await res.json()).code).toBe('PGRST303');
    const forged = stack.keys.anonKey.slice(0, -4) + 'AAAA';
    const res2 = await fetch(`${stack.url}/rest/v1/todos`, {
      headers: { apikey: stack.keys.anonKey, Authorization: `Bearer ${forged}` },
    });
    expect(res2.status).toBe(401);
    expect((await res2.json()).code).toBe('PGRST301');
  });

  it('honours a Range header and reports Content-Range on every read', async () => {
    const headers = { apikey: stack.keys.anonKey, Prefer: 'count=exact' };
    const ranged = await fetch(`${stack.url}/rest/v1/todos?select=id&id=in.(${ids.join(',')})&order=id`, {
      headers: { ...headers, Range: '1-2' },
    });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe('1-2/5');
    expect(await ranged.json()).toEqual([{ id: ids[1] }, { id: ids[2] }]);
    const empty = await fetch(`${stack.url}/rest/v1/todos?id=eq.-1`, { headers });
    expect(empty.headers.get('content-range')).toBe('*/0');
    const head = await fetch(`${stack.url}/rest/v1/todos?id=eq.${ids[0]}`, {
      method: 'HEAD',
      headers: { apikey: stack.keys.anonKey },
    });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-range')).toBe('0-0/*');
    expect(await head.text()).toBe('');
  });

  it('caps reads at 1000 rows (db-max-rows, the Supabase default) and pages past it', async () => {
    await stack.db.exec(
      "insert into public.depots (id, name) select 'bulk-' || lpad(g::text, 4, '0'), 'bulk' from generate_series(1, 1005) g",
    );
    const first = await stack.anon.from('depots').select('id', { count: 'exact' }).eq('name', 'bulk').order('id');
    expect(first.data).toHaveLength(1000);
    expect(first.count).toBe(1005);
    expect(first.status).toBe(206);
    const rest = await stack.anon.from('depots').select('id').eq('name', 'bulk').order('id').range(1000, 1999);
    expect(rest.data!.map((r) => r.id)).toEqual(['bulk-1001', 'bulk-1002', 'bulk-1003', 'bulk-1004', 'bulk-1005']);
    await stack.db.exec("delete from public.depots where name = 'bulk'");
  });

  it('picks up tables created while running (NOTIFY pgrst, or a miss once the cache is a second old)', async () => {
    await stack.db.exec(
      "create table public.late_one (id int primary key); insert into public.late_one values (1); notify pgrst, 'reload schema'",
    );
    await new Promise((r) => setTimeout(r, 100));
    expect((await stack.anon.from('late_one').select('id')).data).toEqual([{ id: 1 }]);
    await stack.db.exec('create table public.late_two (id int primary key); insert into public.late_two values (2)');
    await new Promise((r) => setTimeout(r, 1100));
    expect((await stack.anon.from('late_two').select('id')).data).toEqual([{ id: 2 }]);
    await stack.db.exec('alter table public.late_two add column label text');
    await new Promise((r) => setTimeout(r, 1100));
    expect((await stack.anon.from('late_two').select('id,label')).data).toEqual([{ id: 2, label: null }]);
    await stack.db.exec('alter table public.late_two drop column label');
    expect((await stack.anon.from('late_two').select('id,label')).error?.code).toBe('42703');
    expect((await stack.anon.from('late_two').select('*')).data).toEqual([{ id: 2 }]);
    await stack.db.exec('create function public.late_fn(n int) returns int language sql as $$ select n * 2 $$');
    await new Promise((r) => setTimeout(r, 1100));
    expect((await stack.anon.rpc('late_fn', { n: 2 })).data).toBe(4);
    await stack.db.exec(
      'drop function public.late_fn(int); create function public.late_fn(m int) returns int language sql as $$ select m * 3 $$',
    );
    await new Promise((r) => setTimeout(r, 1100));
    expect((await stack.anon.rpc('late_fn', { m: 2 })).data).toBe(6);
  });

  it('a role the database does not have is 401', async () => {
    const token = await stack.keys.sign({ role: 'superhero' }, 60);
    const res = await fetch(`${stack.url}/rest/v1/todos`, {
      headers: { apikey: stack.keys.anonKey, Authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(401);
  });
});

describe('REST PostGIS', () => {
  it('21: EWKT and GeoJSON input both store; output is GeoJSON; geojson() is a FeatureCollection', async () => {
    const a = await stack.admin
      .from('todos')
      .insert({ title: tag(), loc: 'SRID=4326;POINT(13.4 52.5)' })
      .select('id,loc')
      .single();
    expect(a.error).toBeNull();
    expect(a.data!.loc).toMatchObject({ type: 'Point', coordinates: [13.4, 52.5] });
    const b = await stack.admin
      .from('todos')
      .insert({ title: tag(), loc: { type: 'Point', coordinates: [13.4, 52.5] } })
      .select('id,loc')
      .single();
    expect(b.error).toBeNull();
    expect(b.data!.loc.type).toBe('Point');
    expect(b.data!.loc.coordinates).toEqual([13.4, 52.5]);
    expect(b.data!.loc.crs).toEqual({ type: 'name', properties: { name: 'EPSG:4326' } });
    const { data: fc, error } = await stack.admin.from('todos').select('id,title,loc').eq('id', b.data!.id).geojson();
    expect(error).toBeNull();
    const collection = fc as unknown as {
      type: string;
      features: { type: string; geometry: { type: string }; properties: Record<string, unknown> }[];
    };
    expect(collection.type).toBe('FeatureCollection');
    expect(collection.features[0].geometry.type).toBe('Point');
    expect(collection.features[0].properties.id).toBe(b.data!.id);
  });
});

describe('REST embedding', () => {
  beforeAll(async () => {
    await stack.admin.from('depots').insert([
      { id: 'd1', name: 'North depot' },
      { id: 'd2', name: 'South depot' },
    ]);
    await stack.admin.from('trips').insert([
      { id: 'r1', depot_id: 'd1', truck: 'T1' },
      { id: 'r2', depot_id: 'd2', truck: 'T2' },
      { id: 'r3', depot_id: null, truck: 'T3' },
    ]);
    await stack.admin.from('trip_stops').insert([
      { trip_id: 'r1', seq: 2, place: 'B' },
      { trip_id: 'r1', seq: 1, place: 'A' },
      { trip_id: 'r2', seq: 1, place: 'C' },
    ]);
  });

  it('embeds one-to-many as arrays ([] when empty) and many-to-one as objects (null when absent)', async () => {
    const { data, error } = await stack.anon.from('trips').select('*,trip_stops(*),depot:depots(name)').order('id');
    expect(error).toBeNull();
    expect(data!.map((t) => t.trip_stops.length)).toEqual([2, 1, 0]);
    expect(data![0].depot).toEqual({ name: 'North depot' });
    expect(data![2].depot).toBeNull();
    expect(Object.keys(data![0])).toEqual(['id', 'depot_id', 'truck', 'status', 'trip_stops', 'depot']);
  });

  it('applies embedded order, limit and filters, and !inner drops parents without matches', async () => {
    const { data } = await stack.anon
      .from('trips')
      .select('id,trip_stops(seq,place)')
      .eq('id', 'r1')
      .order('seq', { referencedTable: 'trip_stops' });
    expect(data![0].trip_stops).toEqual([
      { seq: 1, place: 'A' },
      { seq: 2, place: 'B' },
    ]);
    const { data: inner } = await stack.anon
      .from('trips')
      .select('id,trip_stops!inner(place)')
      .eq('trip_stops.place', 'C');
    expect(inner).toEqual([{ id: 'r2', trip_stops: [{ place: 'C' }] }]);
    const { data: limited } = await stack.anon
      .from('trips')
      .select('id,trip_stops(seq)')
      .eq('id', 'r1')
      .limit(1, { referencedTable: 'trip_stops' });
    expect(limited![0].trip_stops).toHaveLength(1);
  });

  it('spreads a to-one embed into the parent and a to-many one into correlated arrays', async () => {
    const { data, error } = await stack.anon.from('trips').select('id,...depots(depot:name)').order('id');
    expect(error).toBeNull();
    expect(data).toEqual([
      { id: 'r1', depot: 'North depot' },
      { id: 'r2', depot: 'South depot' },
      { id: 'r3', depot: null },
    ]);
    // PostgREST 13: each spread column of a to-many embed becomes an array, in the embed's order ([] when none).
    const many = await stack.anon
      .from('trips')
      .select('id,...trip_stops(seqs:seq,places:place)')
      .order('id')
      .order('seq', { referencedTable: 'trip_stops' });
    expect(many.error).toBeNull();
    expect(many.data).toEqual([
      { id: 'r1', seqs: [1, 2], places: ['A', 'B'] },
      { id: 'r2', seqs: [1], places: ['C'] },
      { id: 'r3', seqs: [], places: [] },
    ]);
  });

  it('filters parents by the presence of embedded rows (rel=is.null / not.is.null)', async () => {
    const without = await stack.anon.from('trips').select('id,trip_stops(id)').is('trip_stops', null);
    expect(without.data!.map((t) => t.id)).toEqual(['r3']);
    const withStops = await stack.anon
      .from('trips')
      .select('id,trip_stops(id)')
      .not('trip_stops', 'is', null)
      .order('id');
    expect(withStops.data!.map((t) => t.id)).toEqual(['r1', 'r2']);
  });

  it('takes filters on an embed that outputs nothing: they narrow parents only with !inner', async () => {
    const plain = await stack.anon.from('trips').select('id,trip_stops()').eq('trip_stops.place', 'C').order('id');
    expect(plain.error).toBeNull();
    expect(plain.data).toEqual([{ id: 'r1' }, { id: 'r2' }, { id: 'r3' }]);
    const inner = await stack.anon.from('trips').select('id,trip_stops!inner()').eq('trip_stops.place', 'C');
    expect(inner.data).toEqual([{ id: 'r2' }]);
  });

  it('reports a missing relationship as 400 PGRST200', async () => {
    const { error, status } = await stack.anon.from('trips').select('id,todos(*)');
    expect(status).toBe(400);
    expect(error?.code).toBe('PGRST200');
  });
});

// Differences from PostgREST found by running postgrest-js's own integration tests against the
// stack, and the embeds app code meets on a Supabase project (fixtures: tests/fixtures/rest/fidelity.sql).
// Expected answers are PostgREST's documented ones (12/13, as on a Supabase project).
describe('PostgREST fidelity', () => {
  const SEEDED_USERS = ['supabot', 'kiwicopple', 'awailas', 'dragarcia'];
  type Answer = PromiseLike<{ status: number; data: unknown; error: { code: string } | null }>;

  it('nxl is "does not extend to the left of" (rangeGte), nxr "to the right of" (rangeLte)', async () => {
    const ranges = async (q: PromiseLike<{ data: { age_range: string }[] | null; error: unknown }>) => {
      const { data, error } = await q;
      expect(error).toBeNull();
      return data!.map((r) => r.age_range).sort();
    };
    const base = () => stack.anon.from('users').select('age_range').in('username', SEEDED_USERS);
    expect(await ranges(base().rangeGte('age_range', '[2,25)'))).toEqual(['[20,30)', '[25,35)', '[25,35)']);
    expect(await ranges(base().rangeLte('age_range', '[2,25)'))).toEqual(['[1,2)']);
  });

  it('one-to-one relationships (key or unique foreign key) are objects from both sides, and spread', async () => {
    const { data, error } = await stack.anon.from('channels').select('id,channel_details(details)').order('id');
    expect(error).toBeNull();
    expect(data).toEqual([
      { id: 1, channel_details: { details: 'Details for public channel' } },
      { id: 2, channel_details: { details: 'Details for random channel' } },
      { id: 3, channel_details: null },
    ]);
    const back = await stack.anon.from('channel_details').select('id,channels(slug)').eq('id', 1).single();
    expect(back.data).toEqual({ id: 1, channels: { slug: 'public' } });
    const unique = await stack.anon
      .from('users')
      .select('username,user_settings(theme)')
      .in('username', ['supabot', 'kiwicopple'])
      .order('username');
    expect(unique.data).toEqual([
      { username: 'kiwicopple', user_settings: null },
      { username: 'supabot', user_settings: { theme: 'dark' } },
    ]);
    const spread = await stack.anon.from('channels').select('id,...channel_details(details)').order('id');
    expect(spread.error).toBeNull();
    expect(spread.data).toEqual([
      { id: 1, details: 'Details for public channel' },
      { id: 2, details: 'Details for random channel' },
      { id: 3, details: null },
    ]);
  });

  it('embedded objects are jsonb, so their keys come in jsonb order as from PostgREST', async () => {
    const { data } = await stack.anon
      .from('channels')
      .select('id,channel_details(details,id),messages(message,id)')
      .eq('id', 1)
      .single();
    expect(Object.keys(data!.channel_details)).toEqual(['id', 'details']);
    expect(Object.keys(data!.messages[0])).toEqual(['id', 'message']);
    expect(Object.keys(data!)).toEqual(['id', 'channel_details', 'messages']);
  });

  it('upsert with missing=default writes the default of a column a row leaves out', async () => {
    const { error } = await stack.admin
      .from('users')
      .insert({ username: 'upsert-a', status: 'OFFLINE', nickname: 'a' });
    expect(error).toBeNull();
    const rows = [
      { username: 'upsert-a', nickname: 'a2' },
      { username: 'upsert-b', nickname: 'b', status: 'AWAY' },
    ];
    const upserted = await stack.admin
      .from('users')
      .upsert(rows, { defaultToNull: false })
      .select('username,status,nickname');
    expect(upserted.error).toBeNull();
    expect(upserted.data!.sort((a, b) => a.username.localeCompare(b.username))).toEqual([
      { username: 'upsert-a', status: 'ONLINE', nickname: 'a2' },
      { username: 'upsert-b', status: 'AWAY', nickname: 'b' },
    ]);
    const stored = await stack.admin.from('users').select('status').eq('username', 'upsert-a').single();
    expect(stored.data).toEqual({ status: 'ONLINE' });
  });

  it('max-affected on RPC counts the rows returned: over it is 400 PGRST124 and rolled back; a single result is PGRST128', async () => {
    const capped = await (stack.admin
      .rpc('set_users_offline', { name_param: '%' })
      .maxAffected(1) as unknown as Answer);
    expect(capped.status).toBe(400);
    expect(capped.error?.code).toBe('PGRST124');
    const offline = await stack.admin
      .from('users')
      .select('username')
      .in('username', SEEDED_USERS)
      .eq('status', 'OFFLINE');
    expect(offline.data).toEqual([{ username: 'kiwicopple' }]);
    const within = await (stack.admin
      .rpc('set_users_offline', { name_param: 'nobody%' })
      .maxAffected(1) as unknown as Answer);
    expect([within.status, within.data]).toEqual([200, []]);
    const single = await (stack.admin.rpc('add', { a: 1, b: 2 }).maxAffected(1) as unknown as Answer);
    expect(single.status).toBe(400);
    expect(single.error?.code).toBe('PGRST128');
  });

  it('count=planned is the planner estimate (206 when it exceeds the page); count=estimated is exact below db-max-rows', async () => {
    const estimate = async () => {
      const r = await stack.db.query<Record<string, unknown>>('explain (format json) select 1 from public.counted');
      const plan = r.rows[0]['QUERY PLAN'];
      return (typeof plan === 'string' ? JSON.parse(plan) : plan)[0].Plan['Plan Rows'] as number;
    };
    // Analyzed at 50 rows, then 5 more the statistics do not know of.
    await stack.db.exec(
      'insert into public.counted select g from generate_series(1, 50) g; analyze public.counted; insert into public.counted select g from generate_series(51, 55) g',
    );
    const planned = await stack.anon.from('counted').select('id', { count: 'planned' }).limit(10);
    expect(planned.error).toBeNull();
    expect(planned.count).toBe(await estimate());
    expect(planned.count).not.toBe(55);
    expect(planned.status).toBe(206);
    const head = await stack.anon.from('counted').select('*', { count: 'planned', head: true });
    expect(head.count).toBe(await estimate());
    expect((await stack.anon.from('counted').select('id', { count: 'exact' }).limit(10)).count).toBe(55);
    expect((await stack.anon.from('counted').select('id', { count: 'estimated' }).limit(10)).count).toBe(55);
    // Past db-max-rows (1000) estimated takes the larger of the capped exact count (1001) and the estimate.
    await stack.db.exec(
      'insert into public.counted select g from generate_series(100, 1199) g; analyze public.counted; insert into public.counted select g from generate_series(2000, 2049) g',
    );
    const estimated = await stack.anon.from('counted').select('id', { count: 'estimated' }).limit(10);
    expect(estimated.count).toBe(Math.max(1001, await estimate()));
    expect(estimated.count).not.toBe(1205);
    expect(estimated.status).toBe(206);
    // A function call has no planned count (no total in Content-Range); estimated counts exactly.
    const rpcPlanned = await fetch(`${stack.url}/rest/v1/rpc/set_fn`, {
      headers: { apikey: stack.keys.anonKey, Prefer: 'count=planned' },
    });
    expect([rpcPlanned.status, rpcPlanned.headers.get('content-range')]).toEqual([200, '0-2/*']);
    expect((await stack.anon.rpc('set_fn', {}, { count: 'estimated' })).count).toBe(3);
  });

  it('the same table embedded twice under one name is 400 42712, as Postgres answers PostgREST', async () => {
    const res = await stack.anon
      .from('best_friends')
      .select('users!first_user(*), users!second_user(*)')
      .limit(1)
      .single();
    expect(res.status).toBe(400);
    expect(res.error).toEqual({
      code: '42712',
      details: null,
      hint: null,
      message: 'table name "best_friends_users_1" specified more than once',
    });
  });

  it('an ambiguous embed is 300 PGRST201 with the candidate relationships as details', async () => {
    const res = await stack.anon.from('best_friends').select('first_user:users(*)');
    expect(res.status).toBe(300);
    expect(res.error).toEqual({
      code: 'PGRST201',
      details: ['first_user', 'second_user', 'third_wheel'].map((c) => ({
        cardinality: 'many-to-one',
        embedding: 'best_friends with users',
        relationship: `best_friends_${c}_fkey using best_friends(${c}) and users(username)`,
      })),
      hint: "Try changing 'users' to one of the following: 'users!best_friends_first_user_fkey', 'users!best_friends_second_user_fkey', 'users!best_friends_third_wheel_fkey'. Find the desired relationship in the 'details' key.",
      message: "Could not embed because more than one relationship was found for 'best_friends' and 'users'",
    });
    const back = await stack.anon.from('users').select('best_friends(*)');
    expect(back.status).toBe(300);
    expect((back.error as unknown as { details: { cardinality: string; relationship: string }[] }).details[0]).toEqual({
      cardinality: 'one-to-many',
      embedding: 'users with best_friends',
      relationship: 'best_friends_first_user_fkey using users(username) and best_friends(first_user)',
    });
  });

  it('overloads PostgREST cannot choose between are 300 PGRST203; what it can choose runs', async () => {
    const hint =
      'Try renaming the parameters or the function itself in the database so function overloading can be resolved';
    const named = await stack.anon.rpc('postgrest_unresolvable_function', { a: 'test' });
    expect(named.status).toBe(300);
    expect(named.error).toEqual({
      code: 'PGRST203',
      details: null,
      hint,
      message:
        'Could not choose the best candidate function between: public.postgrest_unresolvable_function(a => integer), public.postgrest_unresolvable_function(a => text)',
    });
    // Postgres itself would call this one ambiguous (42725); PostgREST decides first.
    const defaults = await stack.anon.rpc('polymorphic_function_with_unnamed_default');
    expect(defaults.status).toBe(300);
    expect(defaults.error).toEqual({
      code: 'PGRST203',
      details: null,
      hint,
      message:
        'Could not choose the best candidate function between: public.polymorphic_function_with_unnamed_default(), public.polymorphic_function_with_unnamed_default( => text)',
    });
    expect((await stack.anon.rpc('postgrest_unresolvable_function')).status).toBe(204);
    const unnamed = await stack.anon.rpc('polymorphic_function_with_unnamed_default', { '': 'custom text' });
    expect([unnamed.status, unnamed.data]).toEqual([200, 'foo']);
  });

  it('Prefer: params=single-object passes the whole body to the one json parameter', async () => {
    const call = (prefer: Record<string, string>) =>
      fetch(`${stack.url}/rest/v1/rpc/count_keys`, {
        method: 'POST',
        headers: { apikey: stack.keys.anonKey, 'Content-Type': 'application/json', ...prefer },
        body: JSON.stringify({ a: 1, b: 2 }),
      });
    const single = await call({ Prefer: 'params=single-object' });
    expect([single.status, await single.json()]).toEqual([200, 2]);
    // Without it the keys must name parameters; the lone jsonb parameter is then called with none, as by PostgREST.
    const plain = await call({});
    expect(plain.status).toBe(404);
    expect((await plain.json()).code).toBe('42883');
  });

  it('embeds by foreign key constraint name, as target or as hint, and by key column', async () => {
    const { data, error } = await stack.anon
      .from('best_friends')
      .select(
        'id,first:users!best_friends_first_user_fkey(username),second:users!second_user(username),best_friends_third_wheel_fkey(username),third_wheel(status)',
      )
      .eq('id', 1)
      .single();
    expect(error).toBeNull();
    expect(data).toEqual({
      id: 1,
      first: { username: 'supabot' },
      second: { username: 'kiwicopple' },
      best_friends_third_wheel_fkey: { username: 'awailas' },
      third_wheel: { status: 'ONLINE' },
    });
  });

  it('self-referencing: the table name embeds the children, the key column the parent', async () => {
    const children = await stack.anon
      .from('collections')
      .select('*, collections(*)')
      .eq('id', 1)
      .order('id', { referencedTable: 'collections' })
      .single();
    expect(children.error).toBeNull();
    expect(children.data).toEqual({
      id: 1,
      description: 'Root Collection',
      parent_id: null,
      collections: [
        { id: 2, description: 'Child of Root', parent_id: 1 },
        { id: 3, description: 'Another Child of Root', parent_id: 1 },
      ],
    });
    const parent = await stack.anon.from('collections').select('id, parent_id(description)').eq('id', 4).single();
    expect(parent.data).toEqual({ id: 4, parent_id: { description: 'Child of Root' } });
    const hinted = await stack.anon.from('collections').select('id, collections!parent_id(id)').eq('id', 2).single();
    expect(hinted.data).toEqual({ id: 2, collections: [{ id: 4 }] });
    const tree = await stack.anon
      .from('collections')
      .select('id, collections(id, collections(id))')
      .eq('id', 1)
      .order('id', { referencedTable: 'collections' })
      .single();
    expect(tree.data).toEqual({
      id: 1,
      collections: [
        { id: 2, collections: [{ id: 4 }] },
        { id: 3, collections: [] },
      ],
    });
    // A known PostgREST limitation: a self-relationship cannot be hinted by its constraint name.
    const byConstraint = await stack.anon.from('collections').select('*, collections!collections_parent_id_fkey(*)');
    expect(byConstraint.status).toBe(400);
    expect(byConstraint.error).toEqual({
      code: 'PGRST200',
      details:
        "Searched for a foreign key relationship between 'collections' and 'collections' using the hint 'collections_parent_id_fkey' in the schema 'public', but no matches were found.",
      hint: null,
      message: "Could not find a relationship between 'collections' and 'collections' in the schema cache",
    });
  });

  it('many-to-many through a junction table whose primary key holds both foreign keys', async () => {
    const laptop = await stack.anon
      .from('products')
      .select('name, categories(name)')
      .eq('id', 1)
      .order('id', { referencedTable: 'categories' })
      .single();
    expect(laptop.error).toBeNull();
    expect(laptop.data).toEqual({ name: 'Laptop', categories: [{ name: 'Electronics' }, { name: 'Computers' }] });
    const audio = await stack.anon
      .from('categories')
      .select('name, products!product_categories(name)')
      .eq('id', 3)
      .single();
    expect(audio.data).toEqual({ name: 'Audio', products: [{ name: 'Headphones' }] });
    const inner = await stack.anon
      .from('products')
      .select('name, categories!inner(name)')
      .eq('categories.name', 'Audio');
    expect(inner.data).toEqual([{ name: 'Headphones', categories: [{ name: 'Audio' }] }]);
    const spread = await stack.anon
      .from('products')
      .select('name, ...categories(category_names:name)')
      .eq('id', 3)
      .order('id', { referencedTable: 'categories' })
      .single();
    expect(spread.data).toEqual({ name: 'Headphones', category_names: ['Electronics', 'Audio'] });
  });

  it('views embed and are embedded through the keys of the tables they show', async () => {
    const target = await stack.anon
      .from('channels')
      .select('id, channel_messages(message_id, message)')
      .eq('id', 3)
      .order('message_id', { referencedTable: 'channel_messages' })
      .single();
    expect(target.error).toBeNull();
    expect(target.data).toEqual({
      id: 3,
      channel_messages: [
        { message_id: 3, message: 'Third' },
        { message_id: 4, message: 'Fourth' },
      ],
    });
    const origin = await stack.anon
      .from('channel_messages')
      .select('message_id, channels(slug)')
      .eq('message_id', 1)
      .single();
    expect(origin.data).toEqual({ message_id: 1, channels: { slug: 'public' } });
    const fromView = await stack.anon
      .from('active_users')
      .select('username, messages(id)')
      .eq('username', 'awailas')
      .single();
    expect(fromView.data).toEqual({ username: 'awailas', messages: [{ id: 3 }] });
    const toView = await stack.anon.from('messages').select('id, active_users(username)').in('id', [1, 3]).order('id');
    expect(toView.data).toEqual([
      { id: 1, active_users: { username: 'supabot' } },
      { id: 3, active_users: { username: 'awailas' } },
    ]);
  });

  it('embeds on the result of a function returning rows of a table', async () => {
    const { data, error } = await stack.anon
      .rpc('users_like', { pattern: 'supa%' })
      .select('username, messages(id), user_settings(theme)')
      .order('id', { referencedTable: 'messages' });
    expect(error).toBeNull();
    expect(data).toEqual([
      { username: 'supabot', messages: [{ id: 1 }, { id: 2 }, { id: 4 }], user_settings: { theme: 'dark' } },
    ]);
  });
});
