import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tx } from '../../supabase/local/db.ts';
import type { DeliveryPlan, DeliveryStopRow, StopStatus } from '../../src/domain/rows.ts';
import { useRacers, type RaceCall } from './race.ts';
import { BACKEND, openTestDatabase, type TestDatabase } from './database.ts';
import { asActor, claimsFor, commitAs } from './impersonate.ts';

// The dispatcher's write path (supabase/migrations/…001200_delivery_writes.sql): plan_delivery,
// set_stop_status, replan_delivery; runs from an expressway checkpoint (…001300_delivery_entry.sql).
// Fixture seed: depot dp-01, testing site ts-01, checkpoint cp-01, quarantine site qs-01, compounds
// cmp-0001 (569 households) … cmp-0004. Most tests run in a transaction that is rolled back
// (asActor); those about versions and concurrency commit, each on a run of its own.

let t: TestDatabase;
let dispatcherId: string;
beforeAll(async () => {
  t = await openTestDatabase();
  dispatcherId = (await claimsFor(t.db, 'dispatcher')).sub as string;
});
afterAll(() => t?.close());

interface PgError {
  code: string;
  message: string;
  detail?: string;
}

/** Runs one statement inside a savepoint: a failure leaves the transaction usable (and undoes the statement). */
async function attempt<T>(tx: Tx, sql: string, params: unknown[] = []): Promise<{ value?: T; error?: PgError }> {
  await tx.query('savepoint attempt');
  try {
    const { rows } = await tx.query<{ value: T }>(sql, params);
    await tx.query('release savepoint attempt');
    return { value: rows[0]?.value };
  } catch (e) {
    await tx.query('rollback to savepoint attempt');
    return { error: e as PgError };
  }
}

const json = (v: unknown) => JSON.stringify(v);
const plan = (tx: Tx, run: unknown) => attempt<DeliveryPlan>(tx, 'select plan_delivery($1) as value', [json(run)]);
const setStatus = (tx: Tx, stopId: string, status: string, expected: string) =>
  attempt<{ stop: DeliveryStopRow; delivery: DeliveryPlan['delivery'] }>(
    tx,
    'select set_stop_status($1, $2, $3) as value',
    [stopId, status, expected],
  );
const replan = (tx: Tx, id: string, expected: number | null, route: unknown, stops: unknown) =>
  attempt<DeliveryPlan>(tx, 'select replan_delivery($1, $2, $3, $4) as value', [
    id,
    expected,
    route === undefined ? null : json(route),
    json(stops),
  ]);
const detail = (e: PgError | undefined) => JSON.parse(e?.detail ?? 'null') as Record<string, unknown> | null;

const ROUTE = {
  type: 'LineString',
  coordinates: [
    [121.01, 31.96],
    [120.99, 31.97],
    [120.962, 31.9715],
  ],
};
const RUN = {
  depot_id: 'dp-01',
  truck: '苏F·12345',
  has_pass: true,
  route: ROUTE,
  notes: 'rice, oil',
  start_at: '2022-04-05T08:00:00+08:00',
  planned_seconds: 1800,
  planned_metres: 9500,
  stops: [
    { compound_id: 'cmp-0002', eta: '2022-04-05T08:20:00+08:00' },
    { compound_id: 'cmp-0001', eta: '2022-04-05T08:35:00+08:00', parcels: 500 },
    { compound_id: 'cmp-0003' },
  ],
};

/** Everything the tests compare to prove that a refused call changed nothing. */
async function snapshot(tx: Tx) {
  const q = async (sql: string) => (await tx.query(sql)).rows;
  return {
    deliveries: await q('select id, version, status, route::text as route from deliveries order by id'),
    stops: await q(
      'select id, delivery_id, seq, compound_id, status, eta, parcels, arrived_at, delivered_at from delivery_stops order by id',
    ),
  };
}

/** A committed run of its own (as the dispatcher), with stops at the given compounds. */
let runs = 0;
async function committedRun(compounds = ['cmp-0001', 'cmp-0002', 'cmp-0003', 'cmp-0004']): Promise<DeliveryPlan> {
  const id = `run-${BACKEND}-${++runs}`;
  return commitAs(t.db, 'dispatcher', async (tx) => {
    const { rows } = await tx.query<{ value: DeliveryPlan }>('select plan_delivery($1) as value', [
      json({ id, depot_id: 'dp-01', truck: `truck ${runs}`, stops: compounds.map((compound_id) => ({ compound_id })) }),
    ]);
    return rows[0].value;
  });
}
/** Commits one set_stop_status as the dispatcher. */
const commitStatus = (stopId: string, status: StopStatus, expected: StopStatus) =>
  commitAs(t.db, 'dispatcher', (tx) => tx.query('select set_stop_status($1, $2, $3)', [stopId, status, expected]));
