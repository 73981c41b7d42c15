import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHECKPOINT_STATES,
  COMPOUND_PUBLIC_COLUMNS,
  DELIVERY_STATUSES,
  QUARANTINE_SITE_TYPES,
  ROAD_CLASSES,
  SITE_KINDS,
  SITE_PUBLIC_COLUMNS,
  SITE_STATUSES,
  STOP_STATUSES,
  ZONE_CHANGE_KINDS,
  ZONE_LEVELS,
  ZONE_PUBLIC_COLUMNS,
  ZONE_REVISION_PUBLIC_COLUMNS,
  ZONE_STATUSES,
  type CompoundRow,
  type DeliveryRow,
  type DeliveryStopRow,
  type DistrictRow,
  type RoadRow,
  type SiteRow,
  type ZoneDraftRow,
  type ZoneRevisionRow,
  type ZoneRow,
} from '../../src/domain/rows.ts';
import { openTestDatabase, type TestDatabase } from './database.ts';
import { ACCESS, APP_TABLES, HQ_TABLES, type AppTable, type Visibility } from './access-matrix.ts';
import { asActor, sqlState, type Actor } from './impersonate.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase();
  // deliveries are not part of the dataset: one run with a stop, as the seed of this test
  await t.db.exec(`
    insert into public.deliveries (id, depot_id, truck) values ('del-1', 'dp-01', '苏F·12345');
    insert into public.delivery_stops (id, delivery_id, seq, compound_id) values ('stop-1', 'del-1', 1, 'cmp-0001');
    insert into public.zone_drafts (zone_id, base_version, name, level, status, geom)
      select id, version, name, 'precaution', 'active', geom from public.zones where id = 'zone-0004';
  `);
});
afterAll(() => t?.close());

const all = <K extends string>(keys: Record<K, true>) => Object.keys(keys).sort();

// Exactly the keys of each row type (tsc rejects a missing or extra key), checked against the catalog.
const ROW_COLUMNS: Record<AppTable, string[]> = {
  districts: all<keyof DistrictRow>({ id: true, name: true, name_en: true, residents: true, geom: true }),
  compounds: all<keyof CompoundRow>({
    id: true, name: true, name_en: true, district: true, households: true, residents: true, geom: true, drop_point: true,
  }),
  zones: all<keyof ZoneRow>({
    id: true, name: true, name_en: true, level: true, status: true, district: true, geom: true, effective_from: true,
    review_days: true, notes: true, version: true, created_at: true, updated_at: true, updated_by: true,
    bounds_zh: true, bounds_en: true,
  }),
  zone_revisions: all<keyof ZoneRevisionRow>({
    id: true, zone_id: true, version: true, op: true, change_kind: true, changed_fields: true, row: true,
    public_row: true, changed_by: true, changed_by_email: true, changed_at: true,
  }),
  zone_drafts: all<keyof ZoneDraftRow>({
    zone_id: true, base_version: true, name: true, name_en: true, level: true, status: true, geom: true,
    effective_from: true, review_days: true, notes: true, version: true, created_at: true, updated_at: true,
    updated_by: true, updated_by_email: true, bounds_zh: true, bounds_en: true,
  }),
  sites: all<keyof SiteRow>({
    id: true, kind: true, name: true, name_en: true, district: true, geom: true, status: true,
    capacity_per_hour: true, opens: true, closes: true, queue_length: true, state: true, road: true,
    pass_required: true, rooms_total: true, rooms_ready: true, rooms_occupied: true, site_type: true, key: true,
    version: true, updated_at: true, updated_by: true,
  }),
  roads: all<keyof RoadRow>({ id: true, class: true, name: true, name_en: true, oneway: true, speed_kmh: true, geom: true }),
  deliveries: all<keyof DeliveryRow>({
    id: true, depot_id: true, truck: true, status: true, route: true, notes: true, version: true,
    created_by: true, created_at: true, updated_at: true, updated_by: true, has_pass: true, start_at: true,
    planned_seconds: true, planned_metres: true, stops_updated_at: true,
  }),
  delivery_stops: all<keyof DeliveryStopRow>({
    id: true, delivery_id: true, seq: true, compound_id: true, status: true, eta: true, arrived_at: true,
    delivered_at: true, updated_at: true, parcels: true,
  }),
};

