import { RestError } from './errors.ts';
import { parseRangeHeader } from './headers.ts';
import { quoteIdent } from './ident.ts';
import { checkColumns, geometryInputs, insertRows, patchObject, unionKeys } from './payload.ts';
import { parseQuery, resourceOptions, type QueryModel } from './parse/query.ts';
import { validateGeometries } from './geometry.ts';
import type { RestRequest } from './request.ts';
import { countsOf, readRange, singleObjectError, type Reply } from './respond.ts';
import type { Relation, SchemaInfo } from './schema-cache.ts';
import { buildDelete, buildInsert, buildUpdate, refusePagingOnWrite, type InsertPlan } from './sql/mutate.ts';
import { buildRead, type ResultRow, type ResultShape } from './sql/read.ts';
import { Scope, tableTarget, type Target } from './sql/scope.ts';
import { collectCasts } from './sql/select-list.ts';
import { inRequestTransaction, runMain } from './transaction.ts';

const RETRY_WITH_FRESH_SCHEMA = new Set(['42703', 'PGRST200', 'PGRST204', 'PGRST205']);

/**
 * Builds with the cached catalog; a miss (unknown table, column or relationship) reloads the
 * catalog once and builds again, so DDL since the last load is picked up without a restart.
 */
async function withSchema<T>(r: RestRequest, build: (info: SchemaInfo) => T): Promise<T> {
  try {
    return build(await r.cache.get(r.schema));
  } catch (e) {
    if (!(e instanceof RestError) || !RETRY_WITH_FRESH_SCHEMA.has(e.code ?? '')) throw e;
    return build(await r.cache.refreshIf(r.schema, () => true));
  }
}

function relationOf(info: SchemaInfo, table: string): Relation {
  const rel = info.relations.get(table);
  if (!rel) throw new RestError(404, 'PGRST205', `Could not find the table '${info.schema}.${table}' in the schema cache`);
  return rel;
}

async function prepare(r: RestRequest, info: SchemaInfo, table: string) {
  const model = parseQuery(r.url.searchParams);
  const range = r.method === 'GET' || r.method === 'HEAD' ? parseRangeHeader(r.req) : null;
  if (range) {
    const root = resourceOptions(model, '');
    root.offset ??= range.offset;
    if (range.limit !== undefined) root.limit = root.limit === undefined ? range.limit : Math.min(root.limit, range.limit);
  }
  const casts = await r.casts.resolve(collectCasts(model.select));
  const rel = relationOf(info, table);
  const scope = new Scope(info, model, casts);
  const target = tableTarget(info, table, quoteIdent(table), '');
  return { model, rel, scope, target };
}

type Prepared = Awaited<ReturnType<typeof prepare>>;

function shapeOf(r: RestRequest, body: boolean): ResultShape {
  return { rendering: r.media.rendering, stripNulls: r.media.stripNulls, body };
}

export async function handleTable(r: RestRequest, table: string): Promise<Reply> {
  const info = await r.cache.refreshIf(r.schema, (i) => !i.relations.has(table));
  relationOf(info, table);
  const prepared = await prepare(r, info, table);
  switch (r.method) {
    case 'GET':
    case 'HEAD':
      return read(r, prepared);
    case 'POST':
      return insert(r, prepared, await r.body());
    case 'PATCH':
      return update(r, prepared, await r.body());
    case 'DELETE':
      return remove(r, prepared);
    default:
      throw new RestError(405, 'PGRST101', `Unsupported HTTP method: ${r.method}`);
  }
}

function contentHeaders(r: RestRequest, range: string): Record<string, string> {
  return { 'Content-Type': r.media.contentType, 'Content-Range': range };
}