async function version(id: string): Promise<number> {
  return (await t.db.query<{ version: number }>('select version from deliveries where id = $1', [id])).rows[0].version;
}

describe('the tables and grants', () => {
  it('has the new columns with their defaults', async () => {
    const { rows } = await t.db.query<{
      table_name: string;
      column_name: string;
      data_type: string;
      is_nullable: string;
    }>(
      `select table_name, column_name, data_type, is_nullable from information_schema.columns
       where table_schema = 'public' and (table_name, column_name) in
         (('deliveries', 'has_pass'), ('deliveries', 'start_at'), ('deliveries', 'planned_seconds'),
          ('deliveries', 'planned_metres'), ('deliveries', 'stops_updated_at'), ('delivery_stops', 'parcels'))
       order by 1, 2`,
    );
    expect(rows.map((r) => `${r.table_name}.${r.column_name} ${r.data_type} ${r.is_nullable}`)).toEqual([
      'deliveries.has_pass boolean NO',
      'deliveries.planned_metres integer YES',
      'deliveries.planned_seconds integer YES',
      'deliveries.start_at timestamp with time zone YES',
      'deliveries.stops_updated_at timestamp with time zone YES',
      'delivery_stops.parcels integer YES',
    ]);
  });

  it('keeps deliveries and delivery_stops in supabase_realtime, without a broadcast trigger', async () => {
    const { rows } = await t.db.query<{ tablename: string; triggers: string[] }>(
      `select p.tablename::text,
              array(select tgname::text from pg_trigger
                    where tgrelid = ('public.' || p.tablename)::regclass and not tgisinternal order by 1) as triggers
       from pg_publication_tables p
       where p.pubname = 'supabase_realtime' and p.tablename in ('deliveries', 'delivery_stops') order by 1`,
    );
    expect(rows.map((r) => r.tablename)).toEqual(['deliveries', 'delivery_stops']);
    for (const r of rows) expect(r.triggers.filter((name) => name.includes('broadcast'))).toEqual([]);
  });

  it('lets authenticated callers and the service role call the RPCs, not the public; invoker rights, pinned search path', async () => {
    const { rows } = await t.db.query<{
      fn: string;
      anon: boolean;
      authenticated: boolean;
      service_role: boolean;
      definer: boolean;
      config: string[] | null;
    }>(
      `select p.proname as fn, has_function_privilege('anon', p.oid, 'execute') as anon,
              has_function_privilege('authenticated', p.oid, 'execute') as authenticated,
              has_function_privilege('service_role', p.oid, 'execute') as service_role,
              p.prosecdef as definer, p.proconfig as config
       from pg_proc p join pg_namespace n on n.oid = p.pronamespace
       where n.nspname = 'public' and p.proname in ('plan_delivery', 'set_stop_status', 'replan_delivery')
       order by 1`,
    );
    expect(rows.map((r) => r.fn)).toEqual(['plan_delivery', 'replan_delivery', 'set_stop_status']);
    for (const r of rows) {
      expect(r, r.fn).toMatchObject({ anon: false, authenticated: true, service_role: true, definer: false });
      expect(r.config, r.fn).toContain('search_path=public, extensions');
    }
  });
});