describe('schema', () => {
  it('has row-level security enabled on every table in public', async () => {
    const { rows } = await t.db.query<{ relname: string; relrowsecurity: boolean }>(
      `select c.relname, c.relrowsecurity from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'public' and c.relkind in ('r', 'p') order by c.relname`,
    );
    // (the headquarters tables' matrix and columns are checked in hq-operations.test.ts)
    expect(rows.map((r) => r.relname).sort()).toEqual([...APP_TABLES, ...HQ_TABLES].sort());
    expect(rows.filter((r) => !r.relrowsecurity)).toEqual([]);
  });

  it('has exactly the columns the row types in src/domain/rows.ts declare', async () => {
    for (const table of APP_TABLES) {
      const { rows } = await t.db.query<{ column_name: string }>(
        `select column_name from information_schema.columns where table_schema = 'public' and table_name = $1`,
        [table],
      );
      expect(rows.map((r) => r.column_name).sort(), table).toEqual(ROW_COLUMNS[table]);
    }
  });

  it('has the enum values src/domain/rows.ts lists', async () => {
    const enums: Record<string, readonly string[]> = {
      zone_level: ZONE_LEVELS,
      zone_status: ZONE_STATUSES,
      zone_change_kind: ZONE_CHANGE_KINDS,
      site_kind: SITE_KINDS,
      site_status: SITE_STATUSES,
      checkpoint_state: CHECKPOINT_STATES,
      quarantine_site_type: QUARANTINE_SITE_TYPES,
      road_class: ROAD_CLASSES,
      delivery_status: DELIVERY_STATUSES,
      stop_status: STOP_STATUSES,
    };
    for (const [name, values] of Object.entries(enums)) {
      const { rows } = await t.db.query<{ v: string }>(`select unnest(enum_range(null::public.${name}))::text as v`);
      expect(rows.map((r) => r.v), name).toEqual([...values]);
    }
  });

  it('grants anon exactly the public column lists and nothing but select', async () => {
    const expected: Record<string, readonly string[]> = {
      zones: ZONE_PUBLIC_COLUMNS,
      zone_revisions: ZONE_REVISION_PUBLIC_COLUMNS,
      compounds: COMPOUND_PUBLIC_COLUMNS,
      sites: SITE_PUBLIC_COLUMNS,
    };
    for (const [table, columns] of Object.entries(expected)) {
      const { rows } = await t.db.query<{ column_name: string; privilege_type: string }>(
        `select column_name, privilege_type from information_schema.column_privileges
         where grantee = 'anon' and table_schema = 'public' and table_name = $1`,
        [table],
      );
      expect(rows.filter((r) => r.privilege_type !== 'SELECT'), table).toEqual([]);
      expect(rows.map((r) => r.column_name).sort(), table).toEqual([...columns].sort());
    }
  });

  it('uses the same public column lists for broadcasts as rows.ts', async () => {
    const { rows } = await t.db.query<{ zones: string[]; sites: string[] }>(
      'select private.zone_public_columns() as zones, private.site_public_columns() as sites',
    );
    expect(rows[0].zones).toEqual([...ZONE_PUBLIC_COLUMNS]);
    expect(rows[0].sites).toEqual([...SITE_PUBLIC_COLUMNS]);
  });

  it('has a GiST index on every geometry column', async () => {
    const { rows } = await t.db.query<{ tbl: string; col: string }>(
      `select c.relname as tbl, a.attname as col
       from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'public' and c.relkind = 'r' and a.atttypid = 'extensions.geometry'::regtype and a.attnum > 0
         and not exists (
           select 1 from pg_index i join pg_class ic on ic.oid = i.indexrelid join pg_am am on am.oid = ic.relam
           where i.indrelid = c.oid and am.amname = 'gist' and a.attnum = any (i.indkey))`,
    );
    expect(rows).toEqual([]);
  });

  it('stores geometry in EPSG:4326 only', async () => {
    const { rows } = await t.db.query<{ f_table_name: string; srid: number }>(
      `select f_table_name, srid from extensions.geometry_columns where f_table_schema = 'public'`,
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.srid !== 4326)).toEqual([]);
  });
});

