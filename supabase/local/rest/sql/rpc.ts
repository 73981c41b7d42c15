import { RestError } from '../errors.ts';
import { qualified, quoteIdent } from '../ident.ts';
import type { DbFunction, SchemaInfo } from '../schema-cache.ts';
import { buildRead, type ResultShape } from './read.ts';
import type { Scope, Target } from './scope.ts';

export type RpcArgs = { kind: 'named'; values: Record<string, unknown> } | { kind: 'whole-body'; body: unknown };

const isJsonType = (t: string) => t === 'json' || t === 'jsonb';

/**
 * Whether the argument names given fit a function, by PostgREST's rule: every required
 * parameter named, and nothing named that is not a parameter (an unnamed parameter is named '').
 */
function fitsArguments(fn: DbFunction, given: Set<string>): boolean {
  if (fn.args.length === 0) return given.size === 0;
  const required = new Set(fn.args.filter((a) => !a.hasDefault).map((a) => a.name));
  const optional = new Set(fn.args.filter((a) => a.hasDefault).map((a) => a.name));
  const rest = [...given].filter((k) => !optional.has(k));
  return rest.length === required.size && rest.every((k) => required.has(k));
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** PostgREST's order of overloads (fewest parameters first, then comment, then parameters): the order PGRST203 lists them in. */
function compareOverloads(a: DbFunction, b: DbFunction): number {
  if (a.args.length !== b.args.length) return a.args.length - b.args.length;
  if (a.description !== b.description)
    return a.description === null ? -1 : b.description === null ? 1 : compareText(a.description, b.description);
  for (let i = 0; i < a.args.length; i++) {
    const c = compareText(a.args[i].name, b.args[i].name) || compareText(a.args[i].type, b.args[i].type);
    if (c !== 0) return c;
  }
  return 0;
}

function ambiguous(candidates: DbFunction[]): RestError {
  const list = [...candidates]
    .sort(compareOverloads)
    .map((f) => `${f.schema}.${f.name}(${f.args.map((a) => `${a.name} => ${a.type}`).join(', ')})`);
  return new RestError(
    300,
    'PGRST203',
    `Could not choose the best candidate function between: ${list.join(', ')}`,
    null,
    'Try renaming the parameters or the function itself in the database so function overloading can be resolved',
  );
}

/**
 * Finds the overload a call means, as PostgREST does: by name and the set of argument names
 * given (arguments with defaults may be left out). When none fits, a POST may go to a function
 * whose one parameter is json or jsonb. More than one candidate is 300 PGRST203. A function
 * whose one parameter is unnamed gets the whole body (`wholeBody`), as does the one json/jsonb
 * parameter under `Prefer: params=single-object`. `keys` is null when the body is not an object.
 */
export function resolveFunction(
  info: SchemaInfo,
  name: string,
  keys: string[] | null,
  isPost: boolean,
  singleObject: boolean,
): { fn: DbFunction; wholeBody: boolean } {
  const overloads = info.functions.get(name) ?? [];
  if (singleObject) {
    const single = overloads.filter((f) => f.args.length === 1 && isJsonType(f.args[0].typeName));
    if (single.length > 1) throw ambiguous(single);
    if (single.length === 1) return { fn: single[0], wholeBody: true };
    throw new RestError(
      404,
      'PGRST202',
      `Could not find the function ${info.schema}.${name} in the schema cache`,
      `Searched for the function ${info.schema}.${name} with a single json/jsonb parameter, but no matches were found in the schema cache.`,
    );
  }
  const given = new Set(keys ?? []);
  const fitting = keys === null ? [] : overloads.filter((f) => fitsArguments(f, given));
  const fallback = overloads.filter(
    (f) => !fitting.includes(f) && isPost && f.args.length === 1 && isJsonType(f.args[0].typeName),
  );
  const candidates = fitting.length > 0 ? fitting : fallback;
  if (candidates.length > 1) throw ambiguous(candidates);
  if (candidates.length === 1) {
    const fn = candidates[0];
    return { fn, wholeBody: fn.args.length === 1 && fn.args[0].name === '' };
  }
  const listed = [...given].sort().join(', ');
  const searchedArgs =
    given.size === 0 ? ' without parameters' : ` with parameter${given.size > 1 ? 's' : ''} ${listed}`;
  const searched =
    keys === null
      ? ' with a single unnamed json/jsonb parameter'
      : isPost
        ? `${searchedArgs} or with a single unnamed json/jsonb parameter`
        : searchedArgs;
  throw new RestError(
    404,
    'PGRST202',
    `Could not find the function ${info.schema}.${name}${given.size === 0 ? ' without parameters' : `(${listed})`} in the schema cache`,
    `Searched for the function ${info.schema}.${name}${searched}, but no matches were found in the schema cache.`,
  );
}

/** The call expression and any FROM items the arguments need. */
function callSql(scope: Scope, fn: DbFunction, args: RpcArgs, fromQuery: boolean): { call: string; argsFrom: string } {
  const name = qualified(fn.schema, fn.name);
  if (args.kind === 'whole-body')
    return { call: `${name}(${scope.params.add(JSON.stringify(args.body))}::${fn.args[0].typeName})`, argsFrom: '' };
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

export type RpcPlan = { kind: 'void'; sql: string } | { kind: 'value'; sql: string } | { kind: 'rows'; sql: string };

/** The statement for a function call, rendered as PostgREST does: void, scalar, object or array. */
export function buildRpc(
  scope: Scope,
  fn: DbFunction,
  args: RpcArgs,
  fromQuery: boolean,
  shape: ResultShape,
  withTotal: boolean,
): RpcPlan {
  const { call, argsFrom } = callSql(scope, fn, args, fromQuery);
  const hasQuery =
    scope.model.select.some((i) => i.kind !== 'star') ||
    [...scope.model.resources.values()].some(
      (r) => r.filters.length || r.order.length || r.limit !== undefined || r.offset !== undefined,
    );
  if (fn.returnsVoid) return { kind: 'void', sql: `select ${call} from ${argsFrom}(select 1) pgrst_one` };
  if (fn.returnColumns === null) {
    if (hasQuery)
      throw new RestError(
        400,
        'PGRST100',
        `select, filters, order and paging need a function that returns rows; ${fn.name} returns ${fn.returnType}`,
      );
    const agg = fn.returnsSet
      ? `coalesce(json_agg(pgrst_call), '[]'::json)::text`
      : `(array_agg(to_json(pgrst_call)))[1]::text`;
    const body = shape.body ? agg : 'null::text';
    return {
      kind: fn.returnsSet ? 'rows' : 'value',
      sql: `select ${withTotal ? 'count(*)' : 'null'}::int8 as pgrst_total, count(*)::int8 as pgrst_page, ${body} as pgrst_body from ${argsFrom}${call} as pgrst_call`,
    };
  }
  const target: Target = {
    label: fn.name,
    origin: fn.resultRelation,
    alias: '"pgrst_call"',
    columns: new Map(fn.returnColumns.map((c) => [c.name, c])),
    columnList: fn.returnColumns,
    path: '',
    depth: 0,
  };
  const from = `${argsFrom}${call} as pgrst_call`;
  if (fn.returnsSet) return { kind: 'rows', sql: buildRead(scope, target, from, shape, withTotal) };
  const objectShape: ResultShape = { ...shape, rendering: shape.rendering === 'geojson' ? 'geojson' : 'object' };
  return {
    kind: shape.rendering === 'object' ? 'rows' : 'value',
    sql: buildRead(scope, target, from, objectShape, withTotal),
  };
}
