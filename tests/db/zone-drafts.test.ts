import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MultiPolygon } from 'geojson';
import type { Tx } from '../../supabase/local/db.ts';
import type { ZoneDraftRow, ZoneRevisionRow, ZoneRow } from '../../src/domain/rows.ts';
import { useRacers } from './race.ts';
import { BACKEND, openTestDatabase, type TestDatabase } from './database.ts';
import { asActor, claimsFor, commitAs, sqlState, type Actor } from './impersonate.ts';

// The commander workspace's RPCs (supabase/migrations/…001100_zone_drafts.sql): create_zone,
// save_zone_draft, discard_zone_draft, publish_zones, revert_zone, and the zone_drafts table.
// Fixture seed: zone-0001 and zone-0002 active, zone-0003 draft, zone-0004 lifted, all version 1.
// Most tests run in a transaction that is rolled back (asActor); the concurrency tests commit,
// each on zones of its own, and on PostgreSQL run on separate connections at once.

let t: TestDatabase;
let commanderId: string;
beforeAll(async () => {
  t = await openTestDatabase();
  commanderId = (await claimsFor(t.db, 'commander')).sub as string;
});
afterAll(() => t?.close());

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
const bowtie = {
  type: 'Polygon',
  coordinates: [
    [
      [120.96, 31.97],
      [120.97, 31.98],
      [120.97, 31.97],
      [120.96, 31.98],
      [120.96, 31.97],
    ],
  ],
};

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
const createZone = (tx: Tx, fields: unknown) => attempt<ZoneRow>(tx, 'select create_zone($1) as value', [json(fields)]);
const saveDraft = (tx: Tx, id: string, base: number | null, draft: number | null, fields: unknown) =>
  attempt<ZoneDraftRow>(tx, 'select save_zone_draft($1, $2, $3, $4) as value', [id, base, draft, json(fields)]);
const discardDraft = (tx: Tx, id: string, draft: number | null) =>
  attempt<ZoneDraftRow>(tx, 'select discard_zone_draft($1, $2) as value', [id, draft]);
const publish = (tx: Tx, items: unknown) => attempt<ZoneRow[]>(tx, 'select publish_zones($1) as value', [json(items)]);
const revert = (tx: Tx, id: string, to: number, expected: number) =>
  attempt<ZoneRow>(tx, 'select revert_zone($1, $2, $3) as value', [id, to, expected]);

/** Rows as JSON, as the RPCs return them (geometry as GeoJSON). */
async function zone(tx: Tx, id: string): Promise<ZoneRow | undefined> {
  return (await tx.query<{ r: ZoneRow }>('select to_jsonb(z.*) as r from zones z where id = $1', [id])).rows[0]?.r;
}
async function draftOf(tx: Tx, id: string): Promise<ZoneDraftRow | undefined> {
  return (await tx.query<{ r: ZoneDraftRow }>('select to_jsonb(d.*) as r from zone_drafts d where zone_id = $1', [id]))
    .rows[0]?.r;
}
async function revisions(tx: Tx, id: string): Promise<ZoneRevisionRow[]> {
  return (await tx.query<ZoneRevisionRow>('select * from zone_revisions where zone_id = $1 order by version', [id]))
    .rows;
}
/** Everything the tests compare to prove that a refused call changed nothing. */
async function snapshot(tx: Tx) {
  const q = async (sql: string) => (await tx.query(sql)).rows;
  return {
    zones: await q('select id, version, status, level, name from zones order by id'),
    drafts: await q('select zone_id, version, base_version, level, name from zone_drafts order by zone_id'),
    revisions: await q('select count(*)::int as n from zone_revisions'),
  };
}
/** The public-map broadcasts sent in this transaction (realtime.messages, read as the superuser). */
async function broadcasts(
  tx: Tx,
): Promise<{ event: string; payload: { op: string; id?: string; row?: { id: string } } }[]> {
  await tx.query(`select set_config('role', 'postgres', true)`);
  const { rows } = await tx.query<{ event: string; payload: { op: string; id?: string; row?: { id: string } } }>(
    `select event, payload from realtime.messages where topic = 'public-map' order by ctid`,
  );
  return rows;
}
const clearMessages = (tx: Tx) => tx.exec('delete from realtime.messages');
const detail = (e: PgError | undefined) => JSON.parse(e?.detail ?? 'null') as Record<string, unknown> | null;

