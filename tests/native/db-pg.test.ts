import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { openPgDatabase, parseArray, type PgDatabase } from '../../supabase/local/db-pg.ts';
import { createTestDatabase } from '../helpers/native-pg.ts';

// The adapter's own behaviour on the run's PostgreSQL 15 cluster (project db-native).
let created: Awaited<ReturnType<typeof createTestDatabase>>;
let db: PgDatabase;
beforeAll(async () => {
  created = await createTestDatabase(inject('nativePgUrl'), 'fixture');
  db = await openPgDatabase(created.url);
});
afterAll(async () => {
  await db?.close();
  await created?.drop();
});

const admin = () => openPgDatabase(`${inject('nativePgUrl')}/postgres`, { maxConnections: 1 });

const until = async (check: () => boolean, ms = 10_000) => {
  for (const end = Date.now() + ms; !check();) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('openPgDatabase', () => {
  it('runs on PostgreSQL 15 with PostGIS 3.3, the versions of hosted Supabase', async () => {
    const { rows } = await db.query<{ server: number; postgis: string }>(
      `select current_setting('server_version_num')::int as server, extensions.postgis_lib_version() as postgis`,
    );
    expect(Math.floor(rows[0].server / 10000)).toBe(15);
    expect(rows[0].postgis).toMatch(/^3\.3\./);
  });

  it('returns values as PGlite does: int8 as number (bigint past 2^53), dates as Date, json parsed, arrays of any type', async () => {
    const { rows } = await db.query(
      `select 42::int8 as small, 9007199254740993::int8 as big, 1.5::numeric as num, '2022-04-01T08:00:00Z'::timestamptz as ts,
              '1 day'::interval as span, '08:30'::time as opens, '{"a":[1]}'::jsonb as doc,
              array['a b', null, 'c"d']::text[] as texts, array['lockdown','control']::public.zone_level[] as levels,
              array[[1,2],[3,4]]::int[] as grid, true as yes`,
    );
    expect(rows[0]).toEqual({
      small: 42,
      big: 9007199254740993n,
      num: '1.5',
      ts: new Date('2022-04-01T08:00:00Z'),
      span: '1 day',
      opens: '08:30:00',
      doc: { a: [1] },
      texts: ['a b', null, 'c"d'],
      levels: ['lockdown', 'control'],
      grid: [
        [1, 2],
        [3, 4],
      ],
      yes: true,
    });
  });

  it('parses array literals with bounds, escapes and empty arrays', () => {
    expect(parseArray('[0:1]={x,"y\\\\z"}', (v) => v)).toEqual(['x', 'y\\z']);
    expect(parseArray('{}', (v) => v)).toEqual([]);
  });

  it('counts affected rows only for writes', async () => {
    const select = await db.query('select * from public.districts');
    expect(select.rows.length).toBeGreaterThan(0);
    expect(select.affectedRows).toBe(0);
    const update = await db.query('update public.districts set residents = residents');
    expect(update.affectedRows).toBe(select.rows.length);
  });

  it('rejects with the Postgres error fields (code, detail, constraint)', async () => {
    const error = await db
      .query(
        `insert into public.districts (id, name, residents, geom) select id, name, residents, geom from public.districts limit 1`,
      )
      .catch((e) => e);
    expect(error).toMatchObject({ code: '23505', constraint: 'districts_pkey', table: 'districts' });
    expect(error.detail).toMatch(/already exists/);
  });

  it('rolls a transaction back when its function throws, and the role it switched to ends with it', async () => {
    const failed = await db
      .transaction(async (tx) => {
        await tx.query(`select set_config('role', 'anon', true)`);
        const { rows } = await tx.query<{ who: string }>('select current_user as who');
        expect(rows[0].who).toBe('anon');
        throw new Error('boom');
      })
      .catch((e: Error) => e.message);
    expect(failed).toBe('boom');
    const { rows } = await db.query<{ who: string }>('select current_user as who');
    expect(rows[0].who).toBe('postgres');
  });

  it('ends a statement past statementTimeoutMs with 57014 and keeps serving', async () => {
    db.statementTimeoutMs = 300;
    try {
      await expect(db.query('select pg_sleep(5)')).rejects.toMatchObject({ code: '57014' });
    } finally {
      db.statementTimeoutMs = 30_000;
    }
    expect((await db.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
  });

  it('keeps delivering NOTIFY after its LISTEN connection is killed', async () => {
    const got: string[] = [];
    const unlisten = await db.listen('native_test', (p) => got.push(p));
    await db.query(`select pg_notify('native_test', 'before')`);
    await until(() => got.includes('before'));
    const killer = await admin();
    try {
      const { rows } = await killer.query<{ n: number }>(
        `select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where application_name = 'nantong-local-stack-listen' and datname = $1`,
        [new URL(created.url).pathname.slice(1)],
      );
      expect(rows[0].n).toBe(1);
    } finally {
      await killer.close();
    }
    // Notifications sent while it reconnects are lost (as with any LISTEN); keep sending until one arrives.
    await until(() => {
      void db.query(`select pg_notify('native_test', 'after')`);
      return got.includes('after');
    });
    await unlisten();
  });

  it('bootstraps a bare database once and leaves one with Supabase objects alone', async () => {
    const server = await admin();
    await server.query('drop database if exists native_bare with (force)');
    await server.query('create database native_bare');
    try {
      const url = `${inject('nativePgUrl')}/native_bare`;
      const first = await openPgDatabase(url);
      expect(first.bootstrapped).toBe(true);
      expect((await first.query(`select to_regclass('auth.users') is not null as ok`)).rows[0]).toEqual({ ok: true });
      await first.close();
      const second = await openPgDatabase(url);
      expect(second.bootstrapped).toBe(false);
      expect(second.gotrueAuth).toBe(false);
      await second.close();
    } finally {
      await server.query('drop database if exists native_bare with (force)');
      await server.close();
    }
  });

  it('refuses to bootstrap as a user who is not a superuser, saying why', async () => {
    const server = await admin();
    await server.query('drop database if exists native_plain with (force)');
    await server.query('create database native_plain');
    await server.query(
      `do $$ begin if not exists (select 1 from pg_roles where rolname = 'plain_user') then create role plain_user login; end if; end $$`,
    );
    try {
      const url = `${inject('nativePgUrl').replace('postgres@', 'plain_user@')}/native_plain`;
      await expect(openPgDatabase(url)).rejects.toThrow(
        /no Supabase objects \(no auth schema\) and the user is not a superuser/,
      );
    } finally {
      await server.query('drop database if exists native_plain with (force)');
      await server.close();
    }
  });
});
