import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SupabaseClient } from '@supabase/supabase-js';
import { ACCESS, APP_TABLES, type AppTable, type Visibility } from '../db/access-matrix.ts';
import { ACTORS, type Actor } from '../db/impersonate.ts';
import { COMMANDER, DEMO_PASSWORD, DISPATCHER, startTestStack, type TestStack } from '../helpers/stack.ts';
import { createUser } from '../helpers/users.ts';

// The RLS matrix of tests/db/access.test.ts again, through HTTP: the unmodified supabase-js client
// against the local stack, each actor with the token it really gets (anon key, a signed-in user,
// the service key). Expectations come from ACCESS; outcomes are checked on the database.

let stack: TestStack;
const clients = {} as Record<Actor, SupabaseClient>;
/** Existing rows the matrix rows refer to (deliveries are not part of the dataset: one is made here). */
const refs = { depot: '', compound: '', delivery: 'rls-delivery' };

beforeAll(async () => {
  stack = await startTestStack();
  await createUser(stack, 'nobody@rls.local', 'no-role-2022');
  clients.anon = stack.client();
  clients.authenticated = await stack.signIn('nobody@rls.local', 'no-role-2022');
  clients.dispatcher = await stack.signIn(DISPATCHER, DEMO_PASSWORD);
  clients.commander = await stack.signIn(COMMANDER, DEMO_PASSWORD);
  clients.service_role = stack.client({ key: stack.serviceKey });
  const { rows } = await stack.ctx.db.query<{ depot: string; compound: string }>(
    `select (select id from sites where kind = 'depot' order by id limit 1) as depot,
            (select id from compounds order by id limit 1) as compound`,
  );
  refs.depot = rows[0].depot;
  refs.compound = rows[0].compound;
  await stack.ctx.db.query(`insert into deliveries (id, depot_id, truck) values ($1, $2, '苏F·12345')`, [
    refs.delivery,
    refs.depot,
  ]);
  await stack.ctx.db.query(
    `insert into delivery_stops (id, delivery_id, seq, compound_id) values ('rls-stop', $1, 1, $2)`,
    [refs.delivery, refs.compound],
  );
  // zone_drafts rows belong to published zones: one per matrix cell, and one draft to read
  const draftZones = [
    ...ACTORS.map((actor) => OPERATIONS.map((op) => `rls-zone_drafts-${actor}-${op}`)).flat(),
    'rls-draft-seen',
  ];
  await stack.ctx.db.query(
    `insert into zones (id, name, level, status, geom) select id, id, 'control', 'lifted', $2 from unnest($1::text[]) id`,
    [draftZones, JSON.stringify(square)],
  );
  await stack.ctx.db.query(
    `insert into zone_drafts (zone_id, base_version, name, level, status, geom) values ('rls-draft-seen', 1, 'seen', 'control', 'active', $1)`,
    [JSON.stringify(square)],
  );
});

afterAll(async () => {
  await stack?.stop();
});

const square = {
  type: 'MultiPolygon',
  coordinates: [
    [
      [
        [121.01, 31.96],
        [121.02, 31.96],
        [121.02, 31.97],
        [121.01, 31.97],
        [121.01, 31.96],
      ],
    ],
  ],
};
const line = {
  type: 'LineString',
  coordinates: [
    [121, 31.96],
    [121.01, 31.96],
  ],
};
const point = { type: 'Point', coordinates: [121.01, 31.96] };

/** How one table is written in the matrix: a valid row as JSON, and a change to it. */
interface TableWrites {
  /** The column that names a row (zone_revisions.id is an identity the client may not set). */
  key: string;
  row(key: string, n: number): Record<string, unknown>;
  patch: Record<string, string | number>;
}

const WRITES: Record<AppTable, TableWrites> = {
  districts: { key: 'id', row: (id) => ({ id, name: id, geom: square }), patch: { residents: 1 } },
  compounds: {
    key: 'id',
    row: (id) => ({ id, name: id, households: 1, residents: 1, geom: square, drop_point: point }),
    patch: { households: 2 },
  },
  roads: { key: 'id', row: (id) => ({ id, class: 'service', speed_kmh: 10, geom: line }), patch: { speed_kmh: 20 } },
  // active, so that anon could see the row it is refused to change
  zones: {
    key: 'id',
    row: (id) => ({ id, name: id, level: 'control', status: 'active', geom: square }),
    patch: { level: 'lockdown' },
  },
  zone_revisions: {
    key: 'zone_id',
    row: (zone_id) => ({ zone_id, version: 1, op: 'INSERT', change_kind: 'created', row: { status: 'active' } }),
    patch: { change_kind: 'updated' },
  },
  zone_drafts: {
    key: 'zone_id',
    row: (zone_id) => ({ zone_id, base_version: 1, name: zone_id, level: 'control', status: 'active', geom: square }),
    patch: { level: 'lockdown' },
  },
  sites: { key: 'id', row: (id) => ({ id, kind: 'testing_site', name: id, geom: point }), patch: { queue_length: 5 } },
  deliveries: {
    key: 'id',
    row: (id) => ({ id, depot_id: refs.depot, truck: id, route: line }),
    patch: { status: 'en_route' },
  },
  delivery_stops: {
    key: 'id',
    // seq 1 is the prepared stop's; a fresh seq per case keeps (delivery_id, seq) unique
    row: (id, n) => ({ id, delivery_id: refs.delivery, seq: n + 2, compound_id: refs.compound }),
    patch: { status: 'arrived' },
  },
};