describe('the zone_drafts table', () => {
  it('sets version, timestamps and author itself, whatever the client sends', async () => {
    const rows = await asActor(t.db, 'commander', async (tx) => {
      await tx.query(
        `insert into zone_drafts (zone_id, base_version, name, level, status, geom, version, created_at, updated_by, updated_by_email)
         values ('zone-0001', 1, 'x', 'control', 'active', $1, 42, '2000-01-01', null, 'forged@example.com')`,
        [json(square(120.99, 31.99))],
      );
      const created = (await draftOf(tx, 'zone-0001'))!;
      await tx.query(
        `update zone_drafts set level = 'lockdown', version = 7, created_at = '2000-01-01' where zone_id = 'zone-0001'`,
      );
      const changed = (await draftOf(tx, 'zone-0001'))!;
      await tx.query(`update zone_drafts set level = level where zone_id = 'zone-0001'`);
      return { created, changed, same: (await draftOf(tx, 'zone-0001'))! };
    });
    expect(rows.created).toMatchObject({
      version: 1,
      updated_by: commanderId,
      updated_by_email: 'commander@demo.local',
    });
    expect(new Date(rows.created.created_at).getFullYear()).toBeGreaterThan(2000);
    expect(rows.changed).toMatchObject({ version: 2, level: 'lockdown', created_at: rows.created.created_at });
    expect(rows.same.version).toBe(2);
  });

  it('refuses a draft of an unpublished zone, a status other than active or lifted, and moving a draft to another zone', async () => {
    const geom = json(square(120.99, 31.99));
    const insert = (zoneId: string, status: string) => (tx: Tx) =>
      tx.query(
        `insert into zone_drafts (zone_id, base_version, name, level, status, geom) values ($1, 1, 'x', 'control', $2, $3)`,
        [zoneId, status, geom],
      );
    expect(await sqlState(() => asActor(t.db, 'commander', insert('zone-0003', 'active')))).toBe('PT400');
    expect(await sqlState(() => asActor(t.db, 'commander', insert('zone-0001', 'draft')))).toBe('23514');
    expect(
      await sqlState(() =>
        asActor(t.db, 'commander', async (tx) => {
          await insert('zone-0001', 'active')(tx);
          await tx.query(`update zone_drafts set zone_id = 'zone-0002' where zone_id = 'zone-0001'`);
        }),
      ),
    ).toBe('PT400');
  });

  it('goes with its zone when the zone is deleted', async () => {
    const left = await asActor(t.db, 'commander', async (tx) => {
      await saveDraft(tx, 'zone-0001', 1, null, { level: 'control' });
      await tx.query(`delete from zones where id = 'zone-0001'`);
      return draftOf(tx, 'zone-0001');
    });
    expect(left).toBeUndefined();
  });

  it('is read and written by commanders only: dispatchers see no row, the public is refused', async () => {
    const setup = (tx: Tx) =>
      tx
        .query(
          `insert into zone_drafts (zone_id, base_version, name, level, status, geom) values ('zone-0001', 1, 'x', 'control', 'active', $1)`,
          [json(square(120.99, 31.99))],
        )
        .then(() => {});
    const count = (actor: Actor) =>
      asActor(
        t.db,
        actor,
        async (tx) => (await tx.query<{ n: number }>('select count(*)::int as n from zone_drafts')).rows[0].n,
        setup,
      );
    expect(await count('commander')).toBe(1);
    expect(await count('dispatcher')).toBe(0);
    expect(await count('authenticated')).toBe(0);
    expect(await sqlState(() => count('anon'))).toBe('42501');
    const changed = (actor: Actor, sql: string) =>
      asActor(t.db, actor, async (tx) => (await tx.query(sql)).affectedRows ?? 0, setup).catch((e: PgError) => e.code);
    expect(await changed('dispatcher', `update zone_drafts set level = 'lockdown'`)).toBe(0);
    expect(await changed('dispatcher', `delete from zone_drafts`)).toBe(0);
    expect(await changed('anon', `delete from zone_drafts`)).toBe('42501');
  });

  it('is in the supabase_realtime publication, without a broadcast trigger', async () => {
    const { rows } = await t.db.query<{ published: boolean; triggers: string[] }>(
      `select exists (select 1 from pg_publication_tables where pubname = 'supabase_realtime' and tablename = 'zone_drafts') as published,
              array(select tgname::text from pg_trigger where tgrelid = 'public.zone_drafts'::regclass and not tgisinternal order by 1) as triggers`,
    );
    expect(rows[0].published).toBe(true);
    expect(rows[0].triggers.filter((name) => name.includes('broadcast'))).toEqual([]);
  });
});

