import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { cp, mkdir, open, rm } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { defaultConfig, type StackConfig } from '../../supabase/local/config.ts';
import { DataFolderError, lockHolder } from '../../supabase/local/data-folder.ts';
import type { ManagedDatabase } from '../../supabase/local/db.ts';
import { startStack, type RunningStack } from '../../supabase/local/stack.ts';
import { startTestStack } from '../helpers/stack.ts';
import { ensureTemplate, ROOT, seedDir, TMP, touch } from '../helpers/template.ts';

// The PGlite data folder: what a start does with a folder that lost PG_VERSION or its jwt-secret
// or holds a damaged table, and backups (npm run backup / restore, --backup-dir). Project db-native
// includes tests/local, but a stack on PostgreSQL has no data folder of its own: there only the
// last test runs, which checks that such a stack leaves backups to pg_dump.
const native = process.env.TEST_DB_BACKEND === 'native';
const WORK = join(TMP, `data-folder-${process.pid}`);
let template: string;

beforeAll(async () => {
  if (native) return;
  const provided = inject('stackTemplate');
  template = provided ? touch(provided) : await ensureTemplate();
  await rm(WORK, { recursive: true, force: true });
  await mkdir(WORK, { recursive: true });
});
afterAll(() => rm(WORK, { recursive: true, force: true }));

async function copyOfTemplate(name: string): Promise<string> {
  const dir = join(WORK, name);
  await cp(template, dir, { recursive: true });
  return dir;
}

function config(dataDir: string, extra: Partial<StackConfig> = {}): StackConfig {
  const base = defaultConfig(ROOT);
  return {
    ...base,
    port: 0,
    dataDir,
    seedDir: seedDir(),
    envFile: null,
    quiet: true,
    ...extra,
    auth: { ...base.auth, bcryptCost: 4 },
  };
}

const logs: string[] = [];
const log = (msg: string, e?: unknown) => logs.push(e ? `${msg}: ${(e as Error).message}` : msg);

