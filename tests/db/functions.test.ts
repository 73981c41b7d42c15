import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tx } from '../../supabase/local/db.ts';
import type { NearestSite, ZoneAtPoint, ZoneImpact } from '../../src/domain/rows.ts';
import { DATASET_DIR, openTestDatabase, type TestDatabase } from './database.ts';
import { asActor, sqlState, type Actor } from './impersonate.ts';

// The functions on the real demo dataset (data/nantong), as the app calls them.
let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase(DATASET_DIR);
});
afterAll(() => t?.close());

const featureCount = (file: string) => JSON.parse(readFileSync(join(DATASET_DIR, file), 'utf8')).features.length as number;

async function zoneGeoJson(id: string): Promise<unknown> {
  const { rows } = await t.db.query<{ g: unknown }>('select ST_AsGeoJSON(geom)::jsonb as g from zones where id = $1', [id]);
  return rows[0].g;
}

const impact = (actor: Actor, geom: unknown) =>
  asActor(t.db, actor, async (tx) => (await tx.query<{ i: ZoneImpact }>('select zone_impact($1) as i', [JSON.stringify(geom)])).rows[0].i);

const zonesAt = (actor: Actor, lng: number, lat: number, setup?: (tx: Tx) => Promise<void>) =>
  asActor(t.db, actor, async (tx) => (await tx.query<ZoneAtPoint>('select * from zones_at_point($1, $2)', [lng, lat])).rows, setup);

const nearest = (actor: Actor, lng: number, lat: number, kind: string, maxCount = 3, openOnly = false) =>
  asActor(t.db, actor, async (tx) =>
    (await tx.query<NearestSite>('select * from nearest_sites($1, $2, $3, $4, $5)', [lng, lat, kind, maxCount, openOnly])).rows,
  );

describe('the seeded dataset', () => {
  it('holds every feature of the files', async () => {
    const { rows } = await t.db.query<Record<string, number>>(
      `select (select count(*)::int from districts) as districts, (select count(*)::int from compounds) as compounds,
              (select count(*)::int from sites) as sites, (select count(*)::int from roads) as roads,
              (select count(*)::int from zones) as zones`,
    );
    expect(rows[0]).toEqual({
      districts: featureCount('districts.geojson'),
      compounds: featureCount('compounds.geojson'),
      sites: featureCount('sites.geojson'),
      roads: featureCount('roads.geojson'),
      zones: featureCount('zones.geojson'),
    });
  });

  it('keeps the English road names and the drop points', async () => {
    const { rows } = await t.db.query<{ named: number; drops: number }>(
      `select (select count(*)::int from roads where name_en is not null) as named,
              (select count(*)::int from compounds where drop_point is not null) as drops`,
    );
    expect(rows[0].named).toBeGreaterThan(0);
    expect(rows[0].drops).toBe(featureCount('compounds.geojson'));
  });
});

describe('zone_impact', () => {
  it('counts the 569 households of Jiangshanding in its lockdown zone', async () => {
    const result = await impact('commander', await zoneGeoJson('zone-001'));
    expect(result).toMatchObject({ households: 569, compounds: 1, compound_ids: ['cmp-0001'] });
    expect(result.area_m2).toBeGreaterThan(0);
  });

  it('adds up the compounds whose footprint centre lies inside, for any polygon', async () => {
    const district = await t.db.query<{ g: unknown; households: number; n: number }>(
      `select ST_AsGeoJSON(d.geom)::jsonb as g,
              (select sum(c.households)::int from compounds c where ST_Intersects(d.geom, ST_PointOnSurface(c.geom))) as households,
              (select count(*)::int from compounds c where ST_Intersects(d.geom, ST_PointOnSurface(c.geom))) as n
       from districts d where d.id = 'dst-xiaohai'`,
    );
    const { g, households, n } = district.rows[0];
    expect(await impact('dispatcher', g)).toMatchObject({ households, compounds: n });
  });

  it('is a staff tool: anon may not call it (…002200), and an account without a staff role counts nothing', async () => {
    const area = await t.db.query<{ g: unknown }>(`select ST_AsGeoJSON(geom)::jsonb as g from districts where id = 'dst-laohonggang'`);
    const staff = await impact('commander', area.rows[0].g);
    expect(staff.sites.enterprise).toBeGreaterThan(0);
    expect(staff.key_enterprises).toBeGreaterThan(0);
    const refused = await impact('anon', area.rows[0].g).then(
      () => null,
      (e: { code: string }) => e,
    );
    expect(refused?.code).toBe('42501');
    // Counted over what the caller may see: a signed-in account without a staff role sees nothing.
    const nobody = await impact('authenticated', area.rows[0].g);
    expect(nobody).toMatchObject({ households: 0, compounds: 0, key_enterprises: 0 });
    expect(Object.keys(nobody.sites)).toEqual([]);
  });

  it.each([
    ['a self-intersecting polygon', { type: 'Polygon', coordinates: [[[121, 31.95], [121.01, 31.96], [121.01, 31.95], [121, 31.96], [121, 31.95]]] }, /not valid: Self-intersection/],
    ['a point', { type: 'Point', coordinates: [121, 31.95] }, /Polygon or MultiPolygon, not Point/],
    ['a ring that does not close', { type: 'Polygon', coordinates: [[[121, 31.95], [121.01, 31.96], [121.01, 31.95], [121.02, 31.97]]] }, /not valid: a ring is not closed/],
    ['no geometry', null, /GeoJSON object/],
  ])('refuses %s with PT400', async (_what, geom, message) => {
    const error = await impact('commander', geom).then(
      () => null,
      (e: { code: string; message: string }) => e,
    );
    expect(error?.code).toBe('PT400');
    expect(error?.message).toMatch(message);
  });
});