describe('the RPC grants', () => {
  it('let commanders (authenticated) and the service role call the workspace RPCs, not the public', async () => {
    const { rows } = await t.db.query<{ fn: string; anon: boolean; authenticated: boolean; service_role: boolean }>(
      `select p.proname as fn, has_function_privilege('anon', p.oid, 'execute') as anon,
              has_function_privilege('authenticated', p.oid, 'execute') as authenticated,
              has_function_privilege('service_role', p.oid, 'execute') as service_role
       from pg_proc p join pg_namespace n on n.oid = p.pronamespace
       where n.nspname = 'public'
         and p.proname in ('create_zone', 'save_zone', 'save_zone_draft', 'discard_zone_draft', 'publish_zones', 'revert_zone')
       order by 1`,
    );
    expect(rows.map((r) => r.fn)).toEqual([
      'create_zone',
      'discard_zone_draft',
      'publish_zones',
      'revert_zone',
      'save_zone',
      'save_zone_draft',
    ]);
    expect(rows.filter((r) => r.anon || !r.authenticated || !r.service_role)).toEqual([]);
  });

  it('pin the search path and run as the caller', async () => {
    const { rows } = await t.db.query<{ fn: string; definer: boolean; config: string[] | null }>(
      `select p.proname as fn, p.prosecdef as definer, p.proconfig as config
       from pg_proc p join pg_namespace n on n.oid = p.pronamespace
       where n.nspname = 'public' and p.proname in ('create_zone', 'save_zone_draft', 'discard_zone_draft', 'publish_zones', 'revert_zone')`,
    );
    expect(rows).toHaveLength(5);
    for (const r of rows) {
      expect(r.definer, r.fn).toBe(false);
      expect(r.config, r.fn).toContain('search_path=public, extensions');
    }
  });
});

describe('create_zone', () => {
  it('creates an unpublished zone (status draft, version 1, one revision) and returns it with GeoJSON geometry', async () => {
    const outcome = await asActor(
      t.db,
      'commander',
      async (tx) => {
        const polygon = { type: 'Polygon', coordinates: square(120.95, 31.95).coordinates[0] };
        const created = await createZone(tx, {
          name: '新区',
          name_en: 'New zone',
          level: 'control',
          geom: polygon,
          effective_from: '2022-04-04T08:00:00+08:00',
          review_days: 14,
          notes: 'from tracing',
        });
        return { created, revisions: await revisions(tx, created.value!.id), sent: await broadcasts(tx) };
      },
      clearMessages,
    );
    const row = outcome.created.value!;
    expect(outcome.created.error).toBeUndefined();
    expect(row).toMatchObject({
      name: '新区',
      name_en: 'New zone',
      level: 'control',
      status: 'draft',
      version: 1,
      review_days: 14,
      notes: 'from tracing',
      updated_by: commanderId,
    });
    expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(row.geom.type).toBe('MultiPolygon');
    expect(new Date(row.effective_from!).toISOString()).toBe('2022-04-04T00:00:00.000Z');
    expect(outcome.revisions.map((r) => [r.version, r.change_kind])).toEqual([[1, 'created']]);
    expect(outcome.sent).toEqual([]);
  });

  it('takes an id, and refuses one in use with PT409', async () => {
    const outcome = await asActor(t.db, 'commander', async (tx) => ({
      made: await createZone(tx, { id: 'z-new', name: 'x', level: 'lockdown', geom: square(120.95, 31.95) }),
      taken: await createZone(tx, { id: 'zone-0001', name: 'x', level: 'lockdown', geom: square(120.95, 31.95) }),
    }));
    expect(outcome.made.value?.id).toBe('z-new');
    expect(outcome.taken.error?.code).toBe('PT409');
    expect(detail(outcome.taken.error)).toMatchObject({ current_version: 1, zone_id: 'zone-0001' });
  });

  it.each([
    ['fields that are not an object', []],
    ['a missing name', { level: 'control', geom: square(120.95, 31.95) }],
    ['a blank name', { name: ' ', level: 'control', geom: square(120.95, 31.95) }],
    ['a missing geometry', { name: 'x', level: 'control' }],
    ['an unknown level', { name: 'x', level: 'red', geom: square(120.95, 31.95) }],
    [
      'a status (a new zone is always a draft)',
      { name: 'x', level: 'control', status: 'active', geom: square(120.95, 31.95) },
    ],
    ['review days out of range', { name: 'x', level: 'control', review_days: 61, geom: square(120.95, 31.95) }],
    ['review days that are not whole', { name: 'x', level: 'control', review_days: 1.5, geom: square(120.95, 31.95) }],
    ['review days as text', { name: 'x', level: 'control', review_days: '7', geom: square(120.95, 31.95) }],
    ['a date that is none', { name: 'x', level: 'control', effective_from: 'soon', geom: square(120.95, 31.95) }],
    ['a self-intersecting polygon', { name: 'x', level: 'control', geom: bowtie }],
    ['a point', { name: 'x', level: 'control', geom: { type: 'Point', coordinates: [121, 32] } }],
  ])('refuses %s with PT400 and changes nothing', async (_what, fields) => {
    const outcome = await asActor(t.db, 'commander', async (tx) => {
      const before = await snapshot(tx);
      const result = await createZone(tx, fields);
      return { result, before, after: await snapshot(tx) };
    });
    expect(outcome.result.error?.code).toBe('PT400');
    expect(outcome.after).toEqual(outcome.before);
  });

  it('refuses dispatchers, role-less users and the public', async () => {
    for (const actor of ['dispatcher', 'authenticated', 'anon'] as const) {
      const code = await sqlState(() =>
        asActor(t.db, actor, (tx) =>
          tx.query('select create_zone($1)', [json({ name: 'x', level: 'control', geom: square(120.95, 31.95) })]),
        ),
      );
      expect(code, actor).toBe('42501');
    }
  });
});

