import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DataFolderError, inspectDataFolder } from './data-folder.ts';

export interface SqlField {
  name: string;
  dataTypeID: number;
}

export interface SqlResult<T = Record<string, unknown>> {
  rows: T[];
  fields: SqlField[];
  affectedRows?: number;
}

/**
 * Who is waiting for the connection, for the fair queue: `public` for anonymous callers (and
 * signed-in accounts without a staff role), `staff` for everyone else, the server's own work included.
 */
export type Lane = 'staff' | 'public';

export interface TransactionOptions {
  /**
   * Time limit for each statement of this transaction (Postgres' statement_timeout), when shorter
   * than the database's own `statementTimeoutMs`. The REST layer passes the caller role's limit.
   */
  timeoutMs?: number;
  /** Which queue the transaction waits in for the connection; default `staff`. */
  lane?: Lane;
}

/** What request handlers get inside one transaction. */
export interface Tx {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<SqlResult<T>>;
  exec(sql: string): Promise<void>;
}

export interface Database extends Tx {
  /** Runs fn in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: Tx) => Promise<T>, opts?: TransactionOptions): Promise<T>;
  /** LISTEN on a channel; resolves to the matching UNLISTEN. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
  readonly dataDir: string;
}

/** The database as openDatabase returns it: a Database that can restart its PGlite instance. */
export interface ManagedDatabase extends Database {
  /** Longest a single statement may run; past it the instance is restarted. Adjustable at run time. */
  statementTimeoutMs: number;
  /** Replaces the PGlite instance with a fresh one on the same data folder; in-flight work fails. */
  restart(reason?: string): Promise<void>;
  /** How many times the instance has been restarted (timeouts, crashes, failed health checks, restart()). */
  readonly restarts: number;
  /** Bytes of PGlite's shadow stack that errors leaked and the worker put back (see db-worker.mjs). */
  readonly repairedStackBytes: number;
  /** Requests waiting for the connection, per lane. */
  readonly waiting: Record<Lane, number>;
  /**
   * Runs fn with the connection to itself, then copies the data folder (after a CHECKPOINT, as
   * PGlite's `dumpDataDir` tar) before anyone else gets the connection: what fn read and the copy
   * are the same state. Requests wait meanwhile (about a second for the demo district).
   */
  snapshot<T>(fn: (q: Tx) => Promise<T>): Promise<{ value: T; tar: Uint8Array }>;
}

export interface DatabaseOptions {
  /** Default 30 s. Migrations and seeding of a large dataset may need more (see statementTimeoutMs). */
  statementTimeoutMs?: number;
  /** Opening a data folder (a fresh one with PostGIS takes ~8 s here) may take this long; default 120 s. */
  openTimeoutMs?: number;
  /** Attempts to open before giving up; default 3. */
  openAttempts?: number;
  /**
   * Put back the shadow stack that every Postgres error leaks in PGlite 0.5 (db-worker.mjs); default
   * true. Off only to reproduce the wedge it causes (tests/local/server-db.test.ts).
   */
  repairStack?: boolean;
  log?: (msg: string, e?: unknown) => void;
}

/** A statement ran past the time limit; the instance was restarted (Postgres' query_canceled code). */
export class StatementTimeoutError extends Error {
  readonly code = '57014';
  constructor(ms: number) {
    super(`canceling statement due to statement timeout (${ms} ms); the database was restarted`);
    this.name = 'StatementTimeoutError';
  }
}

/** The instance went away under a statement or transaction (Postgres' connection_failure code). */
export class DatabaseUnavailableError extends Error {
  readonly code = '08006';
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseUnavailableError';
  }
}

/**
 * Waiting for the connection took longer than the statement limit (Postgres' lock_not_available
 * code): the queue is too long, or a transaction waits on a statement queued behind itself.
 */
export class ConnectionBusyError extends Error {
  readonly code = '55P03';
  constructor(ms: number) {
    super(`the database connection stayed busy for ${ms} ms (a long queue, or a transaction waiting for a statement issued outside it)`);
    this.name = 'ConnectionBusyError';
  }
}

/**
 * PGlite + PostGIS answers some failures on invalid geometry with no result at all (no rows, no
 * fields, no error; see DESIGN.md). A row-returning statement that comes back without fields is
 * therefore an error, not an empty answer.
 */