async function read(r: RestRequest, p: Prepared): Promise<Reply> {
  const withTotal = r.prefs.count !== undefined;
  const sql = await withSchema(r, (info) => {
    const fresh = info === p.scope.info ? p : { ...p, scope: new Scope(info, p.model, p.scope.casts), target: tableTarget(info, p.rel.name, p.target.alias, '') };
    return { text: buildRead(fresh.scope, fresh.target, `${quoteIdent(info.schema)}.${quoteIdent(p.rel.name)} as ${fresh.target.alias}`, shapeOf(r, r.method !== 'HEAD'), withTotal), values: fresh.scope.params.values };
  });
  const offset = p.model.resources.get('')?.offset ?? 0;
  const row = await inRequestTransaction(r.ctx.db, { caller: r.caller, req: r.req, path: r.path, schema: r.schema, readOnly: true }, (tx) => runMain(tx, sql.text, sql.values));
  return readReply(r, row, offset);
}

export function readReply(r: RestRequest, row: ResultRow, offset: number): Reply {
  const counts = countsOf(row, offset);
  const { status, range } = readRange(counts);
  if (r.media.rendering === 'object' && counts.page !== 1) throw singleObjectError(counts.page);
  return { status: r.media.rendering === 'object' ? 200 : status, headers: contentHeaders(r, range), body: r.method === 'HEAD' ? null : row.pgrst_body };
}

function rebuildScope(p: Prepared, info: SchemaInfo): { scope: Scope; target: Target; rel: Relation } {
  if (info === p.scope.info) return p;
  return { scope: new Scope(info, p.model, p.scope.casts), target: tableTarget(info, p.rel.name, p.target.alias, ''), rel: relationOf(info, p.rel.name) };
}

/** Representation wanted, or rows needed to tell inserted from updated (upsert). */
function wantsRows(r: RestRequest): boolean {
  return r.prefs.return === 'representation';
}

function insertPlan(r: RestRequest, model: QueryModel, rel: Relation, rows: Record<string, unknown>[]): InsertPlan {
  const columns = model.columns ?? unionKeys(rows);
  checkColumns(rel, columns);
  let groups: InsertPlan['groups'];
  const projected = rows.map((row) => Object.fromEntries(columns.filter((c) => Object.hasOwn(row, c)).map((c) => [c, row[c]])));
  if (model.columns && r.prefs.missing === 'default') {
    const byKeys = new Map<string, { columns: string[]; rows: Record<string, unknown>[] }>();
    for (const row of projected) {
      const keys = columns.filter((c) => Object.hasOwn(row, c));
      const id = JSON.stringify(keys);
      if (!byKeys.has(id)) byKeys.set(id, { columns: keys, rows: [] });
      byKeys.get(id)!.rows.push(row);
    }
    groups = [...byKeys.values()];
  } else {
    groups = [{ columns, rows: projected }];
  }
  let onConflict: InsertPlan['onConflict'];
  if (r.prefs.resolution) {
    const target = model.onConflict ?? rel.primaryKey;
    if (target.length === 0) throw new RestError(400, 'PGRST100', `Upsert on '${rel.name}' needs on_conflict: the table has no primary key`);
    checkColumns(rel, target);
    onConflict = { columns: target, resolution: r.prefs.resolution };
  }
  return { groups, onConflict };
}

