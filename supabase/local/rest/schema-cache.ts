import type { Database } from '../db.ts';
import { deriveRelationships, type ConstraintRow, type Relationship, type ViewDef } from './relationships.ts';

export interface Column {
  name: string;
  /** `format_type` output, e.g. `integer`, `geometry(Point,4326)`; safe to put into SQL. */
  type: string;
  /** pg_type.typname of the column's type (`int4`, `geometry`, `_text`, `tsvector`). */
  typeName: string;
  hasDefault: boolean;
  generated: boolean;
  /** For PostGIS geometry columns: the typmod's geometry type (`Point`, `Geometry` when any) and SRID (0 when any). */
  geometry?: { type: string; srid: number };
}

export interface Relation {
  schema: string;
  name: string;
  /** A view or materialized view (no keys of its own). */
  isView: boolean;
  columns: Map<string, Column>;
  columnList: Column[];
  primaryKey: string[];
  /** Column lists of unique constraints (primary key included). */
  uniqueKeys: string[][];
}

export interface FunctionArg {
  name: string;
  type: string;
  typeName: string;
  hasDefault: boolean;
  geometry?: { type: string; srid: number };
}

export interface DbFunction {
  schema: string;
  name: string;
  /** Input arguments in declaration order. */
  args: FunctionArg[];
  returnType: string;
  returnsSet: boolean;
  returnsVoid: boolean;
  /** Columns of a composite / TABLE / OUT-parameter result; null for scalar results. */
  returnColumns: Column[] | null;
  volatile: boolean;
  variadic: boolean;
  /** The function's comment: PostgREST orders overloads by it (after the number of parameters). */
  description: string | null;
  /**
   * What embedding on the result looks relationships up under, as PostgREST does: the name of a
   * composite result type (a table's row type), else the function's own name.
   */
  resultRelation: string;
}

export interface SchemaInfo {
  schema: string;
  relations: Map<string, Relation>;
  /** Relationships by the name of their origin table or view (relationships.ts). */
  relationships: Map<string, Relationship[]>;
  functions: Map<string, DbFunction[]>;
}

const GEOMETRY_TYPMOD = /^(?:[\w]+\.)?geometry\((\w+)(?:,(\d+))?\)$/i;

export function geometryInfo(typeName: string, type: string): { type: string; srid: number } | undefined {
  if (typeName !== 'geometry') return undefined;
  const m = GEOMETRY_TYPMOD.exec(type);
  if (!m) return { type: 'Geometry', srid: 0 };
  return { type: m[1], srid: m[2] ? Number(m[2]) : 0 };
}

const RELATIONS_SQL = `
select c.oid::text as oid, c.relname as rel, c.relkind in ('v', 'm') as is_view, a.attnum as attnum, a.attname as name, format_type(a.atttypid, a.atttypmod) as type, t.typname as type_name,
       a.atthasdef or a.attidentity <> '' as has_default, a.attgenerated <> '' as generated
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
join pg_type t on t.oid = a.atttypid
where n.nspname = $1 and c.relkind in ('r', 'v', 'm', 'p', 'f')
order by c.relname, a.attnum`;

// Keys of every schema, not just the exposed one: a view may show the keys of a table elsewhere.
// Foreign keys a partition inherits from its parent are the parent's (conparentid), as PostgREST counts them.
const CONSTRAINTS_SQL = `
select con.conname as name, con.contype as kind, con.conrelid::text as rel_oid, n.nspname as schema, c.relname as rel,
       to_json(array(select a.attname from unnest(con.conkey) with ordinality k(n, o)
                     join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.n order by k.o)) as cols,
       to_json(con.conkey) as attnums,
       con.confrelid::text as ref_oid, fn.nspname as ref_schema, fc.relname as ref_rel,
       to_json(array(select a.attname from unnest(con.confkey) with ordinality k(n, o)
                     join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.n order by k.o)) as ref_cols,
       to_json(con.confkey) as ref_attnums
from pg_constraint con
join pg_class c on c.oid = con.conrelid
join pg_namespace n on n.oid = c.relnamespace
left join pg_class fc on fc.oid = con.confrelid
left join pg_namespace fn on fn.oid = fc.relnamespace
where n.nspname not in ('pg_catalog', 'information_schema') and con.contype in ('p', 'u', 'f')
  and (con.contype <> 'f' or con.conparentid = 0)
order by con.conrelid, con.conname`;

const VIEWS_SQL = `
select c.oid::text as oid, n.nspname as schema, c.relname as name, r.ev_action::text as action
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
join pg_rewrite r on r.ev_class = c.oid and r.rulename = '_RETURN'
where c.relkind in ('v', 'm') and n.nspname not in ('pg_catalog', 'information_schema')`;