export class EmptyResultError extends Error {
  readonly code = 'XX000';
  constructor() {
    super('the database returned no result for a row-returning statement (PGlite/PostGIS failure, e.g. on invalid geometry)');
    this.name = 'EmptyResultError';
  }
}

/**
 * How long a request may wait for the connection relative to others: when staff and public
 * requests both wait, staff go first, but after this many staff turns in a row a public request
 * gets one, so neither lane starves.
 */
export const PUBLIC_TURN_EVERY = 4;

/**
 * A queue for `slots` connections with a lane per caller class. A free slot goes to the staff
 * lane first unless public requests have watched PUBLIC_TURN_EVERY staff turns in a row; within a
 * lane it is first come, first served. Waiting is time-limited: past waitMs the request leaves
 * the queue and fails with onTimeout().
 */
export class FairQueue {
  private running = 0;
  private readonly lanes: Record<Lane, (() => void)[]> = { staff: [], public: [] };
  private staffTurns = 0;

  constructor(
    private readonly slots: number,
    private readonly publicEvery = PUBLIC_TURN_EVERY,
  ) {}

  get waiting(): Record<Lane, number> {
    return { staff: this.lanes.staff.length, public: this.lanes.public.length };
  }

  /** Resolves with the function that gives the slot back (call it exactly once). */
  acquire(lane: Lane, waitMs: number, onTimeout: () => Error): Promise<() => void> {
    return new Promise((resolve, reject) => {
      // Set once the request has to wait; a grant clears it (a box, as the grant is made first).
      const wait: { timer?: NodeJS.Timeout } = {};
      const grant = () => {
        clearTimeout(wait.timer);
        this.running++;
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.running--;
          this.next();
        });
      };
      if (this.running < this.slots && this.lanes.staff.length === 0 && this.lanes.public.length === 0) return grant();
      const queue = this.lanes[lane];
      queue.push(grant);
      wait.timer = setTimeout(() => {
        const i = queue.indexOf(grant);
        if (i < 0) return;
        queue.splice(i, 1);
        reject(onTimeout());
      }, waitMs);
    });
  }

  private next(): void {
    while (this.running < this.slots) {
      const { staff } = this.lanes;
      const pub = this.lanes.public;
      let grant: (() => void) | undefined;
      if (staff.length > 0 && (pub.length === 0 || this.staffTurns < this.publicEvery)) {
        if (pub.length > 0) this.staffTurns++;
        grant = staff.shift();
      } else if (pub.length > 0) {
        this.staffTurns = 0;
        grant = pub.shift();
      }
      if (!grant) return;
      grant();
    }
  }
}

/**
 * SQLSTATEs after which the instance is checked before anyone else gets it: a transaction that
 * stayed aborted (25P02), stack (54001), internal errors (XX...), resources (53...), system errors
 * (58...). An error without a SQLSTATE (not from Postgres) counts too.
 */
const SUSPECT_CODE = /^(25P02|54001|XX...|53...|58...)$/;
const PROBE_TIMEOUT_MS = 10_000;
/** Copying the data folder for a snapshot; past it the instance is restarted like any statement. */
const DUMP_TIMEOUT_MS = 300_000;
/**
 * The worker thread's native stack. PGlite's recursion uses far more of it than of Postgres' own
 * (shadow) stack, which max_stack_depth (2 MB) limits; with Node's default 4 MB a JSON value nested
 * ~30,000 deep, or a plpgsql function recursing ~4,000 times, overflows it first and PGlite is
 * left broken (db-worker.mjs). With 64 MB Postgres stops them with 54001, as it should.
 */
const WORKER_STACK_MB = 64;

const bootstrapSql = readFileSync(fileURLToPath(new URL('./bootstrap.sql', import.meta.url)), 'utf8');
const WORKER_URL = new URL('./db-worker.mjs', import.meta.url);

/**
 * Opens (or creates) the PGlite + PostGIS database in dataDir. A fresh folder gets the
 * Supabase bootstrap (roles, auth schema, publication) before anything else runs; a folder that
 * holds files but no database is refused (DataFolderError), never initialised over.
 *
 * PGlite runs in a worker thread: the server stays responsive while a statement runs, and a
 * statement that hangs (PostGIS on bad geometry, see DESIGN.md) is ended by terminating the
 * worker and reopening the folder, without restarting the server. PGlite serves one
 * connection, so all access is serialised here: a transaction holds the connection until it
 * ends.
 */