describe('save_zone_draft', () => {
  it('starts a draft of a published zone from the zone and the given fields, and leaves the zone alone', async () => {
    const outcome = await asActor(
      t.db,
      'commander',
      async (tx) => {
        const before = await zone(tx, 'zone-0001');
        const saved = await saveDraft(tx, 'zone-0001', 1, null, { level: 'precaution', notes: 'stepping down' });
        return {
          before,
          saved,
          after: await zone(tx, 'zone-0001'),
          revisions: await revisions(tx, 'zone-0001'),
          sent: await broadcasts(tx),
        };
      },
      clearMessages,
    );
    const draft = outcome.saved.value!;
    expect(draft).toMatchObject({
      zone_id: 'zone-0001',
      base_version: 1,
      version: 1,
      name: outcome.before!.name,
      level: 'precaution',
      status: 'active',
      notes: 'stepping down',
      updated_by: commanderId,
      updated_by_email: 'commander@demo.local',
    });
    expect(draft.geom).toEqual(outcome.before!.geom);
    expect(outcome.after).toEqual(outcome.before);
    expect(outcome.revisions).toHaveLength(1);
    expect(outcome.sent).toEqual([]);
  });

  it('updates a draft at its version, keeping the fields not given', async () => {
    const outcome = await asActor(t.db, 'commander', async (tx) => {
      await saveDraft(tx, 'zone-0004', 1, null, { status: 'active', level: 'precaution' });
      return saveDraft(tx, 'zone-0004', 1, 1, { geom: square(120.95, 31.95), name_en: null });
    });
    expect(outcome.value).toMatchObject({ version: 2, status: 'active', level: 'precaution', name_en: null });
    expect(outcome.value!.geom.coordinates).toEqual(square(120.95, 31.95).coordinates);
  });

  it('refuses a zone that is not published (PT400: edit it with save_zone) and an unknown one (PT404)', async () => {
    const outcome = await asActor(t.db, 'commander', async (tx) => ({
      draft: await saveDraft(tx, 'zone-0003', 1, null, { level: 'control' }),
      unknown: await saveDraft(tx, 'zone-9999', 1, null, { level: 'control' }),
    }));
    expect(outcome.draft.error?.code).toBe('PT400');
    expect(outcome.draft.error?.message).toMatch(/save_zone/);
    expect(outcome.unknown.error?.code).toBe('PT404');
  });

  it('refuses with PT409 when the published zone changed, when a draft exists already, and when the draft moved on', async () => {
    const outcome = await asActor(t.db, 'commander', async (tx) => {
      await tx.query(`select save_zone('zone-0002', 1, '{"notes": "published meanwhile"}')`);
      const staleZone = await saveDraft(tx, 'zone-0002', 1, null, { level: 'precaution' });
      await saveDraft(tx, 'zone-0001', 1, null, { level: 'precaution' });
      await saveDraft(tx, 'zone-0001', 1, 1, { level: 'control' });
      const exists = await saveDraft(tx, 'zone-0001', 1, null, { level: 'lockdown' });
      const staleDraft = await saveDraft(tx, 'zone-0001', 1, 1, { level: 'lockdown' });
      await discardDraft(tx, 'zone-0001', 2);
      const gone = await saveDraft(tx, 'zone-0001', 1, 2, { level: 'lockdown' });
      return { staleZone, exists, staleDraft, gone, after: await draftOf(tx, 'zone-0001') };
    });
    expect(outcome.staleZone.error?.code).toBe('PT409');
    expect(outcome.staleZone.error?.message).toMatch(/published zone zone-0002 changed since you started/);
    expect(detail(outcome.staleZone.error)).toMatchObject({ current_version: 2, conflict: 'zone' });
    expect(outcome.exists.error?.code).toBe('PT409');
    expect(detail(outcome.exists.error)).toMatchObject({ current_version: 2, conflict: 'draft' });
    expect(outcome.staleDraft.error?.code).toBe('PT409');
    expect(detail(outcome.staleDraft.error)).toMatchObject({ current_version: 2, conflict: 'draft' });
    expect(outcome.gone.error?.code).toBe('PT409');
    expect(detail(outcome.gone.error)).toMatchObject({ current_version: null, conflict: 'draft' });
    expect(outcome.after).toBeUndefined();
  });

  it('rebases a stale draft when saved with the current zone version', async () => {
    const outcome = await asActor(t.db, 'commander', async (tx) => {
      await saveDraft(tx, 'zone-0001', 1, null, { level: 'precaution' });
      await tx.query(`select save_zone('zone-0001', 1, '{"notes": "published meanwhile"}')`);
      return saveDraft(tx, 'zone-0001', 2, 1, {});
    });
    expect(outcome.value).toMatchObject({ base_version: 2, version: 2, level: 'precaution' });
  });

  it.each([
    ['a status of draft', { status: 'draft' }],
    ['an unknown field', { colour: 'red' }],
    ['a cleared name', { name: null }],
    ['a cleared level', { level: null }],
    ['a cleared geometry', { geom: null }],
    ['a self-intersecting polygon', { geom: bowtie }],
    ['fields that are not an object', 'level'],
  ])('refuses %s with PT400 and changes nothing', async (_what, fields) => {
    const outcome = await asActor(t.db, 'commander', async (tx) => {
      await saveDraft(tx, 'zone-0002', 1, null, { level: 'precaution' });
      const before = await snapshot(tx);
      const created = await saveDraft(tx, 'zone-0001', 1, null, fields);
      const updated = await saveDraft(tx, 'zone-0002', 1, 1, fields);
      return { created, updated, before, after: await snapshot(tx) };
    });
    expect(outcome.created.error?.code).toBe('PT400');
    expect(outcome.updated.error?.code).toBe('PT400');
    expect(outcome.after).toEqual(outcome.before);
  });

  it('refuses a missing base version with PT400, and dispatchers and the public with 42501', async () => {
    expect(
      await sqlState(() =>
        asActor(t.db, 'commander', (tx) => tx.query(`select save_zone_draft('zone-0001', null, null, '{}')`)),
      ),
    ).toBe('PT400');
    for (const actor of ['dispatcher', 'anon'] as const) {
      const code = await sqlState(() =>
        asActor(t.db, actor, (tx) => tx.query(`select save_zone_draft('zone-0001', 1, null, '{}')`)),
      );
      expect(code, actor).toBe('42501');
    }
  });
});