describe('check constraints', () => {
  const bowtie = 'SRID=4326;MULTIPOLYGON(((120.96 31.97,120.97 31.98,120.97 31.97,120.96 31.98,120.96 31.97)))';

  it.each([
    ['zones', `insert into zones (name, level, geom) values ('x', 'lockdown', '${bowtie}')`],
    ['compounds', `insert into compounds (name, households, residents, geom) values ('x', 1, 1, '${bowtie}')`],
    ['districts', `insert into districts (id, name, geom) values ('x', 'x', '${bowtie}')`],
  ])('reject a self-intersecting polygon in %s', async (_table, sql) => {
    expect(await sqlState(() => asActor(t.db, 'service_role', (tx) => tx.query(sql)))).toBe('23514');
  });

  it('rejects a ring that does not close, without taking the database down', async () => {
    const unclosed = JSON.stringify({ type: 'MultiPolygon', coordinates: [[[[121, 31.95], [121.01, 31.96], [121.01, 31.95], [121.02, 31.97]]]] });
    const sql = `insert into zones (name, level, geom) values ('x', 'lockdown', $1)`;
    expect(await sqlState(() => asActor(t.db, 'commander', (tx) => tx.query(sql, [unclosed])))).toBe('23514');
    const { rows } = await t.db.query<{ n: number }>('select count(*)::int as n from zones');
    expect(rows[0].n).toBe(4);
  });

  // (PostGIS 3.6 promotes a Polygon to MultiPolygon here, older versions refuse it: clients send MultiPolygon)
  it('rejects a point where a MultiPolygon is stored, and a foreign SRID', async () => {
    const point = `insert into zones (name, level, geom) values ('x', 'lockdown', 'SRID=4326;POINT(120.96 31.97)')`;
    const mercator = `insert into zones (name, level, geom) values ('x', 'lockdown', 'SRID=3857;MULTIPOLYGON(((0 0,1 0,1 1,0 0)))')`;
    expect(await sqlState(() => asActor(t.db, 'service_role', (tx) => tx.query(point)))).toBe('22023');
    expect(await sqlState(() => asActor(t.db, 'service_role', (tx) => tx.query(mercator)))).toBe('22023');
  });

  it('accepts GeoJSON without a crs as EPSG:4326, as PostgREST passes it', async () => {
    const srid = await asActor(t.db, 'commander', async (tx) => {
      const geojson = JSON.stringify({ type: 'MultiPolygon', coordinates: [[[[120.96, 31.97], [120.97, 31.97], [120.97, 31.98], [120.96, 31.97]]]] });
      const { rows } = await tx.query<{ srid: number }>(
        `insert into zones (name, level, geom) values ('x', 'control', $1) returning ST_SRID(geom) as srid`,
        [geojson],
      );
      return rows[0].srid;
    });
    expect(srid).toBe(4326);
  });

  it('rejects kind-specific fields that do not fit: a checkpoint without a state, more rooms occupied than exist or are ready', async () => {
    const point = `'SRID=4326;POINT(120.97 31.97)'`;
    const checkpoint = `insert into sites (kind, name, geom) values ('checkpoint', 'x', ${point})`;
    const rooms = `insert into sites (kind, name, geom, rooms_total, rooms_occupied, site_type) values ('quarantine_site', 'x', ${point}, 10, 11, 'hotel')`;
    expect(await sqlState(() => asActor(t.db, 'service_role', (tx) => tx.query(checkpoint)))).toBe('23514');
    expect(await sqlState(() => asActor(t.db, 'service_role', (tx) => tx.query(rooms)))).toBe('23514');
    const beyondReady = `insert into sites (kind, name, geom, rooms_total, rooms_ready, rooms_occupied, site_type) values ('quarantine_site', 'x', ${point}, 10, 5, 6, 'hotel')`;
    expect(await sqlState(() => asActor(t.db, 'service_role', (tx) => tx.query(beyondReady)))).toBe('23514');
  });

  it('refuses a delivery that does not start at a depot', async () => {
    const sql = `insert into deliveries (depot_id, truck) values ('ts-01', 'x')`;
    expect(await sqlState(() => asActor(t.db, 'dispatcher', (tx) => tx.query(sql)))).toBe('23514');
  });
});

/** Statements that exercise one table; `spare` makes the row they change, as the superuser, in the same transaction. */
interface TableStatements {
  spare: string;
  insert: string;
  update: string;
  delete: string;
}

const square = 'SRID=4326;MULTIPOLYGON(((121.01 31.96,121.02 31.96,121.02 31.97,121.01 31.97,121.01 31.96)))';
const line = 'SRID=4326;LINESTRING(121 31.96,121.01 31.96)';

