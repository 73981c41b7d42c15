import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tx } from '../../supabase/local/db.ts';
import { SITE_PUBLIC_COLUMNS, ZONE_PUBLIC_COLUMNS, type ZoneRevisionRow, type ZoneRow } from '../../src/domain/rows.ts';
import { openTestDatabase, type TestDatabase } from './database.ts';
import { asActor, claimsFor, commitAs, sqlState } from './impersonate.ts';

let t: TestDatabase;
let commanderId: string;
beforeAll(async () => {
  t = await openTestDatabase();
  commanderId = (await claimsFor(t.db, 'commander')).sub as string;
});
afterAll(() => t?.close());

const square = (x: number, y: number, size = 0.002) =>
  `SRID=4326;MULTIPOLYGON(((${x} ${y},${x + size} ${y},${x + size} ${y + size},${x} ${y + size},${x} ${y})))`;
const bowtie = { type: 'Polygon', coordinates: [[[120.96, 31.97], [120.97, 31.98], [120.97, 31.97], [120.96, 31.98], [120.96, 31.97]]] };

async function zone(tx: Tx, id: string): Promise<ZoneRow> {
  const { rows } = await tx.query<ZoneRow>('select * from zones where id = $1', [id]);
  return rows[0];
}

async function revisions(tx: Tx, zoneId: string): Promise<ZoneRevisionRow[]> {
  const { rows } = await tx.query<ZoneRevisionRow>('select * from zone_revisions where zone_id = $1 order by version', [zoneId]);
  return rows;
}

describe('zone versions', () => {
  it('start at 1 and are bumped by every change, whatever version the client sends', async () => {
    const versions = await asActor(t.db, 'commander', async (tx) => {
      await tx.query(`insert into zones (id, name, level, geom, version) values ('v1', 'v', 'control', $1, 99)`, [square(120.99, 31.99)]);
      const created = (await zone(tx, 'v1')).version;
      await tx.query(`update zones set name = 'renamed', version = 50 where id = 'v1'`);
      return [created, (await zone(tx, 'v1')).version];
    });
    expect(versions).toEqual([1, 2]);
  });

  it('record who changed the zone and keep created_at', async () => {
    const row = await asActor(t.db, 'commander', async (tx) => {
      await tx.query(`update zones set notes = 'checked', created_at = '2000-01-01', updated_by = null where id = 'zone-0002'`);
      return zone(tx, 'zone-0002');
    });
    expect(row.updated_by).toBe(commanderId);
    expect(new Date(row.created_at).getFullYear()).toBeGreaterThan(2000);
  });

  it('are not bumped by a save that changes nothing, and no revision is written', async () => {
    const result = await asActor(t.db, 'commander', async (tx) => {
      await tx.query(`update zones set name = name, geom = geom where id = 'zone-0001'`);
      return { version: (await zone(tx, 'zone-0001')).version, revisions: (await revisions(tx, 'zone-0001')).length };
    });
    expect(result).toEqual({ version: 1, revisions: 1 });
  });
});

