import type { Rendering } from '../headers.ts';
import type { Scope, Target } from './scope.ts';
import { resourceConditions, selectListSql } from './select-list.ts';
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
  if (shape.rendering === 'object') return `case when count(*) = 1 then ${strip('(json_agg(pgrst_row) -> 0)')}::text end`;
  if (shape.rendering === 'geojson') {
    return `json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(st_asgeojson(pgrst_row)::json), '[]'::json))::text`;
  }
  return `${strip(`coalesce(json_agg(pgrst_row), '[]'::json)`)}::text`;
}

/**
 * A read of `from` (a table, or a function call) as one statement: the page as JSON built by
 * Postgres, the page size and, when asked, the total count under the same filters.
 */
export function buildRead(scope: Scope, target: Target, from: string, shape: ResultShape, withTotal: boolean): string {
  const opts = scope.options(target.path);
  const columns = selectListSql(scope, target, scope.model.select);
  const where = whereClause(rootConditions(scope, target));
  const tail = orderSql(scope, target, opts.order) + pageSql(scope, opts.limit, opts.offset);
  scope.checkAllResourcesUsed();
  const total = withTotal ? `(select count(*) from ${from}${where})` : 'null';
  const list = columns.length > 0 ? columns.join(', ') : '';
  return `select ${total}::int8 as pgrst_total, count(*)::int8 as pgrst_page, ${bodySql(shape)} as pgrst_body
from (select ${list} from ${from}${where}${tail}) pgrst_row`;
}