export async function openDatabase(dataDir: string, opts: DatabaseOptions = {}): Promise<ManagedDatabase> {
  const db = new WorkerDatabase(dataDir, opts);
  await db.opened();
  return db;
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout | null;
}

type Request =
  | { op: 'query'; sql: string; params?: unknown[] }
  | { op: 'exec'; sql: string }
  | { op: 'listen' | 'unlisten'; channel: string }
  | { op: 'dump' }
  | { op: 'close' };

type WorkerMessage =
  | { ready: true }
  | { ready: false; error: SerialisedError }
  | { notify: string; payload: string }
  | { id: number; ok: true; result: unknown; leaked?: number }
  | { id: number; ok: false; error: SerialisedError; leaked?: number };

type SerialisedError = Record<string, unknown> & { message: string; name?: string; fatal: boolean };

function toError(e: SerialisedError): Error {
  const { fatal: _fatal, message, name, ...fields } = e;
  const err = new Error(message);
  if (name) err.name = name;
  return Object.assign(err, fields);
}

const ROW_STATEMENT = /^\s*(?:--[^\n]*\n\s*)*(select|values|table)\b/i;

class WorkerDatabase implements ManagedDatabase {
  statementTimeoutMs: number;
  restarts = 0;
  repairedStackBytes = 0;
  private worker: Worker | null = null;
  private ready: Promise<void>;
  private seq = 0;
  private pending = new Map<number, Pending>();
  private readonly queue = new FairQueue(1);
  /** Set when a statement failed in a way that may have broken the instance; checked when the holder lets go. */
  private suspect = false;
  private channels = new Map<string, Set<(payload: string) => void>>();
  private closing: Promise<void> | null = null;
  private restarting: Promise<void> | null = null;
  private closed = false;
  private readonly log: (msg: string, e?: unknown) => void;

  constructor(
    readonly dataDir: string,
    private readonly opts: DatabaseOptions,
  ) {
    this.statementTimeoutMs = opts.statementTimeoutMs ?? 30_000;
    this.log = opts.log ?? ((msg, e) => console.error(`[db] ${msg}`, e ?? ''));
    this.ready = this.start();
    this.ready.catch(() => {});
  }

  opened(): Promise<void> {
    return this.ready;
  }

  get waiting(): Record<Lane, number> {
    return this.queue.waiting;
  }

  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<SqlResult<T>> {
    return this.exclusive(() => this.statement<T>(sql, params));
  }

  exec(sql: string): Promise<void> {
    return this.exclusive(async () => {
      await this.send({ op: 'exec', sql });
    });
  }

  transaction<T>(fn: (tx: Tx) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
    return this.exclusive(async () => {
      const ms = Math.min(opts.timeoutMs ?? Infinity, this.statementTimeoutMs);
      await this.send({ op: 'exec', sql: 'begin' }, ms);
      const worker = this.worker;
      let open = true;
      const live = () => {
        if (!open) throw new Error('transaction already finished');
        if (this.worker !== worker) throw new DatabaseUnavailableError('the transaction was lost: the database restarted');
      };
      const tx: Tx = {
        query: async <R>(sql: string, params?: unknown[]) => {
          live();
          return this.statement<R>(sql, params, ms);
        },
        exec: async (sql: string) => {
          live();
          await this.send({ op: 'exec', sql }, ms);
        },
      };
      try {
        const result = await fn(tx);
        live();
        await this.send({ op: 'exec', sql: 'commit' }, ms);
        return result;
      } catch (e) {
        if (worker && this.worker === worker) {
          // A connection that cannot roll back stays in its aborted transaction and fails everyone
          // after with 25P02: it is replaced (committed data is in the folder; this transaction is lost anyway).
          await this.send({ op: 'exec', sql: 'rollback' }, ms).catch((rollbackError: unknown) =>
            this.replaceAfter(worker, 'ROLLBACK failed', rollbackError),
          );
        }
        throw e;
      } finally {
        open = false;
      }
    }, opts.lane);
  }

  snapshot<T>(fn: (q: Tx) => Promise<T>): Promise<{ value: T; tar: Uint8Array }> {
    return this.exclusive(async () => {
      const q: Tx = {
        query: <R>(sql: string, params?: unknown[]) => this.statement<R>(sql, params),
        exec: async (sql: string) => {
          await this.send({ op: 'exec', sql });
        },
      };
      const value = await fn(q);
      const tar = (await this.send({ op: 'dump' }, Math.max(this.statementTimeoutMs, DUMP_TIMEOUT_MS))) as Uint8Array;
      return { value, tar };
    });
  }

