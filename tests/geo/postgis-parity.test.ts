import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pointInZones } from '../../src/geo/point-in-zones.ts';
import { pointOnSurface } from '../../src/geo/point-on-surface.ts';
import { validatePolygon } from '../../src/geo/validate-polygon.ts';
import { zoneImpact, type ImpactCompound, type ImpactSite } from '../../src/geo/zone-impact.ts';
import { polygonFixtures } from './polygon-fixtures.ts';
import { demoLayer } from '../helpers/demo-district.ts';

// The committed demo district, data/nantong, checked against PostGIS
// running the same expressions as the zone_impact / zones_at_point SQL functions.
const data = { compounds: demoLayer('compounds'), sites: demoLayer('sites'), zones: demoLayer('zones') };
const compounds: ImpactCompound[] = data.compounds.features.map((f) => ({
  id: f.properties.id,
  households: f.properties.households,
  residents: f.properties.residents,
  geom: f.geometry,
}));
const sites: (ImpactSite & { id: string })[] = data.sites.features.map((f) => ({
  id: f.properties.id,
  kind: f.properties.kind,
  key: f.properties.kind === 'enterprise' ? f.properties.key : null,
  geom: f.geometry,
}));
const zones = data.zones.features.map((f) => ({ id: f.properties.id, level: f.properties.level, geom: f.geometry }));

let seed = 5;
const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;

/** Rectangles of 300 m - 2 km around compounds: boundaries that cut through footprints. */
const drawn: Polygon[] = Array.from({ length: 25 }, (_, i) => {
  const [x, y] = pointOnSurface(compounds[(i * 7) % compounds.length].geom);
  const w = 0.003 + random() * 0.018;
  const h = 0.003 + random() * 0.015;
  const x0 = x - random() * w;
  const y0 = y - random() * h;
  return { type: 'Polygon', coordinates: [[[x0, y0], [x0 + w, y0], [x0 + w, y0 + h], [x0, y0 + h], [x0, y0]]] };
});

describe('geo functions agree with PostGIS on the demo district', () => {
  let pg: PGlite;
  beforeAll(async () => {
    pg = await PGlite.create({ extensions: { postgis } });
    await pg.exec(`
      create extension postgis;
      create table compounds (id text, households int, residents int, geom geometry);
      create table sites (id text, kind text, key boolean, geom geometry);
      create table zones (id text, geom geometry);`);
    const load = (table: string, columns: string, rows: unknown[]) =>
      pg.query(
        `insert into ${table} select ${columns}, ST_SetSRID(ST_GeomFromGeoJSON(r -> 'geom'), 4326) from jsonb_array_elements($1::jsonb) r`,
        [JSON.stringify(rows)],
      );
    await load('compounds', "r ->> 'id', (r ->> 'households')::int, (r ->> 'residents')::int", compounds);
    await load('sites', "r ->> 'id', r ->> 'kind', (r ->> 'key')::boolean", sites);
    await load('zones', "r ->> 'id'", zones);
  });
  afterAll(() => pg?.close());

  it('pointOnSurface picks the point ST_PointOnSurface picks, for every compound and zone', async () => {
    const { rows } = await pg.query<{ id: string; x: number; y: number }>(
      `select id, ST_X(p) as x, ST_Y(p) as y from (
         select id, ST_PointOnSurface(geom) as p from compounds union all select id, ST_PointOnSurface(geom) from zones) s`,
    );
    const byId = new Map<string, Polygon | MultiPolygon>([...compounds, ...zones].map((a) => [a.id, a.geom]));
    expect(rows).toHaveLength(compounds.length + zones.length);
    for (const row of rows) {
      const [x, y] = pointOnSurface(byId.get(row.id)!);
      expect(x, row.id).toBeCloseTo(row.x, 9);
      expect(y, row.id).toBeCloseTo(row.y, 9);
    }
  });

  it('zoneImpact gives the figures of the zone_impact SQL for every zone and for drawn boundaries', async () => {
    const areas: (Polygon | MultiPolygon)[] = [...zones.map((z) => z.geom), ...drawn];
    let compoundsCounted = 0;
    for (const area of areas) {
      const { rows } = await pg.query<{ impact: Record<string, unknown> }>(
        `with a as (select ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) as area),
         inside as (select c.* from compounds c, a where ST_Intersects(c.geom, a.area) and ST_Intersects(a.area, ST_PointOnSurface(c.geom))),
         site_counts as (select s.kind, count(*)::int as n from sites s, a where ST_Intersects(s.geom, a.area) group by s.kind)
         select jsonb_build_object(
           'households', (select coalesce(sum(households), 0) from inside),
           'residents', (select coalesce(sum(residents), 0) from inside),
           'compounds', (select count(*) from inside),
           'compound_ids', (select coalesce(jsonb_agg(id order by id), '[]'::jsonb) from inside),
           'sites', (select coalesce(jsonb_object_agg(kind, n), '{}'::jsonb) from site_counts),
           'key_enterprises', (select count(*) from sites s, a where s.kind = 'enterprise' and s.key and ST_Intersects(s.geom, a.area)),
           'area_m2', (select round(ST_Area(area::geography)::numeric) from a)) as impact`,
        [JSON.stringify(area)],
      );
      const expected = rows[0].impact as { area_m2: number | string };
      const actual = zoneImpact(area, { compounds, sites });
      const { area_m2: expectedArea, ...expectedRest } = expected;
      const { area_m2: actualArea, ...actualRest } = actual;
      expect(actualRest).toEqual(expectedRest);
      expect(Math.abs(actualArea - Number(expectedArea)) / Number(expectedArea)).toBeLessThan(0.005);
      compoundsCounted += actual.compounds;
    }
    expect(compoundsCounted).toBeGreaterThan(20);
  });

  it('pointInZones finds the zones ST_Intersects finds', async () => {
    const points: Position[] = Array.from({ length: 300 }, () => [120.9 + random() * 0.16, 31.86 + random() * 0.14]);
    points.push(...compounds.slice(0, 40).map((c) => pointOnSurface(c.geom)));
    let hits = 0;
    for (const point of points) {
      const { rows } = await pg.query<{ id: string }>(
        'select id from zones where ST_Intersects(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326)) order by id',
        point,
      );
      const found = pointInZones(point, zones).map((z) => z.id).sort();
      expect(found).toEqual(rows.map((r) => r.id));
      hits += found.length;
    }
    expect(hits).toBeGreaterThan(10);
  });

  const structurallySound = polygonFixtures().filter(({ expected }) =>
    expected.every((code) => !['not_polygon', 'empty', 'bad_position', 'out_of_range', 'ring_not_closed', 'too_few_positions'].includes(code)),
  );

  it.each(structurallySound)('validatePolygon agrees with ST_IsValid on $file', async ({ input }) => {
    const geometry = (input as { type: string }).type === 'Feature' ? (input as { geometry: unknown }).geometry : input;
    const { rows } = await pg.query<{ valid: boolean }>('select ST_IsValid(ST_GeomFromGeoJSON($1)) as valid', [JSON.stringify(geometry)]);
    expect(validatePolygon(input).valid).toBe(rows[0].valid);
  });
});
