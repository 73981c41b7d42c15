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
        test: { name: 'unit', include: ['tests/**/*.test.ts'], exclude: ['tests/e2e/**', 'tests/bench/**', 'tests/native/**'] },
      },
      { extends: true, test: { name: 'e2e', include: ['tests/e2e/**/*.test.ts'], fileParallelism: false } },
      // The database suites again on a real PostgreSQL 15 + PostGIS 3 (hosted Supabase's versions),
      // in a throwaway cluster per run; no PGlite template needed, so no root globalSetup.
      {
        test: {
          name: 'db-native',
          include: [
            'tests/db/**/*.test.ts',
            'tests/native/**/*.test.ts',
            // The stack's REST and Realtime conformance over PostgreSQL (tests/helpers/stack.ts).
            'tests/local/rest-conformance.test.ts',
            'tests/local/realtime.test.ts',
            'tests/local/realtime-map.test.ts',
            'tests/local/auth.test.ts',
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