describe('plan_delivery', () => {
  it('writes the run and its stops in the given order and returns them, geometry as GeoJSON', async () => {
    const { value, error } = await asActor(t.db, 'dispatcher', (tx) => plan(tx, RUN));
    expect(error).toBeUndefined();
    const { delivery, stops } = value!;
    expect(delivery).toMatchObject({
      depot_id: 'dp-01',
      truck: '苏F·12345',
      status: 'planned',
      has_pass: true,
      notes: 'rice, oil',
      planned_seconds: 1800,
      planned_metres: 9500,
      version: 1,
      created_by: dispatcherId,
      route: { type: 'LineString', coordinates: ROUTE.coordinates },
    });
    expect(new Date(delivery.start_at!).toISOString()).toBe('2022-04-05T00:00:00.000Z');
    expect(stops.map((s) => [s.seq, s.compound_id, s.status, s.parcels, s.delivery_id])).toEqual([
      [1, 'cmp-0002', 'pending', 420, delivery.id],
      [2, 'cmp-0001', 'pending', 500, delivery.id],
      [3, 'cmp-0003', 'pending', 300, delivery.id],
    ]);
    expect(new Date(stops[0].eta!).toISOString()).toBe('2022-04-05T00:20:00.000Z');
    expect(stops[2].eta).toBeNull();
  });

  it('takes the minimum (depot, truck, stops), a Feature as route, and an id of the caller’s', async () => {
    const outcome = await asActor(t.db, 'dispatcher', async (tx) => ({
      minimal: await plan(tx, { depot_id: 'dp-01', truck: 't', stops: [{ compound_id: 'cmp-0004' }] }),
      feature: await plan(tx, {
        id: 'my-run',
        depot_id: 'dp-01',
        truck: 't',
        route: {
          type: 'Feature',
          properties: {},
          geometry: { ...ROUTE, coordinates: ROUTE.coordinates.map((p) => [...p, 5]) },
        },
        stops: [{ compound_id: 'cmp-0004' }],
      }),
      again: await plan(tx, { id: 'my-run', depot_id: 'dp-01', truck: 't', stops: [{ compound_id: 'cmp-0004' }] }),
    }));
    expect(outcome.minimal.value!.delivery).toMatchObject({
      has_pass: false,
      route: null,
      start_at: null,
      notes: null,
    });
    expect(outcome.feature.value!.delivery).toMatchObject({ id: 'my-run', route: { coordinates: ROUTE.coordinates } });
    // a retried plan with the same id writes nothing twice
    expect(outcome.again.error?.code).toBe('PT409');
    expect(detail(outcome.again.error)).toEqual({ conflict: 'delivery', delivery_id: 'my-run' });
  });

  const refusals: [string, unknown][] = [
    ['no run', null],
    ['not an object', [RUN]],
    ['an unknown field', { ...RUN, driver: 'x' }],
    ['no stops', { ...RUN, stops: undefined }],
    ['empty stops', { ...RUN, stops: [] }],
    ['stops not an array', { ...RUN, stops: { compound_id: 'cmp-0001' } }],
    ['a stop without compound', { ...RUN, stops: [{ eta: null }] }],
    ['a stop with an unknown field', { ...RUN, stops: [{ compound_id: 'cmp-0001', seq: 1 }] }],
    ['a duplicate compound', { ...RUN, stops: [{ compound_id: 'cmp-0001' }, { compound_id: 'cmp-0001' }] }],
    ['an unknown compound', { ...RUN, stops: [{ compound_id: 'cmp-0001' }, { compound_id: 'cmp-9999' }] }],
    ['a bad eta', { ...RUN, stops: [{ compound_id: 'cmp-0001', eta: 'soon' }] }],
    ['negative parcels', { ...RUN, stops: [{ compound_id: 'cmp-0001', parcels: -1 }] }],
    ['fractional parcels', { ...RUN, stops: [{ compound_id: 'cmp-0001', parcels: 1.5 }] }],
    ['a site that is not a depot', { ...RUN, depot_id: 'ts-01' }],
    ['an unknown depot', { ...RUN, depot_id: 'dp-99' }],
    ['no depot', { ...RUN, depot_id: undefined }],
    ['an empty truck', { ...RUN, truck: '  ' }],
    ['has_pass not a boolean', { ...RUN, has_pass: 'yes' }],
    ['a bad start_at', { ...RUN, start_at: 'after lunch' }],
    ['negative planned_metres', { ...RUN, planned_metres: -5 }],
    ['a string planned_seconds', { ...RUN, planned_seconds: '60' }],
    [
      'a Polygon route',
      {
        ...RUN,
        route: {
          type: 'Polygon',
          coordinates: [
            [
              [0, 0],
              [1, 0],
              [1, 1],
              [0, 0],
            ],
          ],
        },
      },
    ],
    ['a route of one position', { ...RUN, route: { type: 'LineString', coordinates: [[121, 31.9]] } }],
    [
      'a route of one repeated position',
      {
        ...RUN,
        route: {
          type: 'LineString',
          coordinates: [
            [121, 31.9],
            [121, 31.9],
          ],
        },
      },
    ],
    [
      'a route out of range',
      {
        ...RUN,
        route: {
          type: 'LineString',
          coordinates: [
            [121, 31.9],
            [200, 31.9],
          ],
        },
      },
    ],
    [
      'a route with huge numbers',
      {
        ...RUN,
        route: {
          type: 'LineString',
          coordinates: [
            [121, 31.9],
            ['HUGE', 31.9],
          ],
        },
      },
    ],
    [
      'a route with bad positions',
      {
        ...RUN,
        route: {
          type: 'LineString',
          coordinates: [
            [121, 31.9],
            ['a', 'b'],
          ],
        },
      },
    ],
    ['a route without coordinates', { ...RUN, route: { type: 'LineString' } }],
    ['a route as a string', { ...RUN, route: 'LINESTRING(0 0, 1 1)' }],
    [
      'a route in another CRS',
      { ...RUN, route: { ...ROUTE, crs: { type: 'name', properties: { name: 'EPSG:3857' } } } },
    ],
    ['a Feature without geometry', { ...RUN, route: { type: 'Feature', properties: {}, geometry: null } }],
  ];
  it.each(refusals)('refuses %s with PT400 and writes nothing', async (_, run) => {
    const outcome = await asActor(t.db, 'dispatcher', async (tx) => {
      const before = await snapshot(tx);
      // a number beyond float8 (JSON.stringify cannot write one)
      const text = JSON.stringify(run)?.replace('"HUGE"', '1e400');
      const result = await attempt(tx, 'select plan_delivery($1::jsonb) as value', [
        run === null ? null : (text ?? null),
      ]);
      return { result, same: json(await snapshot(tx)) === json(before) };
    });
    expect(outcome.result.error?.code, outcome.result.error?.message).toBe('PT400');
    expect(outcome.same).toBe(true);
  });

  it('lets dispatchers and the service role plan; refuses commanders, role-less users and the public (42501)', async () => {
    const minimal = { depot_id: 'dp-01', truck: 't', stops: [{ compound_id: 'cmp-0001' }] };
    for (const actor of ['dispatcher', 'service_role'] as const) {
      const { error } = await asActor(t.db, actor, (tx) => plan(tx, minimal));
      expect(error, actor).toBeUndefined();
    }
    for (const actor of ['commander', 'authenticated', 'anon'] as const) {
      const { error } = await asActor(t.db, actor, (tx) => plan(tx, minimal));
      expect(error?.code, actor).toBe('42501');
    }
  });
});