describe('zone revisions', () => {
  it('are written by trigger for every change, with the kind of change', async () => {
    const history = await asActor(t.db, 'commander', async (tx) => {
      await tx.query(`insert into zones (id, name, level, geom) values ('r1', '草案', 'control', $1)`, [square(120.99, 31.99)]);
      await tx.query(`update zones set geom = $1 where id = 'r1'`, [square(120.99, 31.99, 0.003)]);
      await tx.query(`update zones set level = 'lockdown' where id = 'r1'`);
      await tx.query(`update zones set status = 'active' where id = 'r1'`);
      await tx.query(`update zones set name = '封控区', name_en = 'Lockdown' where id = 'r1'`);
      await tx.query(`update zones set notes = 'tracing report in' where id = 'r1'`);
      await tx.query(`update zones set level = 'control', geom = $1 where id = 'r1'`, [square(120.99, 31.99)]);
      await tx.query(`delete from zones where id = 'r1'`);
      await tx.query(`insert into zones (id, name, level, geom) values ('r1', '恢复', 'control', $1)`, [square(120.99, 31.99)]);
      return revisions(tx, 'r1');
    });
    expect(history.map((r) => [r.version, r.op, r.change_kind, r.changed_fields])).toEqual([
      [1, 'INSERT', 'created', []],
      [2, 'UPDATE', 'reshaped', ['geom']],
      [3, 'UPDATE', 'level_changed', ['level']],
      [4, 'UPDATE', 'status_changed', ['status']],
      [5, 'UPDATE', 'renamed', ['name', 'name_en']],
      [6, 'UPDATE', 'updated', ['notes']],
      [7, 'UPDATE', 'level_changed', ['level', 'geom']],
      [8, 'DELETE', 'deleted', []],
      [9, 'INSERT', 'created', []],
    ]);
    // a deletion keeps the row as it was; a re-created zone continues the history
    expect(history[7].row.version).toBe(7);
    expect(history[7].row.name).toBe('封控区');
    expect(history[8].row.version).toBe(9);
    expect(history.every((r) => r.changed_by === commanderId && r.changed_by_email === 'commander@demo.local')).toBe(true);
  });

  it('hold the whole row with the geometry as GeoJSON', async () => {
    const [first] = await asActor(t.db, 'commander', async (tx) => {
      await tx.query(`insert into zones (id, name, level, geom, notes) values ('r2', 'x', 'control', $1, 'n')`, [square(120.99, 31.99)]);
      return revisions(tx, 'r2');
    });
    expect(first.row.geom.type).toBe('MultiPolygon');
    expect(first.row.geom.coordinates[0][0][0]).toEqual([120.99, 31.99]);
    expect(first.row.notes).toBe('n');
    expect(first.row.updated_by).toBe(commanderId);
  });

  it('of the seed are marked imported, with no author', async () => {
    const { rows } = await t.db.query<{ change_kind: string; changed_by: string | null }>(
      `select change_kind, changed_by from zone_revisions where zone_id like 'zone-%'`,
    );
    expect(rows).toHaveLength(4);
    expect(rows.every((r) => r.change_kind === 'imported' && r.changed_by === null)).toBe(true);
  });

  it('cannot be written, changed or removed by anyone but the service role', async () => {
    for (const actor of ['anon', 'authenticated', 'dispatcher', 'commander'] as const) {
      const insert = `insert into zone_revisions (zone_id, version, op, change_kind, "row") values ('zone-0001', 9, 'UPDATE', 'updated', '{}')`;
      expect(await sqlState(() => asActor(t.db, actor, (tx) => tx.query(insert))), actor).toBe('42501');
      expect(await sqlState(() => asActor(t.db, actor, (tx) => tx.query(`update zone_revisions set change_kind = 'renamed'`))), actor).toBe('42501');
      expect(await sqlState(() => asActor(t.db, actor, (tx) => tx.query('delete from zone_revisions'))), actor).toBe('42501');
    }
  });
});

describe('what the public sees of zones', () => {
  beforeAll(async () => {
    await commitAs(t.db, 'commander', async (tx) => {
      await tx.query(`insert into zones (id, name, level, geom, notes) values ('p1', '新区', 'control', $1, 'internal remark')`, [square(120.985, 31.985)]);
      await tx.query(`update zones set geom = $1 where id = 'p1'`, [square(120.985, 31.985, 0.003)]);
      await tx.query(`update zones set status = 'active' where id = 'p1'`);
      await tx.query(`update zones set status = 'lifted' where id = 'p1'`);
    });
  });

  it('never includes a draft zone or a lifted one', async () => {
    const rows = await asActor(t.db, 'anon', async (tx) => (await tx.query<{ id: string; status: string }>('select id, status from zones order by id')).rows);
    expect(rows).toEqual([
      { id: 'zone-0001', status: 'active' },
      { id: 'zone-0002', status: 'active' },
    ]);
  });

  it('includes the revisions of public versions only, without internal columns', async () => {
    const rows = await asActor(t.db, 'anon', async (tx) =>
      (await tx.query<{ version: number; change_kind: string; public_row: Record<string, unknown> }>(
        `select version, change_kind, public_row from zone_revisions where zone_id in ('p1', 'zone-0003') order by version`,
      )).rows,
    );
    expect(rows.map((r) => [r.version, r.change_kind, r.public_row.status])).toEqual([
      [3, 'status_changed', 'active'],
      [4, 'status_changed', 'lifted'],
    ]);
    expect(Object.keys(rows[0].public_row).sort()).toEqual([...ZONE_PUBLIC_COLUMNS].sort());
  });

  it('shows staff every revision, drafts included', async () => {
    const n = await asActor(t.db, 'dispatcher', async (tx) => (await revisions(tx, 'p1')).length);
    expect(n).toBe(4);
  });
});