async function insert(r: RestRequest, p: Prepared, body: unknown): Promise<Reply> {
  const rows = insertRows(body);
  const built = await withSchema(r, (info) => {
    const { scope, target, rel } = rebuildScope(p, info);
    const plan = insertPlan(r, p.model, rel, rows);
    const returnRows = wantsRows(r) || plan.onConflict !== undefined;
    const statements = buildInsert(scope, rel, target, plan, shapeOf(r, wantsRows(r)), returnRows);
    const geometry = geometryInputs(checkColumns(rel, unionKeys(plan.groups.flatMap((g) => g.rows))), plan.groups.flatMap((g) => g.rows));
    return { statements, returnRows, geometry, upsert: plan.onConflict };
  });
  return inRequestTransaction(r.ctx.db, { caller: r.caller, req: r.req, path: r.path, schema: r.schema, readOnly: false }, async (tx) => {
    await validateGeometries(tx, built.geometry);
    let affected = 0;
    let row: ResultRow | null = null;
    if (built.returnRows) {
      row = await runMain(tx, built.statements[0].sql, built.statements[0].values);
      affected = Number(row.pgrst_page);
    } else {
      for (const statement of built.statements) affected += (await tx.query(statement.sql, statement.values)).affectedRows ?? 0;
    }
    if (r.media.rendering === 'object' && affected !== 1) throw singleObjectError(affected);
    const mergedOnly = built.upsert?.resolution === 'merge-duplicates' && row !== null && affected > 0 && Number(row.pgrst_inserted) === 0;
    const headers: Record<string, string> = { 'Content-Range': `*/${r.prefs.count ? affected : '*'}` };
    if (!wantsRows(r)) return { status: mergedOnly ? 200 : 201, headers, body: null };
    return { status: mergedOnly ? 200 : 201, headers: { ...headers, 'Content-Type': r.media.contentType }, body: row!.pgrst_body };
  });
}

async function update(r: RestRequest, p: Prepared, body: unknown): Promise<Reply> {
  const patch = patchObject(body);
  const built = await withSchema(r, (info) => {
    const { scope, target, rel } = rebuildScope(p, info);
    refusePagingOnWrite(scope);
    const columns = checkColumns(rel, Object.keys(patch));
    if (columns.length === 0) return null;
    const text = buildUpdate(scope, rel, target, patch, shapeOf(r, wantsRows(r)), wantsRows(r));
    return { text, values: scope.params.values, geometry: geometryInputs(columns, [patch]) };
  });
  const emptyResult = (): Reply =>
    wantsRows(r) ? { status: 200, headers: { 'Content-Type': r.media.contentType, 'Content-Range': '*/*' }, body: r.media.rendering === 'object' ? null : '[]' } : { status: 204, headers: { 'Content-Range': '*/*' }, body: null };
  if (built === null) {
    if (r.media.rendering === 'object') throw singleObjectError(0);
    return emptyResult();
  }
  return mutateReply(r, built, 'PATCH');
}

async function remove(r: RestRequest, p: Prepared): Promise<Reply> {
  const built = await withSchema(r, (info) => {
    const { scope, target, rel } = rebuildScope(p, info);
    refusePagingOnWrite(scope);
    return { text: buildDelete(scope, rel, target, shapeOf(r, wantsRows(r)), wantsRows(r)), values: scope.params.values, geometry: [] };
  });
  return mutateReply(r, built, 'DELETE');
}

async function mutateReply(r: RestRequest, built: { text: string; values: unknown[]; geometry: ReturnType<typeof geometryInputs> }, kind: 'PATCH' | 'DELETE'): Promise<Reply> {
  return inRequestTransaction(r.ctx.db, { caller: r.caller, req: r.req, path: r.path, schema: r.schema, readOnly: false }, async (tx): Promise<Reply> => {
    await validateGeometries(tx, built.geometry);
    if (!wantsRows(r)) {
      const affected = (await tx.query(built.text, built.values)).affectedRows ?? 0;
      if (r.media.rendering === 'object' && affected !== 1) throw singleObjectError(affected);
      const total = r.prefs.count ? String(affected) : '*';
      const range = kind === 'PATCH' && affected > 0 ? `0-${affected - 1}/${total}` : `*/${total}`;
      return { status: 204, headers: { 'Content-Range': range }, body: null };
    }
    const row = await runMain(tx, built.text, built.values);
    const affected = Number(row.pgrst_page);
    if (r.media.rendering === 'object' && affected !== 1) throw singleObjectError(affected);
    const total = r.prefs.count ? String(affected) : '*';
    const range = affected > 0 ? `0-${affected - 1}/${total}` : `*/${total}`;
    return { status: 200, headers: { 'Content-Type': r.media.contentType, 'Content-Range': range }, body: row.pgrst_body };
  });
}