describe('zones_at_point', () => {
  it('finds the Jiangshanding lockdown zone inside the compound, and nothing in the river', async () => {
    const { rows } = await t.db.query<{ lng: number; lat: number }>(
      `select ST_X(p) as lng, ST_Y(p) as lat from (select ST_PointOnSurface(geom) as p from compounds where id = 'cmp-0001') s`,
    );
    const inside = await zonesAt('anon', rows[0].lng, rows[0].lat);
    expect(inside.map((z) => [z.id, z.level])).toEqual([['zone-001', 'lockdown']]);
    expect(await zonesAt('anon', 120.8, 31.8)).toEqual([]);
  });

  it('lists the most severe level first where zones overlap', async () => {
    const { rows } = await t.db.query<{ lng: number; lat: number }>(
      `select ST_X(p) as lng, ST_Y(p) as lat from (select ST_PointOnSurface(geom) as p from zones where id = 'zone-001') s`,
    );
    const overlapping = `insert into zones (id, name, level, status, geom)
      select 'over', 'x', 'precaution', 'active', ST_Multi(ST_Buffer(geom, 0.01)) from zones where id = 'zone-001'`;
    const found = await zonesAt('anon', rows[0].lng, rows[0].lat, (tx) => tx.exec(overlapping));
    expect(found.map((z) => z.level)).toEqual(['lockdown', 'precaution']);
  });

  it('shows a draft zone to staff and not to the public', async () => {
    const draft = `insert into zones (id, name, level, status, geom)
      values ('draft', 'x', 'lockdown', 'draft', 'SRID=4326;MULTIPOLYGON(((120.8 31.8,120.81 31.8,120.81 31.81,120.8 31.8)))')`;
    expect(await zonesAt('anon', 120.805, 31.801, (tx) => tx.exec(draft))).toEqual([]);
    expect((await zonesAt('commander', 120.805, 31.801, (tx) => tx.exec(draft))).map((z) => z.id)).toEqual(['draft']);
  });

  it('refuses a point off the globe with PT400', async () => {
    expect(await sqlState(() => zonesAt('anon', 200, 31))).toBe('PT400');
  });
});

describe('nearest_sites', () => {
  /** The nearest sites by geodesic distance over every row, as a reference. */
  async function bruteForce(lng: number, lat: number, kind: string, n: number, openOnly: boolean): Promise<string[]> {
    const { rows } = await t.db.query<{ id: string }>(
      `select id from sites
       where kind = $3 and (not $5 or (coalesce(status, 'open') = 'open' and coalesce(state, 'open') <> 'closed'))
       order by ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography), id limit $4`,
      [lng, lat, kind, n, openOnly],
    );
    return rows.map((r) => r.id);
  }

  it('returns the 3 nearest testing sites to Jiangshanding, nearest first, in metres', async () => {
    const { rows } = await t.db.query<{ lng: number; lat: number }>(
      `select ST_X(drop_point) as lng, ST_Y(drop_point) as lat from compounds where id = 'cmp-0001'`,
    );
    const { lng, lat } = rows[0];
    const found = await nearest('anon', lng, lat, 'testing_site');
    expect(found).toHaveLength(3);
    expect(found.map((s) => s.distance_m)).toEqual([...found.map((s) => s.distance_m)].sort((a, b) => a - b));
    expect(found[0].distance_m).toBeGreaterThan(0);
    expect(found[2].distance_m).toBeLessThan(5000);
    expect(found.map((s) => s.id)).toEqual(await bruteForce(lng, lat, 'testing_site', 3, false));
  });

  it('agrees with a geodesic brute force from every compound drop point', async () => {
    const { rows } = await t.db.query<{ lng: number; lat: number }>(
      'select ST_X(drop_point) as lng, ST_Y(drop_point) as lat from compounds where drop_point is not null order by id',
    );
    for (const { lng, lat } of rows) {
      const found = await nearest('commander', lng, lat, 'testing_site', 3, true);
      expect(found.map((s) => s.id), `${lng},${lat}`).toEqual(await bruteForce(lng, lat, 'testing_site', 3, true));
      expect(found.every((s) => s.status === 'open')).toBe(true);
    }
  });

  it('finds no quarantine site for the public, and some for staff', async () => {
    expect(await nearest('anon', 121, 31.95, 'quarantine_site')).toEqual([]);
    expect(await nearest('commander', 121, 31.95, 'quarantine_site')).toHaveLength(3);
  });

  it.each([
    ['a latitude off the globe', [121, 95, 'testing_site', 3], 'PT400'],
    ['a count of zero', [121, 31.95, 'testing_site', 0], 'PT400'],
    ['an unknown kind', [121, 31.95, 'hospital', 3], '22P02'],
  ])('refuses %s', async (_what, args, code) => {
    const [lng, lat, kind, n] = args as [number, number, string, number];
    expect(await sqlState(() => nearest('anon', lng, lat, kind, n))).toBe(code);
  });
});
