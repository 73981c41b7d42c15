import type { IncomingMessage } from 'node:http';
import type { Database, Tx } from '../db.ts';
import type { Caller } from './auth.ts';
import { RestError } from './errors.ts';
import { quoteIdent } from './ident.ts';
import type { ResultRow } from './sql/read.ts';

export interface RequestScope {
  caller: Caller;
  req: IncomingMessage;
  /** The path as PostgREST sees it, e.g. `/todos` (`/rest/v1` stripped). */
  path: string;
  schema: string;
  readOnly: boolean;
  /** `Prefer: tx=rollback`: answer as usual, then roll everything back. */
  rollback?: boolean;
}

/** Carries a finished answer out of a transaction that must not commit. */
class RollbackWith<T> extends Error {
  constructor(readonly result: T) {
    super('rolled back on request');
  }
}

function cookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}

/**
 * Runs fn in one transaction under the caller's role with PostgREST's transaction-local settings,
 * all set by one statement before anything else; GET/HEAD (and non-volatile RPC) run read only.
 * Throwing inside fn rolls everything back.
 */
export async function inRequestTransaction<T>(
  db: Database,
  scope: RequestScope,
  fn: (tx: Tx) => Promise<T>,
): Promise<T> {
  if (!scope.rollback) return runTransaction(db, scope, fn);
  try {
    await runTransaction(db, scope, async (tx) => {
      throw new RollbackWith(await fn(tx));
    });
  } catch (e) {
    if (e instanceof RollbackWith) return e.result as T;
    throw e;
  }
  throw new Error('unreachable: a rolled-back transaction always throws');
}

function runTransaction<T>(db: Database, scope: RequestScope, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const { caller, req } = scope;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return db.transaction(async (tx) => {
    await tx.query(
      `select set_config('search_path', $1, true), set_config('role', $2, true), set_config('request.jwt.claims', $3, true),
              set_config('request.method', $4, true), set_config('request.path', $5, true),
              set_config('request.headers', $6, true), set_config('request.cookies', $7, true)${
                scope.readOnly ? `, set_config('transaction_read_only', 'on', true)` : ''
              }`,
      [
        `${quoteIdent(scope.schema)}, extensions`,
        caller.role,
        JSON.stringify(caller.claims),
        req.method ?? 'GET',
        scope.path,
        JSON.stringify(headers),
        JSON.stringify(cookies(req.headers.cookie)),
      ],
    );
    return fn(tx);
  });
}

/**
 * Runs the main statement. A statement that comes back without any result columns is an error:
 * PGlite's PostGIS returns exactly that (no rows, no fields, no error) for some invalid geometry.
 */
export async function runMain(tx: Tx, sql: string, values: unknown[]): Promise<ResultRow> {
  const r = await tx.query<ResultRow>(sql, values);
  if (r.fields.length === 0 || r.rows.length !== 1) {
    throw new RestError(
      500,
      'XX000',
      'The database returned no result for the statement',
      'The statement produced no result columns; nothing was written.',
    );
  }
  return r.rows[0];
}

/** The planner's row estimate of an `explain (format json)` statement (`count=planned`); null when it gives none. */
export async function plannedRows(tx: Tx, sql: string, values: unknown[]): Promise<number | null> {
  const r = await tx.query<Record<string, unknown>>(sql, values);
  const raw = r.rows[0]?.['QUERY PLAN'];
  const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan?: { 'Plan Rows'?: number } }[] | undefined;
  const rows = plan?.[0]?.Plan?.['Plan Rows'];
  return typeof rows === 'number' ? rows : null;
}
