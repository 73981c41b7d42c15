// The dispatcher's write path end to end: the RPCs of …001200_delivery_writes.sql through the
// unmodified supabase-js client against the local stack (REST and Realtime), and the app's own
// I/O edge over them (src/services/delivery-writes.ts) with real clients.
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { DeliveryPlan, PlanDeliveryInput } from '../../src/domain/rows.ts';
import { planDelivery, replanDelivery, setStopStatus } from '../../src/services/delivery-writes.ts';
import { recorder, subscribed, testClients } from '../helpers/realtime.ts';
import { COMMANDER, DEMO_PASSWORD, DISPATCHER, startTestStack, type TestStack } from '../helpers/stack.ts';

let stack: TestStack;
let dispatcher: SupabaseClient;
let commander: SupabaseClient;
let anon: SupabaseClient;
let depot: string;
let compounds: string[];

beforeAll(async () => {
  stack = await startTestStack();
  dispatcher = await stack.signIn(DISPATCHER, DEMO_PASSWORD);
  commander = await stack.signIn(COMMANDER, DEMO_PASSWORD);
  anon = stack.client();
  const { rows } = await stack.ctx.db.query<{ depot: string; compounds: string[] }>(
    `select (select id from sites where kind = 'depot' order by id limit 1) as depot,
            array(select id from compounds order by id limit 4) as compounds`,
  );
  depot = rows[0].depot;
  compounds = rows[0].compounds;
});

afterAll(async () => {
  await stack?.stop();
});

const { client, signedIn } = testClients(() => stack, DEMO_PASSWORD);
/** The services take a client getter (the app's is `supabase`). */
const as = (c: SupabaseClient) => () => c;

const ROUTE = {
  type: 'LineString' as const,
  coordinates: [
    [121.01, 31.96],
    [120.98, 31.97],
  ],
};
let trucks = 0;
const run = (n = 3): PlanDeliveryInput => ({
  depot_id: depot,
  truck: `苏F·${++trucks}`,
  has_pass: true,
  route: ROUTE,
  stops: compounds.slice(0, n).map((compound_id) => ({ compound_id })),
});

describe('the RPCs over REST', () => {
  it('plan_delivery answers the run and its stops, geometry as GeoJSON, like a table read', async () => {
    const planned = await dispatcher.rpc('plan_delivery', { run: run() });
    expect(planned.error).toBeNull();
    const { delivery, stops } = planned.data as DeliveryPlan;
    expect(delivery).toMatchObject({ status: 'planned', version: 1, has_pass: true, route: ROUTE });
    expect(stops.map((s) => [s.seq, s.compound_id])).toEqual(compounds.slice(0, 3).map((c, i) => [i + 1, c]));
    const read = await dispatcher.from('deliveries').select('*').eq('id', delivery.id).single();
    expect(read.data).toEqual(delivery);
    const readStops = await dispatcher.from('delivery_stops').select('*').eq('delivery_id', delivery.id).order('seq');
    expect(readStops.data).toEqual(stops);
  });

  it('answers PT400 as HTTP 400, PT409 as 409, PT404 as 404, and refuses commanders and the public', async () => {
    const bad = await dispatcher.rpc('plan_delivery', { run: { ...run(), stops: [] } });
    expect({ status: bad.status, code: bad.error?.code }).toEqual({ status: 400, code: 'PT400' });
    const { delivery, stops } = (await dispatcher.rpc('plan_delivery', { run: run() })).data as DeliveryPlan;
    const stale = await dispatcher.rpc('set_stop_status', {
      stop_id: stops[0].id,
      status: 'delivered',
      expected_status: 'arrived',
    });
    expect({ status: stale.status, code: stale.error?.code }).toEqual({ status: 409, code: 'PT409' });
    expect(JSON.parse(stale.error!.details)).toMatchObject({ conflict: 'stop', current_status: 'pending' });
    const missing = await dispatcher.rpc('replan_delivery', {
      delivery_id: 'no-such-run',
      expected_version: 1,
      route: null,
      stops: [{ compound_id: compounds[0] }],
    });
    expect({ status: missing.status, code: missing.error?.code }).toEqual({ status: 404, code: 'PT404' });
    const byCommander = await commander.rpc('replan_delivery', {
      delivery_id: delivery.id,
      expected_version: 1,
      route: null,
      stops: [{ compound_id: compounds[0] }],
    });
    expect({ status: byCommander.status, code: byCommander.error?.code }).toEqual({ status: 403, code: '42501' });
    const byPublic = await anon.rpc('plan_delivery', { run: run() });
    expect({ status: byPublic.status, code: byPublic.error?.code }).toEqual({ status: 401, code: '42501' });
    const count = await stack.ctx.db.query<{ n: number }>(
      'select count(*)::int as n from deliveries where truck = $1',
      [`苏F·${trucks}`],
    );
    expect(count.rows[0].n).toBe(0);
  });
});

