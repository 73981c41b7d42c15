import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { openPgDatabase, type PgDatabase } from '../../supabase/local/db-pg.ts';
import { runSeedCli } from '../../supabase/seed/cli.ts';
import { FIXTURE_DIR } from '../helpers/native-pg.ts';

// npm run seed against a plain PostgreSQL 15 (project db-native): the path a hosted project takes,
// minus the hosted project.
const base = () => inject('nativePgUrl');
let server: PgDatabase;
const fresh = async (name: string) => {
  await server.query(`drop database if exists ${name} with (force)`);
  await server.query(`create database ${name}`);
  return `${base()}/${name}`;
};
const quiet = () => {};

beforeAll(async () => {
  server = await openPgDatabase(`${base()}/postgres`, { maxConnections: 1 });
});
afterAll(async () => {
  for (const name of ['seed_plain', 'seed_unmigrated', 'seed_gotrue'])
    await server?.query(`drop database if exists ${name} with (force)`);
  await server?.close();
});

describe('npm run seed', () => {
  it('bootstraps, migrates and imports a plain Postgres with --migrate, demo users included, and refuses a second import', async () => {
    const url = await fresh('seed_plain');
    const r = await runSeedCli(['--database-url', url, '--dir', FIXTURE_DIR, '--migrate'], {}, quiet);
    expect(r.migrated.length).toBeGreaterThan(0);
    expect(r.counts.zones).toBeGreaterThan(0);
    expect(r.counts.users).toBe(2);
    expect(r.demoUsersSkipped).toBeNull();
    const db = await openPgDatabase(url);
    try {
      const { rows } = await db.query<{ zones: number; seeds: number }>(
        `select (select count(*)::int from public.zones) as zones, (select count(*)::int from supabase_migrations.seed_files) as seeds`,
      );
      expect(rows[0]).toEqual({ zones: r.counts.zones, seeds: 1 });
    } finally {
      await db.close();
    }
    await expect(runSeedCli(['--database-url', url, '--dir', FIXTURE_DIR], {}, quiet)).rejects.toThrow(
      /already holds districts or zones/,
    );
  });

  it('names the missing migrations instead of importing into an unmigrated database', async () => {
    const url = await fresh('seed_unmigrated');
    await expect(runSeedCli(['--dir', FIXTURE_DIR], { DATABASE_URL: url }, quiet)).rejects.toThrow(
      /migration\(s\) not applied .*supabase db push/,
    );
  });

  it('never writes demo users where GoTrue owns the auth schema (auth.identities exists)', async () => {
    const url = await fresh('seed_gotrue');
    const db = await openPgDatabase(url);
    await db.exec('create table auth.identities (id uuid primary key, user_id uuid references auth.users (id))');
    await db.close();
    const r = await runSeedCli(['--database-url', url, '--dir', FIXTURE_DIR, '--migrate'], {}, quiet);
    expect(r.counts.users).toBe(0);
    expect(r.demoUsersSkipped).toMatch(/Auth admin API/);
  });

  it('asks for a database when neither --database-url nor DATABASE_URL is given', async () => {
    await expect(runSeedCli(['--dir', FIXTURE_DIR], {}, quiet)).rejects.toThrow(/--database-url/);
  });
});