describe('plan_delivery from an expressway checkpoint', () => {
  // Fixture: cp-01 is a restricted expressway checkpoint (G40), qs-01 a quarantine hotel. Each
  // test sets cp-01's state as the superuser in its own rolled-back transaction.
  const FROM_OUTSIDE = { depot_id: 'cp-01', truck: '沪A·54321', route: ROUTE, stops: [{ compound_id: 'cmp-0001' }] };
  const entry = (state: 'open' | 'restricted' | 'closed') => async (tx: Tx) => {
    await tx.query(`update sites set state = $1, pass_required = $2 where id = 'cp-01'`, [
      state,
      state === 'restricted',
    ]);
  };
  /** Plans `run` as the dispatcher; whether the call left deliveries and stops as they were, and the row saved. */
  const planFrom = (run: unknown, state: 'open' | 'restricted' | 'closed' = 'restricted') =>
    asActor(
      t.db,
      'dispatcher',
      async (tx) => {
        const before = await snapshot(tx);
        const result = await plan(tx, run);
        const same = json(await snapshot(tx)) === json(before);
        const saved = result.value
          ? (
              await tx.query<{ depot_id: string; has_pass: boolean }>(
                'select depot_id, has_pass from deliveries where id = $1',
                [result.value.delivery.id],
              )
            ).rows
          : [];
        return { ...result, same, saved };
      },
      entry(state),
    );

  it('saves a run that enters by an open checkpoint, pass or not; depot_id is the checkpoint', async () => {
    const outcome = await planFrom({ ...FROM_OUTSIDE, has_pass: false }, 'open');
    expect(outcome.error).toBeUndefined();
    expect(outcome.value!.delivery).toMatchObject({
      depot_id: 'cp-01',
      has_pass: false,
      status: 'planned',
      version: 1,
    });
    expect(outcome.value!.stops.map((s) => [s.seq, s.compound_id, s.parcels])).toEqual([[1, 'cmp-0001', 569]]);
    expect(outcome.saved).toEqual([{ depot_id: 'cp-01', has_pass: false }]);
  });

  it('refuses a restricted checkpoint for a truck without a pass (PT400) and writes nothing', async () => {
    for (const run of [FROM_OUTSIDE, { ...FROM_OUTSIDE, has_pass: false }, { ...FROM_OUTSIDE, has_pass: null }]) {
      const outcome = await planFrom(run, 'restricted');
      expect(outcome.error?.code, json(run)).toBe('PT400');
      expect(outcome.error?.message).toBe('checkpoint cp-01 is restricted: the truck needs a pass');
      expect(outcome.same).toBe(true);
    }
  });

  it('saves a run through a restricted checkpoint when the truck carries a pass', async () => {
    const outcome = await planFrom({ ...FROM_OUTSIDE, has_pass: true }, 'restricted');
    expect(outcome.error).toBeUndefined();
    expect(outcome.value!.delivery).toMatchObject({ depot_id: 'cp-01', has_pass: true });
    expect(outcome.saved).toEqual([{ depot_id: 'cp-01', has_pass: true }]);
  });

  it('refuses a closed checkpoint even with a pass (PT400) and writes nothing', async () => {
    const outcome = await planFrom({ ...FROM_OUTSIDE, has_pass: true }, 'closed');
    expect(outcome.error?.code).toBe('PT400');
    expect(outcome.error?.message).toMatch(/^checkpoint cp-01 is closed/);
    expect(outcome.same).toBe(true);
  });

  it('still refuses any other kind of site, and unknown ones (PT400), and writes nothing', async () => {
    for (const site of ['ts-01', 'qs-01', 'no-such-site']) {
      const outcome = await planFrom({ ...FROM_OUTSIDE, has_pass: true, depot_id: site });
      expect(outcome.error?.code, site).toBe('PT400');
      expect(outcome.error?.message).toBe(`site ${site} is neither a supply depot nor an expressway checkpoint`);
      expect(outcome.same).toBe(true);
    }
  });

  it('the trigger refuses a direct insert or update to a site that is neither (23514), and takes a checkpoint', async () => {
    const outcome = await asActor(t.db, 'dispatcher', async (tx) => ({
      quarantine: await attempt(tx, `insert into deliveries (id, depot_id, truck) values ('d-qs', 'qs-01', 't')`),
      // the trigger checks the kind only: the state is plan_delivery's (a run stays valid when its entry closes)
      checkpoint: await attempt(
        tx,
        `insert into deliveries (id, depot_id, truck) values ('d-cp', 'cp-01', 't') returning depot_id as value`,
      ),
      moved: await attempt(tx, `update deliveries set depot_id = 'qs-01' where id = 'd-cp'`),
      rows: (
        await tx.query<{ id: string; depot_id: string }>(`select id, depot_id from deliveries where id like 'd-%'`)
      ).rows,
    }));
    expect(outcome.quarantine.error?.code).toBe('23514');
    expect(outcome.quarantine.error?.message).toBe('site qs-01 is neither a supply depot nor an expressway checkpoint');
    expect(outcome.checkpoint).toEqual({ value: 'cp-01' });
    expect(outcome.moved.error?.code).toBe('23514');
    expect(outcome.rows).toEqual([{ id: 'd-cp', depot_id: 'cp-01' }]);
  });
});

