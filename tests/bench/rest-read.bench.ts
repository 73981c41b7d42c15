/**
 * REST read: what the maps load (all active zones, the public sites, every site for staff),
 * 200 requests each through `/rest/v1` on a running stack, beside the same SQL statement run
 * directly on the Database in the same transaction shape (role and settings), in the same run.
 */
import { cp, mkdir, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { defaultConfig } from '../../supabase/local/config.ts';
import { startStack } from '../../supabase/local/stack.ts';
import { parseQuery } from '../../supabase/local/rest/parse/query.ts';
import { SchemaCache } from '../../supabase/local/rest/schema-cache.ts';
import { buildRead } from '../../supabase/local/rest/sql/read.ts';
import { Scope, tableTarget } from '../../supabase/local/rest/sql/scope.ts';
import { inRequestTransaction, runMain } from '../../supabase/local/rest/transaction.ts';
import { ensureTemplate, ROOT, seedDir, TMP } from '../helpers/template.ts';
import { defineBench, measure, runs, type BenchCase } from './bench.ts';

const READS = [
  {
    name: 'active zones (anon)',
    role: 'anon',
    table: 'zones',
    query: 'select=id,name,name_en,level,status,district,geom,effective_from,review_days,version,updated_at&status=eq.active',
  },
  {
    name: 'public sites (anon)',
    role: 'anon',
    table: 'sites',
    query: 'select=id,kind,name,name_en,district,geom,status,capacity_per_hour,opens,closes,queue_length,state,road,pass_required,version,updated_at',
  },
  { name: 'all sites (service_role)', role: 'service_role', table: 'sites', query: 'select=*' },
] as const;

export default defineBench({
  name: 'rest-read',
  async run(): Promise<BenchCase[]> {
    const n = runs(200);
    const dataDir = join(TMP, 'stacks', `bench-rest-${process.pid}`);
    await mkdir(join(TMP, 'stacks'), { recursive: true });
    await cp(await ensureTemplate(), dataDir, { recursive: true });
    const stack = await startStack({ ...defaultConfig(ROOT), port: 0, dataDir, seedDir: seedDir(), envFile: null, quiet: true });
    const cases: BenchCase[] = [];
    try {
      const { db, keys } = stack.ctx;
      const info = await new SchemaCache(db).get('public');
      const req = { method: 'GET', headers: {} } as IncomingMessage;
      for (const read of READS) {
        const key = read.role === 'anon' ? keys.anonKey : keys.serviceKey;
        const headers = { apikey: key, Authorization: `Bearer ${key}`, 'Accept-Profile': 'public' };
        const url = `${stack.url}/rest/v1/${read.table}?${read.query}`;
        const first = await fetch(url, { headers });
        const body = await first.text();
        if (first.status !== 200) throw new Error(`${read.name}: HTTP ${first.status} ${body}`);

        const scope = new Scope(info, parseQuery(new URLSearchParams(read.query)), new Map());
        const target = tableTarget(info, read.table, `"${read.table}"`, '');
        const sql = buildRead(scope, target, `"public"."${read.table}" as "${read.table}"`, { rendering: 'array', stripNulls: false, body: true }, false);
        const caller = { role: read.role, claims: { role: read.role } };
        const direct = () =>
          inRequestTransaction(db, { caller, req, path: `/${read.table}`, schema: 'public', readOnly: true }, (tx) => runMain(tx, sql, scope.params.values));
        if ((await direct()).pgrst_body !== body) throw new Error(`${read.name}: the direct statement and REST answered differently`);

        const note = `${(JSON.parse(body) as unknown[]).length} rows, ${Math.round(body.length / 1024)} KiB`;
        const sqlCase = `${read.name}: same SQL on the Database`;
        cases.push({ name: sqlCase, samples: await measure(n, direct, 10), note });
        cases.push({ name: `${read.name}: GET /rest/v1`, samples: await measure(n, async () => (await fetch(url, { headers })).text(), 10), baseline: sqlCase, note });
      }
    } finally {
      await stack.close();
      await rm(dataDir, { recursive: true, force: true });
    }
    return cases;
  },
});
