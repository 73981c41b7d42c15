import { viewColumnOrigins, type ViewColumnOrigin } from './view-columns.ts';

/**
 * The relationships resource embedding can follow, derived from the catalog by PostgREST's
 * rules (its schema cache): every foreign key is many-to-one, or one-to-one when its columns
 * are exactly a primary key or unique constraint of its table; views take part through the
 * table columns they expose; a table whose primary key holds the columns of two foreign keys
 * joins the two tables many-to-many; each to-one relationship also exists the other way round.
 */
export type Cardinality = 'o2m' | 'm2o' | 'o2o' | 'm2m';

export interface Junction {
  schema: string;
  table: string;
  /** The junction's foreign key to the origin, and the one to the embedded relation. */
  constraint1: string;
  constraint2: string;
  /** (origin column, junction column) pairs. */
  sourceColumns: [string, string][];
  /** (embedded column, junction column) pairs. */
  targetColumns: [string, string][];
}

export interface Relationship {
  tableSchema: string;
  /** The origin: the table or view the embed is written on. */
  table: string;
  foreignSchema: string;
  /** The embedded table or view. */
  foreignTable: string;
  isSelf: boolean;
  cardinality: Cardinality;
  /** The foreign key's name ('' for many-to-many). */
  constraint: string;
  /** (origin column, embedded column) pairs in key order; empty for many-to-many. */
  columns: [string, string][];
  /** A one-to-one seen from the referenced side. */
  parent: boolean;
  junction: Junction | null;
  tableIsView: boolean;
  foreignTableIsView: boolean;
}

export const isToOne = (r: Relationship) => r.cardinality === 'm2o' || r.cardinality === 'o2o';

/** A primary key, unique or foreign key constraint of any schema (views see through to other schemas). */
export interface ConstraintRow {
  name: string;
  kind: 'p' | 'u' | 'f';
  relOid: string;
  schema: string;
  table: string;
  /** Column names and numbers in key order. */
  columns: string[];
  attnums: number[];
  /** The referenced side of a foreign key. */
  ref: { oid: string; schema: string; table: string; columns: string[]; attnums: number[] } | null;
}

export interface ViewDef {
  oid: string;
  schema: string;
  name: string;
  /** `pg_rewrite.ev_action` as text. */
  action: string;
  /** Column names by attnum; known for the exposed schema's views, the only ones that get relationships. */
  columnNames: Map<number, string> | null;
}

/** Which of a view's columns show a table's primary key or one side of a foreign key, all of its columns. */
interface KeyDep {
  tableSchema: string;
  table: string;
  viewSchema: string;
  view: string;
  constraint: string;
  kind: 'p' | 'f' | 'f_ref';
  /** (table column, view columns showing it) in key order. */
  columns: [string, string[]][];
}

const same = (aSchema: string, a: string, bSchema: string, b: string) => aSchema === bSchema && a === b;

/** Every way to pick one view column per key column (a column shown twice gives two relationships). */
function choices(columns: [string, string[]][]): string[][] {
  let out: string[][] = [[]];
  for (const [, options] of columns) out = out.flatMap((prefix) => options.map((o) => [...prefix, o]));
  return out;
}

function keyDependencies(constraints: ConstraintRow[], views: ViewDef[], exposed: string): KeyDep[] {
  const byOid = new Map(views.map((v) => [v.oid, v]));
  const parsed = new Map<string, ViewColumnOrigin[]>();
  const originsOf = (v: ViewDef) => {
    let o = parsed.get(v.oid);
    if (!o) parsed.set(v.oid, (o = viewColumnOrigins(v.action)));
    return o;
  };
  // Follows a column through views on views to the table column it shows, if it is one.
  const baseOf = (oid: string, attnum: number): string | null => {
    const seen = new Set<string>();
    for (let view = byOid.get(oid); view; view = byOid.get(oid)) {
      if (seen.has(oid)) return null;
      seen.add(oid);
      const entry = originsOf(view).find((e) => e.column === attnum);
      if (!entry || entry.tableOid === '0') return null;
      [oid, attnum] = [entry.tableOid, entry.tableColumn];
    }
    return `${oid}:${attnum}`;
  };
  const deps: KeyDep[] = [];
  for (const view of views) {
    if (view.schema !== exposed || !view.columnNames) continue;
    const shownAs = new Map<string, string[]>();
    for (const entry of originsOf(view)) {
      const name = view.columnNames.get(entry.column);
      const base = entry.tableOid === '0' || name === undefined ? null : baseOf(entry.tableOid, entry.tableColumn);
      if (base === null) continue;
      shownAs.set(base, [...(shownAs.get(base) ?? []), name!]);
    }
    if (shownAs.size === 0) continue;
    for (const con of constraints) {
      const sides: [KeyDep['kind'], string, string, string, string[], number[]][] = [];
      if (con.kind === 'p' || con.kind === 'f')
        sides.push([con.kind, con.relOid, con.schema, con.table, con.columns, con.attnums]);
      if (con.ref) sides.push(['f_ref', con.ref.oid, con.ref.schema, con.ref.table, con.ref.columns, con.ref.attnums]);
      for (const [kind, oid, tableSchema, table, columns, attnums] of sides) {
        const shown = attnums.map((a) => shownAs.get(`${oid}:${a}`));
        if (shown.some((s) => s === undefined)) continue;
        deps.push({
          tableSchema,
          table,
          viewSchema: view.schema,
          view: view.name,
          constraint: con.name,
          kind,
          columns: columns.map((c, i) => [c, shown[i]!]),
        });
      }
    }
  }
  return deps;
}

