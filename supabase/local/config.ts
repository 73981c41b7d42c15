import { parseArgs } from 'node:util';
import { isAbsolute, relative, resolve } from 'node:path';

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
  /** Folder the stack writes a backup of the PGlite data folder into periodically (`--backup-dir`), or null: none. */
  backupDir: string | null;
  /** Minutes between periodic backups (`--backup-every`, fractions allowed); default 60. */
  backupEveryMinutes: number;
  /** Periodic backups kept in `backupDir`, the newest (`--backup-keep`); default 24. */
  backupKeep: number;
}

export interface AuthConfig {
  /**
   * POST /auth/v1/signup allowed (autoconfirmed). Default no: staff accounts are made by an
   * admin (Auth admin API or the seed); the Supabase CLI's default is yes.
   */
  signupEnabled: boolean;
  /** Lifetime of user access tokens in seconds (GoTrue default 3600). */
  accessTokenTtlSeconds: number;
  /** How long a rotated refresh token may still be exchanged (GoTrue default 10 s). */
  refreshTokenReuseSeconds: number;
  /** Minimum password length (GoTrue default 6). */
  minPasswordLength: number;
  /** bcrypt cost for new password hashes. */
  bcryptCost: number;
  /**
   * POST /token requests (password and refresh grants) per client address per 5 minutes
   * (GoTrue's GOTRUE_RATE_LIMIT_TOKEN_REFRESH, default 150), refilled continuously into a bucket
   * of `rateLimitBurst`. 0 = no limit.
   */
  rateLimitTokenRefresh: number;
  /** POST /signup requests per client address per 5 minutes (GoTrue's GOTRUE_RATE_LIMIT_OTP, default 30). 0 = no limit. */
  rateLimitOtp: number;
  /** Bucket size of the per-address limits (GoTrue's fixed burst of 30). */
  rateLimitBurst: number;
  /**
   * Header a trusted reverse proxy names the client in (GoTrue's GOTRUE_RATE_LIMIT_HEADER, e.g.
   * `X-Forwarded-For`; its last entry is used). Null: the socket's peer address, and client
   * headers are ignored.
   */
  rateLimitHeader: string | null;
  /** Failed password sign-ins per account (email) within `accountWindowSeconds` before it is refused; 0 = no limit. */
  accountFailedSignIns: number;
  /** The sliding window of `accountFailedSignIns`, in seconds. */
  accountWindowSeconds: number;
  /** Most addresses / accounts each limiter remembers; beyond it idle, then least recently seen, entries go. */
  rateLimitMaxKeys: number;
  /** The limiters' clock (ms since the epoch); tests pass a fake one. Default Date.now. */
  clock?: () => number;
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
      signupEnabled: false,
      accessTokenTtlSeconds: 3600,
      refreshTokenReuseSeconds: 10,
      minPasswordLength: 6,
      bcryptCost: 10,
      rateLimitTokenRefresh: 150,
      rateLimitOtp: 30,
      rateLimitBurst: 30,
      rateLimitHeader: null,
      accountFailedSignIns: 10,
      accountWindowSeconds: 900,
      rateLimitMaxKeys: 10_000,
    },
    maxBodyBytes: 10 * 1024 * 1024,
    statementTimeoutMs: 30_000,
    quiet: false,
    backupDir: null,
    backupEveryMinutes: 60,
    backupKeep: 24,
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
  --enable-signup        allow POST /auth/v1/signup (SUPABASE_AUTH_ENABLE_SIGNUP, or GOTRUE_DISABLE_SIGNUP=false);
                         without it sign-up is refused and staff accounts are made by an admin
  --disable-signup       refuse POST /auth/v1/signup (the default; SUPABASE_AUTH_DISABLE_SIGNUP)
  --backup-dir <dir>     write a backup of the data folder into <dir> periodically (SUPABASE_BACKUP_DIR;
                         PGlite only; outside the data folder)
  --backup-every <min>   minutes between those backups (SUPABASE_BACKUP_EVERY_MINUTES, default 60)
  --backup-keep <n>      how many of them to keep, the newest (SUPABASE_BACKUP_KEEP, default 24)
  --quiet                log less
  --help                 this text`;

const truthy = (v: string | undefined) => v !== undefined && /^(1|true|yes|on)$/i.test(v);

function int(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${name} must be a non-negative integer, got ${JSON.stringify(v)}`);
  return n;
}

