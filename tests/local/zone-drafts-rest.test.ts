// The commander workspace's write path end to end: the RPCs of …001100_zone_drafts.sql through the
// unmodified supabase-js client against the local stack (REST and Realtime), and the app's own
// I/O edge over them (src/services/zone-writes.ts, src/services/staff-repos.ts) with real clients.
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import type { MultiPolygon } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ZoneDraftRow, ZoneRow } from '../../src/domain/rows.ts';
import {
  listZoneRevisions,
  staffCompoundsRepo,
  staffSitesRepo,
  staffZonesRepo,
  zoneDraftsRepo,
} from '../../src/services/staff-repos.ts';
import {
  createZone,
  discardZoneDraft,
  publishZones,
  revertZone,
  saveZone,
  saveZoneDraft,
} from '../../src/services/zone-writes.ts';
import { recorder, subscribed, testClients } from '../helpers/realtime.ts';
import { COMMANDER, DEMO_PASSWORD, DISPATCHER, startTestStack, type TestStack } from '../helpers/stack.ts';
import { createUser } from '../helpers/users.ts';

let stack: TestStack;
let commander: SupabaseClient;
let dispatcher: SupabaseClient;
let anon: SupabaseClient;
const SECOND_COMMANDER = 'commander-2@drafts.local';

beforeAll(async () => {
  stack = await startTestStack();
  await createUser(stack, SECOND_COMMANDER, DEMO_PASSWORD, { role: 'commander' });
  commander = await stack.signIn(COMMANDER, DEMO_PASSWORD);
  dispatcher = await stack.signIn(DISPATCHER, DEMO_PASSWORD);
  anon = stack.client();
});

afterAll(async () => {
  await stack?.stop();
});

const { client, signedIn } = testClients(() => stack, DEMO_PASSWORD);
/** The services take a client getter (the app's is `supabase`). */
const as = (c: SupabaseClient) => () => c;

let n = 0;
const square = (size = 0.002): MultiPolygon => {
  const x = 120.9 + (n++ % 50) * 0.004;
  const y = 31.9;
  return {
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
  };
};

/** A published zone of its own: created and published through the RPCs, version 2. */
async function publishedZone(name: string): Promise<ZoneRow> {
  const created = await commander.rpc('create_zone', { fields: { name, level: 'control', geom: square() } });
  expect(created.error).toBeNull();
  const published = await commander.rpc('publish_zones', { items: [{ id: created.data.id, expected_version: 1 }] });
  expect(published.error).toBeNull();
  return (published.data as ZoneRow[])[0];
}