const FUNCTIONS_SQL = `
select p.proname as name, p.provolatile as volatility, p.proretset as returns_set,
       format_type(p.prorettype, null) as return_type, rt.typname as return_type_name, rt.typtype as return_typtype,
       (select c.relname from pg_class c where c.oid = rt.typrelid) as return_rel,
       p.provariadic <> 0 as variadic, obj_description(p.oid, 'pg_proc') as description, p.pronargs as nargs, p.pronargdefaults as ndefaults,
       to_json(p.proargnames) as arg_names, to_json(p.proargmodes::text[]) as arg_modes,
       to_json(array(select format_type(x, null) from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) with ordinality u(x, o) order by o)) as arg_types,
       to_json(array(select t.typname from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) with ordinality u(x, o) join pg_type t on t.oid = u.x order by o)) as arg_type_names,
       (select json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod), 'type_name', t.typname) order by a.attnum)
          from pg_attribute a join pg_type t on t.oid = a.atttypid
         where a.attrelid = rt.typrelid and a.attnum > 0 and not a.attisdropped) as composite_cols
from pg_proc p
join pg_namespace n on n.oid = p.pronamespace
join pg_type rt on rt.oid = p.prorettype
where n.nspname = $1 and p.prokind = 'f' and p.prorettype <> 'trigger'::regtype`;

const ROLES_SQL = `select rolname from pg_roles r where pg_has_role('authenticator', r.oid, 'member') and rolname <> 'authenticator'`;

type Row = Record<string, unknown>;

const RELOAD_INTERVAL_MS = 1000;

/**
 * What the REST layer knows about one schema's tables, keys and functions, loaded from the
 * catalog once and reloaded when a lookup misses (a migration or DDL added something), on
 * `NOTIFY pgrst, 'reload schema'`, or when `invalidate()` is called.
 */
export class SchemaCache {
  private schemas = new Map<string, { info: Promise<SchemaInfo>; loadedAt: number }>();
  private roles: Promise<Set<string>> | null = null;

  constructor(private readonly db: Database) {}

  get(schema: string): Promise<SchemaInfo> {
    let entry = this.schemas.get(schema);
    if (!entry) {
      const info = this.load(schema);
      entry = { info, loadedAt: Date.now() };
      this.schemas.set(schema, entry);
      info.catch(() => this.schemas.delete(schema));
    }
    return entry.info;
  }

  /**
   * Reloads the schema when `missing` says the cached copy lacks what a request names. Reloads
   * are at most one a second per schema, so a stream of bad names cannot keep the catalog
   * queries busy; DDL that must be visible at once should NOTIFY pgrst (or call invalidate).
   */
  async refreshIf(schema: string, missing: (info: SchemaInfo) => boolean): Promise<SchemaInfo> {
    const info = await this.get(schema);
    if (!missing(info)) return info;
    if (Date.now() - (this.schemas.get(schema)?.loadedAt ?? 0) < RELOAD_INTERVAL_MS) return info;
    this.schemas.delete(schema);
    return this.get(schema);
  }

  async roleExists(role: string): Promise<boolean> {
    if (!this.roles) this.roles = this.loadRoles();
    if ((await this.roles).has(role)) return true;
    this.roles = this.loadRoles();
    return (await this.roles).has(role);
  }

  invalidate(): void {
    this.schemas.clear();
    this.roles = null;
  }

  private async loadRoles(): Promise<Set<string>> {
    const r = await this.db.query<{ rolname: string }>(ROLES_SQL);
    return new Set(r.rows.map((x) => x.rolname));
  }