describe('discard_zone_draft', () => {
  it('deletes the draft at its version; PT409 for another version, PT404 without a draft or zone', async () => {
    const outcome = await asActor(t.db, 'commander', async (tx) => {
      await saveDraft(tx, 'zone-0001', 1, null, { level: 'precaution' });
      const stale = await discardDraft(tx, 'zone-0001', 2);
      const kept = await draftOf(tx, 'zone-0001');
      const done = await discardDraft(tx, 'zone-0001', 1);
      return {
        stale,
        kept,
        done,
        after: await draftOf(tx, 'zone-0001'),
        none: await discardDraft(tx, 'zone-0001', 1),
        unknown: await discardDraft(tx, 'zone-9999', 1),
        missingVersion: await discardDraft(tx, 'zone-0001', null),
        zone: await zone(tx, 'zone-0001'),
      };
    });
    expect(outcome.stale.error?.code).toBe('PT409');
    expect(detail(outcome.stale.error)).toMatchObject({ current_version: 1, conflict: 'draft' });
    expect(outcome.kept).toBeDefined();
    expect(outcome.done.value).toMatchObject({ zone_id: 'zone-0001', version: 1, level: 'precaution' });
    expect(outcome.after).toBeUndefined();
    expect(outcome.none.error?.code).toBe('PT404');
    expect(outcome.unknown.error?.code).toBe('PT404');
    expect(outcome.missingVersion.error?.code).toBe('PT400');
    expect(outcome.zone).toMatchObject({ version: 1, status: 'active' });
  });
});

