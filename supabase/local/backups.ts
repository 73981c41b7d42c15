import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { StackContext } from './context.ts';
import { DataFolderError, LOCK_FILE, lockDataFolder, readEveryTable } from './data-folder.ts';
import { openDatabase, type ManagedDatabase } from './db.ts';
import { bearerToken } from './http/gateway.ts';
import { sendJson } from './http/respond.ts';
import { SECRET_FILE } from './keys.ts';
import { readTar, writeTar, type TarEntry } from './tar.ts';

type Log = (msg: string, e?: unknown) => void;

/**
 * A backup file is a gzip'd ustar archive:
 * - `backup.json`, this record, first in the file;
 * - `data/…`, the PGlite data folder as PGlite's `dumpDataDir` copied it after a CHECKPOINT, the
 *   `jwt-secret` included, the lock and `postmaster.pid` left out. `tar -xzf FILE` gives a folder
 *   `data/` the stack can start on as it is.
 */
export interface BackupInfo {
  format: typeof BACKUP_FORMAT;
  version: 1;
  created_at: string;
  /** The data folder it was taken from. */
  data_dir: string;
  /** The PGlite that wrote the folder; another PGlite opens it only if it runs the same Postgres major version. */
  pglite: string;
  /** `server_version` of that PGlite. */
  postgres: string;
  /** Applied migrations (supabase_migrations.schema_migrations), oldest first. */
  migrations: string[];
  /** Whether `data/jwt-secret` is in the file (not when the stack took its secret from SUPABASE_JWT_SECRET). */
  jwt_secret: boolean;
  /** Rows of every table outside the system schemas, by `schema.table`; a restore checks them. */
  tables: Record<string, number>;
}

export const BACKUP_FORMAT = 'nantong-local-stack-backup';
const INFO_ENTRY = 'backup.json';
const DATA_PREFIX = 'data/';
/** Runtime state that is not part of a copy of the folder. */
const LEFT_OUT = new Set([LOCK_FILE, 'postmaster.pid']);

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

