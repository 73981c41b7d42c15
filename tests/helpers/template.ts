import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../../supabase/local/db.ts';
import { loadKeys } from '../../supabase/local/keys.ts';
import { prepareDatabase } from '../../supabase/local/stack.ts';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const TMP = join(ROOT, 'tests/.tmp');
const TEMPLATES = join(TMP, 'stack-templates');
const DATASET = join(ROOT, 'data/nantong');
const FIXTURE = join(ROOT, 'tests/fixtures/seed');

/**
 * What test stacks are seeded from: the generated dataset when it exists, otherwise the small
 * fixture dataset (a checkout where `npm run data` has not run yet).
 */
export function seedDir(): string {
  return existsSync(DATASET) ? DATASET : FIXTURE;
}

/** Everything that decides what a migrated + seeded data folder contains. */
const INPUTS = [
  'supabase/local/bootstrap.sql',
  'supabase/local/db.ts',
  'supabase/local/db-worker.mjs',
  'supabase/local/migrate.ts',
  'supabase/local/stack.ts',
  'supabase/local/realtime',
  'supabase/migrations',
  'supabase/seed',
  'data/nantong',
  'tests/fixtures/seed',
  'node_modules/@electric-sql/pglite/package.json',
  'node_modules/@electric-sql/pglite-postgis/package.json',
];

function fingerprint(): string {
  const h = createHash('sha256');
  const add = (p: string) => {
    const abs = join(ROOT, p);
    if (!existsSync(abs)) return;
    if (statSync(abs).isDirectory()) for (const name of readdirSync(abs).sort()) add(join(p, name));
    else h.update(p).update('\0').update(readFileSync(abs)).update('\0');
  };
  INPUTS.forEach(add);
  return h.digest('hex').slice(0, 16);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** mkdir is atomic: the one who creates the folder holds the lock. A lock older than 10 min is stale. */
async function withLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      mkdirSync(path);
      break;
    } catch {
      try {
        if (Date.now() - statSync(path).mtimeMs > 600_000) rmSync(path, { recursive: true, force: true });
      } catch {
        // The holder released it between our two calls.
      }
      await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(path, { recursive: true, force: true });
  }
}

/**
 * The migrated and seeded template data folder for the current migrations, seed and data,
 * built once and then reused while those inputs stay the same (several test runs on this
 * machine may ask at once: building is locked and published by rename).
 */
export async function ensureTemplate(log: (msg: string) => void = () => {}): Promise<string> {
  mkdirSync(TEMPLATES, { recursive: true });
  const dir = join(TEMPLATES, fingerprint());
  if (existsSync(join(dir, 'PG_VERSION'))) return touch(dir);
  return withLock(`${dir}.lock`, async () => {
    if (existsSync(join(dir, 'PG_VERSION'))) return touch(dir);
    const building = `${dir}.building-${process.pid}`;
    rmSync(building, { recursive: true, force: true });
    const started = Date.now();
    const db = await openDatabase(building);
    try {
      const r = await prepareDatabase(db, { seedDir: seedDir(), log });
      log(`stack template ${relative(ROOT, dir)}: ${r.applied.length} migrations, seeded from ${relative(ROOT, seedDir())}: ${r.seeded}, ${Date.now() - started} ms`);
    } finally {
      await db.close();
    }
    await loadKeys(building, {});
    renameSync(building, dir);
    pruneTemplates(dir);
    return dir;
  });
}

/** Marks a template as in use, so that pruning by other runs leaves it alone. */
export function touch(dir: string): string {
  const now = new Date();
  utimesSync(dir, now, now);
  return dir;
}

/**
 * Templates of older inputs are ~64 MB each; drop those no run has copied for 15 minutes
 * (every copy touches its template) and half-built ones abandoned for an hour.
 */
function pruneTemplates(keep: string) {
  for (const name of readdirSync(TEMPLATES)) {
    const p = join(TEMPLATES, name);
    if (p === keep || name.endsWith('.lock')) continue;
    const maxAge = name.includes('.building-') ? 3_600_000 : 900_000;
    try {
      if (Date.now() - statSync(p).mtimeMs > maxAge) rmSync(p, { recursive: true, force: true });
    } catch {
      // Another run pruned it first.
    }
  }
}