  async listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>> {
    let set = this.channels.get(channel);
    if (!set) {
      set = new Set();
      this.channels.set(channel, set);
      await this.exclusive(() => this.send({ op: 'listen', channel }));
    }
    set.add(onPayload);
    return async () => {
      const current = this.channels.get(channel);
      if (!current?.delete(onPayload) || current.size > 0) return;
      this.channels.delete(channel);
      if (!this.closed) await this.exclusive(() => this.send({ op: 'unlisten', channel }));
    };
  }

  close(): Promise<void> {
    return (this.closing ??= (async () => {
      try {
        await this.exclusive(() => this.send({ op: 'close' }));
      } catch (e) {
        this.log('closing PGlite cleanly failed; terminating it', e);
      }
      this.closed = true;
      await this.restarting?.catch(() => {});
      const worker = this.worker;
      this.worker = null;
      this.failPending(new DatabaseUnavailableError('the database is closed'));
      await worker?.terminate();
    })());
  }

  restart(reason = 'requested'): Promise<void> {
    if (this.closed || this.closing) return Promise.reject(new DatabaseUnavailableError('the database is closed'));
    // Two instances must never open the folder at once: a restart asked for during one joins it.
    if (this.restarting) return this.restarting;
    const old = this.worker;
    this.worker = null;
    this.restarts++;
    this.log(`restarting PGlite (${reason})`);
    this.failPending(new DatabaseUnavailableError(`the database restarted (${reason})`));
    this.ready = (async () => {
      await old?.terminate();
      await this.start();
    })();
    this.ready.catch(() => {});
    this.restarting = this.ready.finally(() => {
      this.restarting = null;
    });
    return this.restarting;
  }

  /**
   * Runs fn with the connection to itself, after the requests ahead of it in the fair queue.
   * Waiting is time-limited too, which also breaks the deadlock of a transaction that awaits
   * `db.query` instead of `tx.query`. A statement that failed suspiciously (SUSPECT_CODE) has the
   * instance checked before the connection passes on.
   */
  private async exclusive<T>(fn: () => Promise<T>, lane: Lane = 'staff'): Promise<T> {
    const ms = this.statementTimeoutMs;
    const release = await this.queue.acquire(lane, ms, () => new ConnectionBusyError(ms));
    try {
      return await fn();
    } finally {
      if (this.suspect) {
        this.suspect = false;
        await this.checkHealth();
      }
      release();
    }
  }

  /**
   * Whether the instance can still roll back and run a trivial statement; when it cannot, it is
   * restarted from its folder (committed data is on disk). The ROLLBACK ends a transaction block
   * left aborted and takes the path (ProcessUtility) that a shrunken stack fails first.
   */
  private async checkHealth(): Promise<void> {
    const worker = this.worker;
    if (!worker || this.closing || this.restarting) return;
    const ms = Math.min(this.statementTimeoutMs, PROBE_TIMEOUT_MS);
    try {
      await this.post(worker, { op: 'exec', sql: 'rollback' }, ms);
      const r = (await this.post(worker, { op: 'query', sql: 'select 1 as one' }, ms)) as SqlResult;
      if (r.rows[0]?.one !== 1) throw new Error(`select 1 answered ${JSON.stringify(r.rows)}`);
    } catch (e) {
      await this.replaceAfter(worker, 'the health check failed', e);
    }
  }

  /** Restarts the instance that failed (unless a restart or close already took it away); never throws. */
  private async replaceAfter(worker: Worker, what: string, e: unknown): Promise<void> {
    if (this.worker !== worker || this.closing || this.closed) return;
    const code = (e as { code?: unknown })?.code;
    const why = `${what}${typeof code === 'string' ? ` (${code})` : ''}: ${(e as Error)?.message ?? String(e)}`;
    await this.restart(why).catch((err: unknown) => this.log(`restart after "${why}" failed`, err));
  }

  private async statement<T>(sql: string, params?: unknown[], ms?: number): Promise<SqlResult<T>> {
    const r = (await this.send({ op: 'query', sql, params }, ms)) as SqlResult<T>;
    if (r.fields.length === 0 && ROW_STATEMENT.test(sql)) {
      this.suspect = true;
      throw new EmptyResultError();
    }
    return r;
  }