function pgliteVersion(): string {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  return (JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Takes a consistent backup of a running PGlite database: the row counts, the migrations and the
 * copy of the folder all come from one hold of the connection (ManagedDatabase.snapshot). A table
 * that cannot be read fails the backup. Compression happens after the connection is let go.
 */
export async function takeBackup(db: ManagedDatabase, dataDir: string): Promise<{ info: BackupInfo; bytes: Buffer }> {
  const { value, tar } = await db.snapshot(async (q) => {
    const { rows, damaged } = await readEveryTable(q, { system: false });
    if (damaged.length > 0) {
      const tables = damaged.map((d) => d.table).join(', ');
      throw new DataFolderError(
        `no backup taken: Postgres cannot read ${tables}, the data folder is damaged (a restart names the files)`,
      );
    }
    const migrations = await q.query<{ version: string }>(
      'select version from supabase_migrations.schema_migrations order by version',
    );
    const version = await q.query<{ server_version: string }>('show server_version');
    return { rows, migrations: migrations.rows.map((r) => r.version), postgres: version.rows[0].server_version };
  });
  const data: TarEntry[] = [];
  for (const e of readTar(tar)) {
    const name = e.name.replace(/^\/+/, '');
    if (name === '' || LEFT_OUT.has(name)) continue;
    data.push({ ...e, name: DATA_PREFIX + name });
  }
  const info: BackupInfo = {
    format: BACKUP_FORMAT,
    version: 1,
    created_at: new Date().toISOString(),
    data_dir: dataDir,
    pglite: pgliteVersion(),
    postgres: value.postgres,
    migrations: value.migrations,
    jwt_secret: data.some((e) => e.name === DATA_PREFIX + SECRET_FILE),
    tables: value.rows,
  };
  const now = Math.floor(Date.now() / 1000);
  const record: TarEntry = {
    name: INFO_ENTRY,
    type: 'file',
    mode: 0o600,
    mtime: now,
    data: Buffer.from(JSON.stringify(info, null, 2) + '\n'),
  };
  const folder: TarEntry = { name: 'data', type: 'dir', mode: 0o700, mtime: now, data: new Uint8Array(0) };
  return { info, bytes: await gzipAsync(writeTar([record, folder, ...data])) };
}

/** The record and the entries of a backup file; anything else is refused with what is wrong. */
export async function readBackup(file: string): Promise<{ info: BackupInfo; entries: TarEntry[] }> {
  return parseBackup(await readFile(file), file);
}

/** readBackup of bytes in memory (what a running stack sent); `file` names where they came from. */
export async function parseBackup(bytes: Uint8Array, file: string): Promise<{ info: BackupInfo; entries: TarEntry[] }> {
  let entries: TarEntry[];
  try {
    entries = [...readTar(await gunzipAsync(bytes))];
  } catch (e) {
    throw new Error(`${file} is not a backup of the local stack (not a gzip'd tar: ${(e as Error).message})`, {
      cause: e,
    });
  }
  const record = entries.find((e) => e.name === INFO_ENTRY);
  const info = record ? (JSON.parse(Buffer.from(record.data).toString('utf8')) as BackupInfo) : null;
  if (!info || info.format !== BACKUP_FORMAT)
    throw new Error(`${file} is not a backup of the local stack (no ${INFO_ENTRY} of format ${BACKUP_FORMAT})`);
  if (info.version !== 1)
    throw new Error(`${file} is a backup of format version ${info.version}; this stack reads version 1`);
  return { info, entries };
}

/** Writes to a temporary file beside the target, then renames: a reader never sees half a file. */
export function writeFileAtomic(file: string, bytes: Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(temp, bytes, { mode: 0o600 });
    renameSync(temp, file);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
}

const stamp = (d: Date) => d.toISOString().replace(/:/g, '-');
const BACKUP_NAME = /^backup-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z\.tar\.gz$/;

/** `backup-2026-04-01T08-30-00.000Z.tar.gz`: names sort by time. */
export const backupFileName = (d: Date) => `backup-${stamp(d)}.tar.gz`;

/** Deletes all but the newest `keep` backups in dir; only files named like backupFileName are touched. */
export function pruneBackups(dir: string, keep: number): string[] {
  const old = readdirSync(dir)
    .filter((n) => BACKUP_NAME.test(n))
    .sort()
    .slice(0, -keep);
  for (const name of old) unlinkSync(join(dir, name));
  return old;
}

export interface BackupScheduleOptions {
  dir: string;
  everyMs: number;
  keep: number;
}

export interface BackupSchedule {
  /** Stops the schedule; waits for a backup being written. */
  close(): Promise<void>;
}

/**
 * Writes a backup into `dir` every `everyMs` (counted from the end of the previous one, so slow
 * backups never pile up), keeping the newest `keep`. A failed backup is logged; the next one is
 * tried on time.
 */
export function scheduleBackups(
  db: ManagedDatabase,
  dataDir: string,
  opts: BackupScheduleOptions,
  log: Log,
): BackupSchedule {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  let closed = false;
  const run = async () => {
    try {
      const { info, bytes } = await takeBackup(db, dataDir);
      const file = join(opts.dir, backupFileName(new Date(info.created_at)));
      writeFileAtomic(file, bytes);
      const pruned = pruneBackups(opts.dir, opts.keep);
      log(
        `backup written: ${file} (${(bytes.length / 1e6).toFixed(1)} MB)${pruned.length ? `; removed ${pruned.length} older` : ''}`,
      );
    } catch (e) {
      if (!closed) log('backup failed', e);
    }
  };
  const next = () => {
    timer = setTimeout(() => {
      running = run().finally(() => {
        if (!closed) next();
      });
    }, opts.everyMs);
    timer.unref();
  };
  next();
  return {
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

/**
 * `POST /local/v1/backup` (the local stack's own API, service_role only): a backup file of the
 * running stack, taken between requests. What `npm run backup` asks a running stack for.
 */
export function createBackupHandler(ctx: StackContext) {
  return async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    if (path !== '/backup' || req.method !== 'POST')
      return sendJson(res, 404, { message: 'no Route matched with those values' });
    const token = bearerToken(req);
    const role = token
      ? await ctx.keys.verify(token).then(
          (c) => c.role,
          () => null,
        )
      : null;
    if (role !== 'service_role') return sendJson(res, 403, { message: 'Only the service_role key may take a backup' });
    if (!('snapshot' in ctx.db)) {
      return sendJson(res, 501, {
        message: 'The stack uses a PostgreSQL database (--database-url): back it up with pg_dump',
      });
    }
    let backup;
    try {
      backup = await takeBackup(ctx.db as ManagedDatabase, ctx.config.dataDir);
    } catch (e) {
      if (e instanceof DataFolderError) return sendJson(res, 500, { message: e.message });
      throw e;
    }
    const { info, bytes } = backup;
    res.writeHead(200, {
      'Content-Type': 'application/gzip',
      'Content-Length': bytes.length,
      'Content-Disposition': `attachment; filename="${backupFileName(new Date(info.created_at))}"`,
    });
    res.end(bytes);
  };
}

/**
 * Brings a data folder back from a backup file. The folder is written beside the target first,
 * opened, and every table read and counted against the backup's record; only then does it take
 * the target's place. A target that holds anything is replaced only with `force`, and even then
 * kept (renamed to `<target>.replaced-<time>`); a target a running stack holds is never touched.
 */
export async function restoreBackup(
  file: string,
  dataDir: string,
  opts: { force?: boolean; log?: Log } = {},
): Promise<{ info: BackupInfo; replaced: string | null }> {
  const log = opts.log ?? (() => {});
  const { info, entries } = await readBackup(file);
  const installed = pgliteVersion();
  if (info.pglite !== installed)
    log(`the backup was written by PGlite ${info.pglite}, this is ${installed}: checking that it opens`);
  const occupied = existsSync(dataDir) && readdirSync(dataDir).some((n) => n !== LOCK_FILE);
  if (occupied && !opts.force) {
    throw new DataFolderError(
      `${dataDir} is not empty: restoring replaces it. Run again with --force to restore anyway (the current folder is kept as ${dataDir}.replaced-<time>).`,
    );
  }
  const lock = existsSync(dataDir) ? lockDataFolder(dataDir) : null;
  const staging = `${dataDir}.restoring-${process.pid}`;
  try {
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true, mode: 0o700 });
    for (const e of entries) {
      if (!e.name.startsWith(DATA_PREFIX)) continue;
      const name = e.name.slice(DATA_PREFIX.length);
      if (name.split('/').includes('..'))
        throw new Error(`${file}: the entry ${e.name} points outside the data folder`);
      const path = join(staging, name);
      if (e.type === 'dir') mkdirSync(path, { recursive: true });
      else {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, e.data);
        chmodSync(path, e.mode & 0o777);
      }
    }
    await verify(staging, info, log);
    let replaced: string | null = null;
    if (occupied) {
      replaced = `${dataDir}.replaced-${stamp(new Date())}`;
      lock?.release();
      renameSync(dataDir, replaced);
    } else if (existsSync(dataDir)) {
      lock?.release();
      rmSync(dataDir, { recursive: true });
    }
    renameSync(staging, dataDir);
    return { info, replaced };
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  } finally {
    lock?.release();
  }
}

