import { parseArgs } from 'node:util';
import { resolve } from 'node:path';

/** Everything the local stack can be told at start-up; `resolveConfig` fills the defaults. */
export interface StackConfig {
  /** Interface to listen on; default 127.0.0.1. */
  host: string;
  /** TCP port; default 54321, 0 picks a free one. */
  port: number;
  /** PGlite data folder (absolute); default `<cwd>/.data`. With `databaseUrl` it keeps only the JWT secret. */
  dataDir: string;
  /** A native PostgreSQL + PostGIS database to use instead of PGlite (`--database-url` / DATABASE_URL), or null. */
  databaseUrl: string | null;
  /** Folder of the built app to serve on the same port (SPA fallback), or null. */
  serveApp: string | null;
  /** Start Vite's dev server against the stack (`npm run dev`). */
  vite: boolean;
  /** Folder the first start seeds from; default `data/nantong`. */
  seedDir: string;
  /** Skip the seed step even on a fresh folder. */
  noSeed: boolean;
  /** `.env.local` to write VITE_SUPABASE_URL / VITE_SUPABASE_ANON_KEY into, or null. */
  envFile: string | null;
  /** Public URL of the API as clients see it; default `http://<host>:<port>` once listening. */
  publicUrl: string | null;
  auth: AuthConfig;
  /** Request bodies above this many bytes get 413; default 10 MiB. */
  maxBodyBytes: number;
  /** Keep request-level error logs off the console (tests). The start-up banner is always printed. */
  quiet: boolean;
  /** Any single SQL statement running longer than this is aborted and the database restarted. */
  statementTimeoutMs: number;
}

export interface AuthConfig {
  /** POST /auth/v1/signup allowed (Supabase CLI default: yes, autoconfirmed). */
  signupEnabled: boolean;
  /** Lifetime of user access tokens in seconds (GoTrue default 3600). */
  accessTokenTtlSeconds: number;
  /** How long a rotated refresh token may still be exchanged (GoTrue default 10 s). */
  refreshTokenReuseSeconds: number;
  /** Minimum password length (GoTrue default 6). */
  minPasswordLength: number;
  /** bcrypt cost for new password hashes. */
  bcryptCost: number;
}

export const DEFAULT_PORT = 54321;

export function defaultConfig(cwd = process.cwd()): StackConfig {
  return {
    host: '127.0.0.1',
    port: DEFAULT_PORT,
    dataDir: resolve(cwd, '.data'),
    databaseUrl: null,
    serveApp: null,
    vite: false,
    seedDir: resolve(cwd, 'data/nantong'),
    noSeed: false,
    envFile: resolve(cwd, '.env.local'),
    publicUrl: null,
    auth: {
      signupEnabled: true,
      accessTokenTtlSeconds: 3600,
      refreshTokenReuseSeconds: 10,
      minPasswordLength: 6,
      bcryptCost: 10,
    },
    maxBodyBytes: 10 * 1024 * 1024,
    statementTimeoutMs: 30_000,
    quiet: false,
  };
}

/** A bad flag or setting: reported as one line and the usage, never as a stack trace. */
export class ConfigError extends Error {}

export const USAGE = `Usage: tsx supabase/local/start.ts [options]
  --port <n>             port to listen on (PORT, default 54321)
  --host <addr>          address to bind (HOST, default 127.0.0.1)
  --data <dir>           PGlite data folder (SUPABASE_DATA_DIR, default .data/)
  --database-url <url>   use this PostgreSQL + PostGIS database instead of PGlite (DATABASE_URL);
                         one without Supabase's objects is bootstrapped (needs a superuser)
  --serve-app <dir>      also serve the built app from <dir> (npm start uses dist)
  --vite                 also start the Vite dev server (npm run dev)
  --seed <dir>           dataset to seed a fresh database from (default data/nantong)
  --no-seed              leave a fresh database empty
  --write-env <path>     where to write VITE_SUPABASE_URL / VITE_SUPABASE_ANON_KEY (default .env.local)
  --no-write-env         write no env file
  --public-url <url>     URL the stack is reached at, if not http://host:port (SUPABASE_PUBLIC_URL)
  --disable-signup       refuse POST /auth/v1/signup (SUPABASE_AUTH_DISABLE_SIGNUP)
  --quiet                log less
  --help                 this text`;

const truthy = (v: string | undefined) => v !== undefined && /^(1|true|yes|on)$/i.test(v);

function int(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${name} must be a non-negative integer, got ${JSON.stringify(v)}`);
  return n;
}

function databaseUrl(v: string | undefined): string | null {
  if (v === undefined || v === '') return null;
  if (!/^postgres(ql)?:\/\//.test(v)) throw new ConfigError(`--database-url / DATABASE_URL must be a postgres:// or postgresql:// URL`);
  return v;
}

const FLAGS = {
  port: { type: 'string' },
  host: { type: 'string' },
  data: { type: 'string' },
  'database-url': { type: 'string' },
  'serve-app': { type: 'string' },
  vite: { type: 'boolean' },
  seed: { type: 'string' },
  'no-seed': { type: 'boolean' },
  'write-env': { type: 'string' },
  'no-write-env': { type: 'boolean' },
  'public-url': { type: 'string' },
  'disable-signup': { type: 'boolean' },
  quiet: { type: 'boolean' },
} as const;

/**
 * Command line first, then environment, then defaults. Flags: see USAGE. Environment: PORT, HOST, SUPABASE_DATA_DIR, DATABASE_URL, SUPABASE_PUBLIC_URL,
 * SUPABASE_AUTH_DISABLE_SIGNUP, SUPABASE_STATEMENT_TIMEOUT_MS, SUPABASE_MAX_BODY_BYTES,
 * GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL, GOTRUE_JWT_EXP.
 */
export function resolveConfig(argv: string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): StackConfig {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, strict: true, options: FLAGS });
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  const { values } = parsed;
  const base = defaultConfig();
  const dataDir = values.data ?? env.SUPABASE_DATA_DIR;
  return {
    ...base,
    host: values.host ?? env.HOST ?? base.host,
    port: int('--port', values.port ?? env.PORT, base.port),
    dataDir: dataDir ? resolve(dataDir) : base.dataDir,
    databaseUrl: databaseUrl(values['database-url'] ?? env.DATABASE_URL),
    serveApp: values['serve-app'] ? resolve(values['serve-app']) : null,
    vite: values.vite ?? false,
    seedDir: values.seed ? resolve(values.seed) : base.seedDir,
    noSeed: values['no-seed'] ?? false,
    envFile: values['no-write-env'] ? null : values['write-env'] ? resolve(values['write-env']) : base.envFile,
    publicUrl: values['public-url'] ?? env.SUPABASE_PUBLIC_URL ?? null,
    auth: {
      ...base.auth,
      signupEnabled: !(values['disable-signup'] || truthy(env.SUPABASE_AUTH_DISABLE_SIGNUP)),
      accessTokenTtlSeconds: int('GOTRUE_JWT_EXP', env.GOTRUE_JWT_EXP, base.auth.accessTokenTtlSeconds),
      refreshTokenReuseSeconds: int(
        'GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL',
        env.GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL,
        base.auth.refreshTokenReuseSeconds,
      ),
    },
    maxBodyBytes: int('SUPABASE_MAX_BODY_BYTES', env.SUPABASE_MAX_BODY_BYTES, base.maxBodyBytes),
    statementTimeoutMs: int('SUPABASE_STATEMENT_TIMEOUT_MS', env.SUPABASE_STATEMENT_TIMEOUT_MS, base.statementTimeoutMs),
    quiet: values.quiet ?? false,
  };
}
