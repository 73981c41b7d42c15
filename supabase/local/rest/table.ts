import { RestError } from './errors.ts';
import { validateGeometries, type GeometryInput } from './geometry.ts';
import { parseRangeHeader, shouldCount } from './headers.ts';
import { qualified, quoteIdent } from './ident.ts';
import { checkColumns, geometryInputs, insertRows, patchObject, unionKeys } from './payload.ts';
import { capRootLimit, parseQuery, resourceOptions, type QueryModel } from './parse/query.ts';
import type { RestRequest } from './request.ts';
import { maxAffectedError, readReply, singleObjectError, type Reply } from './respond.ts';
import type { Relation, SchemaInfo } from './schema-cache.ts';
import { buildDelete, buildInsert, buildUpdate, refusePagingOnWrite, type InsertPlan } from './sql/mutate.ts';
import { buildPlannedCount, buildRead, type ResultRow, type ResultShape, type TotalCount } from './sql/read.ts';
import { Scope, tableTarget, type Target } from './sql/scope.ts';
import { collectCasts } from './sql/select-list.ts';
import { inRequestTransaction, plannedRows, runMain } from './transaction.ts';

const RETRY_WITH_FRESH_SCHEMA = new Set(['42703', 'PGRST200', 'PGRST204', 'PGRST205']);

/** One statement build against one catalog snapshot: a fresh Scope (parameters, aliases) each time. */
interface Build {
  info: SchemaInfo;
  rel: Relation;
  scope: Scope;
  target: Target;
}

/**
 * Builds with the cached catalog; a miss (unknown table, column or relationship) reloads the
 * catalog and builds again from scratch, so DDL since the last load is picked up.
 */
async function withSchema<T>(
  r: RestRequest,
  table: string,
  model: QueryModel,
  casts: Map<string, string>,
  build: (b: Build) => T,
): Promise<T> {
  const start = (info: SchemaInfo): T => {
    const rel = relationOf(info, table);
    return build({
      info,
      rel,
      scope: new Scope(info, model, casts),
      target: tableTarget(info, table, quoteIdent(table), ''),
    });
  };
  try {
    return start(await r.cache.get(r.schema));
  } catch (e) {
    if (!(e instanceof RestError) || !RETRY_WITH_FRESH_SCHEMA.has(e.code ?? '')) throw e;
    return start(await r.cache.refreshIf(r.schema, () => true));
  }
}

function relationOf(info: SchemaInfo, table: string): Relation {
  const rel = info.relations.get(table);
  if (!rel)
    throw new RestError(404, 'PGRST205', `Could not find the table '${info.schema}.${table}' in the schema cache`);
  return rel;
}

function shapeOf(r: RestRequest, body: boolean): ResultShape {
  return { rendering: r.media.rendering, stripNulls: r.media.stripNulls, body };
}

const writeScope = (r: RestRequest) => ({
  caller: r.caller,
  req: r.req,
  path: r.path,
  schema: r.schema,
  readOnly: false,
  rollback: r.prefs.tx === 'rollback',
});

/** `/rest/v1/<table>`: GET / HEAD read, POST insert or upsert, PATCH update, DELETE. */
export async function handleTable(r: RestRequest, table: string): Promise<Reply> {
  relationOf(await r.cache.refreshIf(r.schema, (i) => !i.relations.has(table)), table);
  const model = parseQuery(r.url.searchParams);
  const casts = await r.casts.resolve(collectCasts(model.select));
  const run = <T>(build: (b: Build) => T) => withSchema(r, table, model, casts, build);
  switch (r.method) {
    case 'GET':
    case 'HEAD':
      return read(r, model, run);
    case 'POST':
      return insert(r, model, await r.body(), run);
    case 'PATCH':
      return update(r, await r.body(), run);
    case 'DELETE':
      return remove(r, run);
    default:
      throw new RestError(405, 'PGRST101', `Unsupported HTTP method: ${r.method}`);
  }
}

type Runner = <T>(build: (b: Build) => T) => Promise<T>;

