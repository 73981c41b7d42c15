/**
 * The public read path (issue: "publish, not query"): what a viewer's first load asks the
 * server, under 50 concurrent keep-alive connections for a few seconds each, from a worker
 * thread (its own event loop, so the load does not run on the server's): the published
 * pointer revalidated (a returning viewer: 304), the pointer fetched, the map file (gzip);
 * beside the same zones read through REST as anon, the baseline. Also the database queries
 * the server ran while serving the published files (counted on the stack's database handle):
 * none are expected.
 *
 * Run: `npm run bench -- public-read`, or `npx tsx tests/bench/public-read.bench.ts`.
 */
import { cp, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { defaultConfig } from '../../supabase/local/config.ts';
import { startStack } from '../../supabase/local/stack.ts';
import { ensureTemplate, ROOT, seedDir, TMP } from '../helpers/template.ts';
import { defineBench, type BenchCase } from './bench.ts';

/** Plain JavaScript for the worker: `connections` loops of keep-alive GETs for `seconds`. */
const LOAD = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { url, headers, connections, seconds } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
const latencies = [];
let statuses = {};
let bytes = 0;
const end = Date.now() + seconds * 1000;
function one() {
  return new Promise((done, fail) => {
    const t = performance.now();
    const req = http.get(url, { agent, headers }, (res) => {
      res.on('data', (chunk) => (bytes += chunk.length));
      res.on('end', () => {
        latencies.push(performance.now() - t);
        statuses[res.statusCode] = (statuses[res.statusCode] || 0) + 1;
        done();
      });
    });
    req.on('error', fail);
  });
}
async function loop() { while (Date.now() < end) await one(); }
const started = performance.now();
Promise.all(Array.from({ length: connections }, loop)).then(() => {
  parentPort.postMessage({ latencies, statuses, bytes, elapsed: performance.now() - started });
  agent.destroy();
});
`;

interface LoadResult {
  latencies: number[];
  statuses: Record<string, number>;
  bytes: number;
  elapsed: number;
}

function load(url: string, headers: Record<string, string>, connections: number, seconds: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(LOAD, { eval: true, workerData: { url, headers, connections, seconds } });
    worker.once('message', (result: LoadResult) => {
      void worker.terminate();
      resolve(result);
    });
    worker.once('error', reject);
  });
}

const bench = defineBench({
  name: 'public-read',
  async run(): Promise<BenchCase[]> {
    const seconds = Number(process.env.BENCH_SECONDS) || 5;
    const connections = 50;
    const dataDir = join(TMP, 'stacks', `bench-public-read-${process.pid}`);
    await mkdir(join(TMP, 'stacks'), { recursive: true });
    await cp(await ensureTemplate(), dataDir, { recursive: true });
    const stack = await startStack({ ...defaultConfig(ROOT), port: 0, dataDir, seedDir: seedDir(), envFile: null, quiet: true });
    const cases: BenchCase[] = [];
    try {
      const db = stack.ctx.db;
      // Statements and transactions the server starts (REST runs each request in one transaction).
      let queries = 0;
      const query = db.query.bind(db);
      const transaction = db.transaction.bind(db);
      db.query = ((sql: string, params?: unknown[]) => (queries++, query(sql, params))) as typeof db.query;
      db.transaction = ((fn: Parameters<typeof db.transaction>[0], opts?: Parameters<typeof db.transaction>[1]) => (queries++, transaction(fn, opts))) as typeof db.transaction;

      const object = (name: string) => `${stack.url}/storage/v1/object/public/public-map/${name}`;
      const latest = await fetch(object('latest.json'));
      const etag = latest.headers.get('etag')!;
      const pointer = (await latest.json()) as { map: string };
      const anon = stack.ctx.keys.anonKey;
      const reads: { name: string; url: string; headers: Record<string, string>; published: boolean }[] = [
        {
          name: 'REST: active zones as anon',
          url: `${stack.url}/rest/v1/zones?select=id,name,name_en,level,status,district,geom,effective_from,review_days,version,updated_at,bounds_zh,bounds_en&status=eq.active`,
          headers: { apikey: anon, Authorization: `Bearer ${anon}`, 'Accept-Encoding': 'gzip' },
          published: false,
        },
        { name: 'published pointer, revalidated (304)', url: object('latest.json'), headers: { 'If-None-Match': etag }, published: true },
        { name: 'published pointer', url: object('latest.json'), headers: {}, published: true },
        { name: 'published map file (gzip)', url: object(pointer.map), headers: { 'Accept-Encoding': 'gzip' }, published: true },
      ];
      for (const read of reads) {
        const before = queries;
        const result = await load(read.url, read.headers, connections, seconds);
        const ran = queries - before;
        const rate = result.latencies.length / (result.elapsed / 1000);
        const ok = Object.entries(result.statuses).every(([status]) => status === '200' || status === '304');
        if (!ok) throw new Error(`${read.name}: statuses ${JSON.stringify(result.statuses)}`);
        const perRequest = ran / result.latencies.length;
        cases.push({
          name: `${read.name}: requests per second`,
          samples: [rate],
          unit: 'req/s',
          baseline: read.published ? 'REST: active zones as anon: requests per second' : undefined,
          note: `${connections} connections, ${seconds} s; ${(result.bytes / result.latencies.length / 1024).toFixed(1)} KiB a response; database transactions per request: ${perRequest.toFixed(perRequest > 0 && perRequest < 0.01 ? 4 : 2)}`,
        });
        cases.push({
          name: `${read.name}: latency`,
          samples: result.latencies,
          baseline: read.published ? 'REST: active zones as anon: latency' : undefined,
        });
        if (read.published && ran > 0) throw new Error(`${read.name}: the server ran ${ran} database statements`);
      }
    } finally {
      await stack.close();
      await rm(dataDir, { recursive: true, force: true });
    }
    return cases;
  },
});

export default bench;

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const c of await bench.run()) {
    const sorted = [...c.samples].sort((a, b) => a - b);
    console.log(`${c.name}\tmedian ${sorted[sorted.length >> 1].toFixed(1)}\tp99 ${sorted[Math.floor(sorted.length * 0.99)].toFixed(1)} ${c.unit ?? 'ms'}\t${c.note ?? ''}`);
  }
}