describe('set_stop_status', () => {
  it('walks a stop forward and back, stamping and clearing arrived_at / delivered_at', async () => {
    const steps = await asActor(t.db, 'dispatcher', async (tx) => {
      const { value } = await plan(tx, RUN);
      const id = value!.stops[0].id;
      const out: { stop: DeliveryStopRow; status: string }[] = [];
      for (const [to, from] of [
        ['arrived', 'pending'],
        ['delivered', 'arrived'],
        ['arrived', 'delivered'],
        ['pending', 'arrived'],
        ['skipped', 'pending'],
        ['pending', 'skipped'],
        ['arrived', 'pending'],
        ['skipped', 'arrived'],
      ]) {
        const r = await setStatus(tx, id, to, from);
        expect(r.error, `${from} -> ${to}`).toBeUndefined();
        out.push({ stop: r.value!.stop, status: r.value!.delivery.status });
      }
      return out;
    });
    const stamps = steps.map(({ stop }) => [stop.status, stop.arrived_at !== null, stop.delivered_at !== null]);
    expect(stamps).toEqual([
      ['arrived', true, false],
      ['delivered', true, true],
      ['arrived', true, false],
      ['pending', false, false],
      ['skipped', false, false],
      ['pending', false, false],
      ['arrived', true, false],
      // a stop skipped on arrival keeps the time the truck got there
      ['skipped', true, false],
    ]);
    // the run is en route from the first arrival on and never goes back to planned
    expect(steps.map((s) => s.status)).toEqual(Array(8).fill('en_route'));
  });

  it('completes the run when every stop is delivered or skipped, and re-opens it when one steps back', async () => {
    const outcome = await asActor(t.db, 'dispatcher', async (tx) => {
      const { value } = await plan(tx, RUN);
      const [a, b, c] = value!.stops.map((s) => s.id);
      const statuses: string[] = [];
      const step = async (id: string, to: string, from: string) => {
        const r = await setStatus(tx, id, to, from);
        expect(r.error).toBeUndefined();
        statuses.push(r.value!.delivery.status);
      };
      await step(a, 'skipped', 'pending');
      await step(b, 'arrived', 'pending');
      await step(b, 'delivered', 'arrived');
      await step(c, 'arrived', 'pending');
      await step(c, 'delivered', 'arrived');
      await step(c, 'arrived', 'delivered');
      await step(c, 'delivered', 'arrived');
      return statuses;
    });
    expect(outcome).toEqual(['en_route', 'en_route', 'en_route', 'en_route', 'completed', 'en_route', 'completed']);
  });

  it('refuses a stale expected status (PT409 with the current one), other transitions (PT400), unknown stops (PT404)', async () => {
    const outcome = await asActor(t.db, 'dispatcher', async (tx) => {
      const { value } = await plan(tx, RUN);
      const id = value!.stops[0].id;
      const before = await snapshot(tx);
      const refused = {
        stale: await setStatus(tx, id, 'delivered', 'arrived'),
        pendingToDelivered: await setStatus(tx, id, 'delivered', 'pending'),
        same: await setStatus(tx, id, 'pending', 'pending'),
        unknown: await setStatus(tx, 'no-such-stop', 'arrived', 'pending'),
        nullStatus: await attempt(tx, 'select set_stop_status($1, null, $2) as value', [id, 'pending']),
        badEnum: await attempt(tx, 'select set_stop_status($1, $2, $3) as value', [id, 'lost', 'pending']),
      };
      const unchanged = json(await snapshot(tx)) === json(before);
      await setStatus(tx, id, 'arrived', 'pending');
      await setStatus(tx, id, 'delivered', 'arrived');
      const deliveredToPending = await setStatus(tx, id, 'pending', 'delivered');
      const deliveredToSkipped = await setStatus(tx, id, 'skipped', 'delivered');
      await tx.query(`update deliveries set status = 'cancelled' where id = $1`, [value!.delivery.id]);
      const cancelled = await setStatus(tx, value!.stops[1].id, 'arrived', 'pending');
      return { refused, unchanged, deliveredToPending, deliveredToSkipped, cancelled, id, runId: value!.delivery.id };
    });
    const { refused } = outcome;
    expect(refused.stale.error?.code).toBe('PT409');
    expect(detail(refused.stale.error)).toEqual({
      conflict: 'stop',
      stop_id: outcome.id,
      delivery_id: outcome.runId,
      current_status: 'pending',
    });
    expect(refused.pendingToDelivered.error?.code).toBe('PT400');
    expect(refused.same.error?.code).toBe('PT400');
    expect(refused.unknown.error?.code).toBe('PT404');
    expect(refused.nullStatus.error?.code).toBe('PT400');
    expect(refused.badEnum.error?.code).toBe('22P02');
    expect(outcome.unchanged).toBe(true);
    expect(outcome.deliveredToPending.error?.code).toBe('PT400');
    expect(outcome.deliveredToSkipped.error?.code).toBe('PT400');
    expect(outcome.cancelled.error?.code).toBe('PT400');
  });

  it('lets dispatchers and the service role mark stops; refuses commanders, role-less users and the public', async () => {
    const setup = async (tx: Tx) => {
      await tx.query(`insert into deliveries (id, depot_id, truck) values ('d-roles', 'dp-01', 't')`);
      await tx.query(
        `insert into delivery_stops (id, delivery_id, seq, compound_id) values ('s-roles', 'd-roles', 1, 'cmp-0001')`,
      );
    };
    const mark = (actor: 'dispatcher' | 'service_role' | 'commander' | 'authenticated' | 'anon') =>
      asActor(t.db, actor, (tx) => setStatus(tx, 's-roles', 'arrived', 'pending'), setup);
    expect((await mark('dispatcher')).value?.stop.status).toBe('arrived');
    expect((await mark('service_role')).value?.stop.status).toBe('arrived');
    for (const actor of ['commander', 'authenticated', 'anon'] as const) {
      expect((await mark(actor)).error?.code, actor).toBe('42501');
    }
  });

  it('bumps the run’s version once per call, even when the run’s status does not change', async () => {
    const run = await committedRun();
    const id = run.delivery.id;
    expect(await version(id)).toBe(1);
    await commitStatus(run.stops[0].id, 'arrived', 'pending');
    expect(await version(id)).toBe(2);
    await commitStatus(run.stops[0].id, 'delivered', 'arrived');
    expect(await version(id)).toBe(3);
    await commitStatus(run.stops[1].id, 'skipped', 'pending');
    expect(await version(id)).toBe(4);
    const { rows } = await t.db.query<{ status: string; stops_updated_at: string | null }>(
      'select status, stops_updated_at from deliveries where id = $1',
      [id],
    );
    expect(rows[0].status).toBe('en_route');
    expect(rows[0].stops_updated_at).not.toBeNull();
  });
});