describe('publish_zones', () => {
  it('activates unpublished zones and writes pending drafts onto their zones, one revision each, and deletes the drafts', async () => {
    const outcome = await asActor(t.db, 'commander', async (tx) => {
      await saveDraft(tx, 'zone-0001', 1, null, { level: 'control', geom: square(120.95, 31.95) });
      await saveDraft(tx, 'zone-0004', 1, null, { status: 'active', level: 'precaution' });
      await clearMessages(tx);
      const published = await publish(tx, [
        { id: 'zone-0004', expected_version: 1 },
        { id: 'zone-0003', expected_version: 1 },
        { id: 'zone-0001', expected_version: 1, draft_version: 1 },
      ]);
      const sent = await broadcasts(tx);
      return {
        published,
        sent,
        drafts: (await tx.query('select zone_id from zone_drafts')).rows,
        history: (
          await tx.query<{ zone_id: string; version: number; change_kind: string }>(
            `select zone_id, version, change_kind from zone_revisions where zone_id in ('zone-0001', 'zone-0003', 'zone-0004') and version > 1 order by zone_id, version`,
          )
        ).rows,
      };
    });
    expect(outcome.published.error).toBeUndefined();
    const rows = outcome.published.value!;
    expect(rows.map((z) => [z.id, z.status, z.level, z.version])).toEqual([
      ['zone-0001', 'active', 'control', 2],
      ['zone-0003', 'active', rows[1].level, 2],
      ['zone-0004', 'active', 'precaution', 2],
    ]);
    expect(rows[0].geom.coordinates).toEqual(square(120.95, 31.95).coordinates);
    expect(outcome.drafts).toEqual([]);
    expect(outcome.history).toEqual([
      { zone_id: 'zone-0001', version: 2, change_kind: 'level_changed' },
      { zone_id: 'zone-0003', version: 2, change_kind: 'status_changed' },
      { zone_id: 'zone-0004', version: 2, change_kind: 'status_changed' },
    ]);
    expect(outcome.sent.map((m) => [m.payload.op, m.payload.row?.id])).toEqual([
      ['upsert', 'zone-0001'],
      ['upsert', 'zone-0003'],
      ['upsert', 'zone-0004'],
    ]);
  });

  it('steps a zone down to lifted through a draft: the public map is told to remove it', async () => {
    const outcome = await asActor(t.db, 'commander', async (tx) => {
      await saveDraft(tx, 'zone-0002', 1, null, { status: 'lifted' });
      await clearMessages(tx);
      const published = await publish(tx, [{ id: 'zone-0002', expected_version: 1 }]);
      return { published, sent: await broadcasts(tx) };
    });
    expect(outcome.published.value![0]).toMatchObject({ id: 'zone-0002', status: 'lifted', version: 2 });
    expect(outcome.sent.map((m) => m.payload)).toEqual([
      { op: 'remove', id: 'zone-0002', reason: 'lifted', v: expect.any(Number) },
    ]);
  });

  it('publishes all or nothing: one conflict rolls every zone back', async () => {
    const outcome = await asActor(t.db, 'commander', async (tx) => {
      await saveDraft(tx, 'zone-0001', 1, null, { level: 'lockdown' });
      const before = await snapshot(tx);
      const result = await publish(tx, [
        { id: 'zone-0001', expected_version: 1 },
        { id: 'zone-0003', expected_version: 1 },
        { id: 'zone-0004', expected_version: 3 },
      ]);
      return { result, before, after: await snapshot(tx) };
    });
    expect(outcome.result.error?.code).toBe('PT409');
    expect(outcome.result.error?.message).toMatch(/zone-0004/);
    expect(detail(outcome.result.error)).toMatchObject({ zone_id: 'zone-0004', current_version: 1, conflict: 'zone' });
    expect(outcome.after).toEqual(outcome.before);
  });

  it('refuses a stale draft (the zone changed after the draft started) and a draft changed since it was reviewed', async () => {
    const outcome = await asActor(t.db, 'commander', async (tx) => {
      await saveDraft(tx, 'zone-0001', 1, null, { level: 'lockdown' });
      await tx.query(`select save_zone('zone-0001', 1, '{"notes": "edited in place"}')`);
      const stale = await publish(tx, [{ id: 'zone-0001', expected_version: 2 }]);
      await saveDraft(tx, 'zone-0002', 1, null, { level: 'lockdown' });
      await saveDraft(tx, 'zone-0002', 1, 1, { level: 'precaution' });
      const reviewedOld = await publish(tx, [{ id: 'zone-0002', expected_version: 1, draft_version: 1 }]);
      return { stale, reviewedOld, after: await snapshot(tx) };
    });
    expect(outcome.stale.error?.code).toBe('PT409');
    expect(detail(outcome.stale.error)).toMatchObject({
      zone_id: 'zone-0001',
      current_version: 2,
      conflict: 'stale_draft',
      base_version: 1,
    });
    expect(outcome.reviewedOld.error?.code).toBe('PT409');
    expect(detail(outcome.reviewedOld.error)).toMatchObject({
      zone_id: 'zone-0002',
      conflict: 'draft',
      draft_version: 2,
    });
  });

  it.each([
    ['an item with nothing to publish (active, no draft)', [{ id: 'zone-0002', expected_version: 1 }], 'PT400'],
    ['an empty list', [], 'PT400'],
    ['items that are not a list', { id: 'zone-0003', expected_version: 1 }, 'PT400'],
    ['an item without expected_version', [{ id: 'zone-0003' }], 'PT400'],
    ['a version as text', [{ id: 'zone-0003', expected_version: '1' }], 'PT400'],
    ['a version that is not whole', [{ id: 'zone-0003', expected_version: 1.5 }], 'PT400'],
    ['an unknown key', [{ id: 'zone-0003', expected_version: 1, force: true }], 'PT400'],
    [
      'a zone listed twice',
      [
        { id: 'zone-0003', expected_version: 1 },
        { id: 'zone-0003', expected_version: 1 },
      ],
      'PT400',
    ],
    [
      'an unknown zone',
      [
        { id: 'zone-0003', expected_version: 1 },
        { id: 'zone-9999', expected_version: 1 },
      ],
      'PT404',
    ],
  ])('refuses %s and changes nothing', async (_what, items, code) => {
    const outcome = await asActor(t.db, 'commander', async (tx) => {
      const before = await snapshot(tx);
      const result = await publish(tx, items);
      return { result, before, after: await snapshot(tx) };
    });
    expect(outcome.result.error?.code).toBe(code);
    expect(outcome.after).toEqual(outcome.before);
  });

  it('refuses dispatchers and the public', async () => {
    for (const actor of ['dispatcher', 'anon'] as const) {
      const code = await sqlState(() =>
        asActor(t.db, actor, (tx) =>
          tx.query('select publish_zones($1)', [json([{ id: 'zone-0003', expected_version: 1 }])]),
        ),
      );
      expect(code, actor).toBe('42501');
    }
  });
});