async function read(r: RestRequest, model: QueryModel, run: Runner): Promise<Reply> {
  const range = parseRangeHeader(r.req);
  const root = resourceOptions(model, '');
  if (range) {
    root.offset ??= range.offset;
    if (range.limit !== undefined)
      root.limit = root.limit === undefined ? range.limit : Math.min(root.limit, range.limit);
  }
  capRootLimit(model, r.maxRows);
  const { count } = r.prefs;
  // count=estimated counts exactly up to db-max-rows (one more shows it was passed), then takes the
  // planner's estimate if larger; with no db-max-rows PostgREST always compares the two.
  const total: TotalCount =
    count === 'exact' || (count === 'estimated' && r.maxRows === null)
      ? true
      : count === 'estimated'
        ? { cap: r.maxRows! + 1 }
        : false;
  const built = await run(({ info, rel, scope, target }) => {
    const from = `${qualified(info.schema, rel.name)} as ${target.alias}`;
    const main = {
      sql: buildRead(scope, target, from, shapeOf(r, r.method !== 'HEAD'), total),
      values: scope.params.values,
    };
    if (count !== 'planned' && count !== 'estimated') return { main, planned: null };
    const countScope = new Scope(info, scope.model, scope.casts);
    return { main, planned: { sql: buildPlannedCount(countScope, target, from), values: countScope.params.values } };
  });
  const row = await inRequestTransaction(r.ctx.db, { ...writeScope(r), readOnly: true }, async (tx) => {
    const row = await runMain(tx, built.main.sql, built.main.values);
    const exact = row.pgrst_total === null ? null : Number(row.pgrst_total);
    if (built.planned && (count === 'planned' || r.maxRows === null || (exact !== null && exact > r.maxRows))) {
      const estimate = await plannedRows(tx, built.planned.sql, built.planned.values);
      row.pgrst_total = count === 'planned' || exact === null ? estimate : Math.max(exact, estimate ?? 0);
    }
    return row;
  });
  return readReply(r, row, root.offset ?? 0);
}

const wantsRows = (r: RestRequest) => r.prefs.return === 'representation';

/**
 * The rows to insert, grouped by the columns they set. Without `columns` a single object sets
 * its own keys (omitted columns get their DEFAULT); with `columns` a missing key is NULL unless
 * `Prefer: missing=default`, which groups rows by the keys they have so DEFAULT applies.
 */
function insertPlan(r: RestRequest, model: QueryModel, rel: Relation, rows: Record<string, unknown>[]): InsertPlan {
  const columns = model.columns ?? unionKeys(rows);
  checkColumns(rel, columns);
  const projected = rows.map((row) =>
    Object.fromEntries(columns.filter((c) => Object.hasOwn(row, c)).map((c) => [c, row[c]])),
  );
  let groups: InsertPlan['groups'] = [{ columns, rows: projected }];
  if (model.columns && r.prefs.missing === 'default') {
    const byKeys = new Map<string, InsertPlan['groups'][number]>();
    for (const row of projected) {
      const keys = columns.filter((c) => Object.hasOwn(row, c));
      const id = JSON.stringify(keys);
      if (!byKeys.has(id)) byKeys.set(id, { columns: keys, rows: [] });
      byKeys.get(id)!.rows.push(row);
    }
    groups = [...byKeys.values()];
  }
  if (!r.prefs.resolution) return { columns, groups };
  const conflict = model.onConflict ?? rel.primaryKey;
  if (conflict.length === 0)
    throw new RestError(400, 'PGRST100', `Upsert on '${rel.name}' needs on_conflict: the table has no primary key`);
  checkColumns(rel, conflict);
  return { columns, groups, onConflict: { columns: conflict, resolution: r.prefs.resolution } };
}