  private async load(schema: string): Promise<SchemaInfo> {
    const relations = new Map<string, Relation>();
    const views: ViewDef[] = [];
    const viewColumns = new Map<string, Map<number, string>>();
    for (const row of (await this.db.query<Row>(RELATIONS_SQL, [schema])).rows) {
      const relName = String(row.rel);
      let rel = relations.get(relName);
      if (!rel) {
        rel = {
          schema,
          name: relName,
          isView: Boolean(row.is_view),
          columns: new Map(),
          columnList: [],
          primaryKey: [],
          uniqueKeys: [],
        };
        relations.set(relName, rel);
      }
      const col: Column = {
        name: String(row.name),
        type: String(row.type),
        typeName: String(row.type_name),
        hasDefault: Boolean(row.has_default),
        generated: Boolean(row.generated),
        geometry: geometryInfo(String(row.type_name), String(row.type)),
      };
      rel.columns.set(col.name, col);
      rel.columnList.push(col);
      if (rel.isView) {
        const names = viewColumns.get(String(row.oid)) ?? new Map<number, string>();
        names.set(Number(row.attnum), col.name);
        viewColumns.set(String(row.oid), names);
      }
    }
    const constraints: ConstraintRow[] = [];
    for (const row of (await this.db.query<Row>(CONSTRAINTS_SQL)).rows) {
      const cols = row.cols as string[];
      const rel = row.schema === schema ? relations.get(String(row.rel)) : undefined;
      if (row.kind === 'p' && rel) rel.primaryKey = cols;
      if ((row.kind === 'p' || row.kind === 'u') && rel) rel.uniqueKeys.push(cols);
      constraints.push({
        name: String(row.name),
        kind: row.kind as ConstraintRow['kind'],
        relOid: String(row.rel_oid),
        schema: String(row.schema),
        table: String(row.rel),
        columns: cols,
        attnums: row.attnums as number[],
        ref:
          row.kind === 'f'
            ? {
                oid: String(row.ref_oid),
                schema: String(row.ref_schema),
                table: String(row.ref_rel),
                columns: row.ref_cols as string[],
                attnums: row.ref_attnums as number[],
              }
            : null,
      });
    }
    for (const row of (await this.db.query<Row>(VIEWS_SQL)).rows) {
      const oid = String(row.oid);
      views.push({
        oid,
        schema: String(row.schema),
        name: String(row.name),
        action: String(row.action),
        columnNames: viewColumns.get(oid) ?? null,
      });
    }
    const functions = new Map<string, DbFunction[]>();
    for (const row of (await this.db.query<Row>(FUNCTIONS_SQL, [schema])).rows) {
      const fn = toFunction(schema, row);
      if (!callable(fn)) continue;
      const list = functions.get(fn.name) ?? [];
      list.push(fn);
      functions.set(fn.name, list);
    }
    return { schema, relations, relationships: deriveRelationships(constraints, views, schema), functions };
  }
}

const SINGLE_UNNAMED_TYPES = new Set(['bytea', 'json', 'jsonb', 'text', 'xml']);

/**
 * PostgREST leaves out of its schema cache a function it could not call with named arguments:
 * one with several unnamed parameters, or one unnamed parameter when the first parameter is not
 * bytea, json, jsonb, text or xml (the types it can pass a whole body as).
 */
function callable(fn: DbFunction): boolean {
  const unnamed = fn.args.filter((a) => a.name === '').length;
  return unnamed === 0 || (unnamed === 1 && SINGLE_UNNAMED_TYPES.has(fn.args[0].typeName));
}

function toFunction(schema: string, row: Row): DbFunction {
  const types = row.arg_types as string[];
  const typeNames = row.arg_type_names as string[];
  const names = (row.arg_names as string[] | null) ?? [];
  const modes = (row.arg_modes as string[] | null) ?? types.map(() => 'i');
  const nargs = Number(row.nargs);
  const ndefaults = Number(row.ndefaults);
  const args: FunctionArg[] = [];
  const outColumns: Column[] = [];
  types.forEach((type, i) => {
    const mode = modes[i];
    const name = names[i] ?? '';
    if (mode === 'i' || mode === 'b' || mode === 'v') {
      args.push({ name, type, typeName: typeNames[i], hasDefault: false, geometry: geometryInfo(typeNames[i], type) });
    }
    if (mode === 'o' || mode === 'b' || mode === 't') {
      outColumns.push({
        name,
        type,
        typeName: typeNames[i],
        hasDefault: false,
        generated: false,
        geometry: geometryInfo(typeNames[i], type),
      });
    }
  });
  // Defaults always belong to the last pronargdefaults input arguments.
  args.forEach((a, i) => (a.hasDefault = i >= nargs - ndefaults));
  const composite = row.composite_cols as { name: string; type: string; type_name: string }[] | null;
  let returnColumns: Column[] | null = null;
  // One OUT parameter makes a scalar result; several (or RETURNS TABLE) make a row.
  if (outColumns.length > 1 || modes.includes('t')) returnColumns = outColumns;
  else if (composite && row.return_typtype === 'c') {
    returnColumns = composite.map((c) => ({
      name: c.name,
      type: c.type,
      typeName: c.type_name,
      hasDefault: false,
      generated: false,
      geometry: geometryInfo(c.type_name, c.type),
    }));
  }
  const compositeResult = row.return_typtype === 'c' || modes.some((m) => m === 't' || m === 'b' || m === 'o');
  return {
    schema,
    name: String(row.name),
    args,
    returnType: String(row.return_type),
    returnsSet: Boolean(row.returns_set),
    returnsVoid: row.return_type_name === 'void',
    returnColumns,
    volatile: row.volatility === 'v',
    variadic: Boolean(row.variadic),
    description: row.description === null || row.description === undefined ? null : String(row.description),
    resultRelation: compositeResult ? String(row.return_rel ?? row.return_type_name) : String(row.name),
  };
}
