import { RestError } from '../errors.ts';
import { qualified, quoteIdent } from '../ident.ts';
import type { DbFunction, SchemaInfo } from '../schema-cache.ts';
import { buildRead, type ResultShape } from './read.ts';
import type { Scope, Target } from './scope.ts';

export type RpcArgs = { kind: 'named'; values: Record<string, unknown> } | { kind: 'whole-body'; body: unknown };

const isJsonType = (t: string) => t === 'json' || t === 'jsonb';

/**
 * Finds the overload a call means: by name and the set of argument names given (arguments with
 * defaults may be left out); a function with one unnamed json/jsonb parameter takes the whole
 * body. `keys` is null when the body is not an object (only such a function can take it).
 */
export function resolveFunction(info: SchemaInfo, name: string, keys: string[] | null, wholeBodyAllowed: boolean): { fn: DbFunction; wholeBody: boolean } {
  const overloads = info.functions.get(name) ?? [];
  const given = new Set(keys ?? []);
  const named = keys === null ? [] : overloads.filter(
    (f) =>
      f.args.every((a) => a.name !== '' && (a.hasDefault || given.has(a.name))) &&
      keys.every((k) => f.args.some((a) => a.name === k)),
  );
  if (named.length === 1) return { fn: named[0], wholeBody: false };
  if (named.length > 1) {
    throw new RestError(
      300,
      'PGRST203',
      `Could not choose the best candidate function between: ${named.map((f) => `${f.schema}.${f.name}(${f.args.map((a) => `${a.name} => ${a.type}`).join(', ')})`).join(', ')}`,
      null,
      'Try renaming the parameters or the function itself in the database so function overloading can be resolved',
    );
  }
  if (wholeBodyAllowed) {
    const single = overloads.filter((f) => f.args.length === 1 && f.args[0].name === '' && isJsonType(f.args[0].typeName));
    if (single.length === 1) return { fn: single[0], wholeBody: true };
  }
  const listed = [...given].sort().join(', ');
  const searched = keys === null ? ' with a single unnamed json or jsonb parameter' : keys.length ? ` with parameters ${listed}` : ' without parameters';
  throw new RestError(
    404,
    'PGRST202',
    `Could not find the function ${info.schema}.${name}(${listed}) in the schema cache`,
    `Searched for the function ${info.schema}.${name}${searched}, but no matches were found in the schema cache.`,
  );
}

/** The call expression and any FROM items the arguments need. */
function callSql(scope: Scope, fn: DbFunction, args: RpcArgs, fromQuery: boolean): { call: string; argsFrom: string } {
  const name = qualified(fn.schema, fn.name);
  if (args.kind === 'whole-body') return { call: `${name}(${scope.params.add(JSON.stringify(args.body))}::${fn.args[0].typeName})`, argsFrom: '' };
  const used = fn.args.filter((a) => Object.hasOwn(args.values, a.name));
  if (used.length === 0) return { call: `${name}()`, argsFrom: '' };
  if (fromQuery) {
    const list = used.map((a) => `${quoteIdent(a.name)} := ${scope.params.add(args.values[a.name])}::${a.type}`);
    return { call: `${name}(${list.join(', ')})`, argsFrom: '' };
  }
  // json_to_record converts every JSON value (arrays and objects included) with the parameter's own type.
  const values = Object.fromEntries(used.map((a) => [a.name, args.values[a.name]]));
  const defs = used.map((a) => `${quoteIdent(a.name)} ${a.type}`).join(', ');
  const argsFrom = `json_to_record(${scope.params.add(JSON.stringify(values))}::json) as pgrst_args(${defs}), `;
  const list = used.map((a) => `${quoteIdent(a.name)} := pgrst_args.${quoteIdent(a.name)}`);
  return { call: `${name}(${list.join(', ')})`, argsFrom };
}

export type RpcPlan =
  | { kind: 'void'; sql: string }
  | { kind: 'value'; sql: string }
  | { kind: 'rows'; sql: string };

/** The statement for a function call, rendered as PostgREST does: void, scalar, object or array. */
export function buildRpc(scope: Scope, fn: DbFunction, args: RpcArgs, fromQuery: boolean, shape: ResultShape, withTotal: boolean): RpcPlan {
  const { call, argsFrom } = callSql(scope, fn, args, fromQuery);
  const hasQuery = scope.model.select.some((i) => i.kind !== 'star') || [...scope.model.resources.values()].some((r) => r.filters.length || r.order.length || r.limit !== undefined || r.offset !== undefined);
  if (fn.returnsVoid) return { kind: 'void', sql: `select ${call} from ${argsFrom}(select 1) pgrst_one` };
  if (fn.returnColumns === null) {
    if (hasQuery) throw new RestError(400, 'PGRST100', `select, filters, order and paging need a function that returns rows; ${fn.name} returns ${fn.returnType}`);
    const agg = fn.returnsSet ? `coalesce(json_agg(pgrst_call), '[]'::json)::text` : `(array_agg(to_json(pgrst_call)))[1]::text`;
    const body = shape.body ? agg : 'null::text';
    return { kind: fn.returnsSet ? 'rows' : 'value', sql: `select ${withTotal ? 'count(*)' : 'null'}::int8 as pgrst_total, count(*)::int8 as pgrst_page, ${body} as pgrst_body from ${argsFrom}${call} as pgrst_call` };
  }
  const target: Target = {
    label: fn.name,
    table: null,
    alias: '"pgrst_call"',
    columns: new Map(fn.returnColumns.map((c) => [c.name, c])),
    columnList: fn.returnColumns,
    path: '',
  };
  const from = `${argsFrom}${call} as pgrst_call`;
  if (fn.returnsSet) return { kind: 'rows', sql: buildRead(scope, target, from, shape, withTotal) };
  const objectShape: ResultShape = { ...shape, rendering: shape.rendering === 'geojson' ? 'geojson' : 'object' };
  return { kind: shape.rendering === 'object' ? 'rows' : 'value', sql: buildRead(scope, target, from, objectShape, withTotal) };
}