async function insert(r: RestRequest, model: QueryModel, body: unknown, run: Runner): Promise<Reply> {
  const rows = insertRows(body);
  const built = await run(({ rel, scope, target }) => {
    const plan = insertPlan(r, model, rel, rows);
    // An upsert returns its rows (to the CTE only) to tell an insert from an update.
    const returnRows = wantsRows(r) || plan.onConflict !== undefined;
    const planned = plan.groups.flatMap((g) => g.rows);
    return {
      statements: buildInsert(scope, rel, target, plan, shapeOf(r, wantsRows(r)), returnRows),
      returnRows,
      geometry: geometryInputs(checkColumns(rel, unionKeys(planned)), planned),
      merge: plan.onConflict?.resolution === 'merge-duplicates',
    };
  });
  return inRequestTransaction(r.ctx.db, writeScope(r), async (tx): Promise<Reply> => {
    await validateGeometries(tx, built.geometry);
    let affected = 0;
    let row: ResultRow | null = null;
    if (built.returnRows) {
      row = await runMain(tx, built.statements[0].sql, built.statements[0].values);
      affected = Number(row.pgrst_page);
    } else {
      for (const s of built.statements) affected += (await tx.query(s.sql, s.values)).affectedRows ?? 0;
    }
    if (r.media.rendering === 'object' && affected !== 1) throw singleObjectError(affected);
    const updatedOnly = built.merge && row !== null && affected > 0 && Number(row.pgrst_inserted) === 0;
    const status = updatedOnly ? 200 : 201;
    const headers: Record<string, string> = { 'Content-Range': `*/${shouldCount(r.prefs) ? affected : '*'}` };
    if (!wantsRows(r)) return { status, headers, body: null };
    return { status, headers: { ...headers, 'Content-Type': r.media.contentType }, body: row!.pgrst_body };
  });
}

interface Mutation {
  sql: string;
  values: unknown[];
  geometry: GeometryInput[];
}

async function update(r: RestRequest, body: unknown, run: Runner): Promise<Reply> {
  const patch = patchObject(body);
  const built = await run(({ rel, scope, target }): Mutation | null => {
    refusePagingOnWrite(scope);
    const columns = checkColumns(rel, Object.keys(patch));
    if (columns.length === 0) return null;
    const sql = buildUpdate(scope, rel, target, patch, shapeOf(r, wantsRows(r)), wantsRows(r));
    return { sql, values: scope.params.values, geometry: geometryInputs(columns, [patch]) };
  });
  if (built !== null) return mutationReply(r, built, 'PATCH');
  // PostgREST answers an empty patch without touching the table.
  if (r.media.rendering === 'object') throw singleObjectError(0);
  if (!wantsRows(r)) return { status: 204, headers: { 'Content-Range': '*/*' }, body: null };
  return { status: 200, headers: { 'Content-Type': r.media.contentType, 'Content-Range': '*/*' }, body: '[]' };
}

async function remove(r: RestRequest, run: Runner): Promise<Reply> {
  const built = await run(({ rel, scope, target }): Mutation => {
    refusePagingOnWrite(scope);
    return {
      sql: buildDelete(scope, rel, target, shapeOf(r, wantsRows(r)), wantsRows(r)),
      values: scope.params.values,
      geometry: [],
    };
  });
  return mutationReply(r, built, 'DELETE');
}

/** Runs a PATCH / DELETE; a single-object request that affects other than one row is rolled back. */
function mutationReply(r: RestRequest, built: Mutation, kind: 'PATCH' | 'DELETE'): Promise<Reply> {
  return inRequestTransaction(r.ctx.db, writeScope(r), async (tx): Promise<Reply> => {
    await validateGeometries(tx, built.geometry);
    let affected: number;
    let body: string | null = null;
    if (wantsRows(r)) {
      const row = await runMain(tx, built.sql, built.values);
      affected = Number(row.pgrst_page);
      body = row.pgrst_body;
    } else {
      affected = (await tx.query(built.sql, built.values)).affectedRows ?? 0;
    }
    if (r.media.rendering === 'object' && affected !== 1) throw singleObjectError(affected);
    if (r.prefs.handling === 'strict' && r.prefs.maxAffected !== undefined && affected > r.prefs.maxAffected) {
      throw maxAffectedError(affected);
    }
    const total = shouldCount(r.prefs) ? String(affected) : '*';
    const range = (kind === 'PATCH' || wantsRows(r)) && affected > 0 ? `0-${affected - 1}/${total}` : `*/${total}`;
    if (!wantsRows(r)) return { status: 204, headers: { 'Content-Range': range }, body: null };
    return { status: 200, headers: { 'Content-Type': r.media.contentType, 'Content-Range': range }, body };
  });
}