describe('replan_delivery', () => {
  it('keeps the done stops first, re-orders the rest, keeps stops it still has, bumps the version once', async () => {
    const run = await committedRun();
    const [a, b, c, d] = run.stops;
    await commitStatus(b.id, 'arrived', 'pending');
    await commitStatus(b.id, 'delivered', 'arrived');
    await commitStatus(d.id, 'skipped', 'pending');
    await commitStatus(c.id, 'arrived', 'pending');
    const current = await version(run.delivery.id);
    const newRoute = {
      type: 'LineString',
      coordinates: [
        [121.01, 31.96],
        [120.95, 31.98],
      ],
    };
    const { value, error } = await commitAs(t.db, 'dispatcher', (tx) =>
      replan(tx, run.delivery.id, current, newRoute, [
        { compound_id: 'cmp-0003', eta: '2022-04-05T09:00:00+08:00' },
        { compound_id: 'cmp-0001', parcels: 12 },
      ]),
    );
    expect(error).toBeUndefined();
    expect(value!.delivery).toMatchObject({ version: current + 1, status: 'en_route', route: newRoute });
    expect(value!.stops.map((s) => [s.seq, s.compound_id, s.status, s.id])).toEqual([
      [1, 'cmp-0002', 'delivered', b.id],
      [2, 'cmp-0004', 'skipped', d.id],
      [3, 'cmp-0003', 'arrived', c.id],
      [4, 'cmp-0001', 'pending', a.id],
    ]);
    const byId = Object.fromEntries(value!.stops.map((s) => [s.id, s]));
    expect(byId[c.id].arrived_at).not.toBeNull();
    expect(new Date(byId[c.id].eta!).toISOString()).toBe('2022-04-05T01:00:00.000Z');
    expect(byId[a.id].parcels).toBe(12);
    expect(byId[b.id].delivered_at).not.toBeNull();

    // dropping a stop deletes it, a new compound gets a new pending stop, a null route clears it
    const again = await commitAs(t.db, 'dispatcher', (tx) =>
      replan(tx, run.delivery.id, current + 1, null, [{ compound_id: 'cmp-0001' }]),
    );
    expect(again.error).toBeUndefined();
    expect(again.value!.delivery.route).toBeNull();
    expect(again.value!.stops.map((s) => [s.seq, s.compound_id, s.status])).toEqual([
      [1, 'cmp-0002', 'delivered'],
      [2, 'cmp-0004', 'skipped'],
      [3, 'cmp-0001', 'pending'],
    ]);
  });

  it('refuses a stale version (PT409 with the current one), done compounds and bad input (PT400), and changes nothing', async () => {
    const run = await committedRun();
    await commitStatus(run.stops[0].id, 'arrived', 'pending');
    await commitStatus(run.stops[0].id, 'delivered', 'arrived');
    const current = await version(run.delivery.id);
    const id = run.delivery.id;
    const outcome = await asActor(t.db, 'dispatcher', async (tx) => {
      const before = await snapshot(tx);
      const stops = [{ compound_id: 'cmp-0002' }];
      const refused = {
        stale: await replan(tx, id, current - 1, ROUTE, stops),
        unknown: await replan(tx, 'no-such-run', 1, ROUTE, stops),
        done: await replan(tx, id, current, ROUTE, [{ compound_id: 'cmp-0001' }, { compound_id: 'cmp-0002' }]),
        empty: await replan(tx, id, current, ROUTE, []),
        duplicate: await replan(tx, id, current, ROUTE, [{ compound_id: 'cmp-0002' }, { compound_id: 'cmp-0002' }]),
        unknownCompound: await replan(tx, id, current, ROUTE, [{ compound_id: 'cmp-9999' }]),
        badRoute: await replan(tx, id, current, { type: 'LineString', coordinates: [[1, 1]] }, stops),
        noVersion: await replan(tx, id, null, ROUTE, stops),
      };
      return { refused, same: json(await snapshot(tx)) === json(before) };
    });
    const { refused } = outcome;
    expect(refused.stale.error?.code).toBe('PT409');
    expect(detail(refused.stale.error)).toEqual({ current_version: current, conflict: 'delivery', delivery_id: id });
    expect(refused.unknown.error?.code).toBe('PT404');
    for (const key of ['done', 'empty', 'duplicate', 'unknownCompound', 'badRoute', 'noVersion'] as const) {
      expect(refused[key].error?.code, key).toBe('PT400');
    }
    expect(outcome.same).toBe(true);
  });

  it('refuses a run whose stop changed since it was loaded, and a completed run', async () => {
    const run = await committedRun(['cmp-0001', 'cmp-0002']);
    const seen = await version(run.delivery.id);
    // the driver delivers a stop while the dispatcher re-plans
    await commitStatus(run.stops[1].id, 'skipped', 'pending');
    const stale = await asActor(t.db, 'dispatcher', (tx) =>
      replan(tx, run.delivery.id, seen, null, [{ compound_id: 'cmp-0002' }, { compound_id: 'cmp-0001' }]),
    );
    expect(stale.error?.code).toBe('PT409');
    await commitStatus(run.stops[0].id, 'skipped', 'pending');
    const now = await version(run.delivery.id);
    const completed = await asActor(t.db, 'dispatcher', (tx) =>
      replan(tx, run.delivery.id, now, null, [{ compound_id: 'cmp-0003' }]),
    );
    expect(completed.error?.code).toBe('PT400');
    expect(completed.error?.message).toMatch(/completed/);
  });

  it('lets dispatchers and the service role re-plan; refuses commanders, role-less users and the public', async () => {
    const run = await committedRun(['cmp-0001']);
    for (const actor of ['dispatcher', 'service_role'] as const) {
      const { error } = await asActor(t.db, actor, (tx) =>
        replan(tx, run.delivery.id, 1, null, [{ compound_id: 'cmp-0002' }]),
      );
      expect(error, actor).toBeUndefined();
    }
    for (const actor of ['commander', 'authenticated', 'anon'] as const) {
      const { error } = await asActor(t.db, actor, (tx) =>
        replan(tx, run.delivery.id, 1, null, [{ compound_id: 'cmp-0002' }]),
      );
      expect(error?.code, actor).toBe('42501');
    }
  });
});

