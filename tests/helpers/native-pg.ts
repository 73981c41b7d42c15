import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openPgDatabase } from '../../supabase/local/db-pg.ts';
import { prepareDatabase } from '../../supabase/local/stack.ts';
import { ROOT, TMP } from './template.ts';

/** Hosted Supabase runs PostgreSQL 15 with PostGIS 3.3: Debian bookworm ships the same pair. */
export const PG_BINDIR = '/usr/lib/postgresql/15/bin';
const POSTGIS_CONTROL = '/usr/share/postgresql/15/extension/postgis.control';
export const INSTALL_HINT = 'apt-get install -y postgresql-15-postgis-3';
const CLUSTERS = join(TMP, 'native-pg');
export const FIXTURE_DIR = join(ROOT, 'tests/fixtures/seed');
export const DATASET_DIR = join(ROOT, 'data/nantong');

/** Template databases every test file copies from (CREATE DATABASE ... TEMPLATE). */
export const TEMPLATES = {
  /** migrated, not seeded */
  empty: 'tpl_empty',
  /** migrated and seeded from tests/fixtures/seed */
  fixture: 'tpl_fixture',
  /** migrated and seeded from the demo district (data/nantong) */
  dataset: 'tpl_dataset',
} as const;
export type TemplateKind = keyof typeof TEMPLATES;

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connection URL of the run's throwaway PostgreSQL 15 cluster, without a database name. */
    nativePgUrl: string;
  }
}

/** Why the native backend cannot run here, or null when it can. */
export function missingNativePg(): string | null {
  if (!existsSync(join(PG_BINDIR, 'postgres')))
    return `PostgreSQL 15 is not installed (${PG_BINDIR}/postgres is missing): ${INSTALL_HINT}`;
  if (!existsSync(POSTGIS_CONTROL))
    return `PostGIS 3 for PostgreSQL 15 is not installed (${POSTGIS_CONTROL} is missing): ${INSTALL_HINT}`;
  if (userInfo().uid === 0) {
    try {
      execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
    } catch {
      return `running as root needs the postgres OS user to own the test cluster (initdb refuses root): ${INSTALL_HINT} creates it`;
    }
  }
  return null;
}

/** Runs a PostgreSQL program, as the postgres OS user when we are root. */
function pgRun(program: string, args: string[]) {
  const bin = join(PG_BINDIR, program);
  const [cmd, argv] = userInfo().uid === 0 ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  try {
    execFileSync(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    throw new Error(`${program} failed: ${err.stderr?.toString().trim() || err.message}`, { cause: e });
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function stopCluster(dir: string) {
  try {
    if (existsSync(join(dir, 'postmaster.pid'))) pgRun('pg_ctl', ['stop', '-D', dir, '-m', 'immediate', '-w']);
  } catch {
    // Already stopped.
  }
  rmSync(dir, { recursive: true, force: true });
}

/** Clusters of runs whose process died before their teardown (named `<pid>-<random>`). */
function removeOrphanedClusters() {
  if (!existsSync(CLUSTERS)) return;
  for (const name of readdirSync(CLUSTERS)) {
    const pid = Number(name.split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && !alive(pid)) stopCluster(join(CLUSTERS, name));
  }
}

/** initdb + pg_ctl start on a free port; returns the data folder and the base URL. */
async function startCluster(log: (m: string) => void): Promise<{ dir: string; url: string }> {
  removeOrphanedClusters();
  const dir = join(CLUSTERS, `${process.pid}-${randomBytes(4).toString('hex')}`);
  // The postgres OS user must be able to reach its folder; the cluster folder itself is private.
  mkdirSync(CLUSTERS, { recursive: true, mode: 0o755 });
  mkdirSync(dir, { mode: 0o700 });
  if (userInfo().uid === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(dir, uid, gid);
  }
  const started = Date.now();
  pgRun('initdb', ['-D', dir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  // Durability is worthless for a throwaway cluster; these make CREATE DATABASE and commits cheap.
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=200',
  ].join(' ');
  pgRun('pg_ctl', ['start', '-D', dir, '-w', '-t', '60', '-l', join(dir, 'server.log'), '-o', options]);
  log(`PostgreSQL 15 cluster on port ${port} in ${Date.now() - started} ms (${dir})`);
  return { dir, url: `postgres://postgres@127.0.0.1:${port}` };
}

/** A database of its own, created from one of the templates; drop() removes it. */
export async function createTestDatabase(
  baseUrl: string,
  kind: TemplateKind,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = await openPgDatabase(`${baseUrl}/postgres`, { maxConnections: 1 });
  try {
    await admin.query(`create database ${name} template ${TEMPLATES[kind]}`);
  } finally {
    await admin.close();
  }
  return {
    url: `${baseUrl}/${name}`,
    async drop() {
      const db = await openPgDatabase(`${baseUrl}/postgres`, { maxConnections: 1 });
      try {
        await db.query(`drop database if exists ${name} with (force)`);
      } finally {
        await db.close();
      }
    },
  };
}

/** Bootstraps, migrates and (optionally) seeds one template database the way the stack starts. */
async function buildTemplate(baseUrl: string, kind: TemplateKind, seed: string | null): Promise<void> {
  const admin = await openPgDatabase(`${baseUrl}/postgres`, { maxConnections: 1 });
  try {
    await admin.query(`create database ${TEMPLATES[kind]}`);
  } finally {
    await admin.close();
  }
  const db = await openPgDatabase(`${baseUrl}/${TEMPLATES[kind]}`);
  try {
    await prepareDatabase(db, { seedDir: seed ?? FIXTURE_DIR, noSeed: seed === null });
  } finally {
    await db.close();
  }
}

/**
 * vitest globalSetup of the `db-native` project: one throwaway PostgreSQL 15 + PostGIS 3 cluster
 * per run, with the three template databases built fresh (so they always match the current
 * migrations and seed), stopped and removed at the end. Missing binaries fail the run.
 */
export default async function setup(project: TestProject) {
  const missing = missingNativePg();
  if (missing) throw new Error(`the db-native tests need a real PostgreSQL 15 + PostGIS 3: ${missing}`);
  const log = (m: string) => console.log(`[native-pg] ${m}`);
  const { dir, url } = await startCluster(log);
  try {
    const started = Date.now();
    await buildTemplate(url, 'empty', null);
    await buildTemplate(url, 'fixture', FIXTURE_DIR);
    await buildTemplate(url, 'dataset', DATASET_DIR);
    log(`template databases (migrated; + fixture seed; + demo district) in ${Date.now() - started} ms`);
  } catch (e) {
    stopCluster(dir);
    throw e;
  }
  project.provide('nativePgUrl', url);
  return () => stopCluster(dir);
}