describe('a run from outside the district', () => {
  it('plan_delivery starts it at an expressway checkpoint over REST, and answers 400 where the truck cannot enter', async () => {
    // the seed's checkpoints as they are: one of each state
    const { rows } = await stack.ctx.db.query<{ open: string; restricted: string; closed: string }>(
      `select (select id from sites where kind = 'checkpoint' and state = 'open' order by id limit 1) as open,
              (select id from sites where kind = 'checkpoint' and state = 'restricted' order by id limit 1) as restricted,
              (select id from sites where kind = 'checkpoint' and state = 'closed' order by id limit 1) as closed`,
    );
    const entry = rows[0];
    expect(entry.open && entry.restricted && entry.closed).toBeTruthy();

    const planned = await dispatcher.rpc('plan_delivery', {
      run: { ...run(2), depot_id: entry.open, has_pass: false },
    });
    expect(planned.error).toBeNull();
    const { delivery } = planned.data as DeliveryPlan;
    expect(delivery).toMatchObject({ depot_id: entry.open, has_pass: false, status: 'planned' });
    const read = await dispatcher
      .from('deliveries')
      .select('depot_id, depot:sites!depot_id(kind)')
      .eq('id', delivery.id)
      .single();
    expect(read.data).toEqual({ depot_id: entry.open, depot: { kind: 'checkpoint' } });

    const withPass = await planDelivery({ ...run(1), depot_id: entry.restricted, has_pass: true }, as(dispatcher));
    expect(withPass).toMatchObject({ ok: true, row: { delivery: { depot_id: entry.restricted } } });

    const noPass = await dispatcher.rpc('plan_delivery', {
      run: { ...run(1), depot_id: entry.restricted, has_pass: false },
    });
    expect({ status: noPass.status, code: noPass.error?.code, message: noPass.error?.message }).toEqual({
      status: 400,
      code: 'PT400',
      message: `checkpoint ${entry.restricted} is restricted: the truck needs a pass`,
    });
    const noPassTruck = `苏F·${trucks}`;
    expect(await planDelivery({ ...run(1), depot_id: entry.closed, has_pass: true }, as(dispatcher))).toMatchObject({
      ok: false,
      kind: 'invalid',
      message: expect.stringMatching(/is closed/),
    });
    const written = await stack.ctx.db.query<{ n: number }>(
      'select count(*)::int as n from deliveries where truck = any($1)',
      [[noPassTruck, `苏F·${trucks}`]],
    );
    expect(written.rows[0].n).toBe(0);
  });
});

describe('Realtime', () => {
  it('a second staff client sees the stop change live; an anonymous public-map subscriber hears nothing', async () => {
    const planned = await planDelivery(run(2), as(dispatcher));
    if (!planned.ok) throw new Error(planned.message);
    const stop = planned.row.stops[0];

    const changes = recorder<{
      eventType: string;
      table: string;
      new: { id?: string; status?: string; arrived_at?: string | null };
    }>();
    const system = recorder<{ extension?: string; status?: string }>();
    const staff = (await signedIn(COMMANDER))
      .channel('delivery-watch')
      .on('postgres_changes', { event: '*', schema: 'public', table: 'delivery_stops' }, (p) =>
        changes.push(p as never),
      )
      .on('postgres_changes', { event: '*', schema: 'public', table: 'deliveries' }, (p) => changes.push(p as never))
      .on('system', {}, (m) => system.push(m));
    await subscribed(staff);
    expect((await system.next((m) => m.extension === 'postgres_changes', 'system message')).status).toBe('ok');

    const heard = recorder<{ event: string; payload: unknown }>();
    await subscribed(
      client()
        .channel('public-map', { config: { private: true } })
        .on('broadcast', { event: '*' }, (m) => heard.push(m as never)),
    );

    const marked = await setStopStatus(stop.id, 'arrived', 'pending', as(dispatcher));
    expect(marked).toMatchObject({ ok: true, row: { stop: { status: 'arrived' }, delivery: { status: 'en_route' } } });
    const event = await changes.next(
      (p) => p.table === 'delivery_stops' && p.new.id === stop.id && p.new.status === 'arrived',
      'stop update',
    );
    expect(event.eventType).toBe('UPDATE');
    expect(event.new.arrived_at).toBeTruthy();
    await changes.next((p) => p.table === 'deliveries' && p.new.status === 'en_route', 'delivery update');

    // a public change after the stop change as a barrier: broadcasts arrive in commit order
    await stack.ctx.db.query(
      `update sites set queue_length = coalesce(queue_length, 0) + 1
       where id = (select id from sites where kind = 'testing_site' order by id limit 1)`,
    );
    await heard.next((m) => m.event === 'site', 'the barrier site change');
    expect(heard.seen.map((m) => m.event)).toEqual(['site']);
  });
});

