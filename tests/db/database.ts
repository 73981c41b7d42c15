import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase, type Database } from '../../supabase/local/db.ts';
import { prepareDatabase } from '../../supabase/local/stack.ts';

export const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/seed/', import.meta.url));
export const DATASET_DIR = fileURLToPath(new URL('../../data/nantong/', import.meta.url));

export interface TestDatabase {
  db: Database;
  close(): Promise<void>;
}

/**
 * A database of its own for one test file, in a temp folder, prepared the way the stack
 * starts (realtime schema, migrations, seed of `seedDir`, change capture); `seedDir: null`
 * leaves it unseeded.
 */
export async function openTestDatabase(seedDir: string | null = FIXTURE_DIR): Promise<TestDatabase> {
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
