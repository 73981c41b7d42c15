import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  backupFileName,
  describeBackup,
  parseBackup,
  takeBackup,
  writeFileAtomic,
  type BackupInfo,
} from './backups.ts';
import { DataFolderError, inspectDataFolder, lockDataFolder, lockHolder } from './data-folder.ts';
import { openDatabase } from './db.ts';
import { createKeys, envSecret, SECRET_FILE } from './keys.ts';

const USAGE = `Usage: npm run backup -- [--data <dir>] [--out <file>]
  Writes a backup of the local stack's PGlite data folder, its jwt-secret included, to one file (a
  tar.gz: supabase/local/README.md, "The data folder and backups"). A stack running on the folder
  takes it between requests; with the stack stopped the folder is opened here, locked meanwhile.
  --data <dir>   the data folder (SUPABASE_DATA_DIR, default .data/)
  --out <file>   where to write it (default backups/backup-<time>.tar.gz)`;

/** The running stack's backup (POST /local/v1/backup with the service_role key made from the folder's secret). */
async function fromStack(url: string, dataDir: string): Promise<{ info: BackupInfo; bytes: Buffer }> {
  const secret = envSecret(process.env) ?? readFileSync(join(dataDir, SECRET_FILE), 'utf8').trim();
  const { serviceKey } = await createKeys(secret);
  const res = await fetch(`${url}/local/v1/backup`, { method: 'POST', headers: { apikey: serviceKey } });
  if (res.status !== 200) throw new Error(`the stack at ${url} answered ${res.status}: ${await res.text()}`);
  const bytes = Buffer.from(await res.arrayBuffer());
  return { info: (await parseBackup(bytes, `the answer of ${url}`)).info, bytes };
}

/** A backup taken here, of a folder no stack is running on. */
async function fromFolder(dataDir: string): Promise<{ info: BackupInfo; bytes: Buffer }> {
  if (inspectDataFolder(dataDir) !== 'database')
    throw new DataFolderError(`${dataDir} holds no database: nothing to back up`);
  const lock = lockDataFolder(dataDir);
  try {
    const db = await openDatabase(dataDir, { log: (m, e) => console.error(`[backup] ${m}`, e ?? '') });
    try {
      return await takeBackup(db, dataDir);
    } finally {
      await db.close();
    }
  } finally {
    lock.release();
  }
}

async function main() {
  const { values } = parseArgs({
    options: { data: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) return console.log(USAGE);
  if (process.env.DATABASE_URL) {
    throw new DataFolderError(
      'DATABASE_URL is set, so the stack uses that PostgreSQL database: back it up with pg_dump (pg_dump --format=custom --file=<file> "$DATABASE_URL")',
    );
  }
  const dataDir = resolve(values.data ?? process.env.SUPABASE_DATA_DIR ?? '.data');
  const holder = lockHolder(dataDir);
  const { info, bytes } = holder?.url ? await fromStack(holder.url, dataDir) : await fromFolder(dataDir);
  const out = resolve(values.out ?? join('backups', backupFileName(new Date(info.created_at))));
  writeFileAtomic(out, bytes);
  console.log(
    [
      `backup written: ${out} (${(bytes.length / 1e6).toFixed(1)} MB), ${holder?.url ? `by the stack running at ${holder.url}` : 'with the stack stopped'}`,
      ...describeBackup(info),
      `Restore it with: npm run restore -- ${out} --data ${dataDir}`,
    ].join('\n'),
  );
}

// A failure is reported by its message, which says what is wrong (and mostly what to do); no stack trace.
main().catch((e: unknown) => {
  console.error(`[backup] failed: ${(e as Error).message ?? String(e)}`);
  if ((e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) console.error(USAGE);
  process.exit(1);
});