/** Opens the restored folder and compares every table's rows with the backup's record. */
async function verify(dir: string, info: BackupInfo, log: Log): Promise<void> {
  const db = await openDatabase(dir, { log });
  let report;
  try {
    report = await readEveryTable(db, { system: false });
  } finally {
    await db.close();
  }
  const problems = report.damaged.map((d) => `${d.table} cannot be read (${d.message})`);
  for (const table of new Set([...Object.keys(info.tables), ...Object.keys(report.rows)])) {
    if (info.tables[table] !== report.rows[table])
      problems.push(
        `${table}: ${report.rows[table] ?? 'missing'} rows, the backup recorded ${info.tables[table] ?? 'none'}`,
      );
  }
  if (problems.length > 0)
    throw new Error(`the restored folder does not match the backup, nothing was replaced: ${problems.join('; ')}`);
}

/** The tables a person checks first after a backup or restore. */
const KEY_TABLES = ['public.zones', 'public.zone_revisions', 'public.sites', 'public.deliveries'];

/** What a backup holds, in a few lines for the CLIs. */
export function describeBackup(info: BackupInfo): string[] {
  const counts = KEY_TABLES.filter((t) => t in info.tables).map(
    (t) => `${t.slice('public.'.length)} ${info.tables[t]}`,
  );
  return [
    `  taken ${info.created_at} from ${info.data_dir} (PGlite ${info.pglite}, Postgres ${info.postgres})`,
    `  migrations: ${info.migrations.length}${info.migrations.length ? ` (latest ${info.migrations[info.migrations.length - 1]})` : ''}`,
    `  rows: ${counts.join(', ')} (${Object.keys(info.tables).length} tables counted)`,
    info.jwt_secret
      ? `  jwt-secret: included`
      : `  jwt-secret: not included (the stack took it from SUPABASE_JWT_SECRET): keep that value with the backup`,
  ];
}
