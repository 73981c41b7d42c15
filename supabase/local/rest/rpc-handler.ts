import { RestError } from './errors.ts';
import { validateGeometries, type GeometryInput } from './geometry.ts';
import { capRootLimit, parseQuery } from './parse/query.ts';
import type { RestRequest } from './request.ts';
import { shouldCount } from './headers.ts';
import { maxAffectedError, readReply, type Reply } from './respond.ts';
import type { DbFunction, SchemaInfo } from './schema-cache.ts';
import { buildRpc, resolveFunction, type RpcArgs } from './sql/rpc.ts';
import { Scope } from './sql/scope.ts';
import { collectCasts } from './sql/select-list.ts';
import { inRequestTransaction, runMain } from './transaction.ts';

function geometryArgs(fn: DbFunction, args: RpcArgs): GeometryInput[] {
  if (args.kind !== 'named') return [];
  const inputs: GeometryInput[] = [];
  for (const a of fn.args) {
    const value = args.values[a.name];
    if (a.geometry && value !== null && value !== undefined)
      inputs.push({ value, target: a.geometry, label: `argument "${a.name}"` });
  }
  return inputs;
}

/** Resolves the overload; when none matches, reloads the catalog once (a function may have been redefined). */
async function resolveFresh(r: RestRequest, name: string, keys: string[] | null, isPost: boolean) {
  const attempt = (info: SchemaInfo) => ({
    ...resolveFunction(info, name, keys, isPost, r.prefs.params === 'single-object'),
    info,
  });
  try {
    return attempt(await r.cache.get(r.schema));
  } catch (e) {
    if (!(e instanceof RestError) || e.code !== 'PGRST202') throw e;
    return attempt(await r.cache.refreshIf(r.schema, () => true));
  }
}

/** `POST|GET|HEAD /rpc/fn`: named arguments from the body (or the query string), result rendered by return type. */
export async function handleRpc(r: RestRequest, name: string): Promise<Reply> {
  if (r.method !== 'GET' && r.method !== 'HEAD' && r.method !== 'POST') {
    throw new RestError(405, 'PGRST101', 'Only GET, HEAD and POST are allowed for functions');
  }
  const known = await r.cache.refreshIf(r.schema, (i) => !i.functions.has(name));
  const overloads = known.functions.get(name) ?? [];
  const fromQuery = r.method !== 'POST';
  const argNames = new Set(overloads.flatMap((f) => f.args.map((a) => a.name)));
  const model = parseQuery(r.url.searchParams, fromQuery ? (k) => argNames.has(k) : undefined);
  let args: RpcArgs;
  if (fromQuery) {
    args = { kind: 'named', values: Object.fromEntries(model.args) };
  } else {
    const body = (await r.body()) ?? {};
    const isObject = body !== null && typeof body === 'object' && !Array.isArray(body);
    args = isObject ? { kind: 'named', values: body as Record<string, unknown> } : { kind: 'whole-body', body };
  }
  const resolved = await resolveFresh(r, name, args.kind === 'named' ? Object.keys(args.values) : null, !fromQuery);
  const { fn, info } = resolved;
  if (resolved.wholeBody) args = { kind: 'whole-body', body: args.kind === 'named' ? args.values : args.body };
  // max-affected counts the rows a function returns (PostgREST 13), so it needs one returning a set.
  const maxAffected = r.prefs.handling === 'strict' ? r.prefs.maxAffected : undefined;
  if (maxAffected !== undefined && !fn.returnsSet) {
    throw new RestError(
      400,
      'PGRST128',
      'Function must return SETOF or TABLE when max-affected preference is used with handling=strict',
    );
  }
  if (fn.returnsSet && fn.returnColumns !== null) capRootLimit(model, r.maxRows);
  const casts = await r.casts.resolve(collectCasts(model.select));
  const scope = new Scope(info, model, casts);
  // A call counts exactly for count=exact and count=estimated; count=planned gives no total here.
  const withTotal = shouldCount(r.prefs);
  // postgrest-js sends a HEAD call with object arguments as POST with return=minimal.
  const wantBody = r.method !== 'HEAD' && r.prefs.return !== 'minimal';
  const plan = buildRpc(
    scope,
    fn,
    args,
    fromQuery,
    { rendering: r.media.rendering, stripNulls: r.media.stripNulls, body: wantBody },
    withTotal,
  );
  const readOnly = fromQuery || !fn.volatile;
  const offset = model.resources.get('')?.offset ?? 0;
  const rollback = r.prefs.tx === 'rollback';
  return inRequestTransaction(
    r.ctx.db,
    { caller: r.caller, req: r.req, path: r.path, schema: r.schema, readOnly, rollback },
    async (tx) => {
      await validateGeometries(tx, geometryArgs(fn, args));
      if (plan.kind === 'void') {
        await tx.query(plan.sql, scope.params.values);
        return { status: 204, headers: {}, body: null };
      }
      const row = await runMain(tx, plan.sql, scope.params.values);
      const reply: Reply =
        plan.kind === 'rows'
          ? readReply(r, row, offset)
          : {
              status: 200,
              headers: { 'Content-Type': r.media.contentType },
              body: wantBody ? (row.pgrst_body ?? 'null') : null,
            };
      // Thrown inside the transaction, so whatever the function wrote is rolled back.
      if (maxAffected !== undefined && Number(row.pgrst_page) > maxAffected)
        throw maxAffectedError(Number(row.pgrst_page));
      return reply;
    },
  );
}
