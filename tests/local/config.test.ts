import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../../supabase/local/config.ts';

describe('stack configuration', () => {
  it('takes the port and data folder from flags before the environment', () => {
    const c = resolveConfig(['--port', '5555', '--data', '/tmp/x'], { PORT: '6666', SUPABASE_DATA_DIR: '/tmp/y' });
    expect(c.port).toBe(5555);
    expect(c.dataDir).toBe('/tmp/x');
  });

  it('falls back to the environment, then to 127.0.0.1:54321', () => {
    expect(resolveConfig([], { PORT: '6666' }).port).toBe(6666);
    const c = resolveConfig([], {});
    expect([c.host, c.port]).toEqual(['127.0.0.1', 54321]);
  });

  it('reports an unknown flag as a ConfigError naming it', () => {
    expect(() => resolveConfig(['--bogus'], {})).toThrow(ConfigError);
    expect(() => resolveConfig(['--bogus'], {})).toThrow(/--bogus/);
  });

  it('reports a port that is not a number as a ConfigError', () => {
    expect(() => resolveConfig(['--port', 'abc'], {})).toThrow(ConfigError);
    expect(() => resolveConfig([], { PORT: '-1' })).toThrow(/non-negative integer/);
  });

  it('uses PGlite unless --database-url or DATABASE_URL names a Postgres, the flag first', () => {
    expect(resolveConfig([], {}).databaseUrl).toBeNull();
    expect(resolveConfig([], { DATABASE_URL: 'postgres://a@h/db' }).databaseUrl).toBe('postgres://a@h/db');
    expect(resolveConfig(['--database-url', 'postgresql://b@h/db'], { DATABASE_URL: 'postgres://a@h/db' }).databaseUrl).toBe('postgresql://b@h/db');
    expect(() => resolveConfig(['--database-url', 'mysql://x'], {})).toThrow(ConfigError);
  });

  it('keeps sign-up closed unless --enable-signup, SUPABASE_AUTH_ENABLE_SIGNUP or GOTRUE_DISABLE_SIGNUP=false opens it', () => {
    expect(resolveConfig([], {}).auth.signupEnabled).toBe(false);
    expect(resolveConfig(['--disable-signup'], {}).auth.signupEnabled).toBe(false);
    expect(resolveConfig([], { SUPABASE_AUTH_DISABLE_SIGNUP: '1' }).auth.signupEnabled).toBe(false);
    expect(resolveConfig([], { GOTRUE_DISABLE_SIGNUP: 'true' }).auth.signupEnabled).toBe(false);
    expect(resolveConfig(['--enable-signup'], {}).auth.signupEnabled).toBe(true);
    expect(resolveConfig([], { SUPABASE_AUTH_ENABLE_SIGNUP: 'yes' }).auth.signupEnabled).toBe(true);
    expect(resolveConfig([], { GOTRUE_DISABLE_SIGNUP: 'false' }).auth.signupEnabled).toBe(true);
    expect(() => resolveConfig(['--enable-signup', '--disable-signup'], {})).toThrow(ConfigError);
    expect(() => resolveConfig(['--enable-signup'], { GOTRUE_DISABLE_SIGNUP: '1' })).toThrow(/both enabled and disabled/);
  });

  it("has GoTrue's per-address sign-in limits and the per-account one by default, each settable", () => {
    const d = resolveConfig([], {}).auth;
    expect(d).toMatchObject({
      rateLimitTokenRefresh: 150,
      rateLimitOtp: 30,
      rateLimitBurst: 30,
      rateLimitHeader: null,
      accountFailedSignIns: 10,
      accountWindowSeconds: 900,
    });
    const c = resolveConfig([], {
      GOTRUE_RATE_LIMIT_TOKEN_REFRESH: '300',
      GOTRUE_RATE_LIMIT_OTP: '0',
      GOTRUE_RATE_LIMIT_HEADER: 'X-Forwarded-For',
      SUPABASE_AUTH_ACCOUNT_FAILED_SIGNINS: '5',
      SUPABASE_AUTH_ACCOUNT_WINDOW_SECONDS: '60',
    }).auth;
    expect(c).toMatchObject({ rateLimitTokenRefresh: 300, rateLimitOtp: 0, rateLimitHeader: 'x-forwarded-for', accountFailedSignIns: 5, accountWindowSeconds: 60 });
    expect(() => resolveConfig([], { GOTRUE_RATE_LIMIT_TOKEN_REFRESH: 'lots' })).toThrow(/GOTRUE_RATE_LIMIT_TOKEN_REFRESH/);
    expect(() => resolveConfig([], { GOTRUE_RATE_LIMIT_HEADER: 'not a header' })).toThrow(ConfigError);
  });

  it('takes periodic backups only with --backup-dir, outside the data folder, of PGlite', () => {
    const d = resolveConfig([], {});
    expect([d.backupDir, d.backupEveryMinutes, d.backupKeep]).toEqual([null, 60, 24]);
    const c = resolveConfig(['--data', '/tmp/d', '--backup-dir', '/tmp/b', '--backup-every', '0.5', '--backup-keep', '3'], {});
    expect([c.backupDir, c.backupEveryMinutes, c.backupKeep]).toEqual(['/tmp/b', 0.5, 3]);
    const e = resolveConfig([], { SUPABASE_BACKUP_DIR: '/tmp/b', SUPABASE_BACKUP_EVERY_MINUTES: '15', SUPABASE_BACKUP_KEEP: '96' });
    expect([e.backupDir, e.backupEveryMinutes, e.backupKeep]).toEqual(['/tmp/b', 15, 96]);
    expect(() => resolveConfig(['--backup-every', '10'], {})).toThrow(/need --backup-dir/);
    expect(() => resolveConfig([], { SUPABASE_BACKUP_KEEP: '3' })).toThrow(/need --backup-dir/);
    for (const every of ['0', '-1', 'hourly']) {
      expect(() => resolveConfig(['--backup-dir', '/tmp/b', `--backup-every=${every}`], {})).toThrow(/--backup-every must be a positive number/);
    }
    expect(() => resolveConfig(['--backup-dir', '/tmp/b', '--backup-keep', '0'], {})).toThrow(/at least 1/);
    expect(() => resolveConfig(['--backup-dir', '/tmp/b', '--backup-keep', '1.5'], {})).toThrow(ConfigError);
    expect(() => resolveConfig(['--data', '/tmp/d', '--backup-dir', '/tmp/d/backups'], {})).toThrow(/inside the data folder/);
    expect(() => resolveConfig(['--data', '/tmp/d', '--backup-dir', '/tmp/d'], {})).toThrow(/inside the data folder/);
    expect(resolveConfig(['--data', '/tmp/d', '--backup-dir', '/tmp/d-backups'], {}).backupDir).toBe('/tmp/d-backups');
    expect(() => resolveConfig(['--backup-dir', '/tmp/b'], { DATABASE_URL: 'postgres://a@h/db' })).toThrow(/pg_dump/);
  });
});