function positive(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new ConfigError(`${name} must be a positive number, got ${JSON.stringify(v)}`);
  return n;
}

/**
 * Periodic backups: on with a folder, which must lie outside the data folder (a backup copies the
 * whole folder); only for PGlite (a PostgreSQL database is backed up with pg_dump).
 */
function backups(values: { 'backup-dir'?: string; 'backup-every'?: string; 'backup-keep'?: string }, env: NodeJS.ProcessEnv, dataDir: string, native: boolean, base: StackConfig) {
  const dir = values['backup-dir'] ?? env.SUPABASE_BACKUP_DIR;
  const every = values['backup-every'] ?? env.SUPABASE_BACKUP_EVERY_MINUTES;
  const keep = values['backup-keep'] ?? env.SUPABASE_BACKUP_KEEP;
  const out = {
    backupDir: dir ? resolve(dir) : null,
    backupEveryMinutes: positive('--backup-every', every, base.backupEveryMinutes),
    backupKeep: int('--backup-keep', keep, base.backupKeep),
  };
  if (out.backupKeep < 1) throw new ConfigError('--backup-keep must be at least 1');
  if (!out.backupDir) {
    if (every || keep) throw new ConfigError('--backup-every and --backup-keep need --backup-dir (SUPABASE_BACKUP_DIR)');
    return out;
  }
  if (native) throw new ConfigError('--backup-dir backs up the PGlite data folder; back up a PostgreSQL database (--database-url) with pg_dump');
  const inside = relative(dataDir, out.backupDir);
  if (!inside.startsWith('..') && !isAbsolute(inside)) throw new ConfigError(`--backup-dir ${out.backupDir} is inside the data folder ${dataDir}: every backup would copy the ones before it`);
  return out;
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
  'enable-signup': { type: 'boolean' },
  'disable-signup': { type: 'boolean' },
  'backup-dir': { type: 'string' },
  'backup-every': { type: 'string' },
  'backup-keep': { type: 'string' },
  quiet: { type: 'boolean' },
} as const;

const falsy = (v: string | undefined) => v !== undefined && /^(0|false|no|off)$/i.test(v);

/**
 * Sign-up is closed unless opened: `--enable-signup`, SUPABASE_AUTH_ENABLE_SIGNUP=1 or GoTrue's
 * GOTRUE_DISABLE_SIGNUP=false. Asking for both open and closed is an error.
 */
function signupEnabled(values: { 'enable-signup'?: boolean; 'disable-signup'?: boolean }, env: NodeJS.ProcessEnv): boolean {
  const open = values['enable-signup'] || truthy(env.SUPABASE_AUTH_ENABLE_SIGNUP) || falsy(env.GOTRUE_DISABLE_SIGNUP);
  const closed = values['disable-signup'] || truthy(env.SUPABASE_AUTH_DISABLE_SIGNUP) || truthy(env.GOTRUE_DISABLE_SIGNUP);
  if (open && closed) throw new ConfigError('sign-up is both enabled and disabled (--enable-signup / --disable-signup and their environment variables)');
  return Boolean(open);
}

/** An HTTP header name, or null when unset. */
function headerName(name: string, v: string | undefined): string | null {
  if (v === undefined || v.trim() === '') return null;
  if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(v.trim())) throw new ConfigError(`${name} must be an HTTP header name, got ${JSON.stringify(v)}`);
  return v.trim().toLowerCase();
}

