import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_USERS, seedDatabase } from '../../supabase/seed/seed.ts';
import { FIXTURE_DIR, openTestDatabase, type TestDatabase } from './database.ts';

// One unseeded database: the failing imports first (each must leave it empty), then the real one.
let t: TestDatabase;
let scratch: string;
beforeAll(async () => {
  t = await openTestDatabase(null);
  scratch = mkdtempSync(join(tmpdir(), 'nantong-seed-'));
});
afterAll(async () => {
  await t?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** A copy of the fixture dataset with one file's features edited. */
function datasetWith(name: string, file: string, edit: (features: { geometry: any; properties: any }[]) => void): string {
  const dir = join(scratch, name);
  cpSync(FIXTURE_DIR, dir, { recursive: true });
  const collection = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  edit(collection.features);
  writeFileSync(join(dir, file), JSON.stringify(collection));
  return dir;
}

async function tableCounts(): Promise<number[]> {
  const { rows } = await t.db.query<{ n: number }>(
    `select count(*)::int as n from districts union all select count(*)::int from compounds union all
     select count(*)::int from zones union all select count(*)::int from auth.users`,
  );
  return rows.map((r) => r.n);
}

describe('seedDatabase', () => {
  it('refuses a self-intersecting footprint, naming the feature, and writes nothing', async () => {
    const dir = datasetWith('bowtie', 'compounds.geojson', (features) => {
      features[1].geometry.coordinates = [[[120.97, 31.97], [120.974, 31.973], [120.974, 31.97], [120.97, 31.973], [120.97, 31.97]]];
    });
    await expect(seedDatabase(t.db, dir)).rejects.toThrow(/compounds\.geojson has invalid geometry: cmp-0002 \(geom: Self-intersection/);
    expect(await tableCounts()).toEqual([0, 0, 0, 0]);
  });

  it('refuses a ring that does not close', async () => {
    const dir = datasetWith('unclosed', 'zones.geojson', (features) => {
      features[0].geometry.coordinates[0].pop();
    });
    await expect(seedDatabase(t.db, dir)).rejects.toThrow(/zones\.geojson has invalid geometry: zone-0001 \(geom: a ring is not closed/);
  });

  it('refuses properties outside the import format, naming the file and the field', async () => {
    const dir = datasetWith('bad-level', 'zones.geojson', (features) => {
      features[2].properties.level = 'red';
    });
    await expect(seedDatabase(t.db, dir)).rejects.toThrow(/zones\.geojson does not match the import format: features\.2\.properties\.level/);
  });

  it('loads the dataset and the demo users', async () => {
    const counts = await seedDatabase(t.db, FIXTURE_DIR);
    expect(counts).toEqual({ districts: 2, compounds: 4, sites: 11, roads: 3, zones: 4, users: 2 });
    const { rows } = await t.db.query<{ name: string; name_en: string; drop_point: { coordinates: number[] } }>(
      `select name, name_en, ST_AsGeoJSON(drop_point)::jsonb as drop_point from compounds where id = 'cmp-0001'`,
    );
    expect(rows[0]).toMatchObject({ name: '江山鼎', name_en: 'Jiangshanding', drop_point: { coordinates: [120.962, 31.969] } });
  });

  it('creates confirmed demo users with bcrypt passwords and their role in app_metadata', async () => {
    const { rows } = await t.db.query<{ email: string; role: string; ok: boolean; confirmed: boolean; hash: string }>(
      `select email, raw_app_meta_data->>'role' as role, encrypted_password = extensions.crypt($1, encrypted_password) as ok,
              email_confirmed_at is not null as confirmed, encrypted_password as hash
       from auth.users order by email`,
      [DEMO_PASSWORD],
    );
    expect(rows.map(({ email, role, ok, confirmed }) => ({ email, role, ok, confirmed }))).toEqual(
      [...DEMO_USERS].sort((a, b) => a.email.localeCompare(b.email)).map((u) => ({ ...u, ok: true, confirmed: true })),
    );
    expect(rows.every((r) => r.hash.startsWith('$2'))).toBe(true);
  });

  it('refuses to seed a database twice', async () => {
    await expect(seedDatabase(t.db, FIXTURE_DIR)).rejects.toThrow(/already holds districts or zones/);
  });
});