async function dbRows(table: AppTable, key: string): Promise<Record<string, unknown>[]> {
  const { rows } = await stack.ctx.db.query<Record<string, unknown>>(
    `select * from ${table} where ${WRITES[table].key} = $1`,
    [key],
  );
  return rows;
}

/** The rows an actor should see, counted on the database itself. */
async function expectedCount(table: AppTable, read: Exclude<Visibility, 'refused'>): Promise<number> {
  if (read === 'none') return 0;
  const where = read === 'all' ? 'true' : read.where;
  const { rows } = await stack.ctx.db.query<{ n: number }>(`select count(*)::int as n from ${table} where ${where}`);
  return rows[0].n;
}

/** What a refusal looks like: PostgREST's 401 for a request without a user, 403 otherwise. */
const refusedStatus = (actor: Actor) => (actor === 'anon' ? 401 : 403);

const cells = APP_TABLES.flatMap((table) => ACTORS.map((actor) => ({ table, actor, ...ACCESS[table][actor] })));
const describeRead = (read: Visibility) => (typeof read === 'string' ? read : `where ${read.where}`);

describe('RLS matrix over REST: read', () => {
  it.each(cells.map((c) => [`${c.table}: ${c.actor} reads ${describeRead(c.read)}`, c] as const))(
    '%s',
    async (_, { table, actor, read }) => {
      // anon holds column grants on some tables: name a column granted to it (the row key), not *
      const columns = actor === 'anon' ? WRITES[table].key : '*';
      const head = await clients[actor].from(table).select(columns, { count: 'exact', head: true });
      if (read === 'refused') {
        expect(head.status).toBe(refusedStatus(actor));
        // a HEAD answer has no body: the SQLSTATE comes with the same read as GET
        const get = await clients[actor].from(table).select(columns).limit(1);
        expect({ status: get.status, code: get.error?.code }).toEqual({ status: refusedStatus(actor), code: '42501' });
        return;
      }
      expect(head.error).toBeNull();
      const expected = await expectedCount(table, read);
      expect(head.count).toBe(expected);
      // a matrix of empty tables would prove nothing
      if (read !== 'none') expect(expected).toBeGreaterThan(0);
    },
  );
});

type Operation = 'insert' | 'update' | 'delete';
const OPERATIONS: Operation[] = ['insert', 'update', 'delete'];

describe('RLS matrix over REST: write', () => {
  let made: { table: AppTable; key: string } | null = null;
  let n = 0;

  afterEach(async () => {
    if (!made) return;
    const { table, key } = made;
    made = null;
    await stack.ctx.db.query(`delete from ${table} where ${WRITES[table].key} = $1`, [key]);
    // a zone written or deleted leaves revisions behind
    if (table === 'zones') await stack.ctx.db.query('delete from zone_revisions where zone_id = $1', [key]);
  });

  /** Runs one write as `actor`; says whether the database changed and what the client was answered. */
  async function attempt(table: AppTable, actor: Actor, op: Operation) {
    const spec = WRITES[table];
    const key = `rls-${table}-${actor}-${op}`;
    const row = spec.row(key, n++);
    made = { table, key };
    if (op !== 'insert') {
      const { error } = await clients.service_role.from(table).insert(row);
      if (error) throw new Error(`preparing ${table} ${key} as service_role: ${error.code} ${error.message}`);
    }
    const api = clients[actor].from(table);
    const reply =
      op === 'insert'
        ? await api.insert(row)
        : op === 'update'
          ? await api.update(spec.patch).eq(spec.key, key)
          : await api.delete().eq(spec.key, key);
    const rows = await dbRows(table, key);
    const changed =
      op === 'insert'
        ? rows.length === 1
        : op === 'delete'
          ? rows.length === 0
          : Object.entries(spec.patch).every(([column, value]) => rows[0][column] === value);
    return { changed, answer: reply.error ? `${reply.status} ${reply.error.code}` : `${reply.status}` };
  }

  const writeCells = cells.flatMap((c) =>
    OPERATIONS.map((op) => [`${c.table}: ${c.actor} ${c.write ? 'may' : 'may not'} ${op}`, { ...c, op }] as const),
  );

  it.each(writeCells)('%s', async (_, { table, actor, op, write }) => {
    const { changed, answer } = await attempt(table, actor, op);
    if (write) {
      expect({ changed, answer }).toEqual({ changed: true, answer: op === 'insert' ? '201' : '204' });
    } else {
      expect(changed).toBe(false);
      // RLS refuses an insert outright; an update or delete it may also let match no row
      const refusals = op === 'insert' ? [`${refusedStatus(actor)} 42501`] : [`${refusedStatus(actor)} 42501`, '204'];
      expect(refusals).toContain(answer);
    }
  });
});
