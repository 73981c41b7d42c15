import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { createAuthHandler } from './auth/index.ts';
import { createBackupHandler, scheduleBackups, type BackupSchedule } from './backups.ts';
import type { StackConfig } from './config.ts';
import type { StackContext } from './context.ts';
import { checkSecret, checkTables, lockDataFolder } from './data-folder.ts';
import { openDatabase, type Database, type ManagedDatabase } from './db.ts';
import { openPgDatabase } from './db-pg.ts';
import { createStaticHandler } from './http/static.ts';
import { loadKeys } from './keys.ts';
import { applyMigrations } from './migrate.ts';
import { createApiServer, type Services } from './server.ts';
import { createRestHandler } from './rest/index.ts';
import { PublicMapPublisher } from './publish/publisher.ts';
import { createRealtime, installChangeCapture, installRealtimeSchema } from './realtime/index.ts';
import { createStorageHandler } from './storage/index.ts';
import { seedDatabase } from '../seed/seed.ts';

export type Log = (msg: string, e?: unknown) => void;

export interface RunningStack {
  ctx: StackContext;
  /** `http://host:port` the server listens on. */
  url: string;
  port: number;
  /** Migration versions applied by this start. */
  applied: string[];
  /** Whether this start seeded the database. */
  seeded: boolean;
  /** Stops accepting requests, closes sockets and the database. */
  close(): Promise<void>;
}

/** A fingerprint of the seed folder, recorded with the seed like the Supabase CLI does. */
export function hashDir(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else h.update(relative(dir, p)).update('\0').update(readFileSync(p));
    }
  };
  if (existsSync(dir)) walk(dir);
  return h.digest('hex');
}

/** Migrations and the seed run big statements; the request-time limit applies only after them. */
export const PREPARE_TIMEOUT_MS = 600_000;

export interface PrepareOptions {
  seedDir: string;
  noSeed?: boolean;
  log?: Log;
}

/**
 * Brings a database up to date: realtime schema, pending migrations, the seed on first start
 * (recorded in supabase_migrations.seed_files), then change capture. Idempotent. Runs under
 * PREPARE_TIMEOUT_MS per statement, whatever limit the database has for requests.
 */
export async function prepareDatabase(db: Database, opts: PrepareOptions): Promise<{ applied: string[]; seeded: boolean }> {
  const managed = 'statementTimeoutMs' in db ? (db as ManagedDatabase) : null;
  const requestLimit = managed?.statementTimeoutMs;
  if (managed) managed.statementTimeoutMs = Math.max(requestLimit!, PREPARE_TIMEOUT_MS);
  try {
    return await prepare(db, opts);
  } finally {
    if (managed) managed.statementTimeoutMs = requestLimit!;
  }
}

async function prepare(db: Database, opts: PrepareOptions): Promise<{ applied: string[]; seeded: boolean }> {
  const log = opts.log ?? (() => {});
  await installRealtimeSchema(db);
  const applied = await applyMigrations(db);
  await db.exec('create table if not exists supabase_migrations.seed_files (path text primary key, hash text not null)');
  let seeded = false;
  const seedKey = relative(process.cwd(), opts.seedDir) || '.';
  // Seeding happens once per database, from whichever folder the first start names.
  const done = (await db.query('select 1 from supabase_migrations.seed_files limit 1')).rows.length > 0;
  if (!done && !opts.noSeed) {
    if (!existsSync(opts.seedDir)) log(`seed folder ${opts.seedDir} not found (npm run data writes it): database not seeded`);
    else {
      await seedDatabase(db, opts.seedDir);
      await db.query('insert into supabase_migrations.seed_files (path, hash) values ($1, $2)', [seedKey, hashDir(opts.seedDir)]);
      seeded = true;
    }
  }
  await installChangeCapture(db);
  return { applied, seeded };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      done((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Starts the whole local stack from a config: opens (or creates) the data folder, prepares
 * the database, and serves the API (and the built app when `serveApp` is set) on one port.
 *
 * A PGlite data folder is first locked for this process (data-folder.ts), must hold its
 * `jwt-secret` if it holds a database, and every table of it must read back (a damaged one stops
 * the start, naming it); a folder with files but no database is refused by openDatabase.
 */
export async function startStack(config: StackConfig, log: Log = () => {}): Promise<RunningStack> {
  const lock = config.databaseUrl ? null : lockDataFolder(config.dataDir);
  let db: Database | null = null;
  let publisher: PublicMapPublisher | null = null;
  try {
    if (lock) checkSecret(config.dataDir, process.env);
    db = config.databaseUrl
      ? await openPgDatabase(config.databaseUrl, { statementTimeoutMs: config.statementTimeoutMs, log })
      : await openDatabase(config.dataDir, { statementTimeoutMs: config.statementTimeoutMs, log });
    const keys = await loadKeys(config.dataDir);
    if (lock) await checkTables(db, config.dataDir, config.backupDir);
    const { applied, seeded } = await prepareDatabase(db, { seedDir: config.seedDir, noSeed: config.noSeed, log });
    const ctx: StackContext = { db, keys, config, url: '' };
    publisher = new PublicMapPublisher(db, join(config.dataDir, 'storage', 'public-map'), log);
    await publisher.start();
    const services: Services = {
      auth: createAuthHandler(ctx, (e) => log('auth request failed', e)),
      rest: createRestHandler(ctx),
      realtime: createRealtime(ctx, { log }),
      local: createBackupHandler(ctx),
      storage: createStorageHandler(publisher),
      app: config.serveApp ? createStaticHandler(config.serveApp) : null,
    };
    const server = createApiServer(ctx, services, log);
    const port = await listen(server, config.port, config.host).catch(async (e: unknown) => {
      await services.realtime.close();
      await publisher?.close();
      throw e;
    });
    const hostForUrl = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    const local = `http://${hostForUrl.includes(':') ? `[${hostForUrl}]` : hostForUrl}:${port}`;
    const url = (config.publicUrl ?? local).replace(/\/+$/, '');
    ctx.url = url;
    lock?.setUrl(local);
    const schedule: BackupSchedule | null =
      config.backupDir && lock
        ? scheduleBackups(
            db as ManagedDatabase,
            config.dataDir,
            { dir: config.backupDir, everyMs: config.backupEveryMinutes * 60_000, keep: config.backupKeep },
            log,
          )
        : null;
    let closing: Promise<void> | null = null;
    const opened = db;
    const publishing = publisher;
    const close = () =>
      (closing ??= (async () => {
        const stopped = new Promise<void>((done) => server.close(() => done()));
        server.closeIdleConnections();
        await schedule?.close();
        await publishing.close();
        await services.realtime.close();
        const grace = setTimeout(() => server.closeAllConnections(), 2000);
        await stopped;
        clearTimeout(grace);
        await opened.close();
        lock?.release();
      })());
    return { ctx, url, port, applied, seeded, close };
  } catch (e) {
    await publisher?.close().catch(() => {});
    await db?.close().catch(() => {});
    lock?.release();
    throw e;
  }
}
