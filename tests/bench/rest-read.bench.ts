/**
 * REST read benchmark: what the public map loads (all active zones, all sites it may see),
 * p50 / p99 over 200 requests through `/rest/v1`, beside the same SQL run directly on the
 * Database (same role settings, same transaction shape) in the same run.
 *
 * Run: `npx tsx tests/bench/rest-read.bench.ts` (or through the bench runner, which calls `run`).
 */
import { cp, mkdir, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultConfig } from '../../supabase/local/config.ts';
import { startStack } from '../../supabase/local/stack.ts';
import { parseQuery } from '../../supabase/local/rest/parse/query.ts';
import { SchemaCache } from '../../supabase/local/rest/schema-cache.ts';
import { buildRead } from '../../supabase/local/rest/sql/read.ts';
import { Scope, tableTarget } from '../../supabase/local/rest/sql/scope.ts';
import { inRequestTransaction, runMain } from '../../supabase/local/rest/transaction.ts';
import { ensureTemplate, ROOT, seedDir, TMP } from '../helpers/template.ts';

const REQUESTS = 200;
const WARMUP = 10;

const READS = [
  {
    name: 'active zones',
    role: 'anon',
    table: 'zones',
    query: 'select=id,name,name_en,level,status,district,geom,effective_from,review_days,version,updated_at&status=eq.active',
  },
  {
    name: 'public sites',
    role: 'anon',
    table: 'sites',
    query: 'select=id,kind,name,name_en,district,geom,status,capacity_per_hour,opens,closes,queue_length,state,road,pass_required,version,updated_at',
  },
  { name: 'all sites (staff)', role: 'service_role', table: 'sites', query: 'select=*' },
] as const;

export interface BenchLine {
  name: string;
  rows: number;
  bytes: number;
  p50Ms: number;
  p99Ms: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function measure(fn: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

export async function run(log: (line: string) => void = console.log): Promise<BenchLine[]> {
  const dataDir = join(TMP, 'stacks', `bench-rest-${process.pid}`);
  await mkdir(join(TMP, 'stacks'), { recursive: true });
  await cp(await ensureTemplate(), dataDir, { recursive: true });
  const stack = await startStack({ ...defaultConfig(ROOT), port: 0, dataDir, seedDir: seedDir(), envFile: null, quiet: true });
  const lines: BenchLine[] = [];
  try {
    const { db, keys } = stack.ctx;
    const info = await new SchemaCache(db).get('public');
    const fakeReq = { method: 'GET', headers: {} } as IncomingMessage;
    for (const read of READS) {
      const key = read.role === 'anon' ? keys.anonKey : keys.serviceKey;
      const headers = { apikey: key, Authorization: `Bearer ${key}`, 'Accept-Profile': 'public' };
      const url = `${stack.url}/rest/v1/${read.table}?${read.query}`;
      const first = await fetch(url, { headers });
      const body = await first.text();
      if (first.status !== 200) throw new Error(`${read.name}: HTTP ${first.status} ${body}`);
      const rows = (JSON.parse(body) as unknown[]).length;
      const rest = await measure(async () => (await fetch(url, { headers })).text());

      const scope = new Scope(info, parseQuery(new URLSearchParams(read.query)), new Map());
      const target = tableTarget(info, read.table, `"${read.table}"`, '');
      const sql = buildRead(scope, target, `"public"."${read.table}" as "${read.table}"`, { rendering: 'array', stripNulls: false, body: true }, false);
      const direct = () =>
        inRequestTransaction(db, { caller: { role: read.role, claims: { role: read.role } }, req: fakeReq, path: `/${read.table}`, schema: 'public', readOnly: true }, (tx) =>
          runMain(tx, sql, scope.params.values),
        );
      const check = await direct();
      if (check.pgrst_body !== body) throw new Error(`${read.name}: direct SQL and REST bodies differ`);
      const base = await measure(direct);

      lines.push({ name: `REST ${read.name}`, rows, bytes: body.length, p50Ms: rest.p50, p99Ms: rest.p99 });
      lines.push({ name: `SQL  ${read.name}`, rows, bytes: body.length, p50Ms: base.p50, p99Ms: base.p99 });
    }
  } finally {
    await stack.close();
    await rm(dataDir, { recursive: true, force: true });
  }
  log(`rest-read: ${REQUESTS} sequential requests each (after ${WARMUP} warm-up)`);
  for (const l of lines) {
    log(`${l.name.padEnd(26)} rows ${String(l.rows).padStart(4)}  ${String(Math.round(l.bytes / 1024)).padStart(5)} KiB  p50 ${l.p50Ms.toFixed(2).padStart(7)} ms  p99 ${l.p99Ms.toFixed(2).padStart(7)} ms`);
  }
  return lines;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
