import type { IncomingMessage } from 'node:http';
import type { Database, Lane, Tx } from '../db.ts';
import { ANON_ROLE, type Caller } from './auth.ts';
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

/** `app_metadata.role` values that make an `authenticated` caller staff (public.app_role()). */
const STAFF_APP_ROLES = new Set(['commander', 'dispatcher']);

/**
 * The fair queue's lane for a caller (db.ts FairQueue): the public (anon, and a signed-in account
 * without a staff role, which may read nothing more than anon) waits in its own lane, so a crowd
 * of public requests never delays a commander or dispatcher by more than one request at a time.
 */
export function laneOf(caller: Caller): Lane {
  if (caller.role === ANON_ROLE) return 'public';
  if (caller.role !== 'authenticated') return 'staff';
  const meta = caller.claims.app_metadata as { role?: unknown } | undefined;
  return typeof meta?.role === 'string' && STAFF_APP_ROLES.has(meta.role) ? 'staff' : 'public';
}

/** Postgres' units for time settings given without one in pg_db_role_setting: milliseconds. */
const TIME_UNITS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** A `statement_timeout` value as Postgres reads it ('3s', '8000', '1min'); null for 0 (no limit) or nonsense. */
export function timeoutMs(value: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(us|ms|s|min|h|d)?\s*$/.exec(value);
  if (!m) return null;
  const ms = Number(m[1]) * TIME_UNITS[m[2] ?? 'ms'];
  return ms > 0 ? Math.max(1, Math.round(ms)) : null;
}

const roleTimeouts = new WeakMap<Database, Promise<Map<string, number>>>();

/**
 * The `statement_timeout` set per role (`alter role anon set statement_timeout = '3s'`), as
 * PostgREST applies it: the role-specific settings of the impersonated role, read from
 * pg_db_role_setting (this database's over all databases'), cached until the next
 * `NOTIFY pgrst` (invalidateRoleSettings).
 */
function roleTimeout(db: Database, role: string): Promise<number | null> {
  let loading = roleTimeouts.get(db);
  if (!loading) {
    loading = db
      .query<{ role: string; value: string }>(
        `select r.rolname as role, substr(c.setting, length('statement_timeout=') + 1) as value
           from pg_db_role_setting s
           join pg_roles r on r.oid = s.setrole
           cross join lateral unnest(s.setconfig) as c(setting)
          where c.setting like 'statement\\_timeout=%'
            and (s.setdatabase = 0 or s.setdatabase = (select oid from pg_database where datname = current_database()))
          order by s.setdatabase`,
      )
      .then((r) => {
        const out = new Map<string, number>();
        for (const row of r.rows) {
          const ms = timeoutMs(row.value);
          if (ms === null) out.delete(row.role);
          else out.set(row.role, ms);
        }
        return out;
      });
    roleTimeouts.set(db, loading);
    loading.catch(() => roleTimeouts.delete(db));
  }
  return loading.then((m) => m.get(role) ?? null);
}

/** Forgets the cached role settings (after `NOTIFY pgrst` or DDL). */
export function invalidateRoleSettings(db: Database): void {
  roleTimeouts.delete(db);
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

/**
 * The role's statement_timeout goes in twice: as `set local statement_timeout` (what native
 * Postgres enforces, as under PostgREST) and as the transaction's time limit in db.ts (what PGlite,
 * which ignores statement_timeout, enforces by restarting its instance).
 */
async function runTransaction<T>(db: Database, scope: RequestScope, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const { caller, req } = scope;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  const timeout = await roleTimeout(db, caller.role);
  return db.transaction(
    async (tx) => {
      await tx.query(
        `select set_config('search_path', $1, true), set_config('role', $2, true), set_config('request.jwt.claims', $3, true),
              set_config('request.method', $4, true), set_config('request.path', $5, true),
              set_config('request.headers', $6, true), set_config('request.cookies', $7, true)${
                scope.readOnly ? `, set_config('transaction_read_only', 'on', true)` : ''
              }${timeout === null ? '' : `, set_config('statement_timeout', '${timeout}ms', true)`}`,
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
    },
    { timeoutMs: timeout ?? undefined, lane: laneOf(caller) },
  );
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
