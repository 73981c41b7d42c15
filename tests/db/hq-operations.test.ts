import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MultiPolygon } from 'geojson';
import type { Tx } from '../../supabase/local/db.ts';
import {
  type CaseReportRevisionRow,
  type CaseReportRow,
  type MobileTeamEnterpriseRow,
  type SiteRevisionRow,
  type SiteRow,
  type TeamEnterprises,
  type ZoneDraftRow,
  type ZoneProposalDecisionRow,
  type ZoneRevisionRow,
  type ZoneRow,
  type ZoneRulesRow,
} from '../../src/domain/rows.ts';
import { useRacers } from './race.ts';
import { BACKEND, openTestDatabase, type TestDatabase } from './database.ts';
import { HQ_ACCESS, HQ_TABLES, type HqTable, type Visibility } from './access-matrix.ts';
import { asActor, claimsFor, commitAs, sqlState, type Actor } from './impersonate.ts';

// Headquarters operations (supabase/migrations/…001500 to …002100): site history and the site
// RPCs, mobile testing teams' enterprises, case reports and their revisions, the zone rules, the
// decisions on their proposals, and the zones' boundary wording (四至). Fixture seed: testing sites
// ts-01…ts-05, mobile team mt-01, checkpoint cp-01 (restricted), quarantine site qs-01 (rooms
// 120 / 100 ready / 80 occupied, hotel), depot dp-01, enterprises en-01, en-02; compounds
// cmp-0001…cmp-0004; zones zone-0001, zone-0002 active, zone-0003 draft, zone-0004 lifted, all
// version 1. Most tests run in a transaction that is rolled back (asActor); the concurrency test
// commits, on a site of its own, and on PostgreSQL runs on separate connections at once.

