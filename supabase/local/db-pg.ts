import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import {
  ConnectionBusyError,
  DatabaseUnavailableError,
  FairQueue,
  type Database,
  type Lane,
  type SqlResult,
  type TransactionOptions,
  type Tx,
} from './db.ts';

export interface PgDatabaseOptions {
  /** Longest a single statement may run (Postgres' statement_timeout); default 30 s. */
  statementTimeoutMs?: number;
  /** Pooled connections for queries and transactions (LISTEN has one more of its own); default 10. */
  maxConnections?: number;
  log?: (msg: string, e?: unknown) => void;
}

/** The database as openPgDatabase returns it. */
export interface PgDatabase extends Database {
  /** Statement time limit, applied to each connection before its next use. Adjustable at run time. */
  statementTimeoutMs: number;
  /** Whether this open applied bootstrap.sql (a plain Postgres without Supabase's objects). */
  readonly bootstrapped: boolean;
  /** Whether the `auth` schema is GoTrue's (hosted Supabase or the Supabase CLI), not the local stack's. */
  readonly gotrueAuth: boolean;
  /** Requests waiting for a pooled connection, per lane (db.ts FairQueue). */
  readonly waiting: Record<Lane, number>;
}

const bootstrapSql = readFileSync(fileURLToPath(new URL('./bootstrap.sql', import.meta.url)), 'utf8');

/**
 * Opens a native PostgreSQL + PostGIS database (a connection URL) behind the same `Database`
 * interface as the PGlite one in db.ts: pooled connections, a transaction on one pooled
 * connection, LISTEN on a dedicated connection that re-subscribes after a reconnect, and the
 * statement time limit as Postgres' own statement_timeout.
 *
 * A database without Supabase's objects (no `auth` schema) gets bootstrap.sql first, which needs a
 * superuser; a Supabase project has them and is never bootstrapped.
 *
 * Values come back as PGlite returns them (int8 as a number when it is safe, dates as Date,
 * json parsed, arrays of every type as arrays), so code written against one backend reads the
 * other the same way.
 */
export async function openPgDatabase(url: string, opts: PgDatabaseOptions = {}): Promise<PgDatabase> {
  const db = new PoolDatabase(url, opts);
  try {
    await db.open();
  } catch (e) {
    await db.close().catch(() => {});
    throw e;
  }
  return db;
}

/** What a URL names without its password, for messages and logs. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable database URL)';
  }
}

type Parser = (text: string) => unknown;

/** PGlite's parsers (its `types.ts`): every other scalar type stays text. */
const SCALAR_PARSERS: Record<number, Parser> = {
  16: (v) => v === 't',
  20: (v) => {
    const n = BigInt(v);
    return n < BigInt(Number.MIN_SAFE_INTEGER) || n > BigInt(Number.MAX_SAFE_INTEGER) ? n : Number(n);
  },
  21: Number,
  23: Number,
  26: Number,
  700: Number,
  701: Number,
  114: JSON.parse,
  3802: JSON.parse,
  1082: (v) => new Date(v),
  1114: (v) => new Date(v),
  1184: (v) => new Date(v),
  17: pg.types.getTypeParser(17, 'text') as Parser,
};

/** Postgres' array output: `{a,"b c",NULL,{1,2}}`, optionally prefixed with bounds `[0:1]=`. */
export function parseArray(text: string, element: Parser): unknown {
  let i = text[0] === '[' ? text.indexOf('=') + 1 : 0;
  const list = (): unknown[] => {
    const out: unknown[] = [];
    i++;
    if (text[i] === '}') {
      i++;
      return out;
    }
    for (;;) {
      if (text[i] === '{') out.push(list());
      else if (text[i] === '"') {
        let s = '';
        for (i++; text[i] !== '"'; i++) s += text[i] === '\\' ? text[++i] : text[i];
        i++;
        out.push(element(s));
      } else {
        const start = i;
        while (text[i] !== ',' && text[i] !== '}') i++;
        const raw = text.slice(start, i);
        out.push(raw === 'NULL' ? null : element(raw));
      }
      if (text[i++] === '}') return out;
    }
  };
  return list();
}

const identity: Parser = (v) => v;
const COUNTED_COMMANDS = new Set(['INSERT', 'UPDATE', 'DELETE', 'COPY', 'MERGE']);
const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Failures of the connection itself (not of a statement) read as in db.ts. */
function asDatabaseError(e: unknown): unknown {
  if (e instanceof pg.DatabaseError || e instanceof DatabaseUnavailableError || e instanceof ConnectionBusyError)
    return e;
  const message = (e as Error)?.message ?? String(e);
  const code = (e as { code?: unknown })?.code;
  const lost =
    (typeof code === 'string' && /^E[A-Z]+$/.test(code)) ||
    /Connection terminated|not queryable|Client has encountered a connection error|Cannot use a pool after calling end/.test(
      message,
    );
  return lost ? new DatabaseUnavailableError(`the database connection failed: ${message}`) : e;
}

