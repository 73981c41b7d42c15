import type { Rendering } from '../headers.ts';
import type { Scope, Target } from './scope.ts';
import { resourceConditions, selectBlock } from './select-list.ts';
import { orderSql, pageSql } from './where.ts';

export interface ResultShape {
  rendering: Rendering;
  stripNulls: boolean;
  /** false for HEAD and return=minimal: only counts are computed. */
  body: boolean;
}

/** The columns every built statement returns. */
export interface ResultRow {
  pgrst_total: number | string | null;
  pgrst_page: number | string;
  pgrst_body: string | null;
  pgrst_inserted?: number | string | null;
}

/** The WHERE conditions of the root resource: its filters plus `!inner` embeds. */
export function rootConditions(scope: Scope, target: Target): string[] {
  return resourceConditions(scope, target, scope.model.select);
}

export function whereClause(conds: string[]): string {
  return conds.length === 0 ? '' : ` where ${conds.join(' and ')}`;
}

/** The body expression over the aggregated rows `pgrst_row`. */
export function bodySql(shape: ResultShape): string {
  if (!shape.body) return 'null::text';
  const strip = (json: string) => (shape.stripNulls ? `json_strip_nulls(${json})` : json);
  if (shape.rendering === 'object')
    return `case when count(*) = 1 then ${strip('(json_agg(pgrst_row) -> 0)')}::text end`;
  if (shape.rendering === 'geojson') {
    return `json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(st_asgeojson(pgrst_row)::json), '[]'::json))::text`;
  }
  return `${strip(`coalesce(json_agg(pgrst_row), '[]'::json)`)}::text`;
}

/** Whether a read also counts all its rows: no, exactly, or exactly up to a cap (`count=estimated`). */
export type TotalCount = boolean | { cap: number };

/**
 * A read of `from` (a table, or a function call) as one statement: the page as JSON built by
 * Postgres, the page size and, when asked, the total count under the same filters.
 */
export function buildRead(scope: Scope, target: Target, from: string, shape: ResultShape, total: TotalCount): string {
  const opts = scope.options(target.path);
  const block = selectBlock(scope, target, scope.model.select);
  const where = whereClause(rootConditions(scope, target));
  const tail = orderSql(scope, target, opts.order) + pageSql(scope, opts.limit, opts.offset);
  scope.finish();
  let count = 'null';
  if (total === true) count = `(select count(*) from ${from}${where})`;
  else if (total !== false)
    count = `(select count(*) from (select 1 from ${from}${where} limit ${scope.params.add(total.cap)}::int8) pgrst_capped)`;
  return `select ${count}::int8 as pgrst_total, count(*)::int8 as pgrst_page, ${bodySql(shape)} as pgrst_body
from (select ${block.list} from ${from}${block.joins}${where}${tail}) pgrst_row`;
}

/**
 * `count=planned`: PostgREST's count query (the read's rows, unpaged) for EXPLAIN, whose row
 * estimate becomes the total. Built on its own Scope, so its parameters are its own.
 */
export function buildPlannedCount(scope: Scope, target: Target, from: string): string {
  return `explain (format json) select 1 from ${from}${whereClause(rootConditions(scope, target))}`;
}
