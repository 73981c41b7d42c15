import { existsSync, readdirSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { describeUrl, openPgDatabase } from '../local/db-pg.ts';
import type { Database } from '../local/db.ts';
import { applyMigrations, MIGRATIONS_DIR } from '../local/migrate.ts';
import { installRealtimeSchema } from '../local/realtime/index.ts';
import { hashDir, PREPARE_TIMEOUT_MS } from '../local/stack.ts';
import { DEMO_PASSWORD, DEMO_USERS, seedDatabase, type SeedCounts } from './seed.ts';

export const SEED_USAGE = `Usage: npm run seed -- --database-url <url> [options]
  Imports a district's dataset into any PostgreSQL + PostGIS database: a hosted Supabase
  project (its direct or session-pooler connection string) or a plain Postgres.
  --database-url <url>   the database (or DATABASE_URL)
  --dir <dir>            the dataset folder (default data/nantong)
  --migrate              apply pending supabase/migrations first (else they must be applied,
                         e.g. by supabase db push)
  --no-demo-users        do not create commander@demo.local / dispatcher@demo.local
  --help                 this text
  Where GoTrue owns the auth schema (hosted Supabase) the demo users are never written into
  auth.users; create staff accounts with the Auth admin API (see README).`;

export class SeedCliError extends Error {}

/** Versions in supabase/migrations that the database has not recorded as applied. */
async function pendingMigrations(db: Database): Promise<string[]> {
  const versions = readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d+_.+\.sql$/.test(f))
    .map((f) => f.split('_')[0])
    .sort();
  const { rows } = await db.query<{ applied: string[] | null }>(
    `select case when to_regclass('supabase_migrations.schema_migrations') is null then null
            else (select coalesce(array_agg(version), '{}') from supabase_migrations.schema_migrations) end as applied`,
  );
  const applied = new Set(rows[0].applied ?? []);
  return versions.filter((v) => !applied.has(v));
}

export interface SeedCliResult {
  counts: SeedCounts;
  migrated: string[];
  /** Why the demo users were not created, or null when they were. */
  demoUsersSkipped: string | null;
}

/** The seed command: flags, checks and the import; messages go to `log`. */
export async function runSeedCli(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  log: (m: string) => void = console.log,
): Promise<SeedCliResult> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        'database-url': { type: 'string' },
        dir: { type: 'string' },
        migrate: { type: 'boolean' },
        'no-demo-users': { type: 'boolean' },
      },
    }));
  } catch (e) {
    throw new SeedCliError((e as Error).message);
  }
  const url = values['database-url'] ?? env.DATABASE_URL;
  if (!url) throw new SeedCliError('no database: pass --database-url <url> or set DATABASE_URL');
  const dir = resolve(values.dir ?? 'data/nantong');
  if (!existsSync(dir)) throw new SeedCliError(`dataset folder ${dir} not found`);

  const db = await openPgDatabase(url, { statementTimeoutMs: PREPARE_TIMEOUT_MS });
  try {
    log(
      `seeding ${describeUrl(url)} from ${relative(process.cwd(), dir) || '.'}${db.bootstrapped ? ' (bootstrapped: it had no Supabase objects)' : ''}`,
    );
    let migrated: string[] = [];
    const pending = await pendingMigrations(db);
    if (pending.length > 0) {
      if (!values.migrate) {
        throw new SeedCliError(
          `${pending.length} migration(s) not applied (${pending.join(', ')}): run supabase db push for a Supabase project, or pass --migrate`,
        );
      }
      // A plain Postgres lacks Supabase Realtime's schema, which the migrations write policies on:
      // the local stack's stand-in provides it. A Supabase project has the real one, left alone.
      const { rows } = await db.query<{ realtime: boolean }>(
        `select to_regclass('realtime.messages') is not null as realtime`,
      );
      if (!rows[0].realtime) await installRealtimeSchema(db);
      migrated = await applyMigrations(db);
      log(`applied migrations: ${migrated.join(', ')}`);
    }
    const demoUsersSkipped = values['no-demo-users']
      ? '--no-demo-users'
      : db.gotrueAuth
        ? 'GoTrue owns the auth schema here (a Supabase project): create staff accounts with the Auth admin API'
        : null;
    const counts = await seedDatabase(db, dir, { demoUsers: demoUsersSkipped === null });
    // Recorded as the local stack and the Supabase CLI record a seed, so a stack started on this
    // database (--database-url) does not try to seed it again.
    await db.exec(
      'create table if not exists supabase_migrations.seed_files (path text primary key, hash text not null)',
    );
    await db.query(
      'insert into supabase_migrations.seed_files (path, hash) values ($1, $2) on conflict (path) do update set hash = excluded.hash',
      [relative(process.cwd(), dir) || '.', hashDir(dir)],
    );
    log(
      `imported ${counts.districts} districts, ${counts.compounds} compounds, ${counts.sites} sites, ${counts.roads} roads, ${counts.zones} zones`,
    );
    if (demoUsersSkipped) log(`demo users not created (${demoUsersSkipped})`);
    else
      log(`demo users: ${DEMO_USERS.map((u) => u.email).join(', ')} (password ${DEMO_PASSWORD}; ${counts.users} new)`);
    return { counts, migrated, demoUsersSkipped };
  } finally {
    await db.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) console.log(SEED_USAGE);
  else {
    runSeedCli(argv).catch((e: unknown) => {
      console.error(`seed: ${(e as Error).message}${e instanceof SeedCliError ? `\n${SEED_USAGE}` : ''}`);
      process.exit(1);
    });
  }
}
