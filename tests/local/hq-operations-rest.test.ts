// Headquarters operations end to end: the site RPCs of …001600_site_writes.sql, the team list of
// …001700 and the case reports of …001800 through the unmodified supabase-js client against the
// local stack (REST, and Realtime for the case reports).
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseReportRow, SiteRevisionRow, SiteRow } from '../../src/domain/rows.ts';
import { recorder, subscribed, testClients } from '../helpers/realtime.ts';
import { COMMANDER, DEMO_PASSWORD, DISPATCHER, startTestStack, type TestStack } from '../helpers/stack.ts';

let stack: TestStack;
let commander: SupabaseClient;
let dispatcher: SupabaseClient;
let anon: SupabaseClient;
let compound: string;

beforeAll(async () => {
  stack = await startTestStack();
  commander = await stack.signIn(COMMANDER, DEMO_PASSWORD);
  dispatcher = await stack.signIn(DISPATCHER, DEMO_PASSWORD);
  anon = stack.client();
  const { rows } = await stack.ctx.db.query<{ id: string }>('select id from compounds order by id limit 1');
  compound = rows[0].id;
});

afterAll(async () => {
  await stack?.stop();
});

const { client, signedIn } = testClients(() => stack, DEMO_PASSWORD);

let n = 0;
/** A quarantine site of its own, created over REST: version 1. */
async function quarantineSite(name: string): Promise<SiteRow> {
  const created = await commander.rpc('create_site', {
    fields: {
      kind: 'quarantine_site',
      name,
      site_type: 'hotel',
      rooms_total: 80,
      rooms_ready: 60,
      rooms_occupied: 20,
      geom: { type: 'Point', coordinates: [120.95 + n++ * 0.001, 31.97] },
    },
  });
  expect(created.error).toBeNull();
  return created.data as SiteRow;
}

describe('save_site over REST', () => {
  it('saves from the current version and answers the row, geometry as GeoJSON', async () => {
    const site = await quarantineSite('REST 隔离酒店');
    expect(site).toMatchObject({ kind: 'quarantine_site', version: 1, geom: { type: 'Point' } });
    const saved = await commander.rpc('save_site', { id: site.id, expected_version: 1, patch: { rooms_occupied: 45 } });
    expect(saved.error).toBeNull();
    expect(saved.status).toBe(200);
    expect(saved.data).toMatchObject({ id: site.id, version: 2, rooms_occupied: 45, geom: site.geom });
    // the same row a table read gives
    const { data: read } = await commander.from('sites').select('*').eq('id', site.id).single();
    expect(read).toEqual(saved.data);
  });

  it('a stale version comes back as HTTP 409, code PT409, the current version in details; nothing is written', async () => {
    const site = await quarantineSite('REST conflict');
    expect(
      (await commander.rpc('save_site', { id: site.id, expected_version: 1, patch: { rooms_ready: 70 } })).error,
    ).toBeNull();
    const stale = await commander.rpc('save_site', { id: site.id, expected_version: 1, patch: { rooms_ready: 50 } });
    expect({ status: stale.status, code: stale.error?.code }).toEqual({ status: 409, code: 'PT409' });
    expect(JSON.parse(stale.error!.details)).toEqual({ current_version: 2, conflict: 'site', site_id: site.id });
    const { data } = await commander.from('sites').select('version, rooms_ready').eq('id', site.id).single();
    expect(data).toEqual({ version: 2, rooms_ready: 70 });
  });

  it('answers 400 for a broken rule, 404 for an unknown site, 403 to a dispatcher and 401 to the public', async () => {
    const site = await quarantineSite('REST refusals');
    const rooms = await commander.rpc('save_site', { id: site.id, expected_version: 1, patch: { rooms_occupied: 61 } });
    expect({ status: rooms.status, code: rooms.error?.code }).toEqual({ status: 400, code: 'PT400' });
    expect(rooms.error?.message).toMatch(/rooms_occupied <= rooms_ready <= rooms_total/);
    const unknown = await commander.rpc('save_site', { id: 'no-such-site', expected_version: 1, patch: {} });
    expect({ status: unknown.status, code: unknown.error?.code }).toEqual({ status: 404, code: 'PT404' });
    const args = { id: site.id, expected_version: 1, patch: { rooms_occupied: 30 } };
    const byDispatcher = await dispatcher.rpc('save_site', args);
    expect({ status: byDispatcher.status, code: byDispatcher.error?.code }).toEqual({ status: 403, code: '42501' });
    const byAnon = await anon.rpc('save_site', args);
    expect({ status: byAnon.status, code: byAnon.error?.code }).toEqual({ status: 401, code: '42501' });
  });

  it('writes the site history, which staff read and the public may not', async () => {
    const site = await quarantineSite('REST history');
    expect(
      (await commander.rpc('save_site', { id: site.id, expected_version: 1, patch: { rooms_occupied: 25 } })).error,
    ).toBeNull();
    const { data, error } = await dispatcher
      .from('site_revisions')
      .select('version, change_kind, changed_fields, changed_by_email')
      .eq('site_id', site.id)
      .order('version');
    expect(error).toBeNull();
    expect(data as Partial<SiteRevisionRow>[]).toEqual([
      { version: 1, change_kind: 'created', changed_fields: [], changed_by_email: COMMANDER },
      { version: 2, change_kind: 'updated', changed_fields: ['rooms_occupied'], changed_by_email: COMMANDER },
    ]);
    const byAnon = await anon.from('site_revisions').select('id').limit(1);
    expect(byAnon.status).toBe(401);
  });
});

