import { RestError } from '../errors.ts';
import { qualified, quoteIdent } from '../ident.ts';
import type { Filter, SelectItem } from '../parse/ast.ts';
import type { ForeignKey } from '../schema-cache.ts';
import { tableTarget, type Scope, type Target } from './scope.ts';
import { filterSql, orderSql, pageSql } from './where.ts';

type EmbedItem = Extract<SelectItem, { kind: 'embed' }>;

interface Relationship {
  fk: ForeignKey;
  /** many-to-one: the parent holds the FK; one-to-many: the embedded table does. */
  toOne: boolean;
  table: string;
}

interface Output {
  sql: string;
  /** Output key; null for `alias.*` of a result whose columns are unknown. */
  key: string | null;
}

/** The select list of one query block: `expr as "key"` for each output key. */
export function selectListSql(scope: Scope, target: Target, items: SelectItem[]): string[] {
  return outputs(scope, target, items).map((o) => (o.key === null ? o.sql : `${o.sql} as ${quoteIdent(o.key)}`));
}

function outputs(scope: Scope, target: Target, items: SelectItem[]): Output[] {
  const out: Output[] = [];
  for (const item of items) {
    if (item.kind === 'star') {
      if (target.columnList.length === 0) out.push({ sql: `${target.alias}.*`, key: null });
      for (const col of target.columnList) out.push({ sql: `${target.alias}.${quoteIdent(col.name)}`, key: col.name });
    } else if (item.kind === 'column') {
      const { sql } = scope.fieldSql(target, item.field);
      const last = item.field.json.at(-1);
      const key = item.alias ?? (last ? last.key : item.field.name);
      out.push({ sql: item.cast === undefined ? sql : `(${sql})::${scope.casts.get(item.cast)}`, key });
    } else if (item.spread) {
      out.push(...spreadOutputs(scope, target, item));
    } else if (item.items.length > 0) {
      out.push(embedOutput(scope, target, item));
    } else {
      // `rel()` outputs nothing (it exists to filter with !inner) but must still name a relationship.
      resolveRelationship(scope, target, item);
    }
  }
  return out;
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
  const where = [joinCondition(rel, target, child), ...childFilters(scope, child, item)];
  return `exists (select 1 from ${qualified(scope.info.schema, rel.table)} as ${child.alias} where ${where.join(' and ')})`;
}

/**
 * `rel=is.null` / `rel=not.is.null` on an embedded resource: parents without / with a matching
 * related row (PostgREST's anti- and semi-join filters). Null when the filter is an ordinary one.
 */
function embedPresenceSql(scope: Scope, target: Target, filter: Filter, items: SelectItem[]): string | null {
  if (filter.kind !== 'cond' || filter.op !== 'is' || filter.field.json.length > 0 || target.columns.has(filter.field.name)) return null;
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
  const rel = resolveRelationship(scope, parent, item);
  const child = tableTarget(scope.info, rel.table, scope.nextAlias(), childPath(parent, item));
  return { rel, child };
}

function childFilters(scope: Scope, child: Target, item: EmbedItem): string[] {
  return resourceConditions(scope, child, item.items);
}

function joinCondition(rel: Relationship, parent: Target, child: Target): string {
  const [holder, referenced] = rel.toOne ? [parent, child] : [child, parent];
  return rel.fk.columns
    .map((c, i) => `${holder.alias}.${quoteIdent(c)} = ${referenced.alias}.${quoteIdent(rel.fk.refColumns[i])}`)
    .join(' and ');
}

function embedOutput(scope: Scope, parent: Target, item: EmbedItem): Output {
  const { rel, child } = resolveChild(scope, parent, item);
  const opts = scope.options(child.path);
  const columns = selectListSql(scope, child, item.items);
  const where = [joinCondition(rel, parent, child), ...childFilters(scope, child, item)];
  const row = `${child.alias.slice(0, -1)}_row"`;
  const from = `${qualified(scope.info.schema, rel.table)} as ${child.alias} where ${where.join(' and ')}`;
  const key = embedKey(item);
  if (rel.toOne) {
    return { sql: `(select row_to_json(${row}) from (select ${columns.join(', ')} from ${from} limit 1) ${row})`, key };
  }
  const tail = orderSql(scope, child, opts.order) + pageSql(scope, opts.limit, opts.offset);
  return { sql: `coalesce((select json_agg(${row}) from (select ${columns.join(', ')} from ${from}${tail}) ${row}), '[]'::json)`, key };
}

/** `...rel(cols)`: one scalar subquery per column of the related row (null when there is none). */
function spreadOutputs(scope: Scope, parent: Target, item: EmbedItem): Output[] {
  const { rel, child } = resolveChild(scope, parent, item);
  if (!rel.toOne) throw new RestError(400, 'PGRST100', `Spreading '${item.relation}' needs a to-one relationship; '${item.relation}' is one-to-many here`);
  const where = [joinCondition(rel, parent, child), ...childFilters(scope, child, item)];
  const from = `${qualified(scope.info.schema, rel.table)} as ${child.alias} where ${where.join(' and ')}`;
  return outputs(scope, child, item.items).map((o) => ({ sql: `(select ${o.sql} from ${from} limit 1)`, key: o.key }));
}

/**
 * Finds the foreign key behind `rel(…)`: the embedded name is a table (either direction) or,
 * for many-to-one, the FK column; a `!hint` names the constraint or the FK column.
 */
function resolveRelationship(scope: Scope, parent: Target, item: EmbedItem): Relationship {
  const { info } = scope;
  const parentTable = parent.table;
  const candidates: Relationship[] = [];
  if (parentTable !== null) {
    for (const fk of info.foreignKeys) {
      if (fk.refSchema !== info.schema) continue;
      const byColumn = fk.columns.length === 1 && fk.columns[0] === item.relation;
      if (fk.table === parentTable && (fk.refTable === item.relation || byColumn)) {
        candidates.push({ fk, toOne: true, table: fk.refTable });
      }
      if (fk.refTable === parentTable && fk.table === item.relation) candidates.push({ fk, toOne: false, table: fk.table });
    }
  }
  const matching = item.hint === undefined ? candidates : candidates.filter((r) => r.fk.name === item.hint || r.fk.columns.includes(item.hint!));
  const parentName = parent.label;
  if (matching.length === 0) {
    throw new RestError(
      400,
      'PGRST200',
      `Could not find a relationship between '${parentName}' and '${item.relation}' in the schema cache`,
      `Searched for a foreign key relationship between '${parentName}' and '${item.relation}'${item.hint ? ` using the hint '${item.hint}'` : ''} in the schema '${info.schema}', but no matches were found.`,
    );
  }
  if (matching.length > 1) {
    throw new RestError(
      300,
      'PGRST201',
      `Could not embed because more than one relationship was found for '${parentName}' and '${item.relation}'`,
      matching.map((r) => `${r.fk.name} (${r.toOne ? 'many-to-one' : 'one-to-many'})`).join(', '),
      `Try changing '${item.relation}' to one of: ${matching.map((r) => `'${item.relation}!${r.fk.name}'`).join(', ')}`,
    );
  }
  return matching[0];
}

/** Every `::type` in a select list (embeds included), for resolving before the statement is built. */
export function collectCasts(items: SelectItem[], into = new Set<string>()): Set<string> {
  for (const item of items) {
    if (item.kind === 'column' && item.cast !== undefined) into.add(item.cast);
    if (item.kind === 'embed') collectCasts(item.items, into);
  }
  return into;
}
