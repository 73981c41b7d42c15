import type { Condition, Filter, OrderTerm } from '../parse/ast.ts';
import type { Scope, Target } from './scope.ts';

// nxr is "does not extend to the right of" (&<), nxl "does not extend to the left of" (&>).
const COMPARE: Record<string, string> = {
  eq: '=',
  neq: '<>',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
  like: 'like',
  ilike: 'ilike',
  match: '~',
  imatch: '~*',
  cs: '@>',
  cd: '<@',
  ov: '&&',
  sl: '<<',
  sr: '>>',
  nxr: '&<',
  nxl: '&>',
  adj: '-|-',
};

const TSQUERY: Record<string, string> = {
  fts: 'to_tsquery',
  plfts: 'plainto_tsquery',
  phfts: 'phraseto_tsquery',
  wfts: 'websearch_to_tsquery',
};

/** A Postgres array literal of text elements, every element quoted, for `= any($n)`. */
export function arrayLiteral(items: string[]): string {
  return `{${items.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

export function filterSql(scope: Scope, target: Target, filter: Filter): string {
  if (filter.kind === 'cond') return conditionSql(scope, target, filter);
  const parts = filter.children.map((c) => filterSql(scope, target, c));
  const joined = `(${parts.join(filter.kind === 'and' ? ' and ' : ' or ')})`;
  return filter.negate ? `not ${joined}` : joined;
}

function conditionSql(scope: Scope, target: Target, cond: Condition): string {
  const { sql: expr, column } = scope.fieldSql(target, cond.field);
  const p = (v: unknown) => scope.params.add(v);
  let sql: string;
  switch (cond.op) {
    case 'is': {
      const v = cond.value.toLowerCase();
      sql = v === 'not_null' ? `${expr} is not null` : `${expr} is ${v}`;
      break;
    }
    case 'isdistinct':
      sql = `${expr} is distinct from ${p(cond.value)}`;
      break;
    case 'in':
      sql = `${expr} = any(${p(arrayLiteral(cond.list ?? []))})`;
      break;
    case 'fts':
    case 'plfts':
    case 'phfts':
    case 'wfts': {
      const config = cond.config === undefined ? '' : `${p(cond.config)}::regconfig, `;
      const doc =
        column.typeName === 'tsvector' && cond.field.json.length === 0 ? expr : `to_tsvector(${config}${expr})`;
      sql = `${doc} @@ ${TSQUERY[cond.op]}(${config}${p(cond.value)})`;
      break;
    }
    default: {
      const op = COMPARE[cond.op];
      const value = cond.op === 'like' || cond.op === 'ilike' ? cond.value.replace(/\*/g, '%') : cond.value;
      sql = cond.quantifier ? `${expr} ${op} ${cond.quantifier}(${p(value)})` : `${expr} ${op} ${p(value)}`;
    }
  }
  return cond.negate ? `not (${sql})` : sql;
}

export function orderSql(scope: Scope, target: Target, terms: OrderTerm[]): string {
  if (terms.length === 0) return '';
  const parts = terms.map((t) => {
    const { sql } = scope.fieldSql(target, t.field);
    return `${sql} ${t.desc ? 'desc' : 'asc'}${t.nulls ? ` nulls ${t.nulls}` : ''}`;
  });
  return ` order by ${parts.join(', ')}`;
}

export function pageSql(scope: Scope, limit: number | undefined, offset: number | undefined): string {
  let sql = '';
  if (limit !== undefined) sql += ` limit ${scope.params.add(limit)}::int8`;
  if (offset !== undefined && offset > 0) sql += ` offset ${scope.params.add(offset)}::int8`;
  return sql;
}
