import { RestError } from './errors.ts';
import type { GeometryInput } from './geometry.ts';
import type { Column, Relation } from './schema-cache.ts';

type Row = Record<string, unknown>;

const invalidJson = (details: string) => new RestError(400, 'PGRST102', 'Empty or invalid json', details);

const isRow = (v: unknown): v is Row => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The rows of a POST body: one object or an array of objects. */
export function insertRows(body: unknown): Row[] {
  if (body === undefined) throw invalidJson('The request body is empty');
  const rows = Array.isArray(body) ? body : [body];
  if (!rows.every(isRow)) throw invalidJson('Expected a JSON object or an array of JSON objects');
  return rows;
}

export function patchObject(body: unknown): Row {
  if (body === undefined) throw invalidJson('The request body is empty');
  if (!isRow(body)) throw invalidJson('Expected a JSON object');
  return body;
}

export function unknownColumn(rel: Relation, name: string): RestError {
  return new RestError(400, 'PGRST204', `Could not find the '${name}' column of '${rel.name}' in the schema cache`);
}

/** Checks every name against the relation's columns (PGRST204 for the first unknown one). */
export function checkColumns(rel: Relation, names: Iterable<string>): Column[] {
  const out: Column[] = [];
  for (const n of names) {
    const col = rel.columns.get(n);
    if (!col) throw unknownColumn(rel, n);
    out.push(col);
  }
  return out;
}

/** The union of keys over all rows, in first-seen order (what postgrest-js sends as `columns`). */
export function unionKeys(rows: Row[]): string[] {
  const keys = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) keys.add(k);
  return [...keys];
}

/** Non-null values headed for geometry columns, to validate before the write. */
export function geometryInputs(columns: Column[], rows: Row[]): GeometryInput[] {
  const inputs: GeometryInput[] = [];
  const geo = columns.filter((c) => c.geometry);
  rows.forEach((row, i) => {
    for (const col of geo) {
      const value = row[col.name];
      if (value === null || value === undefined) continue;
      const label = rows.length === 1 ? `column "${col.name}"` : `column "${col.name}" of row ${i + 1}`;
      inputs.push({ value, target: col.geometry!, label });
    }
  });
  return inputs;
}

/**
 * The most geometry positions an anonymous request may carry (rest/index.ts): the public app sends
 * points at most; a zone boundary drawn by staff has hundreds.
 */
export const PUBLIC_MAX_VERTICES = 2000;

const WKT =
  /^\s*(?:SRID=\d+\s*;\s*)?(?:MULTI)?(?:POINT|LINESTRING|POLYGON|GEOMETRYCOLLECTION|TRIANGLE|TIN|POLYHEDRALSURFACE|CIRCULARSTRING|COMPOUNDCURVE|CURVEPOLYGON|MULTICURVE|MULTISURFACE)\b/i;

function positions(coordinates: unknown): number {
  if (!Array.isArray(coordinates)) return 0;
  if (typeof coordinates[0] === 'number') return 1;
  let n = 0;
  for (const c of coordinates) n += positions(c);
  return n;
}

/**
 * Geometry positions anywhere in a parsed JSON value: GeoJSON geometries (`type` + `coordinates`,
 * in Features and collections too) and WKT/EWKT strings (commas + 1, an overestimate by the number
 * of rings and parts). Hex EWKB is not counted. The value is at most MAX_JSON_DEPTH deep.
 */
export function countVertices(value: unknown): number {
  if (typeof value === 'string') {
    if (!WKT.test(value)) return 0;
    let n = 1;
    for (let i = value.indexOf(','); i >= 0; i = value.indexOf(',', i + 1)) n++;
    return n;
  }
  if (Array.isArray(value)) {
    let n = 0;
    for (const v of value) n += countVertices(v);
    return n;
  }
  if (value !== null && typeof value === 'object') {
    const o = value as Row;
    if (typeof o.type === 'string' && Array.isArray(o.coordinates)) return positions(o.coordinates);
    let n = 0;
    for (const v of Object.values(o)) n += countVertices(v);
    return n;
  }
  return 0;
}