/** Relationships of views: each to-one relationship of a table is also one of every view showing both key sides. */
function viewRelationships(rels: Relationship[], deps: KeyDep[]): Relationship[] {
  const out: Relationship[] = [];
  for (const rel of rels) {
    const fromViews = deps.filter(
      (d) =>
        d.kind === 'f' && d.constraint === rel.constraint && same(d.tableSchema, d.table, rel.tableSchema, rel.table),
    );
    const toViews = deps.filter(
      (d) =>
        d.kind === 'f_ref' &&
        d.constraint === rel.constraint &&
        same(d.tableSchema, d.table, rel.foreignSchema, rel.foreignTable),
    );
    for (const from of fromViews) {
      for (const cols of choices(from.columns)) {
        out.push({
          ...rel,
          tableSchema: from.viewSchema,
          table: from.view,
          isSelf: false,
          columns: cols.map((c, i) => [c, rel.columns[i][1]]),
          tableIsView: true,
          foreignTableIsView: false,
        });
      }
    }
    for (const to of toViews) {
      for (const cols of choices(to.columns)) {
        out.push({
          ...rel,
          foreignSchema: to.viewSchema,
          foreignTable: to.view,
          isSelf: false,
          columns: rel.columns.map(([c], i) => [c, cols[i]]),
          tableIsView: false,
          foreignTableIsView: true,
        });
      }
    }
    for (const from of fromViews) {
      for (const fromCols of choices(from.columns)) {
        for (const to of toViews) {
          for (const toCols of choices(to.columns)) {
            out.push({
              ...rel,
              tableSchema: from.viewSchema,
              table: from.view,
              foreignSchema: to.viewSchema,
              foreignTable: to.view,
              isSelf: same(from.viewSchema, from.view, to.viewSchema, to.view),
              columns: fromCols.map((c, i) => [c, toCols[i]]),
              tableIsView: true,
              foreignTableIsView: true,
            });
          }
        }
      }
    }
  }
  return out;
}

/** Many-to-many through every junction: two different many-to-one keys whose columns all belong to its primary key. */
function manyToMany(rels: Relationship[], primaryKeyOf: (schema: string, name: string) => string[]): Relationship[] {
  const m2o = rels.filter((r) => r.cardinality === 'm2o');
  const out: Relationship[] = [];
  for (const a of m2o) {
    for (const b of m2o) {
      if (!same(a.tableSchema, a.table, b.tableSchema, b.table) || a.constraint === b.constraint) continue;
      const pk = primaryKeyOf(a.tableSchema, a.table);
      if (![...a.columns, ...b.columns].every(([c]) => pk.includes(c))) continue;
      out.push({
        tableSchema: a.foreignSchema,
        table: a.foreignTable,
        foreignSchema: b.foreignSchema,
        foreignTable: b.foreignTable,
        isSelf: same(a.foreignSchema, a.foreignTable, b.foreignSchema, b.foreignTable),
        cardinality: 'm2m',
        constraint: '',
        columns: [],
        parent: false,
        junction: {
          schema: a.tableSchema,
          table: a.table,
          constraint1: a.constraint,
          constraint2: b.constraint,
          sourceColumns: a.columns.map(([j, t]) => [t, j]),
          targetColumns: b.columns.map(([j, f]) => [f, j]),
        },
        tableIsView: a.foreignTableIsView,
        foreignTableIsView: b.foreignTableIsView,
      });
    }
  }
  return out;
}

const CARDINALITY_ORDER: Record<Cardinality, number> = { o2m: 0, m2o: 1, o2o: 2, m2m: 3 };

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareLists<T>(a: T[], b: T[], cmp: (x: T, y: T) => number): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = cmp(a[i], b[i]);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