  private async send(req: Request, ms = this.statementTimeoutMs): Promise<unknown> {
    if (this.closed) throw new DatabaseUnavailableError('the database is closed');
    await this.ready;
    const worker = this.worker;
    if (!worker) throw new DatabaseUnavailableError('the database is not running');
    try {
      return await this.post(worker, req, ms);
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      const ours = e instanceof StatementTimeoutError || e instanceof DatabaseUnavailableError;
      if (!ours && (typeof code !== 'string' || SUSPECT_CODE.test(code))) this.suspect = true;
      throw e;
    }
  }

  private post(worker: Worker, req: Request, ms = this.statementTimeoutMs): Promise<unknown> {
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const p = this.pending.get(id);
        if (!p) return;
        this.pending.delete(id);
        p.reject(new StatementTimeoutError(ms));
        if (req.op !== 'close' && !this.closing) this.restart(`statement ran past ${ms} ms`).catch((e) => this.log('restart after timeout failed', e));
      }, ms);
      this.pending.set(id, { resolve, reject, timer });
      worker.postMessage({ id, ...req });
    });
  }

  private failPending(e: Error) {
    for (const p of this.pending.values()) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(e);
    }
    this.pending.clear();
  }

  /**
   * Spawns workers until one opens the folder, then re-subscribes the channels being listened to.
   * Every open, restarts included, first checks that the folder is empty or holds a database: PGlite
   * writes a new cluster into a folder without PG_VERSION, over whatever it holds.
   */
  private async start(): Promise<void> {
    const attempts = this.opts.openAttempts ?? 3;
    for (let i = 1; ; i++) {
      try {
        inspectDataFolder(this.dataDir);
        const worker = await this.spawn();
        if (this.closing) {
          await worker.terminate();
          throw new DatabaseUnavailableError('the database is closed');
        }
        for (const channel of this.channels.keys()) await this.post(worker, { op: 'listen', channel });
        this.worker = worker;
        return;
      } catch (e) {
        if (i >= attempts || e instanceof DataFolderError) throw e;
        this.log(`opening ${this.dataDir} failed (attempt ${i} of ${attempts}), retrying`, e);
      }
    }
  }

  private spawn(): Promise<Worker> {
    const worker = new Worker(WORKER_URL, {
      workerData: { dataDir: this.dataDir, bootstrapSql, repairStack: this.opts.repairStack ?? true },
      resourceLimits: { stackSizeMb: WORKER_STACK_MB },
    });
    // Like an in-process PGlite, an open database does not keep the process alive by itself.
    worker.unref();
    return new Promise((resolve, reject) => {
      let opened = false;
      let failing = false;
      const openMs = this.opts.openTimeoutMs ?? 120_000;
      const timer = setTimeout(() => {
        // Terminated before the next attempt opens the same folder.
        failing = true;
        void worker.terminate().finally(() => reject(new Error(`opening ${this.dataDir} took longer than ${openMs} ms`)));
      }, openMs);
      worker.on('message', (m: WorkerMessage) => {
        if ('ready' in m) {
          clearTimeout(timer);
          if (m.ready) {
            opened = true;
            resolve(worker);
          } else {
            failing = true;
            void worker.terminate().finally(() => reject(toError(m.error)));
          }
        } else if ('notify' in m) {
          for (const cb of this.channels.get(m.notify) ?? []) {
            try {
              cb(m.payload);
            } catch (e) {
              this.log(`listener on ${m.notify} threw`, e);
            }
          }
        } else {
          if (m.leaked) this.repairedStackBytes += m.leaked;
          const p = this.pending.get(m.id);
          if (!p) return;
          this.pending.delete(m.id);
          if (p.timer) clearTimeout(p.timer);
          if (m.ok) p.resolve(m.result);
          else {
            p.reject(toError(m.error));
            if (m.error.fatal && !this.closing) this.restart('PGlite aborted').catch((e) => this.log('restart after abort failed', e));
          }
        }
      });
      const died = (why: unknown) => {
        clearTimeout(timer);
        if (!opened) {
          if (!failing) reject(why instanceof Error ? why : new Error(String(why)));
          return;
        }
        if (this.worker !== worker || this.closing) return;
        this.log('the PGlite worker died', why);
        this.restart('worker died').catch((e) => this.log('restart after worker death failed', e));
      };
      worker.on('error', died);
      worker.on('exit', (code) => died(new Error(`PGlite worker exited with code ${code}`)));
    });
  }
}
