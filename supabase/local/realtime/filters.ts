/**
 * The `filter` string of a postgres_changes binding (`column=[not.]op.value`, clauses joined by
 * top-level commas for AND), compiled to a SQL predicate over the change's row image so that
 * Postgres compares values with the column's own type, as Realtime does.
 */

export type FilterOp = 'eq' | 'neq' | 'lt' | 'lte' | 'gt' | 'gte' | 'in' | 'like' | 'ilike' | 'match' | 'imatch' | 'is' | 'isdistinct';

export interface FilterClause {
  column: string;
  op: FilterOp;
  negate: boolean;
  /** One value; `in` has a list; `is` has null | true | false | unknown. */
  values: string[];
}

export class FilterSyntaxError extends Error {}

const OPS = new Set<FilterOp>(['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'in', 'like', 'ilike', 'match', 'imatch', 'is', 'isdistinct']);
const MAX_IN_VALUES = 100;

/** Splits on commas outside double quotes and parentheses. */
function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quoted) {
      cur += ch;
      if (ch === '\\' && i + 1 < s.length) cur += s[++i];
      else if (ch === '"') quoted = false;
      continue;
    }
    if (ch === '"') quoted = true;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  if (quoted || depth !== 0) throw new FilterSyntaxError(`unbalanced quotes or parentheses in ${JSON.stringify(s)}`);
  parts.push(cur);
  return parts;
}

function unquote(v: string): string {
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) return v.slice(1, -1).replace(/\\(.)/g, '$1');
  return v;
}

export function parseFilter(filter: string): FilterClause[] {
  return splitTopLevel(filter).map((part) => {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new FilterSyntaxError(`expected column=op.value, got ${JSON.stringify(part)}`);
    const column = part.slice(0, eq).trim();
    let rest = part.slice(eq + 1);
    let negate = false;
    if (rest.startsWith('not.')) {
      negate = true;
      rest = rest.slice(4);
    }
    const dot = rest.indexOf('.');
    const op = (dot < 0 ? rest : rest.slice(0, dot)) as FilterOp;
    if (!OPS.has(op) || dot < 0) throw new FilterSyntaxError(`unknown operator in ${JSON.stringify(part)}`);
    const raw = rest.slice(dot + 1);
    if (op === 'in') {
      if (!raw.startsWith('(') || !raw.endsWith(')')) throw new FilterSyntaxError(`in needs a parenthesised list: ${JSON.stringify(part)}`);
      const inner = raw.slice(1, -1);
      const values = inner === '' ? [] : splitTopLevel(inner).map((v) => unquote(v.trim()));
      if (values.length > MAX_IN_VALUES) throw new FilterSyntaxError(`in accepts at most ${MAX_IN_VALUES} values`);
      return { column, op, negate, values };
    }
    if (op === 'is' && !['null', 'true', 'false', 'unknown'].includes(raw.toLowerCase())) {
      throw new FilterSyntaxError(`is accepts null, true, false or unknown: ${JSON.stringify(part)}`);
    }
    return { column, op, negate, values: [unquote(raw)] };
  });
}

const COMPARE: Partial<Record<FilterOp, string>> = { eq: '=', neq: '<>', lt: '<', lte: '<=', gt: '>', gte: '>=', match: '~', imatch: '~*' };

/** A compiled predicate over `r` (the row image as jsonb); `$n` placeholders start at `first`. */
export interface CompiledFilter {
  sql: string;
  params: unknown[];
  columns: string[];
}

/**
 * `typeOf(column)` gives the column's SQL type (format_type), or undefined when the table has no
 * such column (then the filter can never match: fail closed).
 */
export function compileFilter(clauses: FilterClause[], typeOf: (column: string) => string | undefined, first: number): CompiledFilter {
  const params: unknown[] = [];
  const param = (v: unknown) => {
    params.push(v);
    return `$${first + params.length - 1}`;
  };
  const parts = clauses.map((c) => {
    const type = typeOf(c.column);
    if (!type) return 'false';
    const col = `(r->>${literal(c.column)})::${type}`;
    let p: string;
    switch (c.op) {
      case 'in':
        p = `${col} = any ((${param(c.values)}::text[])::${type}[])`;
        break;
      case 'like':
        p = `(r->>${literal(c.column)}) like ${param(c.values[0])}`;
        break;
      case 'ilike':
        p = `(r->>${literal(c.column)}) ilike ${param(c.values[0])}`;
        break;
      case 'match':
      case 'imatch':
        p = `(r->>${literal(c.column)}) ${COMPARE[c.op]} ${param(c.values[0])}`;
        break;
      case 'is':
        p = `${col} is ${c.values[0].toLowerCase()}`;
        break;
      case 'isdistinct':
        p = `${col} is distinct from ${param(c.values[0])}::${type}`;
        break;
      default:
        p = `${col} ${COMPARE[c.op]} ${param(c.values[0])}::${type}`;
    }
    // A column absent from the image (a DELETE's primary-key-only old row) never matches.
    const present = `r ? ${literal(c.column)}`;
    return `(${present} and coalesce(${c.negate ? `not (${p})` : p}, false))`;
  });
  return { sql: parts.length ? parts.join(' and ') : 'true', params, columns: clauses.map((c) => c.column) };
}

function literal(s: string): string {
  return "'" + s.replace(/'/g, "''") + "'";
}