describe('the RPCs over REST', () => {
  it('create_zone answers the row the way save_zone does: same columns, geometry as GeoJSON', async () => {
    const created = await commander.rpc('create_zone', {
      fields: { name: 'REST 新区', level: 'lockdown', geom: square(), review_days: 7 },
    });
    expect(created.error).toBeNull();
    expect(created.status).toBe(200);
    const row = created.data as ZoneRow;
    expect(row).toMatchObject({ name: 'REST 新区', level: 'lockdown', status: 'draft', version: 1, review_days: 7 });
    expect(row.geom.type).toBe('MultiPolygon');
    const saved = await commander.rpc('save_zone', { id: row.id, expected_version: 1, patch: { notes: 'checked' } });
    expect(saved.error).toBeNull();
    expect(Object.keys(saved.data).sort()).toEqual(Object.keys(row).sort());
    expect(saved.data.geom).toEqual(row.geom);
    // and what a table read gives for the same row
    const { data: read } = await commander.from('zones').select('*').eq('id', row.id).single();
    expect(read.geom).toEqual(row.geom);
  });

  it('a stale version comes back as an error with code PT409, HTTP 409 and the current version in details', async () => {
    const zone = await publishedZone('REST conflict');
    const first = await commander.rpc('save_zone_draft', {
      zone_id: zone.id,
      base_version: 2,
      draft_version: null,
      fields: { level: 'lockdown' },
    });
    expect(first.error).toBeNull();
    const second = await commander.rpc('save_zone_draft', {
      zone_id: zone.id,
      base_version: 2,
      draft_version: null,
      fields: { level: 'precaution' },
    });
    expect(second.status).toBe(409);
    expect(second.error?.code).toBe('PT409');
    expect(JSON.parse(second.error!.details)).toMatchObject({
      current_version: 1,
      conflict: 'draft',
      zone_id: zone.id,
    });
    const publish = await commander.rpc('publish_zones', { items: [{ id: zone.id, expected_version: 1 }] });
    expect({ status: publish.status, code: publish.error?.code }).toEqual({ status: 409, code: 'PT409' });
    const invalid = await commander.rpc('save_zone_draft', {
      zone_id: zone.id,
      base_version: 2,
      draft_version: 1,
      fields: { status: 'draft' },
    });
    expect({ status: invalid.status, code: invalid.error?.code }).toEqual({ status: 400, code: 'PT400' });
  });

  it('refuses dispatchers (403) and the public (401), who see no draft either', async () => {
    const zone = await publishedZone('REST refusals');
    expect(
      (
        await commander.rpc('save_zone_draft', {
          zone_id: zone.id,
          base_version: 2,
          draft_version: null,
          fields: { level: 'lockdown' },
        })
      ).error,
    ).toBeNull();
    const args = { zone_id: zone.id, base_version: 2, draft_version: 1, fields: { level: 'precaution' } };
    const byDispatcher = await dispatcher.rpc('save_zone_draft', args);
    expect({ status: byDispatcher.status, code: byDispatcher.error?.code }).toEqual({ status: 403, code: '42501' });
    const byAnon = await anon.rpc('save_zone_draft', args);
    expect({ status: byAnon.status, code: byAnon.error?.code }).toEqual({ status: 401, code: '42501' });
    const seen = await dispatcher.from('zone_drafts').select('*').eq('zone_id', zone.id);
    expect({ error: seen.error, data: seen.data }).toEqual({ error: null, data: [] });
    const seenByAnon = await anon.from('zone_drafts').select('zone_id');
    expect({ status: seenByAnon.status, code: seenByAnon.error?.code }).toEqual({ status: 401, code: '42501' });
  });
});