/**
 * Command line first, then environment, then defaults. Flags: see USAGE. Environment: PORT, HOST, SUPABASE_DATA_DIR, DATABASE_URL, SUPABASE_PUBLIC_URL,
 * SUPABASE_AUTH_ENABLE_SIGNUP, SUPABASE_AUTH_DISABLE_SIGNUP, GOTRUE_DISABLE_SIGNUP, SUPABASE_STATEMENT_TIMEOUT_MS, SUPABASE_MAX_BODY_BYTES,
 * GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL, GOTRUE_JWT_EXP, GOTRUE_RATE_LIMIT_TOKEN_REFRESH, GOTRUE_RATE_LIMIT_OTP,
 * GOTRUE_RATE_LIMIT_HEADER, SUPABASE_AUTH_ACCOUNT_FAILED_SIGNINS, SUPABASE_AUTH_ACCOUNT_WINDOW_SECONDS, SUPABASE_BACKUP_DIR,
 * SUPABASE_BACKUP_EVERY_MINUTES, SUPABASE_BACKUP_KEEP.
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
  const dataDirValue = values.data ?? env.SUPABASE_DATA_DIR;
  const dataDir = dataDirValue ? resolve(dataDirValue) : base.dataDir;
  const database = databaseUrl(values['database-url'] ?? env.DATABASE_URL);
  return {
    ...base,
    host: values.host ?? env.HOST ?? base.host,
    port: int('--port', values.port ?? env.PORT, base.port),
    dataDir,
    databaseUrl: database,
    serveApp: values['serve-app'] ? resolve(values['serve-app']) : null,
    vite: values.vite ?? false,
    seedDir: values.seed ? resolve(values.seed) : base.seedDir,
    noSeed: values['no-seed'] ?? false,
    envFile: values['no-write-env'] ? null : values['write-env'] ? resolve(values['write-env']) : base.envFile,
    publicUrl: values['public-url'] ?? env.SUPABASE_PUBLIC_URL ?? null,
    auth: {
      ...base.auth,
      signupEnabled: signupEnabled(values, env),
      accessTokenTtlSeconds: int('GOTRUE_JWT_EXP', env.GOTRUE_JWT_EXP, base.auth.accessTokenTtlSeconds),
      refreshTokenReuseSeconds: int(
        'GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL',
        env.GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL,
        base.auth.refreshTokenReuseSeconds,
      ),
      rateLimitTokenRefresh: int('GOTRUE_RATE_LIMIT_TOKEN_REFRESH', env.GOTRUE_RATE_LIMIT_TOKEN_REFRESH, base.auth.rateLimitTokenRefresh),
      rateLimitOtp: int('GOTRUE_RATE_LIMIT_OTP', env.GOTRUE_RATE_LIMIT_OTP, base.auth.rateLimitOtp),
      rateLimitHeader: headerName('GOTRUE_RATE_LIMIT_HEADER', env.GOTRUE_RATE_LIMIT_HEADER),
      accountFailedSignIns: int('SUPABASE_AUTH_ACCOUNT_FAILED_SIGNINS', env.SUPABASE_AUTH_ACCOUNT_FAILED_SIGNINS, base.auth.accountFailedSignIns),
      accountWindowSeconds: int('SUPABASE_AUTH_ACCOUNT_WINDOW_SECONDS', env.SUPABASE_AUTH_ACCOUNT_WINDOW_SECONDS, base.auth.accountWindowSeconds),
    },
    maxBodyBytes: int('SUPABASE_MAX_BODY_BYTES', env.SUPABASE_MAX_BODY_BYTES, base.maxBodyBytes),
    statementTimeoutMs: int('SUPABASE_STATEMENT_TIMEOUT_MS', env.SUPABASE_STATEMENT_TIMEOUT_MS, base.statementTimeoutMs),
    quiet: values.quiet ?? false,
    ...backups(values, env, dataDir, database !== null, base),
  };
}