class PoolDatabase implements PgDatabase {
  /** No data folder: the data live in the server the URL names. */
  readonly dataDir = '';
  statementTimeoutMs: number;
  bootstrapped = false;
  gotrueAuth = false;
  private readonly pool: pg.Pool;
  /** Hands out the pool's connections: staff before the public (db.ts FairQueue), instead of pg.Pool's first come, first served. */
  private readonly queue: FairQueue;
  /** Array type oid -> element type oid, read from pg_type (and re-read after DDL). */
  private arrays = new Map<number, number>();
  private readonly timeouts = new WeakMap<pg.PoolClient, number>();
  private readonly channels = new Map<string, Set<(payload: string) => void>>();
  private listener: pg.Client | null = null;
  private listenerReady: Promise<pg.Client> | null = null;
  private listenQueue: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly log: (msg: string, e?: unknown) => void;

  constructor(
    private readonly url: string,
    private readonly opts: PgDatabaseOptions,
  ) {
    this.statementTimeoutMs = opts.statementTimeoutMs ?? 30_000;
    this.log = opts.log ?? ((msg, e) => console.error(`[db] ${msg}`, e ?? ''));
    const max = opts.maxConnections ?? 10;
    this.queue = new FairQueue(max);
    this.pool = new pg.Pool({
      connectionString: url,
      max,
      connectionTimeoutMillis: this.statementTimeoutMs,
      application_name: 'nantong-local-stack',
      types: { getTypeParser: ((oid: number) => this.parser(oid)) as typeof pg.types.getTypeParser },
    });
    // An idle pooled connection that the server drops must not crash the process.
    this.pool.on('error', (e) => this.log(`an idle database connection failed (${e.message}); the pool opens another`));
  }

  async open(): Promise<void> {
    const { rows } = await this.query<{ auth: boolean; superuser: boolean; gotrue: boolean }>(
      `select exists (select 1 from pg_namespace where nspname = 'auth') as auth,
              (select rolsuper from pg_roles where rolname = current_user) as superuser,
              to_regclass('auth.identities') is not null as gotrue`,
    );
    const { auth, superuser, gotrue } = rows[0];
    this.gotrueAuth = gotrue;
    if (!auth) {
      if (!superuser) {
        throw new Error(
          `${describeUrl(this.url)} has no Supabase objects (no auth schema) and the user is not a superuser, so bootstrap.sql cannot create them: connect as a superuser, or to a Supabase project`,
        );
      }
      await this.transaction((tx) => tx.exec(bootstrapSql));
      this.bootstrapped = true;
    }
    await this.loadArrayTypes();
  }

  get waiting(): Record<Lane, number> {
    return this.queue.waiting;
  }

  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<SqlResult<T>> {
    return this.withClient((client) => this.run<T>(client, sql, params));
  }

  async exec(sql: string): Promise<void> {
    await this.withClient((client) => client.query(sql));
    await this.loadArrayTypes();
  }

  async transaction<T>(fn: (tx: Tx) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
    let ddl = false;
    const result = await this.withClient(async (client, discard) => {
      await client.query('begin');
      const limit = opts.timeoutMs;
      if (limit !== undefined && limit < this.statementTimeoutMs)
        await client.query(`set local statement_timeout = ${Math.max(1, Math.floor(limit))}`);
      let open = true;
      const live = () => {
        if (!open) throw new Error('transaction already finished');
      };
      const tx: Tx = {
        query: async <R>(sql: string, params?: unknown[]) => {
          live();
          return this.run<R>(client, sql, params);
        },
        exec: async (sql: string) => {
          live();
          ddl = true;
          await client.query(sql).catch((e: unknown) => Promise.reject(asDatabaseError(e)));
        },
      };
      try {
        const value = await fn(tx);
        await client.query('commit');
        return value;
      } catch (e) {
        // A rollback that fails leaves the connection in an unknown state: it is dropped.
        await client.query('rollback').catch(discard);
        throw e;
      } finally {
        open = false;
      }
    }, opts.lane);
    if (ddl) await this.loadArrayTypes();
    return result;
  }

  async listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>> {
    let set = this.channels.get(channel);
    if (!set) {
      set = new Set();
      this.channels.set(channel, set);
      try {
        await this.onListener(`listen ${quoteIdent(channel)}`);
      } catch (e) {
        this.channels.delete(channel);
        throw asDatabaseError(e);
      }
    }
    set.add(onPayload);
    return async () => {
      const current = this.channels.get(channel);
      if (!current?.delete(onPayload) || current.size > 0) return;
      this.channels.delete(channel);
      if (!this.closed && this.listener) await this.onListener(`unlisten ${quoteIdent(channel)}`).catch(() => {});
    };
  }

