import { RestError } from '../errors.ts';
import { Params, qualified, quoteIdent } from '../ident.ts';
import type { Relation } from '../schema-cache.ts';
import { bodySql, rootConditions, whereClause, type ResultShape } from './read.ts';
import type { Scope, Target } from './scope.ts';
import { selectBlock } from './select-list.ts';

export interface InsertPlan {
  /**
   * Every column the request writes (`columns`, else the rows' keys). An upsert's update sets
   * them all from EXCLUDED, so a column a `missing=default` row leaves out gets its default there
   * too, as under PostgREST.
   */
  columns: string[];
  /** Rows grouped by the columns they set (one group unless `missing=default` splits them). */
  groups: { columns: string[]; rows: Record<string, unknown>[] }[];
  onConflict?: { columns: string[]; resolution: 'merge-duplicates' | 'ignore-duplicates' };
}

/** The representation (or just the counts) of the rows a data-modifying CTE `pgrst_mut` returned. */
function representation(scope: Scope, target: Target, shape: ResultShape, withInserted: boolean): string {
  const block = shape.body ? selectBlock(scope, target, scope.model.select) : { list: '', joins: '' };
  scope.finish();
  const inserted = withInserted ? '(select count(*) from pgrst_mut where pgrst_inserted)' : 'null';
  return `select null::int8 as pgrst_total, count(*)::int8 as pgrst_page, ${bodySql(shape)} as pgrst_body, ${inserted}::int8 as pgrst_inserted
from (select ${block.list} from pgrst_mut as ${target.alias}${block.joins}) pgrst_row`;
}

function insertStatement(
  params: Params,
  rel: Relation,
  target: Target,
  plan: InsertPlan,
  group: InsertPlan['groups'][number],
  returning: string,
): string {
  const table = qualified(rel.schema, rel.name);
  const body = `${params.add(JSON.stringify(group.rows))}::json`;
  const cols = group.columns.map(quoteIdent);
  const source = `json_populate_recordset(null::${table}, ${body}) pgrst_body`;
  let sql = `insert into ${table} as ${target.alias}${cols.length ? ` (${cols.join(', ')})` : ''} select ${cols.map((c) => `pgrst_body.${c}`).join(', ')} from ${source}`;
  if (plan.onConflict) {
    const conflict = plan.onConflict.columns.map(quoteIdent).join(', ');
    const all = plan.columns.map(quoteIdent);
    if (plan.onConflict.resolution === 'ignore-duplicates' || all.length === 0)
      sql += ` on conflict (${conflict}) do nothing`;
    else sql += ` on conflict (${conflict}) do update set ${all.map((c) => `${c} = excluded.${c}`).join(', ')}`;
  }
  return sql + returning;
}

/**
 * INSERT (and upsert) statements. With a result wanted, every insert returns its rows into CTEs
 * and the select runs over them, so Postgres applies SELECT policies to what is returned.
 */
export function buildInsert(
  scope: Scope,
  rel: Relation,
  target: Target,
  plan: InsertPlan,
  shape: ResultShape,
  returnRows: boolean,
): { sql: string; values: unknown[] }[] {
  if (!returnRows) {
    // Separate statements, each with its own placeholders, so no SELECT policy applies (return=minimal).
    return plan.groups.map((g) => {
      const params = new Params();
      return { sql: insertStatement(params, rel, target, plan, g, ''), values: params.values };
    });
  }
  const returning = ` returning ${target.alias}.*, (${target.alias}.xmax = 0) as pgrst_inserted`;
  const ctes = plan.groups.map(
    (g, i) => `pgrst_ins_${i} as (${insertStatement(scope.params, rel, target, plan, g, returning)})`,
  );
  const union = plan.groups.map((_, i) => `select * from pgrst_ins_${i}`).join(' union all ');
  return [
    {
      sql: `with ${ctes.join(', ')}, pgrst_mut as (${union})\n${representation(scope, target, shape, true)}`,
      values: scope.params.values,
    },
  ];
}

export function buildUpdate(
  scope: Scope,
  rel: Relation,
  target: Target,
  patch: Record<string, unknown>,
  shape: ResultShape,
  returnRows: boolean,
): string {
  const table = qualified(rel.schema, rel.name);
  const cols = Object.keys(patch).map(quoteIdent);
  const body = `${scope.params.add(JSON.stringify(patch))}::json`;
  const where = rootConditions(scope, target);
  const sets = cols.map((c) => `${c} = pgrst_body.${c}`).join(', ');
  const update = `update ${table} as ${target.alias} set ${sets} from json_populate_record(null::${table}, ${body}) pgrst_body${whereClause(where)}`;
  if (!returnRows) {
    scope.finish();
    return update;
  }
  return `with pgrst_mut as (${update} returning ${target.alias}.*)\n${representation(scope, target, shape, false)}`;
}

export function buildDelete(
  scope: Scope,
  rel: Relation,
  target: Target,
  shape: ResultShape,
  returnRows: boolean,
): string {
  const del = `delete from ${qualified(rel.schema, rel.name)} as ${target.alias}${whereClause(rootConditions(scope, target))}`;
  if (!returnRows) {
    scope.finish();
    return del;
  }
  return `with pgrst_mut as (${del} returning ${target.alias}.*)\n${representation(scope, target, shape, false)}`;
}

/** Order and limit on PATCH / DELETE would change which rows are written: refused rather than ignored. */
export function refusePagingOnWrite(scope: Scope): void {
  const opts = scope.model.resources.get('');
  if (opts && (opts.order.length > 0 || opts.limit !== undefined || opts.offset !== undefined)) {
    throw new RestError(400, 'PGRST100', 'order, limit and offset are not supported on PATCH and DELETE here');
  }
}