describe('revert_zone', () => {
  it('writes an earlier revision back as a new version with one new revision', async () => {
    const outcome = await asActor(t.db, 'commander', async (tx) => {
      const original = (await zone(tx, 'zone-0001'))!;
      await tx.query(`select save_zone('zone-0001', 1, $1)`, [
        json({ level: 'precaution', geom: square(120.95, 31.95), notes: 'wider' }),
      ]);
      const reverted = await revert(tx, 'zone-0001', 1, 2);
      return { original, reverted, history: await revisions(tx, 'zone-0001') };
    });
    const row = outcome.reverted.value!;
    expect(row).toMatchObject({
      version: 3,
      level: outcome.original.level,
      notes: outcome.original.notes,
      status: 'active',
    });
    expect(row.geom).toEqual(outcome.original.geom);
    expect(outcome.history.map((r) => [r.version, r.change_kind, r.changed_fields])).toEqual([
      [1, 'imported', []],
      [2, 'level_changed', ['level', 'geom', 'notes']],
      [3, 'level_changed', ['level', 'geom', 'notes']],
    ]);
  });

  it('refuses a stale version (PT409), an unknown zone or revision (PT404) and a deletion (PT400), changing nothing', async () => {
    const outcome = await asActor(t.db, 'commander', async (tx) => {
      await tx.query(`select save_zone('zone-0001', 1, '{"level": "control"}')`);
      // a deleted and re-created zone: revision 2 records the deletion
      await tx.query(`delete from zones where id = 'zone-0002'`);
      await createZone(tx, { id: 'zone-0002', name: 'again', level: 'control', geom: square(120.95, 31.95) });
      const before = await snapshot(tx);
      return {
        stale: await revert(tx, 'zone-0001', 1, 1),
        unknownZone: await revert(tx, 'zone-9999', 1, 1),
        unknownRevision: await revert(tx, 'zone-0001', 9, 2),
        deletion: await revert(tx, 'zone-0002', 2, 3),
        before,
        after: await snapshot(tx),
      };
    });
    expect(outcome.stale.error?.code).toBe('PT409');
    expect(detail(outcome.stale.error)).toMatchObject({ current_version: 2 });
    expect(outcome.unknownZone.error?.code).toBe('PT404');
    expect(outcome.unknownRevision.error?.code).toBe('PT404');
    expect(outcome.deletion.error?.code).toBe('PT400');
    expect(outcome.after).toEqual(outcome.before);
  });

  it('leaves a pending draft alone; the draft is stale until saved again on the new version', async () => {
    const outcome = await asActor(t.db, 'commander', async (tx) => {
      await tx.query(`select save_zone('zone-0001', 1, '{"notes": "n"}')`);
      await saveDraft(tx, 'zone-0001', 2, null, { level: 'precaution' });
      const reverted = await revert(tx, 'zone-0001', 1, 2);
      const draft = await draftOf(tx, 'zone-0001');
      const stale = await publish(tx, [{ id: 'zone-0001', expected_version: 3 }]);
      await saveDraft(tx, 'zone-0001', 3, 1, {});
      const published = await publish(tx, [{ id: 'zone-0001', expected_version: 3 }]);
      return { reverted, draft, stale, published };
    });
    expect(outcome.reverted.value?.version).toBe(3);
    expect(outcome.draft).toMatchObject({ base_version: 2, version: 1 });
    expect(outcome.stale.error?.code).toBe('PT409');
    expect(outcome.published.value?.[0]).toMatchObject({ version: 4, level: 'precaution' });
  });

  it('refuses dispatchers and the public', async () => {
    for (const actor of ['dispatcher', 'anon'] as const) {
      expect(
        await sqlState(() => asActor(t.db, actor, (tx) => tx.query(`select revert_zone('zone-0001', 1, 1)`))),
        actor,
      ).toBe('42501');
    }
  });
});

