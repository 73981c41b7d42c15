import { RestError, parseError } from '../errors.ts';
import type { Filter, OrderTerm, SelectItem } from './ast.ts';
import { Cursor } from './cursor.ts';
import { parseField, parseFilter, parseLogicTree, parseOrder } from './filter.ts';
import { parseSelect } from './select.ts';

/** Filters, order and paging of one resource: the root (path `''`) or an embed (`stops`, `a.b`). */
export interface ResourceOptions {
  filters: Filter[];
  order: OrderTerm[];
  limit?: number;
  offset?: number;
}

export interface QueryModel {
  select: SelectItem[];
  /** Keyed by the dotted embed path; `''` is the root resource. */
  resources: Map<string, ResourceOptions>;
  columns?: string[];
  onConflict?: string[];
  /** Query parameters taken as RPC arguments (GET /rpc/fn). */
  args: Map<string, string>;
}

const RESERVED = new Set(['select', 'columns', 'on_conflict']);
const TAILS = new Set(['order', 'limit', 'offset', 'or', 'and']);

export function resourceOptions(model: QueryModel, path: string): ResourceOptions {
  let r = model.resources.get(path);
  if (!r) {
    r = { filters: [], order: [] };
    model.resources.set(path, r);
  }
  return r;
}

/**
 * Splits a request's query string into the select list, per-resource filters / order / paging,
 * and (for functions) arguments. `isArg` says which keys are function arguments.
 */
export function parseQuery(params: URLSearchParams, isArg: (key: string) => boolean = () => false): QueryModel {
  const model: QueryModel = { select: [{ kind: 'star' }], resources: new Map(), args: new Map() };
  resourceOptions(model, '');
  for (const [key, value] of params) {
    if (key === 'select') model.select = parseSelect(value);
    else if (key === 'columns') model.columns = parseNameList(value, 'columns');
    else if (key === 'on_conflict') model.onConflict = parseNameList(value, 'on_conflict');
    else if (isArg(key)) model.args.set(key, value);
    else applyParam(model, key, value);
  }
  return model;
}

function applyParam(model: QueryModel, key: string, value: string): void {
  const segments = key.split('.');
  let tailAt = segments.length - 1;
  let negate = false;
  const last = segments[tailAt];
  if (TAILS.has(last) && !RESERVED.has(last)) {
    if ((last === 'or' || last === 'and') && segments[tailAt - 1] === 'not') {
      negate = true;
      tailAt -= 1;
    }
    const options = resourceOptions(model, segments.slice(0, tailAt).join('.'));
    if (last === 'or' || last === 'and') options.filters.push(parseLogicTree(last, negate, value));
    else if (last === 'order') options.order.push(...parseOrder(value));
    else if (last === 'limit') options.limit = parseCount(value, 'limit');
    else options.offset = parseCount(value, 'offset');
    return;
  }
  const field = parseField(last);
  resourceOptions(model, segments.slice(0, -1).join('.')).filters.push(parseFilter(field, value));
}

function parseCount(value: string, what: string): number {
  if (!/^-?\d+$/.test(value)) throw parseError(`failed to parse ${what} (${value})`, `${what} must be a whole number`);
  const n = Number(value);
  if (n < 0) {
    throw new RestError(416, 'PGRST103', 'Requested range not satisfiable', `${what} must not be negative`);
  }
  return n;
}

/** `a,b` or `"a","b"`: the `columns` and `on_conflict` lists. */
export function parseNameList(value: string, what: string): string[] {
  const c = new Cursor(value, what);
  const names: string[] = [];
  for (;;) {
    c.skipSpace();
    names.push(c.name());
    c.skipSpace();
    if (c.done) return names;
    c.expect(',');
  }
}

/** Caps the root resource's limit at `db-max-rows`, as PostgREST does for every read. */
export function capRootLimit(model: QueryModel, maxRows: number | null): void {
  if (maxRows === null) return;
  const root = resourceOptions(model, '');
  root.limit = root.limit === undefined ? maxRows : Math.min(root.limit, maxRows);
}
