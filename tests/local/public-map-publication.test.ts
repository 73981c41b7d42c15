// The published public map (migration 20260401002300_public_map_publication.sql and
// supabase/local/publish/): every public change gets a gap-free publication number carried by
// its broadcast; the stack writes what the public sees as content-hashed files and a pointer,
// served without a key like a public Storage bucket; drafts never reach them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublicMapPointer } from '../../supabase/functions/_shared/public-map-files.ts';
import { zoneChangesToday } from '../../src/domain/changes-today.ts';
import { ZONE_PUBLIC_COLUMNS, SITE_PUBLIC_COLUMNS, type PublicZoneRevisionRow } from '../../src/domain/rows.ts';
import { recorder, subscribed, testClients } from '../helpers/realtime.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';

let stack: TestStack;
const { client } = testClients(() => stack, 'unused');

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const objectUrl = (name: string) => `${stack.url}/storage/v1/object/public/public-map/${name}`;

async function getJson<T>(name: string): Promise<T> {
  const response = await fetch(objectUrl(name));
  expect(response.status, name).toBe(200);
  return (await response.json()) as T;
}

/** The pointer once it names publication `version` or later (the publisher batches for a few ms). */
async function pointerAt(version: number): Promise<PublicMapPointer> {
  for (let i = 0; i < 200; i++) {
    const pointer = await getJson<PublicMapPointer>('latest.json');
    if (pointer.version >= version) return pointer;
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(`no publication ${version}`);
}

interface MapFile {
  version: number;
  zones: Record<string, unknown>[];
  sites: Record<string, unknown>[];
  districts: { id: string; name: string; name_en: string | null }[];
}

const byId = <T extends { id?: unknown }>(rows: T[]) => [...rows].sort((a, b) => String(a.id).localeCompare(String(b.id)));

async function activeZone(): Promise<{ id: string; name: string }> {
  const { rows } = await stack.ctx.db.query<{ id: string; name: string }>(`select id, name from zones where status = 'active' order by id limit 1`);
  return rows[0];
}

describe('the published files', () => {
  it('hold what anon reads through REST: active zones and public sites, same columns and values', async () => {
    const pointer = await getJson<PublicMapPointer>('latest.json');
    const map = await getJson<MapFile>(pointer.map);
    expect(map.version).toBe(pointer.version);
    const anon = client();
    const zones = await anon.from('zones').select(ZONE_PUBLIC_COLUMNS.join(',')).eq('status', 'active');
    const sites = await anon.from('sites').select(SITE_PUBLIC_COLUMNS.join(',')).in('kind', ['testing_site', 'mobile_testing', 'checkpoint']);
    expect(zones.error ?? sites.error).toBeNull();
    expect(map.zones.length).toBeGreaterThan(0);
    expect(map.sites.length).toBeGreaterThan(0);
    const normalise = (rows: Record<string, unknown>[]) =>
      byId(rows).map((row) => ({ ...row, updated_at: Date.parse(String(row.updated_at)), effective_from: row.effective_from && Date.parse(String(row.effective_from)) }));
    expect(normalise(map.zones)).toEqual(normalise(zones.data as unknown as Record<string, unknown>[]));
    expect(normalise(map.sites)).toEqual(normalise(sites.data as unknown as Record<string, unknown>[]));
    expect(map.districts.length).toBeGreaterThan(0);
    const compounds = await getJson<{ id: string; name: string; geom: { type: string } }[]>(pointer.compounds);
    const { count } = await anon.from('compounds').select('id', { count: 'exact', head: true });
    expect(compounds).toHaveLength(count!);
    expect(compounds[0].geom.type).toBe('MultiPolygon');
  });

  it('are served without a key, gzipped, with an ETag; hashed names cached for ever, the pointer revalidated', async () => {
    const pointer = await getJson<PublicMapPointer>('latest.json');
    const map = await fetch(objectUrl(pointer.map), { headers: { 'Accept-Encoding': 'gzip' } });
    expect(map.headers.get('cache-control')).toContain('immutable');
    expect(map.headers.get('content-encoding')).toBe('gzip');
    const latest = await fetch(objectUrl('latest.json'));
    expect(latest.headers.get('cache-control')).toBe('no-cache');
    const etag = latest.headers.get('etag')!;
    const again = await fetch(objectUrl('latest.json'), { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
  });

  it('answer a missing or foreign name with a JSON 404 and refuse writes', async () => {
    for (const name of ['map-0000000000000000.json', '..%2F..%2Fjwt-secret', 'jwt-secret']) {
      const response = await fetch(objectUrl(name));
      expect(response.status, name).toBe(404);
      expect(await response.json()).toMatchObject({ error: 'not_found' });
    }
    const put = await fetch(objectUrl('latest.json'), { method: 'POST', body: '{}' });
    expect(put.status).toBe(405);
    const other = await fetch(`${stack.url}/storage/v1/object/public/other-bucket/latest.json`);
    expect(other.status).toBe(404);
  });
});

describe('publishing a change', () => {
  it('numbers the broadcast, rewrites the files, announces the pointer; the old files stay served', async () => {
    const before = await getJson<PublicMapPointer>('latest.json');
    const heard = recorder<{ event: string; payload: Record<string, unknown> }>();
    await subscribed(
      client()
        .channel('public-map', { config: { private: true } })
        .on('broadcast', { event: '*' }, (m) => heard.push(m as never)),
    );
    const zone = await activeZone();
    await stack.ctx.db.query(`update zones set status = 'lifted' where id = $1`, [zone.id]);
    const change = await heard.next((m) => m.event === 'zone', 'zone broadcast');
    expect(change.payload).toEqual({ op: 'remove', id: zone.id, reason: 'lifted', v: before.version + 1 });
    const published = await heard.next((m) => m.event === 'published', 'published broadcast');
    expect(published.payload.version).toBe(before.version + 1);
    const pointer = await pointerAt(before.version + 1);
    expect(published.payload).toEqual(pointer);
    expect(pointer.map).not.toBe(before.map);
    const map = await getJson<MapFile>(pointer.map);
    expect(map.zones.some((row) => row.id === zone.id)).toBe(false);
    // A viewer still downloading the previous publication gets it.
    expect((await getJson<MapFile>(before.map)).zones.some((row) => row.id === zone.id)).toBe(true);
    // "What changed today" reads the lift from the changes file.
    const revisions = await getJson<PublicZoneRevisionRow[]>(pointer.changes);
    expect(zoneChangesToday(revisions)).toContainEqual(expect.objectContaining({ zoneId: zone.id, kind: 'lifted' }));
  });

  it('numbers without gaps in commit order; a rolled-back change and a draft take no number', async () => {
    const start = (await getJson<PublicMapPointer>('latest.json')).version;
    const heard = recorder<{ event: string; payload: { v?: number; id?: string; row?: { id: string } } }>();
    await subscribed(
      client()
        .channel('public-map', { config: { private: true } })
        .on('broadcast', { event: '*' }, (m) => heard.push(m as never)),
    );
    const { rows } = await stack.ctx.db.query<{ id: string }>(`select id from sites where kind = 'testing_site' order by id limit 3`);
    const db = stack.ctx.db;
    await db.exec(`begin; update sites set name = name || ' (x)' where id = '${rows[0].id}'; rollback;`);
    await db.query(`insert into zones (id, name, level, status, district, geom) select 'draft-pub-test', '草稿', 'lockdown', 'draft', district, geom from zones limit 1`);
    for (const row of rows) await db.query(`update sites set name = name || '·' where id = $1`, [row.id]);
    const numbers: number[] = [];
    for (const row of rows) numbers.push((await heard.next((m) => m.event === 'site' && m.payload.row?.id === row.id, 'site broadcast')).payload.v!);
    expect(numbers).toEqual([start + 1, start + 2, start + 3]);
    const pointer = await pointerAt(start + 3);
    expect(pointer.version).toBe(start + 3);
    const map = await getJson<MapFile>(pointer.map);
    expect(map.zones.some((row) => row.id === 'draft-pub-test')).toBe(false);
    expect(heard.seen.some((m) => m.payload.id === 'draft-pub-test' || m.payload.row?.id === 'draft-pub-test')).toBe(false);
  });
});