/** Every file and folder under dir with its size and modification time: equal listings mean nothing was written. */
function listing(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const s = statSync(p);
      out.push(`${relative(dir, p)} ${s.isDirectory() ? 'dir' : s.size} ${s.mtimeMs}`);
      if (s.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

/** Overwrites the first page (8 KB) of a file with bytes that are no Postgres page (fixed, not random). */
async function damage(file: string): Promise<void> {
  const junk = Buffer.alloc(8192, 0).map((_, i) => (i * 7919 + 13) & 0xff);
  const f = await open(file, 'r+');
  await f.write(junk, 0, junk.length, 0);
  await f.close();
}

/** The DataFolderError a start fails with (a start that succeeds is closed and fails the test). */
async function refusal(starting: Promise<RunningStack>): Promise<DataFolderError> {
  const outcome = await starting.then(
    async (stack) => {
      await stack.close();
      return stack;
    },
    (e: unknown) => e,
  );
  expect(outcome).toBeInstanceOf(DataFolderError);
  return outcome as DataFolderError;
}

/** Runs one of the stack's CLIs (backup.ts, restore.ts) the way npm runs it. */
function cli(
  script: string,
  args: string[],
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; out: string }> {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  delete env.SUPABASE_DATA_DIR;
  Object.assign(env, extraEnv);
  const child = spawn(process.execPath, ['--import', 'tsx', `supabase/local/${script}`, ...args], { cwd: ROOT, env });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return new Promise((done) => child.on('exit', (code) => done({ code, out })));
}

/** The first rows of a table by id, as JSON, and its row count. */
async function sample(db: RunningStack['ctx']['db'], table: string) {
  const count = await db.query<{ n: number }>(`select count(*)::int as n from public.${table}`);
  const rows = await db.query<{ row: unknown }>(`select to_jsonb(t) as row from public.${table} t order by id limit 3`);
  return { count: count.rows[0].n, rows: rows.rows };
}

const KEY_TABLES = ['zones', 'zone_revisions', 'sites', 'deliveries'];

describe.skipIf(native)('a data folder is never initialised over, nor started on without its secret', () => {
  it('refuses a folder whose PG_VERSION is gone, naming it and the way out, and leaves it as it was', async () => {
    const dir = await copyOfTemplate('no-pg-version');
    await rm(join(dir, 'PG_VERSION'));
    const before = listing(dir);
    const { message } = await refusal(startStack(config(dir), log));
    expect(message).toContain(dir);
    expect(message).toMatch(/PG_VERSION is missing/);
    expect(message).toMatch(/npm run restore -- <backup file> --data .* --force/);
    expect(listing(dir)).toEqual(before);
  });

  it('refuses a database whose jwt-secret is gone instead of minting new keys', async () => {
    const dir = await copyOfTemplate('no-secret');
    await rm(join(dir, 'jwt-secret'));
    const before = listing(dir);
    await expect(startStack(config(dir), log)).rejects.toThrow(
      /holds a database but not its jwt-secret: new keys would break every built app/,
    );
    expect(existsSync(join(dir, 'jwt-secret'))).toBe(false);
    expect(listing(dir)).toEqual(before);
  });

  it('still initialises an empty folder', async () => {
    const dir = join(WORK, 'empty');
    await mkdir(dir);
    const stack = await startStack(config(dir, { noSeed: true }), log);
    try {
      expect(existsSync(join(dir, 'PG_VERSION'))).toBe(true);
      expect(readFileSync(join(dir, 'jwt-secret'), 'utf8').trim()).toBe(stack.ctx.keys.jwtSecret);
      expect(stack.applied.length).toBeGreaterThan(0);
      expect(lockHolder(dir)).toMatchObject({ pid: process.pid, url: stack.url });
    } finally {
      await stack.close();
    }
    expect(lockHolder(dir)).toBeNull();
  });
});

describe.skipIf(native)('a damaged table', () => {
  it('answers 500 without any file path while running, and stops the next start naming the table', async () => {
    const dir = await copyOfTemplate('damaged');
    const stack = await startStack(config(dir), log);
    let file: string;
    try {
      const db = stack.ctx.db as ManagedDatabase;
      file = (await db.query<{ p: string }>("select pg_relation_filepath('public.zones') as p")).rows[0].p;
      // After a checkpoint no WAL record brings the page back, and the start-up check read every
      // table into memory: a fresh instance reads zones from the damaged file.
      await db.exec('checkpoint');
      await damage(join(dir, file));
      await db.restart('test: cold buffers');
      for (const key of [stack.ctx.keys.anonKey, stack.ctx.keys.serviceKey]) {
        for (const path of ['/rest/v1/zones?select=id', '/rest/v1/zones?select=id,name&limit=1']) {
          const res = await fetch(`${stack.url}${path}`, { headers: { apikey: key } });
          const text = await res.text();
          expect(res.status, path).toBe(500);
          expect(JSON.parse(text)).toEqual({
            code: 'XX001',
            details: null,
            hint: null,
            message: 'The database could not read stored data (the server log says more)',
          });
          expect(text).not.toContain(file);
        }
      }
      const other = await fetch(`${stack.url}/rest/v1/sites?select=id&limit=1`, {
        headers: { apikey: stack.ctx.keys.anonKey },
      });
      expect(other.status).toBe(200);
      const backup = await fetch(`${stack.url}/local/v1/backup`, {
        method: 'POST',
        headers: { apikey: stack.ctx.keys.serviceKey },
      });
      expect([backup.status, await backup.json()]).toEqual([
        500,
        {
          message:
            'no backup taken: Postgres cannot read public.zones, the data folder is damaged (a restart names the files)',
        },
      ]);
    } finally {
      await stack.close();
    }
    const { message } = await refusal(startStack(config(dir), log));
    expect(message).toContain(
      `the data folder ${dir} is damaged: Postgres cannot read the table public.zones (file ${file}`,
    );
    expect(message).toContain(`npm run restore -- <backup file> --data ${dir} --force`);
    expect(lockHolder(dir)).toBeNull();
  });
});

describe.skipIf(native)('backups', () => {
  let source: RunningStack;
  let sourceDir: string;
  const periodic = join(WORK, 'periodic');
  const file = join(WORK, 'by-cli.tar.gz');
  const restored = join(WORK, 'restored');

  beforeAll(async () => {
    if (native) return;
    sourceDir = await copyOfTemplate('source');
    source = await startStack(
      config(sourceDir, { backupDir: periodic, backupEveryMinutes: 0.005, backupKeep: 2 }),
      log,
    );
    // The seed has no deliveries: three supply runs, and a table of its own, written after the start.
    await source.ctx.db.exec(`
      insert into public.deliveries (depot_id, truck)
        select s.id, 'truck ' || n from (select id from public.sites where kind = 'depot' order by id limit 1) s, generate_series(1, 3) n;
      create table public.backup_probe (note text);
      insert into public.backup_probe values ('written after the start');`);
  });
  afterAll(() => source?.close());

  it('a second stack never opens a folder in use; only the service_role key may take a backup over HTTP', async () => {
    await expect(startStack(config(sourceDir), log)).rejects.toThrow(
      new RegExp(`in use by process ${process.pid} \\(a stack at ${source.url}\\)`),
    );
    const anon = await fetch(`${source.url}/local/v1/backup`, {
      method: 'POST',
      headers: { apikey: source.ctx.keys.anonKey },
    });
    expect([anon.status, await anon.json()]).toEqual([403, { message: 'Only the service_role key may take a backup' }]);
    const get = await fetch(`${source.url}/local/v1/backup`, { headers: { apikey: source.ctx.keys.serviceKey } });
    expect(get.status).toBe(404);
  });

  it('npm run backup asks the running stack; npm run restore brings every zone, revision, site and delivery back', async () => {
    const backup = await cli('backup.ts', ['--data', sourceDir, '--out', file]);
    expect(backup.out).toContain(`backup written: ${file}`);
    expect(backup.out).toContain(`by the stack running at ${source.url}`);
    expect(backup.code).toBe(0);

    const restore = await cli('restore.ts', [file, '--data', restored]);
    expect(restore.out).toContain(`restored ${file} into ${restored}`);
    expect(restore.code).toBe(0);

    const back = await startStack(config(restored), log);
    try {
      expect(back.seeded).toBe(false);
      expect(back.ctx.keys.anonKey).toBe(source.ctx.keys.anonKey);
      for (const table of KEY_TABLES) {
        const original = await sample(source.ctx.db, table);
        expect(original.count, table).toBeGreaterThan(0);
        expect(await sample(back.ctx.db, table), table).toEqual(original);
      }
      expect((await back.ctx.db.query('select note from public.backup_probe')).rows).toEqual([
        { note: 'written after the start' },
      ]);
    } finally {
      await back.close();
    }
  });

  it('restore refuses to replace a folder without --force, and with it keeps the old one', async () => {
    const before = listing(restored);
    const refused = await cli('restore.ts', [file, '--data', restored]);
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/is not empty: restoring replaces it\. Run again with --force/);
    expect(listing(restored)).toEqual(before);

    const forced = await cli('restore.ts', [file, '--data', restored, '--force']);
    expect(forced.code).toBe(0);
    const kept = /the folder it replaced is kept at (\S+)/.exec(forced.out)?.[1];
    expect(kept).toMatch(new RegExp(`^${restored}\\.replaced-`));
    expect(existsSync(join(kept!, 'PG_VERSION'))).toBe(true);
    expect(existsSync(join(restored, 'PG_VERSION'))).toBe(true);
  });

  it('the stack writes a backup every N minutes and keeps the newest K', async () => {
    const written = () =>
      logs.filter((l) => l.startsWith('backup written')).map((l) => basename(/backup written: (\S+)/.exec(l)![1]));
    await expect.poll(() => written().length, { timeout: 45_000, interval: 500 }).toBeGreaterThanOrEqual(4);
    // Closing waits for a backup being written, so the folder is settled.
    await source.close();
    expect(readdirSync(periodic).sort()).toEqual(written().sort().slice(-2));
    expect(written().every((n) => /^backup-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z\.tar\.gz$/.test(n))).toBe(true);
    expect(logs.filter((l) => l.startsWith('backup failed'))).toEqual([]);
  });

  it('npm run backup of a stopped stack opens the folder itself', async () => {
    const backup = await cli('backup.ts', ['--data', sourceDir, '--out', join(WORK, 'stopped.tar.gz')]);
    expect(backup.out).toContain('with the stack stopped');
    expect(backup.out).toMatch(/rows: zones \d+, zone_revisions \d+, sites \d+, deliveries \d+/);
    expect(backup.out).toContain('jwt-secret: included');
    expect(backup.code).toBe(0);
    expect(lockHolder(sourceDir)).toBeNull();
  });
});

describe.runIf(native)('a stack on PostgreSQL', () => {
  it('takes no backups itself: npm run backup and the HTTP route point to pg_dump', async () => {
    const stack = await startTestStack();
    try {
      const res = await fetch(`${stack.url}/local/v1/backup`, {
        method: 'POST',
        headers: { apikey: stack.serviceKey },
      });
      expect([res.status, await res.json()]).toEqual([
        501,
        { message: 'The stack uses a PostgreSQL database (--database-url): back it up with pg_dump' },
      ]);
    } finally {
      await stack.stop();
    }
    const backup = await cli('backup.ts', ['--out', join(WORK, 'never.tar.gz')], {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none',
    });
    expect(backup.code).toBe(1);
    expect(backup.out).toMatch(
      /DATABASE_URL is set, so the stack uses that PostgreSQL database: back it up with pg_dump/,
    );
  });
});