describe('src/services/delivery-writes.ts against the stack', () => {
  it('plans, marks and re-plans, answering rows', async () => {
    const c = as(dispatcher);
    const planned = await planDelivery(run(3), c);
    if (!planned.ok) throw new Error(planned.message);
    const [a, b] = planned.row.stops;
    expect((await setStopStatus(a.id, 'arrived', 'pending', c)).ok).toBe(true);
    const delivered = await setStopStatus(a.id, 'delivered', 'arrived', c);
    expect(delivered).toMatchObject({ ok: true, row: { stop: { status: 'delivered' }, delivery: { version: 3 } } });
    const replanned = await replanDelivery(planned.row.delivery.id, 3, null, [{ compound_id: compounds[1] }], c);
    expect(replanned).toMatchObject({ ok: true, row: { delivery: { version: 4, route: null } } });
    if (!replanned.ok) return;
    expect(replanned.row.stops.map((s) => [s.seq, s.id, s.status])).toEqual([
      [1, a.id, 'delivered'],
      [2, b.id, 'pending'],
    ]);
  });

  it('answers refusals as values: conflict, invalid, not_found, denied, network', async () => {
    const c = as(dispatcher);
    const planned = await planDelivery({ ...run(2), id: `retry-${trucks}` }, c);
    if (!planned.ok) throw new Error(planned.message);
    const { delivery, stops } = planned.row;
    expect(await planDelivery({ ...run(2), id: delivery.id }, c)).toMatchObject({
      ok: false,
      kind: 'conflict',
      details: { conflict: 'delivery', delivery_id: delivery.id },
    });
    expect(await setStopStatus(stops[0].id, 'delivered', 'arrived', c)).toMatchObject({
      ok: false,
      kind: 'conflict',
      details: { conflict: 'stop', current_status: 'pending' },
    });
    expect((await setStopStatus(stops[0].id, 'skipped', 'pending', c)).ok).toBe(true);
    expect(await replanDelivery(delivery.id, 1, ROUTE, [{ compound_id: compounds[1] }], c)).toMatchObject({
      ok: false,
      kind: 'conflict',
      currentVersion: 2,
      details: { conflict: 'delivery', current_version: 2 },
    });
    expect(await setStopStatus(stops[1].id, 'delivered', 'pending', c)).toMatchObject({ ok: false, kind: 'invalid' });
    expect(
      await replanDelivery(
        delivery.id,
        2,
        { type: 'LineString', coordinates: [[121, 31.9]] },
        [{ compound_id: compounds[1] }],
        c,
      ),
    ).toMatchObject({ ok: false, kind: 'invalid', message: expect.stringMatching(/at least 2 positions/) });
    expect(await setStopStatus('no-such-stop', 'arrived', 'pending', c)).toMatchObject({
      ok: false,
      kind: 'not_found',
    });
    expect(await setStopStatus(stops[1].id, 'arrived', 'pending', as(commander))).toMatchObject({
      ok: false,
      kind: 'denied',
    });
    expect(await planDelivery(run(1), as(anon))).toMatchObject({ ok: false, kind: 'denied' });
    // a port nobody listens on: no answer at all (supabase-js reports status 0)
    const offline = createClient('http://127.0.0.1:1', stack.anonKey, {
      auth: { persistSession: false },
      realtime: { transport: WebSocket as unknown as typeof globalThis.WebSocket },
    });
    expect(await planDelivery(run(1), as(offline))).toMatchObject({ ok: false, kind: 'network' });
  });
});