const STATEMENTS: Record<AppTable, TableStatements> = {
  districts: {
    spare: `insert into districts (id, name, geom) values ('spare', 'spare', '${square}')`,
    insert: `insert into districts (id, name, geom) values ('new', 'new', '${square}')`,
    update: `update districts set residents = 1 where id = 'spare'`,
    delete: `delete from districts where id = 'spare'`,
  },
  compounds: {
    spare: `insert into compounds (id, name, households, residents, geom) values ('spare', 'spare', 1, 1, '${square}')`,
    insert: `insert into compounds (id, name, households, residents, geom) values ('new', 'new', 1, 1, '${square}')`,
    update: `update compounds set households = 2 where id = 'spare'`,
    delete: `delete from compounds where id = 'spare'`,
  },
  roads: {
    spare: `insert into roads (id, class, speed_kmh, geom) values ('spare', 'service', 10, '${line}')`,
    insert: `insert into roads (id, class, speed_kmh, geom) values ('new', 'service', 10, '${line}')`,
    update: `update roads set speed_kmh = 20 where id = 'spare'`,
    delete: `delete from roads where id = 'spare'`,
  },
  zones: {
    // active, so that anon could see the row it is refused to change
    spare: `insert into zones (id, name, level, status, geom) values ('spare', 'spare', 'control', 'active', '${square}')`,
    insert: `insert into zones (id, name, level, geom) values ('new', 'new', 'control', '${square}')`,
    update: `update zones set level = 'lockdown' where id = 'spare'`,
    delete: `delete from zones where id = 'spare'`,
  },
  zone_revisions: {
    spare: `insert into zone_revisions (zone_id, version, op, change_kind, "row") values ('spare', 1, 'INSERT', 'created', '{"status":"active"}')`,
    insert: `insert into zone_revisions (zone_id, version, op, change_kind, "row") values ('new', 1, 'INSERT', 'created', '{"status":"active"}')`,
    update: `update zone_revisions set change_kind = 'updated' where zone_id = 'spare'`,
    delete: `delete from zone_revisions where zone_id = 'spare'`,
  },
  zone_drafts: {
    // drafts of the two published zones of the seed (zone-0004 has one from beforeAll)
    spare: `insert into zone_drafts (zone_id, base_version, name, level, status, geom) values ('zone-0001', 1, 'spare', 'control', 'active', '${square}')`,
    insert: `insert into zone_drafts (zone_id, base_version, name, level, status, geom) values ('zone-0002', 1, 'new', 'control', 'active', '${square}')`,
    update: `update zone_drafts set level = 'lockdown' where zone_id = 'zone-0001'`,
    delete: `delete from zone_drafts where zone_id = 'zone-0001'`,
  },
  sites: {
    spare: `insert into sites (id, kind, name, geom) values ('spare', 'testing_site', 'spare', 'SRID=4326;POINT(121.01 31.96)')`,
    insert: `insert into sites (id, kind, name, geom) values ('new', 'testing_site', 'new', 'SRID=4326;POINT(121.01 31.96)')`,
    update: `update sites set queue_length = 5 where id = 'spare'`,
    delete: `delete from sites where id = 'spare'`,
  },
  deliveries: {
    spare: `insert into deliveries (id, depot_id, truck) values ('spare', 'dp-01', 'spare')`,
    insert: `insert into deliveries (id, depot_id, truck) values ('new', 'dp-01', 'new')`,
    update: `update deliveries set status = 'en_route' where id = 'spare'`,
    delete: `delete from deliveries where id = 'spare'`,
  },
  delivery_stops: {
    spare: `insert into delivery_stops (id, delivery_id, seq, compound_id) values ('spare', 'del-1', 2, 'cmp-0002')`,
    insert: `insert into delivery_stops (id, delivery_id, seq, compound_id) values ('new', 'del-1', 3, 'cmp-0003')`,
    update: `update delivery_stops set status = 'arrived' where id = 'spare'`,
    delete: `delete from delivery_stops where id = 'spare'`,
  },
};

/** The rows an actor should see, counted by the superuser. */
async function expectedCount(table: AppTable, read: Exclude<Visibility, 'refused'>): Promise<number> {
  if (read === 'none') return 0;
  const where = read === 'all' ? 'true' : read.where;
  const { rows } = await t.db.query<{ n: number }>(`select count(*)::int as n from ${table} where ${where}`);
  return rows[0].n;
}

/** A write goes through when it changes a row; RLS either raises 42501 or silently matches no row. */
async function writes(actor: Actor, sql: string, setup: string): Promise<boolean> {
  try {
    const affected = await asActor(t.db, actor, async (tx) => (await tx.query(sql)).affectedRows ?? 0, (tx) => tx.exec(setup));
    return affected > 0;
  } catch (e) {
    if ((e as { code?: string }).code === '42501') return false;
    throw e;
  }
}

