import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../../supabase/local/db.ts';
import { openPgDatabase } from '../../supabase/local/db-pg.ts';
import { prepareDatabase } from '../../supabase/local/stack.ts';
import { createTestDatabase, type TemplateKind } from '../helpers/native-pg.ts';

export const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/seed/', import.meta.url));
export const DATASET_DIR = fileURLToPath(new URL('../../data/nantong/', import.meta.url));

/**
 * Which database the suites run on: PGlite (project `unit`) or the run's PostgreSQL 15 + PostGIS 3
 * cluster (project `db-native`, TEST_DB_BACKEND=native), the backend faithful to hosted Supabase.
 */
export const BACKEND: 'pglite' | 'native' = process.env.TEST_DB_BACKEND === 'native' ? 'native' : 'pglite';

export interface TestDatabase {
  db: Database;
  close(): Promise<void>;
}

/**
 * A database of its own for one test file, prepared the way the stack starts (realtime schema,
 * migrations, seed of `seedDir`, change capture); `seedDir: null` leaves it unseeded. On PGlite
 * it is a temp folder; on PostgreSQL a copy of the run's template database for that seed.
 */
export async function openTestDatabase(seedDir: string | null = FIXTURE_DIR): Promise<TestDatabase> {
  return BACKEND === 'native' ? openNative(seedDir) : openPglite(seedDir);
}

async function openPglite(seedDir: string | null): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'nantong-db-'));
  const db = await openDatabase(dir);
  await prepareDatabase(db, { seedDir: seedDir ?? FIXTURE_DIR, noSeed: seedDir === null });
  return {
    db,
    async close() {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function templateFor(seedDir: string | null): TemplateKind {
  if (seedDir === null) return 'empty';
  if (resolve(seedDir) === resolve(FIXTURE_DIR)) return 'fixture';
  if (resolve(seedDir) === resolve(DATASET_DIR)) return 'dataset';
  throw new Error(`no native template database is seeded from ${seedDir} (tests/helpers/native-pg.ts builds them)`);
}

async function openNative(seedDir: string | null): Promise<TestDatabase> {
  const created = await createTestDatabase(inject('nativePgUrl'), templateFor(seedDir));
  const db = await openPgDatabase(created.url);
  return {
    db,
    async close() {
      await db.close();
      await created.drop();
    },
  };
}