const comparePairs = (a: [string, string][], b: [string, string][]) =>
  compareLists(a, b, (x, y) => compareStrings(x[0], y[0]) || compareStrings(x[1], y[1]));

/** PostgREST's order of candidates (foreign table, self, cardinality, key): the order of PGRST201 details. */
function compareRelationships(a: Relationship, b: Relationship): number {
  return (
    compareStrings(a.tableSchema, b.tableSchema) ||
    compareStrings(a.table, b.table) ||
    compareStrings(a.foreignSchema, b.foreignSchema) ||
    compareStrings(a.foreignTable, b.foreignTable) ||
    Number(a.isSelf) - Number(b.isSelf) ||
    CARDINALITY_ORDER[a.cardinality] - CARDINALITY_ORDER[b.cardinality] ||
    compareStrings(a.constraint, b.constraint) ||
    comparePairs(a.columns, b.columns) ||
    Number(a.parent) - Number(b.parent) ||
    compareStrings(a.junction?.schema ?? '', b.junction?.schema ?? '') ||
    compareStrings(a.junction?.table ?? '', b.junction?.table ?? '') ||
    compareStrings(a.junction?.constraint1 ?? '', b.junction?.constraint1 ?? '') ||
    compareStrings(a.junction?.constraint2 ?? '', b.junction?.constraint2 ?? '') ||
    comparePairs(a.junction?.sourceColumns ?? [], b.junction?.sourceColumns ?? []) ||
    comparePairs(a.junction?.targetColumns ?? [], b.junction?.targetColumns ?? []) ||
    Number(a.tableIsView) - Number(b.tableIsView) ||
    Number(a.foreignTableIsView) - Number(b.foreignTableIsView)
  );
}

/** The relationships of the exposed schema, by origin name, each list in PostgREST's order. */
export function deriveRelationships(
  constraints: ConstraintRow[],
  views: ViewDef[],
  exposed: string,
): Map<string, Relationship[]> {
  const uniques = new Map<string, string[][]>();
  const primaryKeys = new Map<string, string[]>();
  for (const con of constraints) {
    if (con.kind === 'f') continue;
    uniques.set(con.relOid, [...(uniques.get(con.relOid) ?? []), con.columns]);
    if (con.kind === 'p') primaryKeys.set(`${con.schema}.${con.table}`, con.columns);
  }
  const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((c) => b.includes(c));
  const base: Relationship[] = [];
  for (const fk of constraints) {
    if (fk.kind !== 'f' || !fk.ref) continue;
    const oneToOne = (uniques.get(fk.relOid) ?? []).some((u) => sameSet(u, fk.columns));
    base.push({
      tableSchema: fk.schema,
      table: fk.table,
      foreignSchema: fk.ref.schema,
      foreignTable: fk.ref.table,
      isSelf: same(fk.schema, fk.table, fk.ref.schema, fk.ref.table),
      cardinality: oneToOne ? 'o2o' : 'm2o',
      constraint: fk.name,
      columns: fk.columns.map((c, i) => [c, fk.ref!.columns[i]]),
      parent: false,
      junction: null,
      tableIsView: false,
      foreignTableIsView: false,
    });
  }
  const deps = keyDependencies(constraints, views, exposed);
  // A view's primary key: the columns showing its base tables' primary keys (the first column for each).
  for (const d of deps) {
    if (d.kind !== 'p') continue;
    const key = `${d.viewSchema}.${d.view}`;
    primaryKeys.set(key, [...(primaryKeys.get(key) ?? []), ...d.columns.map(([, shown]) => shown[0])]);
  }
  const toOne = [...base, ...viewRelationships(base, deps)];
  const all = [...toOne, ...manyToMany(toOne, (s, n) => primaryKeys.get(`${s}.${n}`) ?? [])];
  for (const r of toOne) {
    all.push({
      ...r,
      tableSchema: r.foreignSchema,
      table: r.foreignTable,
      foreignSchema: r.tableSchema,
      foreignTable: r.table,
      cardinality: r.cardinality === 'm2o' ? 'o2m' : 'o2o',
      columns: r.columns.map(([c, f]) => [f, c]),
      parent: r.cardinality === 'o2o',
      tableIsView: r.foreignTableIsView,
      foreignTableIsView: r.tableIsView,
    });
  }
  const byOrigin = new Map<string, Relationship[]>();
  for (const r of all) {
    if (r.tableSchema !== exposed || r.foreignSchema !== exposed || (r.junction && r.junction.schema !== exposed))
      continue;
    const list = byOrigin.get(r.table);
    if (list) list.push(r);
    else byOrigin.set(r.table, [r]);
  }
  for (const list of byOrigin.values()) list.sort(compareRelationships);
  return byOrigin;
}
