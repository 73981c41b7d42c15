import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import type { Database, Tx } from '../local/db.ts';
import { compoundsFile, districtsFile, roadsFile, sitesFile, zonesFile } from './contract.ts';

export const DEMO_PASSWORD = 'nantong-2022';
export const DEMO_USERS = [
  { email: 'commander@demo.local', role: 'commander' },
  { email: 'dispatcher@demo.local', role: 'dispatcher' },
] as const;

export interface SeedCounts {
  districts: number;
  compounds: number;
  sites: number;
  roads: number;
  zones: number;
  users: number;
}

/** One table's rows, ready for jsonb_to_recordset: geometry values are GeoJSON geometries. */
interface TableLoad {
  table: string;
  file: string;
  /** recordset column -> SQL type; geometry columns are listed in `geometry` instead */
  columns: Record<string, string>;
  /** geometry column -> whether a Polygon is promoted to MultiPolygon */
  geometry: Record<string, 'multi' | 'as-is'>;
  rows: Record<string, unknown>[];
}

const CHUNK_ROWS = 2000;

/**
 * Loads the dataset in `dir` (data/README.md describes the files) into a freshly migrated
 * database, plus the demo users. One transaction: all of it or nothing. Rows are written
 * with `app.bulk_import` on, so zone revisions record them as 'imported' with no author and
 * no public broadcast is sent. Refuses a database that already holds districts or zones.
 *
 * The same loader can seed a Supabase project's database through a `Database` opened on
 * its DATABASE_URL; there, create the demo users with the Auth admin API instead, since
 * GoTrue keeps more per-user state (identities) than this inserts.
 */
export interface SeedOptions {
  /** Insert the demo staff accounts into auth.users; default true. Off where GoTrue owns auth (hosted Supabase). */
  demoUsers?: boolean;
}

export async function seedDatabase(db: Database, dir = 'data/nantong', opts: SeedOptions = {}): Promise<SeedCounts> {
  const loads = readDataset(dir);
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ seeded: boolean }>(
      'select exists (select 1 from public.districts) or exists (select 1 from public.zones) as seeded',
    );
    if (rows[0].seeded) throw new Error('seed: the database already holds districts or zones; seed a fresh one');
    await tx.query("select set_config('app.bulk_import', 'on', true)");
    const counts: Record<string, number> = {};
    for (const load of loads) counts[load.table] = await insertRows(tx, load);
    counts.users = opts.demoUsers === false ? 0 : await createDemoUsers(tx);
    await tx.query("select set_config('app.bulk_import', '', true)");
    return counts as unknown as SeedCounts;
  });
}

function readDataset(dir: string): TableLoad[] {
  const districts = readCollection(dir, 'districts.geojson', districtsFile);
  const compounds = readCollection(dir, 'compounds.geojson', compoundsFile);
  const sites = readCollection(dir, 'sites.geojson', sitesFile);
  const roads = readCollection(dir, 'roads.geojson', roadsFile);
  const zones = readCollection(dir, 'zones.geojson', zonesFile);
  return [
    {
      table: 'districts',
      file: 'districts.geojson',
      columns: { id: 'text', name: 'text', name_en: 'text', residents: 'integer' },
      geometry: { geom: 'multi' },
      rows: districts.features.map(({ properties: p, geometry }) => ({
        id: p.id,
        name: p.name_zh,
        name_en: p.name_en ?? null,
        residents: p.residents,
        geom: geometry,
      })),
    },
    {
      table: 'compounds',
      file: 'compounds.geojson',
      columns: { id: 'text', name: 'text', name_en: 'text', district: 'text', households: 'integer', residents: 'integer' },
      geometry: { geom: 'multi', drop_point: 'as-is' },
      rows: compounds.features.map(({ properties: p, geometry }) => ({
        id: p.id,
        name: p.name_zh,
        name_en: p.name_en ?? null,
        district: p.district ?? null,
        households: p.households,
        residents: p.residents,
        geom: geometry,
        drop_point: p.drop_point ? { type: 'Point', coordinates: p.drop_point } : null,
      })),
    },
    {
      table: 'sites',
      file: 'sites.geojson',
      columns: {
        id: 'text',
        kind: 'public.site_kind',
        name: 'text',
        name_en: 'text',
        district: 'text',
        status: 'public.site_status',
        capacity_per_hour: 'integer',
        opens: 'time',
        closes: 'time',
        queue_length: 'integer',
        state: 'public.checkpoint_state',
        road: 'text',
        pass_required: 'boolean',
        rooms_total: 'integer',
        rooms_ready: 'integer',
        rooms_occupied: 'integer',
        site_type: 'public.quarantine_site_type',
        key: 'boolean',
      },
      geometry: { geom: 'as-is' },
      rows: sites.features.map(({ properties: { name_zh, ...p }, geometry }) => ({ ...p, name: name_zh, geom: geometry })),
    },
    {
      table: 'roads',
      file: 'roads.geojson',
      columns: { id: 'text', class: 'public.road_class', name: 'text', name_en: 'text', oneway: 'boolean', speed_kmh: 'real' },
      geometry: { geom: 'as-is' },
      rows: roads.features.map(({ properties: p, geometry }) => ({
        id: p.id,
        class: p.class,
        name: p.name_zh ?? null,
        name_en: p.name_en ?? null,
        oneway: p.oneway,
        speed_kmh: p.speed_kmh,
        geom: geometry,
      })),
    },
    {
      table: 'zones',
      file: 'zones.geojson',
      columns: {
        id: 'text',
        name: 'text',
        name_en: 'text',
        level: 'public.zone_level',
        status: 'public.zone_status',
        district: 'text',
        effective_from: 'timestamptz',
        review_days: 'integer',
        notes: 'text',
      },
      geometry: { geom: 'multi' },
      rows: zones.features.map(({ properties: { name_zh, ...p }, geometry }) => ({ ...p, name: name_zh, geom: geometry })),
    },
  ];
}