/**
 * 20 callers at once, all from the same version: exactly one wins, the other 19 get PT409 (not a
 * unique violation, not a lost update, not a second revision). On PGlite the calls queue for its
 * one connection. On PostgreSQL each runs in its own transaction on its own connection (a pool of
 * 20 on the test's database), and all 20 wait at a barrier after BEGIN until every one has its
 * connection, so the RPC calls really overlap.
 */
describe(`concurrency (${BACKEND})`, () => {
  const CALLERS = 20;
  let n = 0;
  const raceAs = useRacers(() => t.db, CALLERS);
  /** Runs `sql` CALLERS times at once, each in its own committed transaction as the commander. */
  const race = (sql: string, params: (i: number) => unknown[]) =>
    raceAs('commander', Array.from({ length: CALLERS }, (_, i) => ({ sql, params: params(i) })));

  /** A committed zone of its own for one test: active, version 2 (so there is a revision 1 to revert to). */
  async function freshZone(): Promise<string> {
    const id = `race-${++n}`;
    await commitAs(t.db, 'commander', async (tx) => {
      await tx.query('select create_zone($1)', [
        json({ id, name: id, level: 'control', geom: square(120.9 + n * 0.01, 31.9) }),
      ]);
      await tx.query('select publish_zones($1)', [json([{ id, expected_version: 1 }])]);
    });
    return id;
  }

  const revisionCount = async (id: string) =>
    (await t.db.query<{ n: number }>('select count(*)::int as n from zone_revisions where zone_id = $1', [id])).rows[0]
      .n;

  it('save_zone: exactly one of 20 saves from one version wins, one revision is written', async () => {
    const id = await freshZone();
    const before = await revisionCount(id);
    const outcome = await race('select save_zone($1, 2, $2)', (i) => [
      id,
      json({ name: `name ${i}`, review_days: i + 1 }),
    ]);
    expect(outcome).toEqual({ wins: 1, codes: ['PT409', 'ok'] });
    expect(await revisionCount(id)).toBe(before + 1);
    const { rows } = await t.db.query<{ version: number }>('select version from zones where id = $1', [id]);
    expect(rows[0].version).toBe(3);
  });

  it('save_zone_draft: one of 20 first drafts wins (no unique violation), then one of 20 saves from one draft version', async () => {
    const id = await freshZone();
    const first = await race('select save_zone_draft($1, 2, null, $2)', (i) => [id, json({ notes: `first ${i}` })]);
    expect(first).toEqual({ wins: 1, codes: ['PT409', 'ok'] });
    const next = await race('select save_zone_draft($1, 2, 1, $2)', (i) => [id, json({ notes: `next ${i}` })]);
    expect(next).toEqual({ wins: 1, codes: ['PT409', 'ok'] });
    const { rows } = await t.db.query<{ version: number; notes: string }>(
      'select version, notes from zone_drafts where zone_id = $1',
      [id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].version).toBe(2);
    expect(rows[0].notes).toMatch(/^next \d+$/);
    // the published zone was not touched
    expect(await revisionCount(id)).toBe(2);
  });

  it('revert_zone: exactly one of 20 reverts from one version wins, one revision is written', async () => {
    const id = await freshZone();
    const before = await revisionCount(id);
    const outcome = await race('select revert_zone($1, 1, 2)', () => [id]);
    expect(outcome).toEqual({ wins: 1, codes: ['PT409', 'ok'] });
    expect(await revisionCount(id)).toBe(before + 1);
    const { rows } = await t.db.query<{ version: number; status: string }>(
      'select version, status from zones where id = $1',
      [id],
    );
    // revision 1 was the unpublished zone: the revert takes it off the public map again
    expect(rows[0]).toEqual({ version: 3, status: 'draft' });
  });

  it('publish_zones: exactly one of 20 publishes of one draft wins, one revision is written', async () => {
    const id = await freshZone();
    await commitAs(t.db, 'commander', (tx) =>
      tx.query('select save_zone_draft($1, 2, null, $2)', [id, json({ level: 'lockdown' })]),
    );
    const before = await revisionCount(id);
    const outcome = await race('select publish_zones($1)', () => [json([{ id, expected_version: 2 }])]);
    expect(outcome).toEqual({ wins: 1, codes: ['PT409', 'ok'] });
    expect(await revisionCount(id)).toBe(before + 1);
  });
});
