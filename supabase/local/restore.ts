import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { describeBackup, restoreBackup } from './backups.ts';
import { DataFolderError } from './data-folder.ts';

const USAGE = `Usage: npm run restore -- <backup file> [--data <dir>] [--force]
  Brings a PGlite data folder back from a file \`npm run backup\` (or --backup-dir) wrote. The copy is
  checked (opened, every table counted against the backup's record) before it takes the folder's place.
  --data <dir>   the data folder to restore (SUPABASE_DATA_DIR, default .data/); stop its stack first
  --force        replace a folder that is not empty (it is kept as <dir>.replaced-<time>)`;

async function main() {
  const { values, positionals } = parseArgs({
    options: { data: { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) return console.log(USAGE);
  if (positionals.length !== 1) throw new DataFolderError(`name one backup file\n${USAGE}`);
  const file = resolve(positionals[0]);
  const dataDir = resolve(values.data ?? process.env.SUPABASE_DATA_DIR ?? '.data');
  const { info, replaced } = await restoreBackup(file, dataDir, {
    force: values.force,
    log: (m, e) => console.error(`[restore] ${m}`, e ?? ''),
  });
  console.log(
    [
      `restored ${file} into ${dataDir}; every table read back with the rows the backup recorded`,
      ...describeBackup(info),
      replaced ? `  the folder it replaced is kept at ${replaced}` : null,
      info.jwt_secret ? null : '  set SUPABASE_JWT_SECRET to the secret the backed-up stack used before starting it',
      'Start the stack on it with npm start (it rebuilds the app when the keys differ from the last build).',
    ]
      .filter((l) => l !== null)
      .join('\n'),
  );
}

// A failure is reported by its message, which says what is wrong (and mostly what to do); no stack trace.
main().catch((e: unknown) => {
  console.error(`[restore] failed: ${(e as Error).message ?? String(e)}`);
  if ((e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) console.error(USAGE);
  process.exit(1);
});