describe('Realtime', () => {
  it('the public map hears nothing of a draft, and the published draft once', async () => {
    const heard = recorder<{ op: string; id?: string; row?: { id: string; level: string } }>();
    await subscribed(
      client()
        .channel('public-map', { config: { private: true } })
        .on('broadcast', { event: 'zone' }, (m) => heard.push(m.payload)),
    );
    const zone = await publishedZone('broadcast test');
    const other = await publishedZone('broadcast marker');
    await heard.next((p) => p.row?.id === other.id, 'upsert of the marker zone');
    heard.seen.length = 0;

    const draft = await commander.rpc('save_zone_draft', {
      zone_id: zone.id,
      base_version: 2,
      draft_version: null,
      fields: { level: 'lockdown', notes: 'next' },
    });
    expect(draft.error).toBeNull();
    expect(
      (
        await commander.rpc('save_zone_draft', {
          zone_id: zone.id,
          base_version: 2,
          draft_version: 1,
          fields: { geom: square() },
        })
      ).error,
    ).toBeNull();
    // a public change after the draft saves: broadcasts arrive in commit order, so once it is
    // here anything the draft saves had sent would be here too
    expect(
      (
        await commander.rpc('save_zone_draft', {
          zone_id: other.id,
          base_version: 2,
          draft_version: null,
          fields: { level: 'lockdown' },
        })
      ).error,
    ).toBeNull();
    expect((await commander.rpc('publish_zones', { items: [{ id: other.id, expected_version: 2 }] })).error).toBeNull();
    await heard.next((p) => p.row?.id === other.id, 'upsert of the marker zone');
    expect(heard.seen.map((p) => p.row?.id ?? p.id)).toEqual([other.id]);

    const published = await commander.rpc('publish_zones', {
      items: [{ id: zone.id, expected_version: 2, draft_version: 2 }],
    });
    expect(published.error).toBeNull();
    const upsert = await heard.next((p) => p.row?.id === zone.id, 'upsert of the published draft');
    expect(upsert).toMatchObject({ op: 'upsert', row: { id: zone.id, level: 'lockdown', version: 3 } });
    expect(Object.keys(upsert.row!)).not.toContain('notes');
    // one more public change as a barrier: the published draft was announced exactly once
    expect(
      (await commander.rpc('save_zone', { id: other.id, expected_version: 3, patch: { name: 'broadcast marker 2' } }))
        .error,
    ).toBeNull();
    await heard.next(
      (p) => p.row?.id === other.id && (p.row as { name?: string }).name === 'broadcast marker 2',
      'second marker',
    );
    expect(heard.seen.filter((p) => p.row?.id === zone.id || p.id === zone.id)).toHaveLength(1);
  });

  it('other commanders see drafts live through postgres_changes; dispatchers get nothing', async () => {
    const watch = async (c: SupabaseClient, name: string) => {
      const events = recorder<{ eventType: string; new: Partial<ZoneDraftRow>; old: Partial<ZoneDraftRow> }>();
      const system = recorder<{ extension?: string; status?: string; message?: string }>();
      const ch = c
        .channel(name)
        .on('postgres_changes', { event: '*', schema: 'public', table: 'zone_drafts' }, (p) => events.push(p as never))
        .on('system', {}, (m) => system.push(m));
      await subscribed(ch);
      const confirmation = await system.next((m) => m.extension === 'postgres_changes', 'system message');
      expect(confirmation.status).toBe('ok');
      return events;
    };
    const colleague = await watch(await signedIn(SECOND_COMMANDER), 'drafts-commander');
    const dispatch = await watch(await signedIn(DISPATCHER), 'drafts-dispatcher');
    const zone = await publishedZone('live draft');
    expect(
      (
        await commander.rpc('save_zone_draft', {
          zone_id: zone.id,
          base_version: 2,
          draft_version: null,
          fields: { level: 'lockdown' },
        })
      ).error,
    ).toBeNull();
    expect((await commander.rpc('discard_zone_draft', { zone_id: zone.id, draft_version: 1 })).error).toBeNull();
    const inserted = await colleague.next((e) => e.eventType === 'INSERT' && e.new.zone_id === zone.id, 'draft insert');
    expect(inserted.new).toMatchObject({ level: 'lockdown', base_version: 2, version: 1, updated_by_email: COMMANDER });
    await colleague.next((e) => e.eventType === 'DELETE' && e.old.zone_id === zone.id, 'draft delete');
    // the dispatcher's channel saw nothing of either (the colleague's delete arrived after both were handled)
    expect(dispatch.seen).toEqual([]);
  });
});

