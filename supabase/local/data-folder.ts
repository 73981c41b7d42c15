import { existsSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tx } from './db.ts';
import { SECRET_FILE, envSecret } from './keys.ts';

/**
 * A data folder the stack must not start on as it is (a database without its secret, files
 * without a database, a damaged table, another stack using it). The message says what is wrong
 * and what to do; start.ts prints it without a stack trace.
 */
export class DataFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataFolderError';
  }
}

/** Held by the stack (or a backup / restore) that uses a PGlite data folder: JSON `{pid, url, since}`. */
export const LOCK_FILE = 'stack.lock';

/**
 * What the folder may hold besides a database and still count as empty: files of the stack's own
 * (`storage/`: the published public map, written anew at every start).
 */
const OWN_FILES = new Set([SECRET_FILE, LOCK_FILE, 'storage']);

const restoreHint = (dir: string) => `npm run restore -- <backup file> --data ${dir} --force`;

/**
 * Whether a PGlite data folder holds a database (`PG_VERSION`) or nothing yet. A folder that holds
 * anything else is never initialised again (PGlite would write a new cluster over it): that is an
 * error naming the folder and what to do.
 */
export function inspectDataFolder(dir: string): 'empty' | 'database' {
  if (existsSync(join(dir, 'PG_VERSION'))) return 'database';
  const held = existsSync(dir) ? readdirSync(dir).filter((name) => !OWN_FILES.has(name)) : [];
  if (held.length === 0) return 'empty';
  const shown = held.sort().slice(0, 5).join(', ') + (held.length > 5 ? `, … (${held.length} entries)` : '');
  throw new DataFolderError(
    `the data folder ${dir} holds files (${shown}) but no database (PG_VERSION is missing), so it is not initialised ` +
      `again: that would wipe them. If it held the stack's database it is damaged: restore a backup with ` +
      `\`${restoreHint(dir)}\` (the folder is kept beside it). To start an empty database, move the folder ` +
      `away or start with --data <another folder>.`,
  );
}

/**
 * A folder that holds a database must hold the secret its keys were made with: new keys would not
 * match the anon key built into the app, nor any token or session issued before. Unless the secret
 * comes from the environment, a missing `jwt-secret` beside a database stops the start.
 */
export function checkSecret(dir: string, env: NodeJS.ProcessEnv): void {
  if (envSecret(env) || !existsSync(join(dir, 'PG_VERSION')) || existsSync(join(dir, SECRET_FILE))) return;
  throw new DataFolderError(
    `the data folder ${dir} holds a database but not its ${SECRET_FILE}: new keys would break every built app ` +
      `and sign every user out, so none are made. Put the secret back: restore the folder with ` +
      `\`${restoreHint(dir)}\`, or copy it out of a backup (\`tar -xzf <backup file> -O data/${SECRET_FILE} > ` +
      `${join(dir, SECRET_FILE)}\`), or set SUPABASE_JWT_SECRET to it. If it is lost for good, write a new one ` +
      `yourself (\`node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))" > ` +
      `${join(dir, SECRET_FILE)}\`), then rebuild the app (npm start does) and sign in again.`,
  );
}

interface LockInfo {
  pid: number;
  /** Where the stack that holds the folder answers (`http://host:port`); absent for a backup or restore. */
  url?: string;
  since: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live process that holds the folder, or null (no lock, or one left by a process that died). */
export function lockHolder(dir: string): LockInfo | null {
  let info: LockInfo;
  try {
    info = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as LockInfo;
  } catch {
    return null;
  }
  return Number.isInteger(info.pid) && alive(info.pid) ? info : null;
}

export interface DataFolderLock {
  /** Records where the stack answers, for `npm run backup`. */
  setUrl(url: string): void;
  release(): void;
}

/**
 * Takes the folder for this process: two PGlite instances on one folder corrupt it, and a backup
 * of a running stack must come from that stack. A lock left by a dead process is taken over.
 */
export function lockDataFolder(dir: string): DataFolderLock {
  const file = join(dir, LOCK_FILE);
  const info: LockInfo = { pid: process.pid, since: new Date().toISOString() };
  const write = (flag: 'w' | 'wx') => writeFileSync(file, JSON.stringify(info) + '\n', { flag });
  mkdirSync(dir, { recursive: true });
  try {
    write('wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const holder = lockHolder(dir);
    if (holder) {
      throw new DataFolderError(
        `the data folder ${dir} is in use by process ${holder.pid}${holder.url ? ` (a stack at ${holder.url})` : ''}: ` +
          `stop it first. If no such process is running, delete ${file}.`,
      );
    }
    write('w');
  }
  return {
    setUrl(url) {
      info.url = url;
      write('w');
    },
    release() {
      try {
        if (lockHolder(dir)?.pid === process.pid) unlinkSync(file);
      } catch {
        // The folder went away (a test removed it): nothing left to release.
      }
    },
  };
}

/** Schemas whose tables are the database's own, not the data: left out of backup row counts. */
const SYSTEM_SCHEMAS = new Set(['pg_catalog', 'information_schema', 'pg_toast']);

export interface TableReport {
  /** Rows of every table outside the system schemas, by `schema.table`. */
  rows: Record<string, number>;
  /** Tables Postgres could not read: name, file under the data folder, Postgres' message. */
  damaged: { table: string; file: string; message: string }[];
}

/**
 * Reads every table to its last page (`count(*)` scans the heap, and Postgres checks each page it
 * reads), with `system` the system catalogs and TOAST tables too. Errors of the classes that mean
 * stored data could not be read (XX: data or index corrupted, internal; 58: files) are collected;
 * any other error is thrown. All of them take under a second on the demo district.
 */
export async function readEveryTable(q: Pick<Tx, 'query'>, { system = true } = {}): Promise<TableReport> {
  const { rows: tables } = await q.query<{ schema: string; name: string; file: string }>(
    `select n.nspname as schema, c.relname as name, pg_relation_filepath(c.oid) as file
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'm', 't') and c.relispopulated and n.nspname !~ '^pg_(toast_)?temp_'
      order by 1, 2`,
  );
  const report: TableReport = { rows: {}, damaged: [] };
  for (const t of tables) {
    const table = `${t.schema}.${t.name}`;
    const own = SYSTEM_SCHEMAS.has(t.schema);
    if (own && !system) continue;
    try {
      const r = await q.query<{ n: number }>(
        `select count(*)::int8 as n from ${quoteIdent(t.schema)}.${quoteIdent(t.name)}`,
      );
      if (!own) report.rows[table] = Number(r.rows[0].n);
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (typeof code !== 'string' || !/^(XX|58)/.test(code)) throw e;
      report.damaged.push({ table, file: t.file, message: (e as Error).message });
    }
  }
  return report;
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * The start-up check of a PGlite data folder: every table can be read, or the start fails naming
 * the damaged tables, their files and how to restore the folder.
 */
export async function checkTables(q: Pick<Tx, 'query'>, dir: string, backupDir: string | null): Promise<void> {
  const { damaged } = await readEveryTable(q);
  if (damaged.length === 0) return;
  const list = damaged.map((d) => `${d.table} (file ${d.file}: ${d.message})`).join('; ');
  throw new DataFolderError(
    `the data folder ${dir} is damaged: Postgres cannot read ${damaged.length === 1 ? 'the table' : 'the tables'} ${list}. ` +
      `The stack does not start on it. Restore the folder from a backup: \`${restoreHint(dir)}\`` +
      `${backupDir ? ` (the stack's own backups are in ${backupDir})` : ''}; the damaged folder is kept beside it.`,
  );
}