describe(`concurrency (${BACKEND})`, () => {
  const CALLERS = 20;
  const raceAs = useRacers(() => t.db, CALLERS);
  const race = (calls: readonly RaceCall[]) => raceAs('dispatcher', calls);

  const times = (call: { sql: string; params: unknown[] }) => Array.from({ length: CALLERS }, () => call);

  it('set_stop_status: exactly one of 20 calls from one expected status wins', async () => {
    const run = await committedRun();
    const stop = run.stops[0].id;
    const outcome = await race(
      times({ sql: 'select set_stop_status($1, $2, $3)', params: [stop, 'arrived', 'pending'] }),
    );
    expect(outcome).toEqual({ wins: 1, codes: ['PT409', 'ok'] });
    expect(await version(run.delivery.id)).toBe(2);
    const { rows } = await t.db.query<{ status: string }>('select status from delivery_stops where id = $1', [stop]);
    expect(rows[0].status).toBe('arrived');
  });

  it('set_stop_status: the last stops delivered at once still complete the run', async () => {
    const run = await committedRun();
    for (const s of run.stops) await commitStatus(s.id, 'arrived', 'pending');
    const outcome = await race(
      run.stops.map((s) => ({ sql: 'select set_stop_status($1, $2, $3)', params: [s.id, 'delivered', 'arrived'] })),
    );
    expect(outcome).toEqual({ wins: run.stops.length, codes: ['ok'] });
    const { rows } = await t.db.query<{ status: string }>('select status from deliveries where id = $1', [
      run.delivery.id,
    ]);
    expect(rows[0].status).toBe('completed');
  });

  it('replan_delivery: exactly one of 20 re-plans from one version wins', async () => {
    const run = await committedRun();
    const outcome = await race(
      Array.from({ length: CALLERS }, (_, i) => ({
        sql: 'select replan_delivery($1, 1, null, $2)',
        params: [
          run.delivery.id,
          json(i % 2 ? [{ compound_id: 'cmp-0004' }, { compound_id: 'cmp-0003' }] : [{ compound_id: 'cmp-0001' }]),
        ],
      })),
    );
    expect(outcome).toEqual({ wins: 1, codes: ['PT409', 'ok'] });
    expect(await version(run.delivery.id)).toBe(2);
  });
});
