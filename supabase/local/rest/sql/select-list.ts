import { RestError } from '../errors.ts';
import { qualified, quoteIdent } from '../ident.ts';
import type { Filter, SelectItem } from '../parse/ast.ts';
import { isToOne, type Relationship } from '../relationships.ts';
import type { SchemaInfo } from '../schema-cache.ts';
import { tableTarget, type Scope, type Target } from './scope.ts';
import { filterSql, orderSql, pageSql } from './where.ts';

type EmbedItem = Extract<SelectItem, { kind: 'embed' }>;

interface Output {
  sql: string;
  /** Output key; null for `alias.*` of a result whose columns are unknown. */
  key: string | null;
}

/** The select list of one query block and the lateral joins its embeds need after its FROM item. */
export interface SelectBlock {
  /** `expr as "key"`, comma-separated (may be empty). */
  list: string;
  /** ` left join lateral (…) as "pgrst_n" on true`, one per embed that outputs something. */
  joins: string;
}

interface Built {
  outputs: Output[];
  joins: string[];
}

export function selectBlock(scope: Scope, target: Target, items: SelectItem[]): SelectBlock {
  const { outputs, joins } = build(scope, target, items);
  return {
    list: outputs.map((o) => (o.key === null ? o.sql : `${o.sql} as ${quoteIdent(o.key)}`)).join(', '),
    joins: joins.join(''),
  };
}

function build(scope: Scope, target: Target, items: SelectItem[]): Built {
  const out: Built = { outputs: [], joins: [] };
  const embedNames = new Set<string>();
  for (const item of items) {
    if (item.kind === 'star') {
      if (target.columnList.length === 0) out.outputs.push({ sql: `${target.alias}.*`, key: null });
      for (const col of target.columnList)
        out.outputs.push({ sql: `${target.alias}.${quoteIdent(col.name)}`, key: col.name });
    } else if (item.kind === 'column') {
      const { sql } = scope.fieldSql(target, item.field);
      const last = item.field.json.at(-1);
      const key = item.alias ?? (last ? last.key : item.field.name);
      out.outputs.push({ sql: item.cast === undefined ? sql : `(${sql})::${scope.casts.get(item.cast)}`, key });
    } else {
      embed(scope, target, item, out);
      scope.noteEmbedName(`${target.origin}_${embedKey(item)}_${target.depth + 1}`, embedNames);
    }
  }
  return out;
}

/**
 * One embed, joined laterally as PostgREST does: a to-one row as an object, to-many rows as an
 * array (both jsonb, so embedded keys come in jsonb order as they do from PostgREST), a spread
 * to-one as the row's own columns, a spread to-many as one correlated array per column.
 * `rel()` outputs nothing: it exists to filter (`!inner`, `rel=is.null`) but must still resolve.
 */
function embed(scope: Scope, parent: Target, item: EmbedItem, out: Built): void {
  const { rel, child } = resolveChild(scope, parent, item);
  // Its filters belong to an embed of the request (not PGRST108) even when they only act through !inner.
  const opts = scope.options(child.path);
  if (item.items.length === 0) return;
  const block = build(scope, child, item.items);
  const { from, conds } = relationFrom(scope, rel, parent, child);
  const where = [...conds, ...resourceConditions(scope, child, item.items)].join(' and ');
  const toOne = isToOne(rel);
  // A to-one relationship matches one row at most (a key); limit 1 keeps a view that repeats rows from repeating the parent.
  const tail = orderSql(scope, child, opts.order) + pageSql(scope, opts.limit ?? (toOne ? 1 : undefined), opts.offset);
  const lateral = scope.nextAlias();
  const join = (sql: string) => out.joins.push(` left join lateral (${sql}) as ${lateral} on true`);
  const body = (list: string) => `select ${list} from ${from}${block.joins.join('')} where ${where}${tail}`;
  if (!item.spread) {
    const list = block.outputs.map((o) => (o.key === null ? o.sql : `${o.sql} as ${quoteIdent(o.key)}`)).join(', ');
    const key = embedKey(item);
    if (toOne) {
      join(body(list));
      out.outputs.push({ sql: `row_to_json(${lateral}.*)::jsonb`, key });
    } else {
      const rows = scope.nextAlias();
      join(`select json_agg(${rows})::jsonb as pgrst_agg from (${body(list)}) as ${rows}`);
      out.outputs.push({ sql: `coalesce(${lateral}.pgrst_agg, '[]')`, key });
    }
    return;
  }
  if (block.outputs.length === 0) return;
  // Spread columns travel under positional names: the keys may repeat, as they may from PostgREST.
  const names = block.outputs.map((_, i) => `pgrst_s${i + 1}`);
  const list = block.outputs.map((o, i) => `${o.sql} as ${names[i]}`).join(', ');
  if (toOne) {
    join(body(list));
  } else {
    const rows = scope.nextAlias();
    join(
      `select ${names.map((n) => `coalesce(json_agg(${rows}.${n}), '[]')::jsonb as ${n}`).join(', ')} from (${body(list)}) as ${rows}`,
    );
  }
  block.outputs.forEach((o, i) => out.outputs.push({ sql: `${lateral}.${names[i]}`, key: o.key }));
}

