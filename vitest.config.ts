import { defineConfig } from 'vitest/config';

// PGlite + PostGIS takes seconds to open and the machine has 2 cores: generous timeouts,
// at most two test files at once.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 180_000,
    maxWorkers: 2,
    globalSetup: ['tests/helpers/global-setup.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/e2e/**', 'tests/bench/**', 'tests/native/**'],
          // The English catalogue is a chunk the app fetches when wanted; tests translate into it at once.
          setupFiles: ['tests/helpers/catalogues-setup.ts'],
        },
      },
      { extends: true, test: { name: 'e2e', include: ['tests/e2e/**/*.test.ts'], fileParallelism: false } },
      // The database suites again on a real PostgreSQL 15 + PostGIS 3.3 (hosted Supabase's versions),
      // in a throwaway cluster per run (tests/helpers/native-pg.ts); fails without the binaries.
      {
        test: {
          name: 'db-native',
          include: ['tests/db/**/*.test.ts', 'tests/native/**/*.test.ts', 'tests/local/**/*.test.ts'],
          // Of the stack's suites, those that talk to its database. server-db tests the PGlite worker
          // itself (restarts, the one-connection queue, PGlite's empty answers), server-cli spawns
          // PGlite stacks, the other three use no database. realtime and realtime-map each have a test
          // that relies on PGlite delivering a NOTIFY before the statement that caused it returns (a
          // `select 1` as a barrier; a subscription made just after a commit never seeing it); on
          // Postgres the NOTIFY arrives on another connection a moment later, so those fail now and
          // then there (docs/database.md, "Native PostgreSQL backend").
          exclude: [
            'tests/local/server-db.test.ts',
            'tests/local/server-cli.test.ts',
            'tests/local/server-static.test.ts',
            'tests/local/rest-parse.test.ts',
            'tests/local/config.test.ts',
            'tests/local/realtime.test.ts',
            'tests/local/realtime-map.test.ts',
          ],
          globalSetup: ['tests/helpers/native-pg.ts'],
          env: { TEST_DB_BACKEND: 'native' },
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