describe('set_team_enterprises over REST', () => {
  it('takes the list as a JSON array', async () => {
    const point = { type: 'Point', coordinates: [120.96, 31.98] };
    const team = await commander.rpc('create_site', {
      fields: { kind: 'mobile_testing', name: 'REST 流动队', geom: point },
    });
    const factory = await commander.rpc('create_site', {
      fields: { kind: 'enterprise', name: 'REST 工厂', geom: point },
    });
    expect([team.error, factory.error]).toEqual([null, null]);
    const set = await commander.rpc('set_team_enterprises', {
      team_id: team.data.id,
      enterprise_ids: [factory.data.id],
    });
    expect(set.error).toBeNull();
    expect(set.data).toEqual({ team_id: team.data.id, enterprise_ids: [factory.data.id] });
    const wrong = await commander.rpc('set_team_enterprises', { team_id: factory.data.id, enterprise_ids: [] });
    expect({ status: wrong.status, code: wrong.error?.code }).toEqual({ status: 400, code: 'PT400' });
  });
});

describe('case reports', () => {
  it('reach a commander’s postgres_changes subscription; the public subscriber receives nothing', async () => {
    const changes = recorder<{ eventType: string; new: Partial<CaseReportRow> }>();
    const system = recorder<{ extension?: string; status?: string }>();
    await subscribed(
      (await signedIn(COMMANDER))
        .channel('case-watch')
        .on('postgres_changes', { event: '*', schema: 'public', table: 'case_reports' }, (p) =>
          changes.push(p as never),
        )
        .on('system', {}, (m) => system.push(m)),
    );
    expect((await system.next((m) => m.extension === 'postgres_changes', 'system message')).status).toBe('ok');
    const publicSystem = recorder<{ extension?: string; status?: string }>();
    const publicChanges = recorder<unknown>();
    const publicChannel = client()
      .channel('case-watch-public')
      .on('postgres_changes', { event: '*', schema: 'public', table: 'case_reports' }, (p) => publicChanges.push(p))
      .on('system', {}, (m) => publicSystem.push(m));
    publicChannel.subscribe();
    await publicSystem.next((m) => m.extension === 'postgres_changes', 'public system message');

    const recorded = await commander.rpc('record_case_report', {
      fields: { compound_id: compound, reported_on: '2022-04-10', count: 2, source: '社区筛查' },
    });
    expect(recorded.error).toBeNull();
    const event = await changes.next((p) => p.new.id === recorded.data.id, 'case report insert');
    expect(event.eventType).toBe('INSERT');
    expect(event.new).toMatchObject({ compound_id: compound, count: 2, source: '社区筛查' });
    // a second change the commander hears after the first: by then the public's would have come too
    expect(
      (await commander.rpc('save_case_report', { id: recorded.data.id, expected_version: 1, patch: { count: 3 } }))
        .error,
    ).toBeNull();
    await changes.next((p) => p.new.id === recorded.data.id && p.new.count === 3, 'case report update');
    expect(publicChanges.seen).toEqual([]);
  });
});
