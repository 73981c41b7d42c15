import type { Tx } from '../db.ts';
import { RestError } from './errors.ts';

/** A geometry value headed for a geometry column or argument, with what that target accepts. */
export interface GeometryInput {
  value: unknown;
  /** Typmod geometry type (`Point`, `MultiPolygon`; `Geometry` accepts any) and SRID (0: any). */
  target: { type: string; srid: number };
  /** Where the value came from, for the message: `column "geom" of row 2`. */
  label: string;
}

const GEOMETRY_TYPES = ['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon', 'GeometryCollection'];

function invalid(label: string, reason: string): RestError {
  return new RestError(400, '22023', `Invalid geometry in ${label}: ${reason}`, null, 'Send a valid GeoJSON geometry, WKT or EWKT value.');
}

function baseType(t: string): string {
  return t.replace(/(ZM|Z|M)$/i, '').toLowerCase();
}

type Position = number[];

function checkPosition(p: unknown, srid: number): string | null {
  if (!Array.isArray(p) || p.length < 2 || p.length > 4 || !p.every((n) => typeof n === 'number' && Number.isFinite(n))) {
    return 'a position must be an array of 2 to 4 finite numbers';
  }
  const [x, y] = p as Position;
  if (srid === 4326 && (x < -180 || x > 180 || y < -90 || y > 90)) return `position [${x}, ${y}] is outside longitude/latitude range`;
  return null;
}

function checkPositions(list: unknown, min: number, srid: number, what: string): string | null {
  if (!Array.isArray(list)) return `${what} must be an array of positions`;
  if (list.length < min) return `${what} needs at least ${min} positions`;
  for (const p of list) {
    const e = checkPosition(p, srid);
    if (e) return e;
  }
  return null;
}

function checkPolygon(rings: unknown, srid: number): string | null {
  if (!Array.isArray(rings) || rings.length === 0) return 'a polygon must be a non-empty array of linear rings';
  for (const ring of rings) {
    const e = checkPositions(ring, 4, srid, 'a linear ring');
    if (e) return e;
    const first = ring[0] as Position;
    const last = ring[ring.length - 1] as Position;
    if (first[0] !== last[0] || first[1] !== last[1]) return 'a linear ring must end at its first position (closed)';
  }
  return null;
}

function checkCoordinates(g: Record<string, unknown>, srid: number): string | null {
  const c = g.coordinates;
  const each = (check: (x: unknown) => string | null) => {
    if (!Array.isArray(c)) return `${String(g.type)} coordinates must be an array`;
    for (const x of c) {
      const e = check(x);
      if (e) return e;
    }
    return null;
  };
  switch (g.type) {
    case 'Point':
      return checkPosition(c, srid);
    case 'MultiPoint':
      return checkPositions(c, 0, srid, 'MultiPoint coordinates');
    case 'LineString':
      return checkPositions(c, 2, srid, 'a LineString');
    case 'MultiLineString':
      return each((l) => checkPositions(l, 2, srid, 'a LineString'));
    case 'Polygon':
      return checkPolygon(c, srid);
    case 'MultiPolygon':
      return each((p) => checkPolygon(p, srid));
    default:
      return null;
  }
}

/** The SRID a GeoJSON `crs` member names (`EPSG:4326`, `urn:ogc:def:crs:EPSG::4326`, CRS84), or an error. */
function crsSrid(crs: unknown): number | string {
  const name = (crs as { properties?: { name?: unknown } } | null)?.properties?.name;
  if (typeof name !== 'string') return 'crs must be {"type":"name","properties":{"name":"EPSG:<srid>"}}';
  if (/CRS84$/i.test(name)) return 4326;
  const m = /EPSG:+(\d+)$/i.exec(name);
  return m ? Number(m[1]) : `unrecognised crs name "${name}"`;
}

/** Structural checks done in JS before anything reaches PostGIS. */
export function checkGeoJson(input: GeometryInput): void {
  const { value, target, label } = input;
  const g = value as Record<string, unknown>;
  if (g === null || typeof g !== 'object' || Array.isArray(g)) throw invalid(label, 'expected a GeoJSON geometry object');
  if (typeof g.type !== 'string' || !GEOMETRY_TYPES.includes(g.type)) {
    throw invalid(label, `"${String(g.type)}" is not a GeoJSON geometry type (expected one of ${GEOMETRY_TYPES.join(', ')})`);
  }
  if (baseType(target.type) !== 'geometry' && baseType(target.type) !== g.type.toLowerCase()) {
    throw invalid(label, `a ${g.type} does not fit a ${target.type} column`);
  }
  let srid = target.srid;
  if (g.crs !== undefined) {
    const named = crsSrid(g.crs);
    if (typeof named === 'string') throw invalid(label, named);
    if (target.srid !== 0 && named !== target.srid) throw invalid(label, `crs EPSG:${named} does not match SRID ${target.srid}`);
    srid = named;
  }
  if (g.type === 'GeometryCollection') {
    if (!Array.isArray(g.geometries)) throw invalid(label, 'a GeometryCollection needs a "geometries" array');
    for (const member of g.geometries) checkGeoJson({ value: member, target: { type: 'Geometry', srid }, label });
    return;
  }
  const e = checkCoordinates(g, srid);
  if (e) throw invalid(label, e);
}

/**
 * Validates geometry values before the statement that writes them: GeoJSON structurally in JS,
 * then every value in Postgres (`ST_IsValidReason`, type, SRID) in a statement of its own,
 * because PGlite's PostGIS answers some operations on invalid polygons with silently empty results.
 */
export async function validateGeometries(tx: Tx, inputs: GeometryInput[]): Promise<void> {
  if (inputs.length === 0) return;
  const texts: string[] = [];
  const isJson: boolean[] = [];
  for (const input of inputs) {
    if (typeof input.value === 'string') {
      texts.push(input.value);
      isJson.push(false);
    } else {
      checkGeoJson(input);
      texts.push(JSON.stringify(input.value));
      isJson.push(true);
    }
  }
  let rows: { i: number; reason: string; gtype: string; srid: number }[];
  try {
    const r = await tx.query<{ i: number; reason: string; gtype: string; srid: number }>(
      `select i::int as i, st_isvalidreason(g) as reason, geometrytype(g) as gtype, st_srid(g) as srid
       from (select i, case when j then st_geomfromgeojson(t) else t::geometry end as g
             from unnest($1::text[], $2::bool[]) with ordinality u(t, j, i)) s`,
      [texts, isJson],
    );
    rows = r.rows;
  } catch (e) {
    const label = inputs.length === 1 ? inputs[0].label : 'the request body';
    throw invalid(label, (e as Error).message);
  }
  if (rows.length !== inputs.length) throw invalid('the request body', 'the database could not check the geometry');
  for (const row of rows) {
    const { target, label } = inputs[row.i - 1];
    if (row.reason !== 'Valid Geometry') throw invalid(label, row.reason);
    if (baseType(target.type) !== 'geometry' && baseType(target.type) !== String(row.gtype).toLowerCase()) {
      throw invalid(label, `a ${row.gtype} does not fit a ${target.type} column`);
    }
    if (target.srid !== 0 && row.srid !== 0 && row.srid !== target.srid) {
      throw invalid(label, `SRID ${row.srid} does not match SRID ${target.srid}`);
    }
  }
}