describe('src/services/zone-writes.ts against the stack', () => {
  it('creates, edits, drafts, publishes and reverts, answering rows', async () => {
    const c = as(commander);
    const created = await createZone({ name: '服务 zone', level: 'control', geom: square() }, c);
    if (!created.ok) throw new Error(created.message);
    expect(created.row).toMatchObject({ status: 'draft', version: 1 });
    const id = created.row.id;
    const saved = await saveZone(id, 1, { review_days: 10 }, c);
    expect(saved).toMatchObject({ ok: true, row: { version: 2, review_days: 10 } });
    const published = await publishZones([{ id, expected_version: 2 }], c);
    expect(published).toMatchObject({ ok: true, row: [{ id, status: 'active', version: 3 }] });
    const draft = await saveZoneDraft(id, 3, null, { level: 'precaution' }, c);
    expect(draft).toMatchObject({ ok: true, row: { zone_id: id, base_version: 3, version: 1, level: 'precaution' } });
    const edited = await saveZoneDraft(id, 3, 1, { status: 'lifted' }, c);
    expect(edited).toMatchObject({ ok: true, row: { version: 2, level: 'precaution', status: 'lifted' } });
    const stepDown = await publishZones([{ id, expected_version: 3, draft_version: 2 }], c);
    expect(stepDown).toMatchObject({ ok: true, row: [{ id, status: 'lifted', level: 'precaution', version: 4 }] });
    const reverted = await revertZone(id, 3, 4, c);
    expect(reverted).toMatchObject({ ok: true, row: { status: 'active', level: 'control', version: 5 } });
    expect((await saveZoneDraft(id, 5, null, { notes: 'x' }, c)).ok).toBe(true);
    expect(await discardZoneDraft(id, 1, c)).toMatchObject({ ok: true, row: { zone_id: id, version: 1, notes: 'x' } });
  });

  it('answers refusals as values: conflict with the current version, invalid, not_found, denied, network', async () => {
    const c = as(commander);
    const zone = await publishedZone('service refusals');
    expect(await saveZone(zone.id, 1, { notes: 'late' }, c)).toMatchObject({
      ok: false,
      kind: 'conflict',
      currentVersion: 2,
    });
    expect((await saveZoneDraft(zone.id, 2, null, { level: 'lockdown' }, c)).ok).toBe(true);
    const draftConflict = await saveZoneDraft(zone.id, 2, null, { level: 'precaution' }, c);
    expect(draftConflict).toMatchObject({
      ok: false,
      kind: 'conflict',
      currentVersion: 1,
      details: { conflict: 'draft' },
    });
    expect(await discardZoneDraft(zone.id, 7, c)).toMatchObject({ ok: false, kind: 'conflict', currentVersion: 1 });
    expect(await publishZones([{ id: zone.id, expected_version: 1 }], c)).toMatchObject({
      ok: false,
      kind: 'conflict',
      currentVersion: 2,
    });
    expect(await saveZoneDraft(zone.id, 2, 1, { review_days: 99 }, c)).toMatchObject({ ok: false, kind: 'invalid' });
    expect(
      await createZone(
        {
          name: 'x',
          level: 'control',
          geom: {
            type: 'Polygon',
            coordinates: [
              [
                [121, 32],
                [121.01, 32.01],
                [121.01, 32],
                [121, 32.01],
                [121, 32],
              ],
            ],
          },
        },
        c,
      ),
    ).toMatchObject({
      ok: false,
      kind: 'invalid',
      message: expect.stringMatching(/not valid/),
    });
    expect(await publishZones([], c)).toMatchObject({ ok: false, kind: 'invalid' });
    expect(await revertZone(zone.id, 99, 2, c)).toMatchObject({ ok: false, kind: 'not_found' });
    expect(await saveZoneDraft('no-such-zone', 1, null, {}, c)).toMatchObject({ ok: false, kind: 'not_found' });
    expect(await saveZoneDraft(zone.id, 2, 1, { level: 'control' }, as(dispatcher))).toMatchObject({
      ok: false,
      kind: 'denied',
    });
    expect(await publishZones([{ id: zone.id, expected_version: 2 }], as(anon))).toMatchObject({
      ok: false,
      kind: 'denied',
    });
    // a port nobody listens on: no answer at all (supabase-js reports status 0)
    const offline = createClient('http://127.0.0.1:1', stack.anonKey, {
      auth: { persistSession: false },
      realtime: { transport: WebSocket as unknown as typeof globalThis.WebSocket },
    });
    const unreachable = await createZone({ name: 'x', level: 'control', geom: square() }, as(offline));
    expect(unreachable).toMatchObject({ ok: false, kind: 'network' });
  });
});