/** The FROM item of an embedded resource and the conditions tying its rows to the parent row. */
function relationFrom(
  scope: Scope,
  rel: Relationship,
  parent: Target,
  child: Target,
): { from: string; conds: string[] } {
  const table = `${qualified(scope.info.schema, rel.foreignTable)} as ${child.alias}`;
  if (!rel.junction) {
    return {
      from: table,
      conds: rel.columns.map(([c, f]) => `${child.alias}.${quoteIdent(f)} = ${parent.alias}.${quoteIdent(c)}`),
    };
  }
  const j = scope.nextAlias();
  const on = rel.junction.targetColumns
    .map(([f, jc]) => `${j}.${quoteIdent(jc)} = ${child.alias}.${quoteIdent(f)}`)
    .join(' and ');
  return {
    from: `${table} join ${qualified(rel.junction.schema, rel.junction.table)} as ${j} on ${on}`,
    conds: rel.junction.sourceColumns.map(([c, jc]) => `${j}.${quoteIdent(jc)} = ${parent.alias}.${quoteIdent(c)}`),
  };
}

/** Conditions a parent row must meet because of `!inner` embeds (recursively). */
function innerJoinConditions(scope: Scope, target: Target, items: SelectItem[]): string[] {
  const conds: string[] = [];
  for (const item of items) {
    if (item.kind === 'embed' && item.inner) conds.push(existsSql(scope, target, item));
  }
  return conds;
}

function existsSql(scope: Scope, target: Target, item: EmbedItem): string {
  const { rel, child } = resolveChild(scope, target, item);
  const { from, conds } = relationFrom(scope, rel, target, child);
  const where = [...conds, ...resourceConditions(scope, child, item.items)];
  return `exists (select 1 from ${from} where ${where.join(' and ')})`;
}

/**
 * `rel=is.null` / `rel=not.is.null` on an embedded resource: parents without / with a matching
 * related row (PostgREST's anti- and semi-join filters). Null when the filter is an ordinary one.
 */
function embedPresenceSql(scope: Scope, target: Target, filter: Filter, items: SelectItem[]): string | null {
  if (
    filter.kind !== 'cond' ||
    filter.op !== 'is' ||
    filter.field.json.length > 0 ||
    target.columns.has(filter.field.name)
  )
    return null;
  const value = filter.value.toLowerCase();
  if (value !== 'null' && value !== 'not_null') return null;
  const item = items.find((i): i is EmbedItem => i.kind === 'embed' && embedKey(i) === filter.field.name);
  if (!item) return null;
  const present = (value === 'not_null') !== filter.negate;
  const exists = existsSql(scope, target, item);
  return present ? exists : `not ${exists}`;
}

/** Everything that restricts the rows of one resource: its filters and its `!inner` embeds. */
export function resourceConditions(scope: Scope, target: Target, items: SelectItem[]): string[] {
  const { filters } = scope.options(target.path);
  return [
    ...filters.map((f) => embedPresenceSql(scope, target, f, items) ?? filterSql(scope, target, f)),
    ...innerJoinConditions(scope, target, items),
  ];
}

function embedKey(item: EmbedItem): string {
  return item.alias ?? item.relation;
}