describe('save_zone', () => {
  const save = (tx: Tx, id: string, expected: number, patch: unknown) =>
    tx.query<{ saved: ZoneRow }>('select save_zone($1, $2, $3) as saved', [id, expected, JSON.stringify(patch)]);

  it('saves a patch at the expected version and returns the new row', async () => {
    const saved = await asActor(t.db, 'commander', async (tx) => (await save(tx, 'zone-0002', 1, { level: 'lockdown', notes: null })).rows[0].saved);
    expect(saved).toMatchObject({ id: 'zone-0002', level: 'lockdown', notes: null, version: 2, updated_by: commanderId });
    expect(saved.geom.type).toBe('MultiPolygon');
  });

  it('accepts a GeoJSON Polygon or Feature for the geometry', async () => {
    const polygon = { type: 'Polygon', coordinates: [[[120.9, 31.9], [120.91, 31.9], [120.91, 31.91], [120.9, 31.9]]] };
    const saved = await asActor(t.db, 'commander', async (tx) =>
      (await save(tx, 'zone-0001', 1, { geom: { type: 'Feature', properties: {}, geometry: polygon } })).rows[0].saved,
    );
    expect(saved.geom.type).toBe('MultiPolygon');
    expect(saved.version).toBe(2);
  });

  it('refuses a stale version with PT409 and changes nothing', async () => {
    const outcome = await asActor(t.db, 'commander', async (tx) => {
      await save(tx, 'zone-0001', 1, { name: 'first' });
      await tx.query('savepoint before_second');
      const error = await save(tx, 'zone-0001', 1, { name: 'second' }).then(() => null, (e: { code: string; message: string; detail: string }) => e);
      await tx.query('rollback to savepoint before_second');
      return { error, row: await zone(tx, 'zone-0001') };
    });
    expect(outcome.error?.code).toBe('PT409');
    expect(outcome.error?.message).toMatch(/changed by someone else/);
    expect(JSON.parse(outcome.error!.detail)).toEqual({ current_version: 2 });
    expect(outcome.row).toMatchObject({ name: 'first', version: 2 });
  });

  it('refuses invalid geometry with PT400 naming the problem', async () => {
    const error = await asActor(t.db, 'commander', (tx) => save(tx, 'zone-0001', 1, { geom: bowtie })).then(
      () => null,
      (e: { code: string; message: string }) => e,
    );
    expect(error?.code).toBe('PT400');
    expect(error?.message).toMatch(/not valid: Self-intersection/);
  });

  it.each([
    ['an unknown field', 'zone-0001', { colour: 'red' }, 'PT400'],
    ['a missing zone', 'zone-9999', { name: 'x' }, 'PT404'],
  ])('refuses %s', async (_what, id, patch, code) => {
    expect(await sqlState(() => asActor(t.db, 'commander', (tx) => save(tx, id, 1, patch)))).toBe(code);
  });

  it('refuses dispatchers and the public', async () => {
    expect(await sqlState(() => asActor(t.db, 'dispatcher', (tx) => save(tx, 'zone-0001', 1, { name: 'x' })))).toBe('42501');
    expect(await sqlState(() => asActor(t.db, 'anon', (tx) => save(tx, 'zone-0001', 1, { name: 'x' })))).toBe('42501');
  });
});

interface Broadcast {
  topic: string;
  event: string;
  private: boolean;
  payload: { op: 'upsert'; row: Record<string, unknown> } | { op: 'remove'; id: string; reason?: string };
}

/** Runs writes as a commander and returns what they broadcast to the public map, in order. */
async function broadcastsOf(writes: (tx: Tx) => Promise<void>): Promise<Broadcast[]> {
  return asActor(
    t.db,
    'commander',
    async (tx) => {
      await writes(tx);
      await tx.query(`select set_config('role', 'postgres', true)`);
      // one transaction shares one inserted_at: the heap keeps the insertion order of a cleared table
      const { rows } = await tx.query<Broadcast>('select topic, event, private, payload from realtime.messages order by ctid');
      return rows;
    },
    (tx) => tx.exec('delete from realtime.messages'),
  );
}