let t: TestDatabase;
let commanderId: string;
beforeAll(async () => {
  t = await openTestDatabase();
  commanderId = (await claimsFor(t.db, 'commander')).sub as string;
  // rows for the matrix to read (each table must hold some) and to refer to
  await t.db.exec(`
    insert into public.sites (id, kind, name, geom) values
      ('mt-hq', 'mobile_testing', '流动检测二队', 'SRID=4326;POINT(120.97 31.98)'),
      ('en-hq', 'enterprise', '江海电子', 'SRID=4326;POINT(120.976 31.967)');
    insert into public.mobile_team_enterprises (team_id, enterprise_id) values ('mt-01', 'en-01');
    insert into public.case_reports (id, compound_id, reported_on, count, source) values ('cr-seen', 'cmp-0001', '2022-04-08', 3, '社区筛查');
    insert into public.zone_proposal_decisions (id, kind, zone_id, proposed_level, basis, decision)
      values ('zpd-seen', 'step_down', 'zone-0001', 'control', '{"last_case_on": "2022-04-08", "days": 7}', 'accepted');
  `);
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
const detail = (e: PgError | undefined) => JSON.parse(e?.detail ?? 'null') as Record<string, unknown> | null;
const createSite = (tx: Tx, fields: unknown) => attempt<SiteRow>(tx, 'select create_site($1) as value', [json(fields)]);
const saveSite = (tx: Tx, id: string, expected: number | null, patch: unknown) =>
  attempt<SiteRow>(tx, 'select save_site($1, $2, $3) as value', [id, expected, json(patch)]);
const setTeam = (tx: Tx, team: string, ids: string[] | null) =>
  attempt<TeamEnterprises>(tx, 'select set_team_enterprises($1, $2) as value', [team, ids]);
const recordReport = (tx: Tx, fields: unknown) =>
  attempt<CaseReportRow>(tx, 'select record_case_report($1) as value', [json(fields)]);
const saveReport = (tx: Tx, id: string, expected: number | null, patch: unknown) =>
  attempt<CaseReportRow>(tx, 'select save_case_report($1, $2, $3) as value', [id, expected, json(patch)]);
const saveRules = (tx: Tx, expected: number | null, patch: unknown) =>
  attempt<ZoneRulesRow>(tx, 'select save_zone_rules($1, $2) as value', [expected, json(patch)]);

async function siteRevisions(tx: Tx, id: string): Promise<SiteRevisionRow[]> {
  return (await tx.query<SiteRevisionRow>('select * from site_revisions where site_id = $1 order by version', [id]))
    .rows;
}
/** Everything a refused site write could have changed. */
async function siteSnapshot(tx: Tx) {
  const q = async (sql: string) => (await tx.query(sql)).rows;
  return {
    sites: await q('select to_jsonb(s.*) as r from sites s order by id'),
    revisions: await q('select count(*)::int as n from site_revisions'),
  };
}
/** Switches the rest of the transaction to the anonymous role. */
const becomeAnon = (tx: Tx) =>
  tx.query(`select set_config('role', 'anon', true), set_config('request.jwt.claims', '{"role":"anon"}', true)`);

const all = <K extends string>(keys: Record<K, true>) => Object.keys(keys).sort();

// Exactly the keys of each row type (tsc rejects a missing or extra key), checked against the catalog.
const ROW_COLUMNS: Record<HqTable, string[]> = {
  site_revisions: all<keyof SiteRevisionRow>({
    id: true,
    site_id: true,
    site_kind: true,
    version: true,
    op: true,
    change_kind: true,
    changed_fields: true,
    row: true,
    changed_by: true,
    changed_by_email: true,
    changed_at: true,
  }),
  mobile_team_enterprises: all<keyof MobileTeamEnterpriseRow>({
    team_id: true,
    enterprise_id: true,
    created_at: true,
    created_by: true,
  }),
  case_reports: all<keyof CaseReportRow>({
    id: true,
    compound_id: true,
    reported_on: true,
    count: true,
    source: true,
    notes: true,
    version: true,
    created_at: true,
    created_by: true,
    updated_at: true,
    updated_by: true,
  }),
  case_report_revisions: all<keyof CaseReportRevisionRow>({
    id: true,
    case_report_id: true,
    version: true,
    op: true,
    change_kind: true,
    changed_fields: true,
    row: true,
    changed_by: true,
    changed_by_email: true,
    changed_at: true,
  }),
  zone_rules: all<keyof ZoneRulesRow>({
    id: true,
    lockdown_to_control_days: true,
    control_to_precaution_days: true,
    seal_on_case_in_control: true,
    version: true,
    updated_at: true,
    updated_by: true,
    updated_by_email: true,
  }),
  zone_proposal_decisions: all<keyof ZoneProposalDecisionRow>({
    id: true,
    kind: true,
    zone_id: true,
    zone_version: true,
    compound_id: true,
    proposed_level: true,
    basis: true,
    decision: true,
    reason: true,
    decided_by: true,
    decided_by_email: true,
    decided_at: true,
  }),
};

const RPCS = [
  'create_site(jsonb)',
  'save_site(text, integer, jsonb)',
  'set_team_enterprises(text, text[])',
  'record_case_report(jsonb)',
  'save_case_report(text, integer, jsonb)',
  'save_zone_rules(integer, jsonb)',
];

describe('schema', () => {
  it('has exactly the columns the row types in src/domain/rows.ts declare, with row-level security on', async () => {
    for (const table of HQ_TABLES) {
      const { rows } = await t.db.query<{ column_name: string }>(
        `select column_name from information_schema.columns where table_schema = 'public' and table_name = $1`,
        [table],
      );
      expect(rows.map((r) => r.column_name).sort(), table).toEqual(ROW_COLUMNS[table]);
      const rls = await t.db.query<{ on: boolean }>(
        `select relrowsecurity as on from pg_class where oid = $1::regclass`,
        [`public.${table}`],
      );
      expect(rls.rows[0].on, table).toBe(true);
    }
  });

  it('grants anon nothing on the new tables, and no RPC of them', async () => {
    const { rows } = await t.db.query<{ table_name: string; privilege_type: string }>(
      `select table_name, privilege_type from information_schema.role_table_grants
       where grantee = 'anon' and table_schema = 'public' and table_name = any ($1)`,
      [[...HQ_TABLES]],
    );
    expect(rows).toEqual([]);
    for (const fn of RPCS) {
      const { rows: granted } = await t.db.query<{ anon: boolean; authenticated: boolean; public: boolean }>(
        `select has_function_privilege('anon', $1, 'execute') as anon,
                has_function_privilege('authenticated', $1, 'execute') as authenticated,
                exists (select 1 from pg_proc p, aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                        where p.oid = $1::regprocedure and a.grantee = 0) as public`,
        [`public.${fn}`],
      );
      expect(granted[0], fn).toEqual({ anon: false, authenticated: true, public: false });
    }
  });

  it('runs the RPCs as the caller with a pinned search path, granted to the service role', async () => {
    for (const fn of RPCS) {
      const { rows } = await t.db.query<{ definer: boolean; config: string[] | null; service: boolean }>(
        `select p.prosecdef as definer, p.proconfig as config, has_function_privilege('service_role', p.oid, 'execute') as service
         from pg_proc p where p.oid = $1::regprocedure`,
        [`public.${fn}`],
      );
      expect(rows[0].definer, fn).toBe(false);
      expect(rows[0].config, fn).toContain('search_path=public, extensions');
      expect(rows[0].service, fn).toBe(true);
    }
  });

  it('puts case reports, the zone rules and the decisions in supabase_realtime, with no broadcast trigger', async () => {
    const { rows } = await t.db.query<{ tablename: string }>(
      `select tablename::text from pg_publication_tables where pubname = 'supabase_realtime' and tablename = any ($1) order by 1`,
      [[...HQ_TABLES]],
    );
    expect(rows.map((r) => r.tablename)).toEqual(['case_reports', 'zone_proposal_decisions', 'zone_rules']);
    const triggers = await t.db.query<{ tgname: string }>(
      `select tgname::text from pg_trigger where not tgisinternal and tgrelid = any (array[${HQ_TABLES.map((x) => `'public.${x}'::regclass`).join(', ')}])`,
    );
    expect(triggers.rows.filter((r) => r.tgname.includes('broadcast'))).toEqual([]);
  });
});

/** Statements that exercise one table; `spare` makes the row they change, as the superuser, first. */
interface TableStatements {
  spare: string;
  insert: string;
  /** Run instead of `spare` before the insert. */
  insertSetup?: string;
  update: string;
  delete: string;
}

const STATEMENTS: Record<HqTable, TableStatements> = {
  site_revisions: {
    spare: `insert into site_revisions (site_id, site_kind, version, op, change_kind, "row") values ('spare', 'testing_site', 1, 'INSERT', 'created', '{}')`,
    insert: `insert into site_revisions (site_id, site_kind, version, op, change_kind, "row") values ('new', 'testing_site', 1, 'INSERT', 'created', '{}')`,
    update: `update site_revisions set change_kind = 'updated' where site_id = 'spare'`,
    delete: `delete from site_revisions where site_id = 'spare'`,
  },
  mobile_team_enterprises: {
    spare: `insert into mobile_team_enterprises (team_id, enterprise_id) values ('mt-hq', 'en-01')`,
    insert: `insert into mobile_team_enterprises (team_id, enterprise_id) values ('mt-hq', 'en-02')`,
    update: `update mobile_team_enterprises set enterprise_id = 'en-hq' where team_id = 'mt-hq' and enterprise_id = 'en-01'`,
    delete: `delete from mobile_team_enterprises where team_id = 'mt-hq'`,
  },
  case_reports: {
    spare: `insert into case_reports (id, compound_id, reported_on, count, source) values ('spare', 'cmp-0002', '2022-04-09', 1, '密接追踪')`,
    insert: `insert into case_reports (id, compound_id, reported_on, count, source) values ('new', 'cmp-0002', '2022-04-09', 1, '密接追踪')`,
    update: `update case_reports set count = 2 where id = 'spare'`,
    delete: `delete from case_reports where id = 'spare'`,
  },
  case_report_revisions: {
    spare: `insert into case_report_revisions (case_report_id, version, op, change_kind, "row") values ('spare', 1, 'INSERT', 'created', '{}')`,
    insert: `insert into case_report_revisions (case_report_id, version, op, change_kind, "row") values ('new', 1, 'INSERT', 'created', '{}')`,
    update: `update case_report_revisions set change_kind = 'updated' where case_report_id = 'spare'`,
    delete: `delete from case_report_revisions where case_report_id = 'spare'`,
  },
  // one row that always exists: an insert needs it gone first
  zone_rules: {
    spare: `select 1`,
    insertSetup: `delete from zone_rules`,
    insert: `insert into zone_rules (id) values (true)`,
    update: `update zone_rules set lockdown_to_control_days = 10`,
    delete: `delete from zone_rules`,
  },
  zone_proposal_decisions: {
    spare: `insert into zone_proposal_decisions (id, kind, zone_id, proposed_level, decision, reason) values ('spare', 'step_down', 'zone-0002', 'precaution', 'dismissed', 'cases in the next compound')`,
    insert: `insert into zone_proposal_decisions (id, kind, compound_id, proposed_level, decision) values ('new', 'seal', 'cmp-0003', 'lockdown', 'accepted')`,
    update: `update zone_proposal_decisions set reason = 'changed' where id = 'spare'`,
    delete: `delete from zone_proposal_decisions where id = 'spare'`,
  },
};

/** The rows an actor should see, counted by the superuser. */
async function expectedCount(table: HqTable, read: Exclude<Visibility, 'refused'>): Promise<number> {
  if (read === 'none') return 0;
  const where = read === 'all' ? 'true' : read.where;
  const { rows } = await t.db.query<{ n: number }>(`select count(*)::int as n from ${table} where ${where}`);
  return rows[0].n;
}

/** A write goes through when it changes a row; RLS either raises 42501 or silently matches no row. */
async function writes(actor: Actor, sql: string, setup: string): Promise<boolean> {
  try {
    const affected = await asActor(
      t.db,
      actor,
      async (tx) => (await tx.query(sql)).affectedRows ?? 0,
      (tx) => tx.exec(setup),
    );
    return affected > 0;
  } catch (e) {
    if ((e as { code?: string }).code === '42501') return false;
    throw e;
  }
}

describe.each(HQ_TABLES)('RLS matrix: %s', (table) => {
  const statements = STATEMENTS[table];

  it.each(Object.entries(HQ_ACCESS[table]))('%s reads what it should', async (actor, { read }) => {
    const count = async () => {
      const { rows } = await asActor(t.db, actor as Actor, (tx) =>
        tx.query<{ n: number }>(`select count(*)::int as n from ${table}`),
      );
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

  it.each(Object.entries(HQ_ACCESS[table]))('%s may write what it should', async (actor, access) => {
    const outcome = {
      insert: await writes(actor as Actor, statements.insert, statements.insertSetup ?? statements.spare),
      update: await writes(actor as Actor, statements.update, statements.spare),
      delete: await writes(actor as Actor, statements.delete, statements.spare),
    };
    expect(outcome).toEqual({ insert: access.insert, update: access.update, delete: access.delete });
  });
});

describe('site revisions', () => {
  it('hold the imported sites, without an author', async () => {
    const rows = await asActor(t.db, 'dispatcher', (tx) => siteRevisions(tx, 'qs-01'));
    expect(rows.map((r) => [r.version, r.op, r.change_kind, r.changed_by, r.site_kind])).toEqual([
      [1, 'INSERT', 'imported', null, 'quarantine_site'],
    ]);
    expect(rows[0].row).toMatchObject({ id: 'qs-01', rooms_total: 120, rooms_ready: 100, rooms_occupied: 80 });
  });

  it('record create_site, save_site, a direct update and a delete: the row as it became, version, author, kind of change', async () => {
    const history = await asActor(t.db, 'commander', async (tx) => {
      const created = await createSite(tx, {
        id: 'qs-new',
        kind: 'quarantine_site',
        name: '新开隔离酒店',
        geom: { type: 'Point', coordinates: [121.02, 31.97] },
        rooms_total: 60,
        rooms_ready: 40,
        rooms_occupied: 10,
        site_type: 'hotel',
      });
      expect(created.error).toBeUndefined();
      await saveSite(tx, 'qs-new', 1, { rooms_occupied: 25 });
      await tx.query(`update sites set rooms_ready = 50 where id = 'qs-new'`);
      // a save that changes nothing: no version, no revision
      const same = await saveSite(tx, 'qs-new', 3, { rooms_ready: 50 });
      expect(same.value?.version).toBe(3);
      await tx.query(`delete from sites where id = 'qs-new'`);
      return siteRevisions(tx, 'qs-new');
    });
    expect(history.map((r) => [r.version, r.op, r.change_kind, r.changed_fields])).toEqual([
      [1, 'INSERT', 'created', []],
      [2, 'UPDATE', 'updated', ['rooms_occupied']],
      [3, 'UPDATE', 'updated', ['rooms_ready']],
      [4, 'DELETE', 'deleted', []],
    ]);
    for (const r of history) {
      expect(r).toMatchObject({
        site_id: 'qs-new',
        site_kind: 'quarantine_site',
        changed_by: commanderId,
        changed_by_email: 'commander@demo.local',
      });
    }
    expect(history.map((r) => [r.row.version, r.row.rooms_ready, r.row.rooms_occupied])).toEqual([
      [1, 40, 10],
      [2, 40, 25],
      [3, 50, 25],
      [3, 50, 25],
    ]);
    // (GeoJSON as PostGIS writes it: with a crs member naming EPSG:4326)
    expect(history[0].row.geom).toMatchObject({ type: 'Point', coordinates: [121.02, 31.97] });
  });

  it('continue the history of a deleted site re-created with its id', async () => {
    const outcome = await asActor(t.db, 'commander', async (tx) => {
      await tx.query(`delete from sites where id = 'ts-02'`);
      const again = await createSite(tx, {
        id: 'ts-02',
        kind: 'testing_site',
        name: '小海第二检测点',
        geom: { type: 'Point', coordinates: [120.962, 31.977] },
      });
      return { again, history: await siteRevisions(tx, 'ts-02') };
    });
    expect(outcome.again.value?.version).toBe(3);
    expect(outcome.history.map((r) => [r.version, r.change_kind])).toEqual([
      [1, 'imported'],
      [2, 'deleted'],
      [3, 'created'],
    ]);
  });

  it('give the quarantine-capacity trend: rooms occupied over time, one row per change', async () => {
    const trend = await asActor(t.db, 'commander', async (tx) => {
      await saveSite(tx, 'qs-01', 1, { rooms_occupied: 90 });
      await saveSite(tx, 'qs-01', 2, { rooms_ready: 110, rooms_occupied: 100 });
      const { rows } = await tx.query<{ version: number; ready: number; occupied: number }>(
        `select version, ("row" ->> 'rooms_ready')::int as ready, ("row" ->> 'rooms_occupied')::int as occupied
         from site_revisions where site_kind = 'quarantine_site' and site_id = 'qs-01' order by changed_at, version`,
      );
      return rows;
    });
    expect(trend).toEqual([
      { version: 1, ready: 100, occupied: 80 },
      { version: 2, ready: 100, occupied: 90 },
      { version: 3, ready: 110, occupied: 100 },
    ]);
  });
});

describe('create_site', () => {
  it('creates a site and answers the row with its geometry as GeoJSON, the district from the point', async () => {
    const created = await asActor(t.db, 'commander', (tx) =>
      createSite(tx, {
        kind: 'testing_site',
        name: '小海第六检测点',
        name_en: 'Xiaohai Testing Site 6',
        geom: { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [120.97, 31.975] } },
        status: 'open',
        capacity_per_hour: 180,
        opens: '07:30',
        closes: '19:00',
      }),
    );
    expect(created.error).toBeUndefined();
    expect(created.value).toMatchObject({
      kind: 'testing_site',
      name: '小海第六检测点',
      district: 'xiaohai',
      geom: { type: 'Point', coordinates: [120.97, 31.975] },
      opens: '07:30:00',
      closes: '19:00:00',
      version: 1,
      updated_by: commanderId,
    });
    expect(created.value!.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    ['a missing name', { kind: 'depot', geom: { type: 'Point', coordinates: [121, 31.97] } }, 'PT400', /needs name/],
    ['a missing geometry', { kind: 'depot', name: 'x' }, 'PT400', /needs geom/],
    [
      'an unknown field',
      { kind: 'depot', name: 'x', geom: { type: 'Point', coordinates: [121, 31.97] }, colour: 'red' },
      'PT400',
      /colour/,
    ],
    [
      'an unknown kind',
      { kind: 'hospital', name: 'x', geom: { type: 'Point', coordinates: [121, 31.97] } },
      'PT400',
      /kind must be/,
    ],
    ['a polygon', { kind: 'depot', name: 'x', geom: { type: 'Polygon', coordinates: [] } }, 'PT400', /Point/],
    [
      'a longitude out of range',
      { kind: 'depot', name: 'x', geom: { type: 'Point', coordinates: [200, 31.97] } },
      'PT400',
      /lng/,
    ],
    [
      'a checkpoint without a state',
      { kind: 'checkpoint', name: 'x', geom: { type: 'Point', coordinates: [121, 31.97] } },
      'PT400',
      /checkpoint needs a state/,
    ],
    [
      'a quarantine site without rooms',
      { kind: 'quarantine_site', name: 'x', site_type: 'hotel', geom: { type: 'Point', coordinates: [121, 31.97] } },
      'PT400',
      /quarantine site needs rooms_total and site_type/,
    ],
    [
      'opens without closes',
      { kind: 'testing_site', name: 'x', opens: '08:00', geom: { type: 'Point', coordinates: [121, 31.97] } },
      'PT400',
      /opens and closes/,
    ],
    [
      'an id in use',
      { id: 'ts-01', kind: 'testing_site', name: 'x', geom: { type: 'Point', coordinates: [121, 31.97] } },
      'PT409',
      /already exists/,
    ],
  ])('refuses %s, writing nothing', async (_what, fields, code, message) => {
    const outcome = await asActor(t.db, 'commander', async (tx) => {
      const before = await siteSnapshot(tx);
      const result = await createSite(tx, fields);
      return { result, before, after: await siteSnapshot(tx) };
    });
    expect(outcome.result.error?.code).toBe(code);
    expect(outcome.result.error?.message).toMatch(message);
    expect(outcome.after).toEqual(outcome.before);
    if (code === 'PT409')
      expect(detail(outcome.result.error)).toEqual({ current_version: 1, conflict: 'site', site_id: 'ts-01' });
  });

  it('refuses dispatchers and the public', async () => {
    for (const actor of ['dispatcher', 'anon', 'authenticated'] as const) {
      const code = await sqlState(() =>
        asActor(t.db, actor, (tx) =>
          tx.query('select create_site($1)', [
            json({ kind: 'depot', name: 'x', geom: { type: 'Point', coordinates: [121, 31.97] } }),
          ]),
        ),
      );
      expect(code, actor).toBe('42501');
    }
  });
});

describe('save_site', () => {
  it('saves a patch from the current version and answers the row, geometry as GeoJSON', async () => {
    const saved = await asActor(t.db, 'commander', (tx) =>
      saveSite(tx, 'qs-01', 1, {
        rooms_occupied: 95,
        name_en: null,
        kind: 'quarantine_site',
        geom: { type: 'Point', coordinates: [121.041, 31.991] },
      }),
    );
    expect(saved.error).toBeUndefined();
    expect(saved.value).toMatchObject({
      id: 'qs-01',
      version: 2,
      rooms_occupied: 95,
      name_en: null,
      geom: { type: 'Point', coordinates: [121.041, 31.991] },
      updated_by: commanderId,
    });
  });

  const refusals: [string, string, unknown, string, RegExp][] = [
    ['an unknown field, by name', 'qs-01', { colour: 'red', beds: 2 }, 'PT400', /no settable field beds, colour/],
    ['a changed id', 'qs-01', { id: 'qs-99' }, 'PT400', /no settable field id/],
    ['a change of kind', 'qs-01', { kind: 'depot' }, 'PT400', /kind of site qs-01 cannot change/],
    [
      'a geometry that is not a point',
      'qs-01',
      {
        geom: {
          type: 'LineString',
          coordinates: [
            [121, 31],
            [121.1, 31],
          ],
        },
      },
      'PT400',
      /Point/,
    ],
    [
      'a latitude out of range',
      'qs-01',
      { geom: { type: 'Point', coordinates: [121, 95] } },
      'PT400',
      /lat in \[-90, 90\]/,
    ],
    [
      'coordinates that are not numbers',
      'qs-01',
      { geom: { type: 'Point', coordinates: ['121', '31'] } },
      'PT400',
      /\[lng, lat\]/,
    ],
    ['a count that is not whole', 'qs-01', { rooms_total: 120.5 }, 'PT400', /rooms_total must be a whole number/],
    ['a negative count', 'ts-01', { queue_length: -1 }, 'PT400', /queue_length must be a whole number >= 0/],
    ['a count as text', 'ts-01', { capacity_per_hour: '300' }, 'PT400', /capacity_per_hour must be a whole number/],
    [
      'more occupied rooms than ready',
      'qs-01',
      { rooms_occupied: 101 },
      'PT400',
      /rooms_occupied <= rooms_ready <= rooms_total/,
    ],
    [
      'more ready rooms than rooms',
      'qs-01',
      { rooms_ready: 121 },
      'PT400',
      /rooms_occupied <= rooms_ready <= rooms_total/,
    ],
    ['opens without closes', 'qs-01', { opens: '08:00' }, 'PT400', /opens and closes/],
    ['closes cleared alone', 'ts-01', { closes: null }, 'PT400', /opens and closes/],
    ['a time that is not one', 'ts-01', { opens: '25:00', closes: '26:00' }, 'PT400', /opens must be a time of day/],
    ['a checkpoint without a state', 'cp-01', { state: null }, 'PT400', /checkpoint needs a state/],
    ['a state on a testing site', 'ts-01', { state: 'open' }, 'PT400', /only a checkpoint has one/],
    [
      'a quarantine site without a type',
      'qs-01',
      { site_type: null },
      'PT400',
      /quarantine site needs rooms_total and site_type/,
    ],
    ['an unknown status', 'ts-01', { status: 'busy' }, 'PT400', /status must be one of open, paused, closed/],
    ['an unknown district', 'ts-01', { district: 'nowhere' }, 'PT400', /district nowhere not found/],
    ['an empty name', 'ts-01', { name: ' ' }, 'PT400', /name must be a non-empty string/],
    ['a patch that is not an object', 'ts-01', [1], 'PT400', /JSON object/],
    ['an unknown site', 'zz-99', { name: 'x' }, 'PT404', /site zz-99 not found/],
  ];
  it.each(refusals)('refuses %s, writing nothing', async (_what, id, patch, code, message) => {
    const outcome = await asActor(t.db, 'commander', async (tx) => {
      const before = await siteSnapshot(tx);
      const result = await saveSite(tx, id, 1, patch);
      return { result, before, after: await siteSnapshot(tx) };
    });
    expect(outcome.result.error?.code).toBe(code);
    expect(outcome.result.error?.message).toMatch(message);
    expect(outcome.after).toEqual(outcome.before);
  });

  it('names the violated rule in the details of a PT400 from the table', async () => {
    const result = await asActor(t.db, 'commander', (tx) => saveSite(tx, 'qs-01', 1, { rooms_occupied: 101 }));
    expect(detail(result.error)).toEqual({ rule: 'sites_rooms_fit' });
  });

  it('refuses a stale version with PT409 and the current version in JSON details, and a missing version with PT400', async () => {
    const outcome = await asActor(t.db, 'commander', async (tx) => {
      await saveSite(tx, 'ts-01', 1, { queue_length: 30 });
      const before = await siteSnapshot(tx);
      const stale = await saveSite(tx, 'ts-01', 1, { queue_length: 40 });
      const missing = await saveSite(tx, 'ts-01', null, { queue_length: 40 });
      return { stale, missing, before, after: await siteSnapshot(tx) };
    });
    expect(outcome.stale.error?.code).toBe('PT409');
    expect(detail(outcome.stale.error)).toEqual({ current_version: 2, conflict: 'site', site_id: 'ts-01' });
    expect(outcome.missing.error?.code).toBe('PT400');
    expect(outcome.after).toEqual(outcome.before);
  });

  it('refuses dispatchers and the public', async () => {
    for (const actor of ['dispatcher', 'anon', 'authenticated'] as const) {
      const code = await sqlState(() =>
        asActor(t.db, actor, (tx) => tx.query(`select save_site('ts-01', 1, '{"queue_length": 3}')`)),
      );
      expect(code, actor).toBe('42501');
    }
  });
});

describe('mobile_team_enterprises and set_team_enterprises', () => {
  const list = async (tx: Tx, team: string) =>
    (
      await tx.query<{ enterprise_id: string }>(
        'select enterprise_id from mobile_team_enterprises where team_id = $1 order by 1',
        [team],
      )
    ).rows.map((r) => r.enterprise_id);

  it('replaces a team’s list in one call; a pair that stays keeps its creation', async () => {
    const outcome = await asActor(t.db, 'commander', async (tx) => {
      const kept = (
        await tx.query<{ created_at: string }>(
          `select created_at::text from mobile_team_enterprises where team_id = 'mt-01'`,
        )
      ).rows[0];
      const first = await setTeam(tx, 'mt-01', ['en-hq', 'en-01', 'en-02']);
      const keptAfter = (
        await tx.query<{ created_at: string; created_by: string | null }>(
          `select created_at::text, created_by from mobile_team_enterprises where team_id = 'mt-01' and enterprise_id = 'en-01'`,
        )
      ).rows[0];
      const second = await setTeam(tx, 'mt-01', ['en-02']);
      const afterSecond = await list(tx, 'mt-01');
      const cleared = await setTeam(tx, 'mt-01', []);
      return { kept, first, keptAfter, second, afterSecond, cleared, afterClear: await list(tx, 'mt-01') };
    });
    expect(outcome.first.value).toEqual({ team_id: 'mt-01', enterprise_ids: ['en-01', 'en-02', 'en-hq'] });
    expect(outcome.keptAfter).toEqual({ created_at: outcome.kept.created_at, created_by: null });
    expect(outcome.second.value).toEqual({ team_id: 'mt-01', enterprise_ids: ['en-02'] });
    expect(outcome.afterSecond).toEqual(['en-02']);
    expect(outcome.cleared.value).toEqual({ team_id: 'mt-01', enterprise_ids: [] });
    expect(outcome.afterClear).toEqual([]);
  });

  it.each([
    ['a team that is not a mobile testing team', 'ts-01', ['en-01'], 'PT400', /not a mobile testing team/],
    ['an unknown team', 'mt-99', ['en-01'], 'PT404', /site mt-99 not found/],
    ['a site that is not an enterprise', 'mt-01', ['en-02', 'qs-01'], 'PT400', /site qs-01 is not an enterprise/],
    ['an unknown enterprise', 'mt-01', ['en-99'], 'PT400', /site en-99 is not an enterprise/],
    ['an enterprise listed twice', 'mt-01', ['en-02', 'en-02'], 'PT400', /more than once/],
    ['no list', 'mt-01', null, 'PT400', /must be a list/],
  ])('refuses %s, changing nothing', async (_what, team, ids, code, message) => {
    const outcome = await asActor(t.db, 'commander', async (tx) => {
      const before = await list(tx, 'mt-01');
      const result = await setTeam(tx, team, ids);
      return { result, before, after: await list(tx, 'mt-01') };
    });
    expect(outcome.result.error?.code).toBe(code);
    expect(outcome.result.error?.message).toMatch(message);
    expect(outcome.after).toEqual(outcome.before);
    expect(outcome.before).toEqual(['en-01']);
  });

  it('checks the kinds on direct writes too (23514), and sets the author itself', async () => {
    const insert = (team: string, enterprise: string) => (tx: Tx) =>
      tx.query('insert into mobile_team_enterprises (team_id, enterprise_id, created_by) values ($1, $2, null)', [
        team,
        enterprise,
      ]);
    expect(await sqlState(() => asActor(t.db, 'commander', insert('ts-01', 'en-01')))).toBe('23514');
    expect(await sqlState(() => asActor(t.db, 'commander', insert('mt-01', 'dp-01')))).toBe('23514');
    const row = await asActor(t.db, 'commander', async (tx) => {
      await insert('mt-hq', 'en-02')(tx);
      return (await tx.query<MobileTeamEnterpriseRow>(`select * from mobile_team_enterprises where team_id = 'mt-hq'`))
        .rows[0];
    });
    expect(row).toMatchObject({ team_id: 'mt-hq', enterprise_id: 'en-02', created_by: commanderId });
  });

  it('goes with a deleted team or enterprise', async () => {
    const left = await asActor(t.db, 'commander', async (tx) => {
      await tx.query(`delete from sites where id = 'en-01'`);
      return list(tx, 'mt-01');
    });
    expect(left).toEqual([]);
  });

  it('refuses dispatchers and the public', async () => {
    for (const actor of ['dispatcher', 'anon'] as const) {
      expect(
        await sqlState(() =>
          asActor(t.db, actor, (tx) => tx.query(`select set_team_enterprises('mt-01', array['en-02'])`)),
        ),
        actor,
      ).toBe('42501');
    }
  });
});

describe('case reports', () => {
  const report = {
    compound_id: 'cmp-0002',
    reported_on: '2022-04-10',
    count: 2,
    source: '集中隔离点',
    notes: '转运闭环',
  };

  it('record_case_report and save_case_report write versions and a revision trail, with authors', async () => {
    const outcome = await asActor(t.db, 'commander', async (tx) => {
      const created = await recordReport(tx, { id: 'cr-1', ...report });
      const saved = await saveReport(tx, 'cr-1', 1, { count: 4, notes: null });
      const same = await saveReport(tx, 'cr-1', 2, { count: 4 });
      await tx.query(`delete from case_reports where id = 'cr-1'`);
      const { rows } = await tx.query<CaseReportRevisionRow>(
        `select * from case_report_revisions where case_report_id = 'cr-1' order by version`,
      );
      return { created, saved, same, revisions: rows };
    });
    expect(outcome.created.value).toMatchObject({
      ...report,
      id: 'cr-1',
      version: 1,
      created_by: commanderId,
      updated_by: commanderId,
    });
    expect(outcome.saved.value).toMatchObject({ count: 4, notes: null, version: 2 });
    expect(outcome.same.value?.version).toBe(2);
    expect(outcome.revisions.map((r) => [r.version, r.op, r.change_kind, r.changed_fields, r.row.count])).toEqual([
      [1, 'INSERT', 'created', [], 2],
      [2, 'UPDATE', 'updated', ['count', 'notes'], 4],
      [3, 'DELETE', 'deleted', [], 4],
    ]);
    expect(
      outcome.revisions.every((r) => r.changed_by === commanderId && r.changed_by_email === 'commander@demo.local'),
    ).toBe(true);
  });

  it.each([
    ['a count of 0', { ...report, count: 0 }, /count must be a whole number >= 1/],
    ['a count that is not whole', { ...report, count: 1.5 }, /count must be a whole number >= 1/],
    ['a date that is not YYYY-MM-DD', { ...report, reported_on: '10/04/2022' }, /reported_on must be a date/],
    ['a date that does not exist', { ...report, reported_on: '2022-02-30' }, /not a date/],
    ['a date in the future', { ...report, reported_on: '2999-01-01' }, /in the future/],
    ['an unknown compound', { ...report, compound_id: 'cmp-9999' }, /compound cmp-9999 not found/],
    ['an empty source', { ...report, source: '' }, /source must be a non-empty string/],
    ['personal data in a field of its own', { ...report, patient_name: '张三' }, /no settable field patient_name/],
    ['a missing count', { compound_id: 'cmp-0002', reported_on: '2022-04-10', source: 'x' }, /needs count/],
  ])('record_case_report refuses %s (PT400), writing nothing', async (_what, fields, message) => {
    const outcome = await asActor(t.db, 'commander', async (tx) => {
      const result = await recordReport(tx, fields);
      const n = (
        await tx.query<{ n: number }>(
          'select (select count(*) from case_reports)::int + (select count(*) from case_report_revisions)::int as n',
        )
      ).rows[0].n;
      return { result, n };
    });
    expect(outcome.result.error?.code).toBe('PT400');
    expect(outcome.result.error?.message).toMatch(message);
    expect(outcome.n).toBe(2);
  });

  it('save_case_report refuses a stale version (PT409, details), an unknown report (PT404) and bad input (PT400)', async () => {
    const outcome = await asActor(t.db, 'commander', async (tx) => {
      await saveReport(tx, 'cr-seen', 1, { count: 5 });
      return {
        stale: await saveReport(tx, 'cr-seen', 1, { count: 6 }),
        unknown: await saveReport(tx, 'cr-9999', 1, { count: 6 }),
        bad: await saveReport(tx, 'cr-seen', 2, { count: -1 }),
        row: (await tx.query<CaseReportRow>(`select * from case_reports where id = 'cr-seen'`)).rows[0],
      };
    });
    expect(outcome.stale.error?.code).toBe('PT409');
    expect(detail(outcome.stale.error)).toEqual({
      current_version: 2,
      conflict: 'case_report',
      case_report_id: 'cr-seen',
    });
    expect(outcome.unknown.error?.code).toBe('PT404');
    expect(outcome.bad.error?.code).toBe('PT400');
    expect(outcome.row).toMatchObject({ count: 5, version: 2 });
  });

  it('refuse dispatchers and the public', async () => {
    for (const actor of ['dispatcher', 'anon'] as const) {
      expect(
        await sqlState(() => asActor(t.db, actor, (tx) => tx.query('select record_case_report($1)', [json(report)]))),
        actor,
      ).toBe('42501');
      expect(
        await sqlState(() =>
          asActor(t.db, actor, (tx) => tx.query(`select save_case_report('cr-seen', 1, '{"count": 9}')`)),
        ),
        actor,
      ).toBe('42501');
    }
  });

  it('reach the change feed of staff screens and nothing of the public broadcast', async () => {
    const outcome = await asActor(t.db, 'commander', async (tx) => {
      await tx.query(`select set_config('role', 'postgres', true)`);
      await tx.exec('delete from realtime.messages');
      const captured = (
        await tx.query<{ n: number }>(
          `select count(*)::int as n from realtime.changes where table_name = 'case_reports'`,
        )
      ).rows[0].n;
      await tx.query(`select set_config('role', 'authenticated', true)`);
      await recordReport(tx, report);
      await tx.query(`select set_config('role', 'postgres', true)`);
      return {
        captured:
          (
            await tx.query<{ n: number }>(
              `select count(*)::int as n from realtime.changes where table_name = 'case_reports'`,
            )
          ).rows[0].n - captured,
        messages: (await tx.query('select topic from realtime.messages')).rows,
      };
    });
    expect(outcome.captured).toBe(1);
    expect(outcome.messages).toEqual([]);
  });
});

describe('zone_rules', () => {
  it('starts with the defaults, one row', async () => {
    const rows = await asActor(
      t.db,
      'dispatcher',
      async (tx) => (await tx.query<ZoneRulesRow>('select * from zone_rules')).rows,
    );
    expect(rows).toEqual([
      expect.objectContaining({
        id: true,
        lockdown_to_control_days: 7,
        control_to_precaution_days: 3,
        seal_on_case_in_control: true,
        version: 1,
      }),
    ]);
  });

  it('save_zone_rules saves from the current version, with the author; a stale version is PT409', async () => {
    const outcome = await asActor(t.db, 'commander', async (tx) => {
      const saved = await saveRules(tx, 1, { lockdown_to_control_days: 14, seal_on_case_in_control: false });
      const stale = await saveRules(tx, 1, { control_to_precaution_days: 7 });
      return { saved, stale };
    });
    expect(outcome.saved.value).toMatchObject({
      lockdown_to_control_days: 14,
      control_to_precaution_days: 3,
      seal_on_case_in_control: false,
      version: 2,
      updated_by: commanderId,
      updated_by_email: 'commander@demo.local',
    });
    expect(outcome.stale.error?.code).toBe('PT409');
    expect(detail(outcome.stale.error)).toEqual({ current_version: 2, conflict: 'zone_rules' });
  });

  it.each([
    ['0 days', { lockdown_to_control_days: 0 }],
    ['61 days', { control_to_precaution_days: 61 }],
    ['a fraction of a day', { control_to_precaution_days: 2.5 }],
    ['days as text', { lockdown_to_control_days: '7' }],
    ['a flag that is not a boolean', { seal_on_case_in_control: 'yes' }],
    ['an unknown field', { precaution_days: 3 }],
  ])('save_zone_rules refuses %s (PT400), changing nothing', async (_what, patch) => {
    const outcome = await asActor(t.db, 'commander', async (tx) => {
      const result = await saveRules(tx, 1, patch);
      return { result, row: (await tx.query<ZoneRulesRow>('select * from zone_rules')).rows[0] };
    });
    expect(outcome.result.error?.code).toBe('PT400');
    expect(outcome.row.version).toBe(1);
  });

  it('refuses dispatchers and the public', async () => {
    for (const actor of ['dispatcher', 'anon'] as const) {
      expect(
        await sqlState(() =>
          asActor(t.db, actor, (tx) => tx.query(`select save_zone_rules(1, '{"lockdown_to_control_days": 5}')`)),
        ),
        actor,
      ).toBe('42501');
    }
  });
});

describe('zone_proposal_decisions', () => {
  /** Inserts the given columns only (the others take their defaults), as PostgREST does. */
  const insert = (tx: Tx, row: Record<string, unknown>) => {
    const columns = Object.keys(row).join(', ');
    return attempt<ZoneProposalDecisionRow>(
      tx,
      `insert into zone_proposal_decisions (${columns})
       select ${columns} from jsonb_populate_record(null::zone_proposal_decisions, $1)
       returning to_jsonb(zone_proposal_decisions.*) as value`,
      [json(row)],
    );
  };

  it('records a commander’s answer; who, when and the zone’s version are the server’s', async () => {
    const outcome = await asActor(t.db, 'commander', async (tx) => {
      const stepDown = await insert(tx, {
        id: 'zpd-1',
        kind: 'step_down',
        zone_id: 'zone-0002',
        proposed_level: 'precaution',
        basis: { last_case_on: '2022-04-08', days: 3, effective_on: '2022-04-12', rules_version: 1 },
        decision: 'dismissed',
        reason: '周边小区仍有阳性',
        decided_by: '00000000-0000-4000-8000-000000000009',
        decided_by_email: 'forged@example.com',
        decided_at: '2000-01-01T00:00:00Z',
        zone_version: 99,
      });
      const seal = await insert(tx, {
        kind: 'seal',
        compound_id: 'cmp-0003',
        proposed_level: 'lockdown',
        decision: 'accepted',
      });
      return { stepDown, seal };
    });
    expect(outcome.stepDown.error).toBeUndefined();
    expect(outcome.stepDown.value).toMatchObject({
      zone_version: 1,
      decided_by: commanderId,
      decided_by_email: 'commander@demo.local',
      basis: { last_case_on: '2022-04-08', days: 3 },
    });
    expect(new Date(outcome.stepDown.value!.decided_at).getFullYear()).toBeGreaterThan(2000);
    expect(outcome.seal.value).toMatchObject({
      kind: 'seal',
      zone_id: null,
      zone_version: null,
      compound_id: 'cmp-0003',
    });
  });

  it.each([
    [
      'a dismissal without a reason',
      { kind: 'seal', compound_id: 'cmp-0003', proposed_level: 'lockdown', decision: 'dismissed', reason: ' ' },
      '23514',
    ],
    ['a step down without a zone', { kind: 'step_down', proposed_level: 'control', decision: 'accepted' }, '23514'],
    [
      'a step down to lockdown',
      { kind: 'step_down', zone_id: 'zone-0001', proposed_level: 'lockdown', decision: 'accepted' },
      '23514',
    ],
    [
      'a seal without a compound',
      { kind: 'seal', zone_id: 'zone-0002', proposed_level: 'lockdown', decision: 'accepted' },
      '23514',
    ],
    [
      'an unknown zone',
      { kind: 'step_down', zone_id: 'zone-9999', proposed_level: 'control', decision: 'accepted' },
      '23503',
    ],
    [
      'an unknown decision',
      { kind: 'seal', compound_id: 'cmp-0003', proposed_level: 'lockdown', decision: 'later' },
      '23514',
    ],
    [
      'a basis that is not an object',
      { kind: 'seal', compound_id: 'cmp-0003', proposed_level: 'lockdown', decision: 'accepted', basis: [1] },
      '23514',
    ],
  ])('refuses %s', async (_what, row, code) => {
    const result = await asActor(t.db, 'commander', (tx) => insert(tx, row));
    expect(result.error?.code).toBe(code);
  });

  it('is a record: commanders may neither change nor delete one, dispatchers may not insert', async () => {
    const as = (actor: Actor, sql: string) => sqlState(() => asActor(t.db, actor, (tx) => tx.query(sql)));
    expect(await as('commander', `update zone_proposal_decisions set reason = 'x' where id = 'zpd-seen'`)).toBe(
      '42501',
    );
    expect(await as('commander', `delete from zone_proposal_decisions where id = 'zpd-seen'`)).toBe('42501');
    expect(
      await sqlState(() =>
        asActor(t.db, 'dispatcher', (tx) =>
          tx.query(
            `insert into zone_proposal_decisions (kind, compound_id, proposed_level, decision) values ('seal', 'cmp-0003', 'lockdown', 'accepted')`,
          ),
        ),
      ),
    ).toBe('42501');
  });
});

describe('boundary wording (四至)', () => {
  const square = (x: number, y: number, size = 0.002): MultiPolygon => ({
    type: 'MultiPolygon',
    coordinates: [
      [
        [
          [x, y],
          [x + size, y],
          [x + size, y + size],
          [x, y + size],
          [x, y],
        ],
      ],
    ],
  });
  const BOUNDS_ZH = '东至通富北路，南至小海河，西至江山路，北至富民港路';
  const BOUNDS_EN = 'East: Tongfu North Rd; south: Xiaohai River; west: Jiangshan Rd; north: Fumingang Rd';

  it('go through create_zone → save_zone_draft → publish_zones, reach the public (zones, revisions, broadcast)', async () => {
    const outcome = await asActor(t.db, 'commander', async (tx) => {
      const created = await attempt<ZoneRow>(tx, 'select create_zone($1) as value', [
        json({
          id: 'zone-b',
          name: '锦绣府管控区',
          level: 'control',
          geom: square(120.95, 31.96),
          bounds_zh: BOUNDS_ZH,
        }),
      ]);
      await tx.query(`select publish_zones('[{"id": "zone-b", "expected_version": 1}]')`);
      const draft = await attempt<ZoneDraftRow>(tx, 'select save_zone_draft($1, 2, null, $2) as value', [
        'zone-b',
        json({ bounds_en: BOUNDS_EN }),
      ]);
      const reworded = await attempt<ZoneDraftRow>(tx, 'select save_zone_draft($1, 2, 1, $2) as value', [
        'zone-b',
        json({ bounds_zh: `${BOUNDS_ZH}。` }),
      ]);
      await tx.query(`select set_config('role', 'postgres', true)`);
      await tx.exec('delete from realtime.messages');
      await tx.query(`select set_config('role', 'authenticated', true)`);
      const published = await attempt<ZoneRow[]>(
        tx,
        `select publish_zones('[{"id": "zone-b", "expected_version": 2}]') as value`,
      );
      await tx.query(`select set_config('role', 'postgres', true)`);
      const messages = (
        await tx.query<{ event: string; payload: { op: string; row: Record<string, unknown> } }>(
          `select event, payload from realtime.messages where topic = 'public-map'`,
        )
      ).rows;
      await becomeAnon(tx);
      const publicZone = (await tx.query(`select bounds_zh, bounds_en from zones where id = 'zone-b'`)).rows[0];
      const publicRevision = (
        await tx.query<{ public_row: Record<string, unknown> }>(
          `select public_row from zone_revisions where zone_id = 'zone-b' order by version desc limit 1`,
        )
      ).rows[0];
      return { created, draft, reworded, published, messages, publicZone, publicRevision };
    });
    expect(outcome.created.value).toMatchObject({ bounds_zh: BOUNDS_ZH, bounds_en: null, status: 'draft' });
    expect(outcome.draft.value).toMatchObject({ bounds_zh: BOUNDS_ZH, bounds_en: BOUNDS_EN, version: 1 });
    // a change of wording alone is a new draft version
    expect(outcome.reworded.value).toMatchObject({ bounds_zh: `${BOUNDS_ZH}。`, version: 2 });
    expect(outcome.published.value?.[0]).toMatchObject({
      bounds_zh: `${BOUNDS_ZH}。`,
      bounds_en: BOUNDS_EN,
      version: 3,
    });
    expect(outcome.publicZone).toEqual({ bounds_zh: `${BOUNDS_ZH}。`, bounds_en: BOUNDS_EN });
    expect(outcome.publicRevision.public_row).toMatchObject({ bounds_zh: `${BOUNDS_ZH}。`, bounds_en: BOUNDS_EN });
    expect(outcome.messages).toHaveLength(1);
    expect(outcome.messages[0].payload.op).toBe('upsert');
    expect(outcome.messages[0].payload.row).toMatchObject({
      id: 'zone-b',
      bounds_zh: `${BOUNDS_ZH}。`,
      bounds_en: BOUNDS_EN,
    });
  });

  it('are fields of a zone version: save_zone of the wording alone is a new version and revision; revert restores it', async () => {
    const outcome = await asActor(t.db, 'commander', async (tx) => {
      const saved = await attempt<ZoneRow>(tx, `select save_zone('zone-0003', 1, $1) as value`, [
        json({ bounds_zh: BOUNDS_ZH }),
      ]);
      const again = await attempt<ZoneRow>(tx, `select save_zone('zone-0003', 2, $1) as value`, [
        json({ bounds_zh: BOUNDS_ZH }),
      ]);
      const reverted = await attempt<ZoneRow>(tx, `select revert_zone('zone-0003', 1, 2) as value`);
      const restored = await attempt<ZoneRow>(tx, `select revert_zone('zone-0003', 2, 3) as value`);
      const history = (
        await tx.query<ZoneRevisionRow>(`select * from zone_revisions where zone_id = 'zone-0003' order by version`)
      ).rows;
      return { saved, again, reverted, restored, history };
    });
    expect(outcome.saved.value).toMatchObject({ bounds_zh: BOUNDS_ZH, version: 2 });
    expect(outcome.again.value?.version).toBe(2);
    // revision 1 was imported after the columns existed: it records null wording
    expect(outcome.reverted.value).toMatchObject({ bounds_zh: null, version: 3 });
    expect(outcome.restored.value).toMatchObject({ bounds_zh: BOUNDS_ZH, version: 4 });
    expect(outcome.history.map((r) => [r.version, r.change_kind, r.changed_fields])).toEqual([
      [1, 'imported', []],
      [2, 'updated', ['bounds_zh']],
      [3, 'updated', ['bounds_zh']],
      [4, 'updated', ['bounds_zh']],
    ]);
  });

  it('must be text or null in every RPC that takes them (PT400)', async () => {
    const outcome = await asActor(t.db, 'commander', async (tx) => ({
      create: await attempt(tx, 'select create_zone($1) as value', [
        json({ name: 'x', level: 'control', geom: square(120.95, 31.96), bounds_zh: 5 }),
      ]),
      draft: await attempt(tx, `select save_zone_draft('zone-0001', 1, null, $1) as value`, [
        json({ bounds_en: ['east'] }),
      ]),
      save: await attempt(tx, `select save_zone('zone-0003', 1, $1) as value`, [json({ bounds_zh: { east: 'x' } })]),
    }));
    expect([outcome.create.error?.code, outcome.draft.error?.code, outcome.save.error?.code]).toEqual([
      'PT400',
      'PT400',
      'PT400',
    ]);
    expect(outcome.save.error?.message).toMatch(/bounds_zh must be a string or null/);
  });
});

/**
 * 20 saves of one site at once, all from the same version: exactly one wins, the other 19 get PT409
 * and one revision is written. On PGlite the calls queue for its one connection; on PostgreSQL each
 * runs in its own transaction on its own connection, all waiting at a barrier after BEGIN, so the
 * calls really overlap (as in zone-drafts.test.ts).
 */
describe(`concurrency (${BACKEND})`, () => {
  const CALLERS = 20;
  const raceAs = useRacers(() => t.db, CALLERS);
  /** Runs `sql` CALLERS times at once, each in its own committed transaction as the commander. */
  const race = (sql: string, params: (i: number) => unknown[]) =>
    raceAs('commander', Array.from({ length: CALLERS }, (_, i) => ({ sql, params: params(i) })));

  it('save_site: exactly one of 20 saves from one version wins, one revision is written', async () => {
    await commitAs(t.db, 'commander', (tx) =>
      tx.query('select create_site($1)', [
        json({
          id: 'qs-race',
          kind: 'quarantine_site',
          name: '竞争隔离点',
          site_type: 'converted_apartment',
          rooms_total: 200,
          rooms_ready: 150,
          geom: { type: 'Point', coordinates: [121.03, 31.98] },
        }),
      ]),
    );
    const outcome = await race(`select save_site('qs-race', 1, $1)`, (i) => [json({ rooms_occupied: i + 1 })]);
    expect(outcome).toEqual({ wins: 1, codes: ['PT409', 'ok'] });
    const { rows } = await t.db.query<{ version: number; revisions: number }>(
      `select (select version from sites where id = 'qs-race') as version,
              (select count(*)::int from site_revisions where site_id = 'qs-race') as revisions`,
    );
    expect(rows[0]).toEqual({ version: 2, revisions: 2 });
  });

  it('save_case_report: exactly one of 20 saves from one version wins', async () => {
    await commitAs(t.db, 'commander', (tx) =>
      tx.query('select record_case_report($1)', [
        json({ id: 'cr-race', compound_id: 'cmp-0004', reported_on: '2022-04-11', count: 1, source: '社区筛查' }),
      ]),
    );
    const outcome = await race(`select save_case_report('cr-race', 1, $1)`, (i) => [json({ count: i + 2 })]);
    expect(outcome).toEqual({ wins: 1, codes: ['PT409', 'ok'] });
    const { rows } = await t.db.query<{ revisions: number }>(
      `select count(*)::int as revisions from case_report_revisions where case_report_id = 'cr-race'`,
    );
    expect(rows[0].revisions).toBe(2);
  });
});