function childPath(parent: Target, item: EmbedItem): string {
  const key = embedKey(item);
  return parent.path === '' ? key : `${parent.path}.${key}`;
}

function resolveChild(scope: Scope, parent: Target, item: EmbedItem): { rel: Relationship; child: Target } {
  const rel = findRelationship(scope.info, parent.origin, item.relation, item.hint);
  const child = tableTarget(scope.info, rel.foreignTable, scope.nextAlias(), childPath(parent, item), parent.depth + 1);
  return { rel, child };
}

const singleColumn = (r: Relationship, side: 0 | 1): string | undefined =>
  r.columns.length === 1 ? r.columns[0][side] : undefined;

/**
 * The relationship `origin?select=target!hint(…)` means, by PostgREST's rules. The target names
 * the embedded table or view, or (no hint, tables only) a foreign key constraint or a
 * single-column key column of the origin. A hint names the constraint, a key column of either
 * side, or the junction of a many-to-many. In a self-relationship the table name means the
 * children (one-to-many, a hint naming their key column) and the key column means the parent.
 */
function findRelationship(info: SchemaInfo, origin: string, target: string, hint: string | undefined): Relationship {
  const candidates = info.relationships.get(origin) ?? [];
  const matching = candidates.filter((r) => {
    const named = target === r.foreignTable;
    if (r.isSelf) {
      if (hint === undefined)
        return (named && r.cardinality === 'o2m') || (r.cardinality === 'm2o' && singleColumn(r, 0) === target);
      return named && r.cardinality === 'o2m' && singleColumn(r, 1) === hint;
    }
    if (hint === undefined)
      return (
        named ||
        (!r.foreignTableIsView && r.cardinality !== 'm2m' && (r.constraint === target || singleColumn(r, 0) === target))
      );
    return (
      named &&
      (r.cardinality === 'm2m'
        ? r.junction!.table === hint
        : r.constraint === hint || singleColumn(r, 0) === hint || singleColumn(r, 1) === hint)
    );
  });
  if (matching.length === 1) return matching[0];
  if (matching.length === 0) {
    throw new RestError(
      400,
      'PGRST200',
      `Could not find a relationship between '${origin}' and '${target}' in the schema cache`,
      `Searched for a foreign key relationship between '${origin}' and '${target}${hint === undefined ? '' : `' using the hint '${hint}`}' in the schema '${info.schema}', but no matches were found.`,
    );
  }
  throw new RestError(
    300,
    'PGRST201',
    `Could not embed because more than one relationship was found for '${origin}' and '${target}'`,
    matching.map(describe),
    `Try changing '${target}' to one of the following: ${matching.map((r) => `'${r.foreignTable}!${r.junction ? r.junction.table : r.constraint}'`).join(', ')}. Find the desired relationship in the 'details' key.`,
  );
}

const CARDINALITY_NAMES = { o2m: 'one-to-many', m2o: 'many-to-one', o2o: 'one-to-one', m2m: 'many-to-many' } as const;

/** One candidate of a PGRST201 error, as PostgREST lists it. */
function describe(r: Relationship): Record<string, string> {
  const cols = (list: string[]) => `(${list.join(', ')})`;
  const relationship = r.junction
    ? `${r.junction.table} using ${r.junction.constraint1}${cols(r.junction.sourceColumns.map(([, j]) => j))} and ${r.junction.constraint2}${cols(r.junction.targetColumns.map(([, j]) => j))}`
    : `${r.constraint} using ${r.table}${cols(r.columns.map(([c]) => c))} and ${r.foreignTable}${cols(r.columns.map(([, f]) => f))}`;
  return {
    cardinality: CARDINALITY_NAMES[r.cardinality],
    embedding: `${r.table} with ${r.foreignTable}`,
    relationship,
  };
}

/** Every `::type` in a select list (embeds included), for resolving before the statement is built. */
export function collectCasts(items: SelectItem[], into = new Set<string>()): Set<string> {
  for (const item of items) {
    if (item.kind === 'column' && item.cast !== undefined) into.add(item.cast);
    if (item.kind === 'embed') collectCasts(item.items, into);
  }
  return into;
}