describe('public broadcasts', () => {
  it('were not sent for the seed', async () => {
    const { rows } = await t.db.query<{ n: number }>(`select count(*)::int as n from realtime.messages where topic = 'public-map' and payload->'row'->>'id' like 'zone-%'`);
    expect(rows[0].n).toBe(0);
  });

  it('send the public columns of an active zone that changed', async () => {
    const sent = await broadcastsOf((tx) => tx.query(`update zones set name = '江山鼎封控区（扩大）' where id = 'zone-0001'`).then(() => {}));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ topic: 'public-map', event: 'zone', private: true, payload: { op: 'upsert' } });
    const row = (sent[0].payload as { row: Record<string, unknown> }).row;
    expect(Object.keys(row).sort()).toEqual([...ZONE_PUBLIC_COLUMNS].sort());
    expect(row).toMatchObject({ id: 'zone-0001', name: '江山鼎封控区（扩大）', version: 2 });
  });

  it('send nothing for a change only staff can see', async () => {
    const sent = await broadcastsOf(async (tx) => {
      await tx.query(`update zones set notes = 'internal' where id = 'zone-0001'`);
      await tx.query(`update zones set level = 'control' where id = 'zone-0003'`);
      await tx.query(`update sites set rooms_occupied = 90 where id = 'qs-01'`);
    });
    expect(sent).toEqual([]);
  });

  it('announce a zone becoming public and leaving public view, saying why it left', async () => {
    const sent = await broadcastsOf(async (tx) => {
      await tx.query(`update zones set status = 'active' where id = 'zone-0003'`);
      await tx.query(`update zones set status = 'lifted' where id = 'zone-0003'`);
      await tx.query(`update zones set status = 'draft' where id = 'zone-0001'`);
      await tx.query(`delete from zones where id = 'zone-0002'`);
    });
    expect(sent.map((m) => [m.event, m.payload.op, m.payload.op === 'remove' ? m.payload.id : m.payload.row.id])).toEqual([
      ['zone', 'upsert', 'zone-0003'],
      ['zone', 'remove', 'zone-0003'],
      ['zone', 'remove', 'zone-0001'],
      ['zone', 'remove', 'zone-0002'],
    ]);
    // Only a lifting is 'lifted'; besides the reason, a remove is as it was: op, id and the number.
    const removes = sent.slice(1).map((m) => m.payload as Record<string, unknown>);
    expect(removes.map(({ v, ...rest }) => [rest, typeof v])).toEqual([
      [{ op: 'remove', id: 'zone-0003', reason: 'lifted' }, 'number'],
      [{ op: 'remove', id: 'zone-0001', reason: 'withdrawn' }, 'number'],
      [{ op: 'remove', id: 'zone-0002', reason: 'deleted' }, 'number'],
    ]);
    expect(removes.map((p) => Number(p.v) - Number(removes[0].v))).toEqual([0, 1, 2]);
  });

  it('send the public columns of public sites, and remove a site whose kind is no longer public', async () => {
    const sent = await broadcastsOf(async (tx) => {
      await tx.query(`update sites set queue_length = 40 where id = 'ts-01'`);
      await tx.query(`update sites set state = 'closed' where id = 'cp-01'`);
      await tx.query(`update sites set kind = 'depot' where id = 'ts-03'`);
    });
    expect(sent.map((m) => [m.event, m.payload.op])).toEqual([
      ['site', 'upsert'],
      ['site', 'upsert'],
      ['site', 'remove'],
    ]);
    // A site's remove gives no reason (..._public_map_remove_reason.sql).
    expect(sent[2].payload).toEqual({ op: 'remove', id: 'ts-03', v: expect.any(Number) });
    const row = (sent[0].payload as { row: Record<string, unknown> }).row;
    expect(Object.keys(row).sort()).toEqual([...SITE_PUBLIC_COLUMNS].sort());
    expect(row).toMatchObject({ id: 'ts-01', queue_length: 40 });
  });
});