function readCollection<S extends z.ZodType>(dir: string, file: string, schema: S): z.infer<S> {
  const path = join(dir, file);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`seed: cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
    throw new Error(`seed: ${path} does not match the import format: ${problems}`);
  }
  return parsed.data;
}

const quote = (name: string) => `"${name}"`;

function geometrySql(column: string, shape: 'multi' | 'as-is'): string {
  const parsed = `ST_SetSRID(ST_GeomFromGeoJSON(r.${quote(column)}), 4326)`;
  return shape === 'multi' ? `ST_Multi(${parsed})` : parsed;
}

/** Inserts a table's rows in chunks; invalid geometry is reported by feature id first. */
async function insertRows(tx: Tx, load: TableLoad): Promise<number> {
  const recordColumns = [
    ...Object.entries(load.columns).map(([name, type]) => `${quote(name)} ${type}`),
    ...Object.keys(load.geometry).map((name) => `${quote(name)} jsonb`),
  ].join(', ');
  const source = `jsonb_to_recordset($1::jsonb) as r(${recordColumns})`;
  const targets = [...Object.keys(load.columns), ...Object.keys(load.geometry)];
  const values = [
    ...Object.keys(load.columns).map((name) => `r.${quote(name)}`),
    ...Object.entries(load.geometry).map(([name, shape]) => geometrySql(name, shape)),
  ];
  // polygons go through the same GEOS-free ring check as the tables' CHECK constraints
  const checks = Object.entries(load.geometry)
    .map(([name, shape]) => {
      const geometry = geometrySql(name, shape);
      const [valid, reason] =
        shape === 'multi'
          ? [`private.is_valid_areal(${geometry})`, `private.areal_problem(${geometry})`]
          : [`ST_IsValid(${geometry})`, `ST_IsValidReason(${geometry})`];
      return `select r.id, '${name}' as col, ${reason} as reason from ${source}
        where r.${quote(name)} is not null and not ${valid}`;
    })
    .join(' union all ');
  const check = `select * from (${checks}) as invalid limit 5`;
  const insert = `insert into public.${load.table} (${targets.map(quote).join(', ')}) select ${values.join(', ')} from ${source}`;

  for (let start = 0; start < load.rows.length; start += CHUNK_ROWS) {
    const chunk = JSON.stringify(load.rows.slice(start, start + CHUNK_ROWS));
    const invalid = await tx.query<{ id: string; col: string; reason: string }>(check, [chunk]);
    if (invalid.rows.length > 0) {
      const list = invalid.rows.map((row) => `${row.id} (${row.col}: ${row.reason})`).join('; ');
      throw new Error(`seed: ${load.file} has invalid geometry: ${list}`);
    }
    await tx.query(insert, [chunk]);
  }
  return load.rows.length;
}

/** The demo staff accounts, confirmed, with their role in app_metadata (bcrypt via pgcrypto). */
async function createDemoUsers(tx: Tx): Promise<number> {
  const result = await tx.query(
    `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
                             raw_app_meta_data, raw_user_meta_data)
     select '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated', u.email,
            extensions.crypt($1, extensions.gen_salt('bf')), now(),
            jsonb_build_object('provider', 'email', 'providers', jsonb_build_array('email'), 'role', u.role), '{}'::jsonb
     from jsonb_to_recordset($2::jsonb) as u(email text, role text)
     where not exists (select 1 from auth.users existing where existing.email = u.email)`,
    [DEMO_PASSWORD, JSON.stringify(DEMO_USERS)],
  );
  return result.affectedRows ?? 0;
}
