import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

export interface SqlField {
  name: string;
  dataTypeID: number;
}

export interface SqlResult<T = Record<string, unknown>> {
  rows: T[];
  fields: SqlField[];
  affectedRows?: number;
}

/** What request handlers get inside one transaction. */
export interface Tx {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<SqlResult<T>>;
  exec(sql: string): Promise<void>;
}

export interface Database extends Tx {
  /** Runs fn in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
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
  /** How many times the instance has been restarted (timeouts, crashes, restart()). */
  readonly restarts: number;
}

export interface DatabaseOptions {
  /** Default 30 s. Migrations and seeding of a large dataset may need more (see statementTimeoutMs). */
  statementTimeoutMs?: number;
  /** Opening a data folder (a fresh one with PostGIS takes ~8 s here) may take this long; default 120 s. */
  openTimeoutMs?: number;
  /** Attempts to open before giving up; default 3. */
  openAttempts?: number;
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

const bootstrapSql = readFileSync(fileURLToPath(new URL('./bootstrap.sql', import.meta.url)), 'utf8');
const WORKER_URL = new URL('./db-worker.mjs', import.meta.url);

/**
 * Opens (or creates) the PGlite + PostGIS database in dataDir. A fresh folder gets the
 * Supabase bootstrap (roles, auth schema, publication) before anything else runs.
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

type Request = { op: 'query'; sql: string; params?: unknown[] } | { op: 'exec'; sql: string } | { op: 'listen' | 'unlisten'; channel: string } | { op: 'close' };

type WorkerMessage =
  | { ready: true }
  | { ready: false; error: SerialisedError }
  | { notify: string; payload: string }
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: SerialisedError };

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
  private worker: Worker | null = null;
  private ready: Promise<void>;
  private seq = 0;
  private pending = new Map<number, Pending>();
  private lock: Promise<unknown> = Promise.resolve();
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

  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<SqlResult<T>> {
    return this.exclusive(() => this.statement<T>(sql, params));
  }

  exec(sql: string): Promise<void> {
    return this.exclusive(async () => {
      await this.send({ op: 'exec', sql });
    });
  }

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      await this.send({ op: 'exec', sql: 'begin' });
      const worker = this.worker;
      let open = true;
      const live = () => {
        if (!open) throw new Error('transaction already finished');
        if (this.worker !== worker) throw new DatabaseUnavailableError('the transaction was lost: the database restarted');
      };
      const tx: Tx = {
        query: async <R>(sql: string, params?: unknown[]) => {
          live();
          return this.statement<R>(sql, params);
        },
        exec: async (sql: string) => {
          live();
          await this.send({ op: 'exec', sql });
        },
      };
      try {
        const result = await fn(tx);
        live();
        await this.send({ op: 'exec', sql: 'commit' });
        return result;
      } catch (e) {
        if (this.worker === worker) await this.send({ op: 'exec', sql: 'rollback' }).catch(() => {});
        throw e;
      } finally {
        open = false;
      }
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
   * Runs fn with the connection to itself. Waiting for it is time-limited too, which also breaks
   * the deadlock of a transaction that awaits `db.query` instead of `tx.query`.
   */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const ms = this.statementTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    let gaveUp = false;
    const waited = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        gaveUp = true;
        reject(new ConnectionBusyError(ms));
      }, ms);
    });
    const run = this.lock.then(() => {
      clearTimeout(timer);
      if (gaveUp) throw new ConnectionBusyError(ms);
      return fn();
    });
    this.lock = run.catch(() => {});
    return Promise.race([run, waited]);
  }

  private async statement<T>(sql: string, params?: unknown[]): Promise<SqlResult<T>> {
    const r = (await this.send({ op: 'query', sql, params })) as SqlResult<T>;
    if (r.fields.length === 0 && ROW_STATEMENT.test(sql)) throw new EmptyResultError();
    return r;
  }

  private async send(req: Request): Promise<unknown> {
    if (this.closed) throw new DatabaseUnavailableError('the database is closed');
    await this.ready;
    const worker = this.worker;
    if (!worker) throw new DatabaseUnavailableError('the database is not running');
    return this.post(worker, req);
  }

  private post(worker: Worker, req: Request): Promise<unknown> {
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      const ms = this.statementTimeoutMs;
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

  /** Spawns workers until one opens the folder, then re-subscribes the channels being listened to. */
  private async start(): Promise<void> {
    const attempts = this.opts.openAttempts ?? 3;
    for (let i = 1; ; i++) {
      try {
        const worker = await this.spawn();
        if (this.closing) {
          await worker.terminate();
          throw new DatabaseUnavailableError('the database is closed');
        }
        for (const channel of this.channels.keys()) await this.post(worker, { op: 'listen', channel });
        this.worker = worker;
        return;
      } catch (e) {
        if (i >= attempts) throw e;
        this.log(`opening ${this.dataDir} failed (attempt ${i} of ${attempts}), retrying`, e);
      }
    }
  }

  private spawn(): Promise<Worker> {
    const worker = new Worker(WORKER_URL, { workerData: { dataDir: this.dataDir, bootstrapSql } });
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
