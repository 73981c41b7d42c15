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
