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
});
