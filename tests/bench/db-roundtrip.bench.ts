/**
 * Cost of hosting PGlite in a worker thread (db.ts): a small parameterised query and a
 * 3-statement transaction through the Database, beside the same work on an in-process PGlite
 * opened on a copy of the same data folder, in the same run.
 */
import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../supabase/local/db.ts';
import { ensureTemplate, TMP } from '../helpers/template.ts';
import { defineBench, measure, runs, type BenchCase } from './bench.ts';

const SMALL = "select id, email from auth.users where email = $1";
const ROWS = 'select s.i, md5(s.i::text) as h from generate_series(1, 1000) s(i)';

export default defineBench({
  name: 'db-roundtrip',
  async run(): Promise<BenchCase[]> {
    const template = await ensureTemplate();
    const workerDir = join(TMP, 'bench-db-worker');
    const inProcDir = join(TMP, 'bench-db-inproc');
    for (const d of [workerDir, inProcDir]) {
      rmSync(d, { recursive: true, force: true });
      cpSync(template, d, { recursive: true });
    }
    const n = runs(500);
    const db = await openDatabase(workerDir);
    const pg = await PGlite.create({ dataDir: inProcDir, extensions: { postgis, pgcrypto, pg_trgm } });
    await pg.exec('set search_path = public, extensions');
    try {
      const email = ['commander@demo.local'];
      const cases: BenchCase[] = [
        { name: 'small query, in-process PGlite', samples: await measure(n, () => pg.query(SMALL, email), 20) },
        { name: 'small query, worker Database', samples: await measure(n, () => db.query(SMALL, email), 20), baseline: 'small query, in-process PGlite' },
        { name: '1000 rows, in-process PGlite', samples: await measure(Math.ceil(n / 5), () => pg.query(ROWS), 5) },
        { name: '1000 rows, worker Database', samples: await measure(Math.ceil(n / 5), () => db.query(ROWS), 5), baseline: '1000 rows, in-process PGlite' },
        {
          name: '3-statement transaction, in-process PGlite',
          samples: await measure(
            n,
            () =>
              pg.transaction(async (tx) => {
                await tx.query("select set_config('role', 'anon', true)");
                await tx.query("select set_config('request.jwt.claims', '{\"role\":\"anon\"}', true)");
                await tx.query('select count(*) from public.zones');
              }),
            20,
          ),
        },
        {
          name: '3-statement transaction, worker Database',
          samples: await measure(
            n,
            () =>
              db.transaction(async (tx) => {
                await tx.query("select set_config('role', 'anon', true)");
                await tx.query("select set_config('request.jwt.claims', '{\"role\":\"anon\"}', true)");
                await tx.query('select count(*) from public.zones');
              }),
            20,
          ),
          baseline: '3-statement transaction, in-process PGlite',
        },
      ];
      return cases;
    } finally {
      await db.close();
      await pg.close();
      rmSync(workerDir, { recursive: true, force: true });
      rmSync(inProcDir, { recursive: true, force: true });
    }
  },
});