describe('src/services/staff-repos.ts against the stack', () => {
  beforeAll(async () => {
    // more sites than one page holds, so the reads must page
    await stack.ctx.db.query(
      `insert into sites (id, kind, name, geom)
       select 'page-' || i, 'depot', 'page ' || i, ST_SetSRID(ST_MakePoint(120.9 + i * 0.0001, 31.9), 4326)
       from generate_series(1, 700) i`,
    );
  });

  const count = async (sql: string, params: unknown[] = []) =>
    (await stack.ctx.db.query<{ n: number }>(sql, params)).rows[0].n;

  it('reads every zone of every status and every draft, as a commander', async () => {
    const zone = await publishedZone('repo draft');
    expect(
      (
        await commander.rpc('save_zone_draft', {
          zone_id: zone.id,
          base_version: 2,
          draft_version: null,
          fields: { level: 'lockdown' },
        })
      ).error,
    ).toBeNull();
    const zones = await staffZonesRepo(as(commander)).list();
    expect(zones).toHaveLength(await count('select count(*)::int as n from zones'));
    expect(new Set(zones.map((z) => z.status))).toEqual(new Set(['draft', 'active', 'lifted']));
    expect(zones[0]).toHaveProperty('notes');
    expect(zones[0].geom.type).toBe('MultiPolygon');
    const drafts = await zoneDraftsRepo(as(commander)).list();
    expect(drafts).toHaveLength(await count('select count(*)::int as n from zone_drafts'));
    // Keyed by their zone's id, like every other live row.
    expect(drafts.find((d) => d.id === zone.id)).toMatchObject({ zone_id: zone.id, level: 'lockdown', base_version: 2 });
    expect(await zoneDraftsRepo(as(commander)).versions()).toContainEqual({ id: zone.id, version: 1 });
    expect(await zoneDraftsRepo(as(commander)).byIds([zone.id])).toMatchObject([{ id: zone.id, level: 'lockdown' }]);
    expect(await zoneDraftsRepo(as(dispatcher)).list()).toEqual([]);
    await expect(zoneDraftsRepo(as(anon)).list()).rejects.toThrow(/zone_drafts/);
  });

  it("reads one zone's revisions in version order, all columns", async () => {
    const zone = await publishedZone('repo history');
    await commander.rpc('save_zone_draft', {
      zone_id: zone.id,
      base_version: 2,
      draft_version: null,
      fields: { level: 'precaution' },
    });
    await commander.rpc('publish_zones', { items: [{ id: zone.id, expected_version: 2 }] });
    const history = await listZoneRevisions(zone.id, undefined, as(dispatcher));
    expect(history.map((r) => [r.version, r.change_kind])).toEqual([
      [1, 'created'],
      [2, 'status_changed'],
      [3, 'level_changed'],
    ]);
    expect(history[2].row).toMatchObject({ level: 'precaution', version: 3 });
    expect(history[2].changed_by_email).toBe(COMMANDER);
  });

  it('reads every site and compound with all columns, page by page', async () => {
    const sites = await staffSitesRepo(as(dispatcher)).list();
    const total = await count('select count(*)::int as n from sites');
    expect(total).toBeGreaterThan(1000);
    expect(sites).toHaveLength(total);
    expect(new Set(sites.map((s) => s.id)).size).toBe(total);
    expect(new Set(sites.map((s) => s.kind))).toContain('quarantine_site');
    const compounds = await staffCompoundsRepo(as(commander)).list();
    expect(compounds).toHaveLength(await count('select count(*)::int as n from compounds'));
    expect(compounds[0]).toMatchObject({
      households: expect.any(Number),
      residents: expect.any(Number),
      geom: { type: 'MultiPolygon' },
    });
    expect(compounds.some((c) => c.drop_point !== null)).toBe(true);
    // Compounds have no version: a resync compares ids only.
    expect((await staffCompoundsRepo(as(commander)).versions())[0]).toEqual({ id: expect.any(String) });
  });
});