describe.each(APP_TABLES)('RLS matrix: %s', (table) => {
  const statements = STATEMENTS[table];

  it.each(Object.entries(ACCESS[table]))('%s reads what it should', async (actor, { read }) => {
    const count = async () => {
      const { rows } = await asActor(t.db, actor as Actor, (tx) => tx.query<{ n: number }>(`select count(*)::int as n from ${table}`));
      return rows[0].n;
    };
    if (read === 'refused') {
      expect(await sqlState(count)).toBe('42501');
      return;
    }
    const expected = await expectedCount(table, read);
    expect(await count()).toBe(expected);
    // a matrix of empty tables would prove nothing
    if (read !== 'none') expect(expected).toBeGreaterThan(0);
  });

  it.each(Object.entries(ACCESS[table]))('%s may write or is refused', async (actor, { write }) => {
    const outcome = {
      insert: await writes(actor as Actor, statements.insert, statements.spare),
      update: await writes(actor as Actor, statements.update, statements.spare),
      delete: await writes(actor as Actor, statements.delete, statements.spare),
    };
    expect(outcome).toEqual({ insert: write, update: write, delete: write });
  });
});

describe('column grants', () => {
  it('refuse anon the drop point and select * on compounds, but not the public columns', async () => {
    expect(await sqlState(() => asActor(t.db, 'anon', (tx) => tx.query('select drop_point from compounds')))).toBe('42501');
    expect(await sqlState(() => asActor(t.db, 'anon', (tx) => tx.query('select * from compounds')))).toBe('42501');
    const { rows } = await asActor(t.db, 'anon', (tx) => tx.query(`select ${COMPOUND_PUBLIC_COLUMNS.join(',')} from compounds`));
    expect(rows).toHaveLength(4);
  });

  it('refuse anon the notes and author of zones and the full row of revisions', async () => {
    expect(await sqlState(() => asActor(t.db, 'anon', (tx) => tx.query('select notes from zones')))).toBe('42501');
    expect(await sqlState(() => asActor(t.db, 'anon', (tx) => tx.query('select updated_by from zones')))).toBe('42501');
    expect(await sqlState(() => asActor(t.db, 'anon', (tx) => tx.query('select "row" from zone_revisions')))).toBe('42501');
    expect(await sqlState(() => asActor(t.db, 'anon', (tx) => tx.query('select changed_by from zone_revisions')))).toBe('42501');
  });

  it('refuse anon the room figures and key flag of sites', async () => {
    for (const column of ['rooms_total', 'rooms_occupied', 'site_type', 'key', 'updated_by']) {
      expect(await sqlState(() => asActor(t.db, 'anon', (tx) => tx.query(`select ${column} from sites`))), column).toBe('42501');
    }
  });

  it('show anon only testing sites, mobile teams and checkpoints', async () => {
    const { rows } = await asActor(t.db, 'anon', (tx) => tx.query<{ kind: string }>('select distinct kind::text from sites order by 1'));
    expect(rows.map((r) => r.kind)).toEqual(['checkpoint', 'mobile_testing', 'testing_site']);
  });
});

describe('policies', () => {
  it('evaluate the role check once per statement, via (select ...)', async () => {
    const { rows } = await t.db.query<{ tablename: string; policyname: string; qual: string | null; with_check: string | null }>(
      `select tablename, policyname, qual, with_check from pg_policies where schemaname = 'public'`,
    );
    const bare = rows.filter((p) => [p.qual, p.with_check].some((e) => e && /(app_role|is_staff)\(\)/.test(e) && !/SELECT (public\.)?(app_role|is_staff)\(\)/i.test(e)));
    expect(bare.map((p) => p.policyname)).toEqual([]);
    expect(rows.length).toBeGreaterThan(20);
  });

  it('read the staff role from app_metadata, not from user_metadata', async () => {
    const claims = { role: 'authenticated', sub: '00000000-0000-4000-8000-000000000002', user_metadata: { role: 'commander' } };
    const n = await t.db.transaction(async (tx) => {
      await tx.query(`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)`, [JSON.stringify(claims)]);
      const { rows } = await tx.query<{ n: number }>('select count(*)::int as n from zones');
      return rows[0].n;
    });
    expect(n).toBe(0);
  });
});