  /** LISTEN and UNLISTEN one at a time: a pg client runs one statement at a time. */
  private onListener(sql: string): Promise<void> {
    const run = this.listenQueue.then(async () => {
      await (await this.listening()).query(sql);
    });
    this.listenQueue = run.catch(() => {});
    return run;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const listener = this.listener;
    this.listener = null;
    await listener?.end().catch(() => {});
    await this.pool.end();
  }

  private parser(oid: number): Parser {
    const scalar = SCALAR_PARSERS[oid];
    if (scalar) return scalar;
    const element = this.arrays.get(oid);
    if (element === undefined) return identity;
    const parseElement = this.parser(element);
    return (text) => parseArray(text, parseElement);
  }

  private async loadArrayTypes(): Promise<void> {
    const { rows } = await this.query<{ array: number; element: number }>(
      `select typarray::int as array, oid::int as element from pg_type where typarray <> 0`,
    );
    this.arrays = new Map(rows.map((r) => [r.array, r.element]));
  }

  private async run<T>(client: pg.PoolClient, sql: string, params?: unknown[]): Promise<SqlResult<T>> {
    let r: pg.QueryResult;
    try {
      r = await client.query(sql, params);
    } catch (e) {
      throw asDatabaseError(e);
    }
    return {
      rows: r.rows as T[],
      fields: (r.fields ?? []).map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })),
      affectedRows: COUNTED_COMMANDS.has(r.command) ? (r.rowCount ?? 0) : 0,
    };
  }

  /** Checks out a connection with the current time limit; one that failed is dropped, not reused. */
  private async withClient<T>(
    fn: (client: pg.PoolClient, discard: (why: Error) => void) => Promise<T>,
    lane: Lane = 'staff',
  ): Promise<T> {
    if (this.closed) throw new DatabaseUnavailableError('the database is closed');
    const waitMs = this.statementTimeoutMs;
    const release = await this.queue.acquire(lane, waitMs, () => new ConnectionBusyError(waitMs));
    try {
      return await this.onClient(fn);
    } finally {
      release();
    }
  }

  private async onClient<T>(fn: (client: pg.PoolClient, discard: (why: Error) => void) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (e) {
      if (/timeout exceeded when trying to connect/.test((e as Error).message))
        throw new ConnectionBusyError(this.statementTimeoutMs);
      throw asDatabaseError(e);
    }
    let broken: Error | undefined;
    try {
      const ms = this.statementTimeoutMs;
      const current = this.timeouts.get(client);
      if (current !== ms) {
        // A new connection also gets the PGlite worker's session search_path, whatever the role's default.
        const searchPath = current === undefined ? 'set search_path = public, extensions; ' : '';
        await client.query(`${searchPath}set statement_timeout = ${Math.max(0, Math.floor(ms))}`);
        this.timeouts.set(client, ms);
      }
      return await fn(client, (why) => {
        broken = why;
      });
    } catch (e) {
      const err = asDatabaseError(e);
      if (err instanceof DatabaseUnavailableError) broken ??= err;
      throw err;
    } finally {
      client.release(broken);
    }
  }

  /** The LISTEN connection, connected (again) on demand with every channel subscribed. */
  private listening(): Promise<pg.Client> {
    return (this.listenerReady ??= this.connectListener().catch((e: unknown) => {
      this.listenerReady = null;
      throw e;
    }));
  }

  private async connectListener(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'nantong-local-stack-listen' });
    client.on('notification', (n) => {
      for (const cb of this.channels.get(n.channel) ?? []) {
        try {
          cb(n.payload ?? '');
        } catch (e) {
          this.log(`listener on ${n.channel} threw`, e);
        }
      }
    });
    let lost = false;
    const onLost = (why: unknown) => {
      if (lost || this.closed || this.listener !== client) return;
      lost = true;
      this.listener = null;
      this.listenerReady = null;
      this.log(`the LISTEN connection was lost (${(why as Error)?.message ?? why}); reconnecting`);
      void this.relisten();
    };
    client.on('error', onLost);
    client.on('end', () => onLost(new Error('connection ended')));
    await client.connect();
    for (const channel of this.channels.keys()) await client.query(`listen ${quoteIdent(channel)}`);
    this.listener = client;
    return client;
  }

  /** Reconnects with backoff until it works or the database is closed. */
  private async relisten(): Promise<void> {
    for (let delay = 100; !this.closed; delay = Math.min(delay * 2, 5000)) {
      await new Promise((r) => setTimeout(r, delay));
      if (this.closed) return;
      try {
        await this.listening();
        return;
      } catch (e) {
        this.log('reconnecting the LISTEN connection failed; retrying', e);
      }
    }
  }
}
