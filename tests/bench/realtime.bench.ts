/**
 * Realtime on the local stack: commit-to-callback latency with 1, 100 and 1,000 subscribed
 * clients for postgres_changes (RLS-checked) and for the public-map broadcast, and events per
 * second sustained with 100 subscribers, beside a plain LISTEN/NOTIFY round trip on the same
 * Database (the floor). A few real supabase-js clients measure; the rest of the crowd are raw
 * Phoenix WebSocket clients in a child process (this same file, run with REALTIME_CROWD=1), so
 * decoding 1,000 sockets' frames does not run on the server's thread.
 */
import { createClient, type RealtimeChannel, type SupabaseClient } from '@supabase/supabase-js';
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { defaultConfig, type StackConfig } from '../../supabase/local/config.ts';
import type { Database } from '../../supabase/local/db.ts';
import { startStack } from '../../supabase/local/stack.ts';
import { ensureTemplate, ROOT, seedDir, TMP } from '../helpers/template.ts';
import { defineBench, runs, type BenchCase } from './bench.ts';

interface CrowdJoin {
  type: 'join';
  url: string;
  apikey: string;
  topic: string;
  config: Record<string, unknown>;
  /** One access token per socket; the apikey when empty. */
  tokens: string[];
  n: number;
  /** Wait for the postgres_changes `system` ok before counting a socket as ready. */
  system: boolean;
}
type ToCrowd = CrowdJoin | { type: 'target'; total: number } | { type: 'close' };
type FromCrowd = { type: 'ready' } | { type: 'failed'; reason: string } | { type: 'reached'; total: number } | { type: 'closed' };

if (process.env.REALTIME_CROWD === '1') runCrowd();

/** Raw Phoenix clients (vsn 2.0.0): join, heartbeat, count every postgres_changes or broadcast frame. */
function runCrowd(): void {
  const sockets: WebSocket[] = [];
  let received = 0;
  let target = Infinity;
  const send = (m: FromCrowd) => process.send?.(m);
  const count = () => {
    received += 1;
    if (received >= target) {
      target = Infinity;
      send({ type: 'reached', total: received });
    }
  };
  const openOne = (j: CrowdJoin, i: number) =>
    new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(`${j.url.replace(/^http/, 'ws')}/realtime/v1/websocket?apikey=${j.apikey}&vsn=2.0.0`);
      sockets.push(ws);
      let ref = 0;
      ws.on('open', () => {
        ws.send(JSON.stringify(['1', String(++ref), j.topic, 'phx_join', { config: j.config, access_token: j.tokens[i] ?? j.apikey }]));
        setInterval(() => ws.readyState === ws.OPEN && ws.send(JSON.stringify([null, String(++ref), 'phoenix', 'heartbeat', {}])), 25_000).unref();
      });
      ws.on('message', (data, isBinary) => {
        if (isBinary) return count();
        const [, msgRef, , event, payload] = JSON.parse(String(data)) as [unknown, unknown, string, string, Record<string, any>];
        if (event === 'postgres_changes') return count();
        if (event === 'phx_reply' && msgRef === '1') {
          if (payload.status !== 'ok') reject(new Error(JSON.stringify(payload.response)));
          else if (!j.system) resolve();
        }
        if (event === 'system' && payload.extension === 'postgres_changes') {
          if (payload.status === 'ok') resolve();
          else reject(new Error(payload.message));
        }
      });
      ws.on('error', reject);
    });
  process.on('message', async (m: ToCrowd) => {
    if (m.type === 'join') {
      try {
        for (let i = 0; i < m.n; i += 50) await Promise.all(Array.from({ length: Math.min(50, m.n - i) }, (_, k) => openOne(m, i + k)));
        send({ type: 'ready' });
      } catch (e) {
        send({ type: 'failed', reason: String(e) });
      }
    } else if (m.type === 'target') {
      target = m.total;
      if (received >= target) count();
    } else {
      for (const ws of sockets.splice(0)) ws.terminate();
      received = 0;
      target = Infinity;
      send({ type: 'closed' });
    }
  });
}

class Crowd {
  private child: ChildProcess;
  private waiting: ((m: FromCrowd) => void)[] = [];
  private total = 0;

  constructor() {
    this.child = fork(fileURLToPath(import.meta.url), [], { execArgv: ['--import', 'tsx'], env: { ...process.env, REALTIME_CROWD: '1' } });
    this.child.on('message', (m: FromCrowd) => this.waiting.shift()?.(m));
  }

  private ask(m: ToCrowd): Promise<FromCrowd> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.child.send(m);
    });
  }

  async join(j: Omit<CrowdJoin, 'type'>): Promise<void> {
    if (j.n === 0) return;
    const r = await this.ask({ type: 'join', ...j });
    if (r.type !== 'ready') throw new Error(`crowd failed to join: ${r.type === 'failed' ? r.reason : r.type}`);
  }

  /** Resolves once the crowd has received `more` further frames in all. */
  async expect(more: number): Promise<void> {
    if (more === 0) return;
    this.total += more;
    await this.ask({ type: 'target', total: this.total });
  }

  async close(): Promise<void> {
    await this.ask({ type: 'close' });
    this.total = 0;
  }

  kill(): void {
    this.child.kill();
  }
}

/** supabase-js clients whose callbacks time each event. */
class Measurers {
  private clients: SupabaseClient[] = [];
  private pending: ((t: number) => void)[][] = [];

  async subscribe(url: string, anonKey: string, n: number, name: string, bind: (ch: RealtimeChannel, onEvent: () => void) => RealtimeChannel, pg: boolean): Promise<void> {
    for (let i = 0; i < n; i++) {
      const c = createClient(url, anonKey, { auth: { persistSession: false }, realtime: { transport: WebSocket as unknown as typeof globalThis.WebSocket } });
      this.clients.push(c);
      const queue: ((t: number) => void)[] = [];
      this.pending.push(queue);
      let confirmed!: () => void;
      const ready = new Promise<void>((r) => (confirmed = r));
      const ch = bind(c.channel(name, { config: { private: !pg } }), () => queue.shift()?.(performance.now()));
      if (pg) ch.on('system', {}, (m: { status: string }) => m.status === 'ok' && confirmed());
      ch.subscribe((s) => !pg && s === 'SUBSCRIBED' && confirmed());
      await ready;
    }
  }

  /** One promise per client for the next event's arrival time. */
  next(): Promise<number>[] {
    return this.pending.map((q) => new Promise<number>((r) => q.push(r)));
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((c) => c.removeAllChannels()));
    this.pending = [];
  }
}

const quiet = () => undefined;

async function notifyRoundTrips(db: Database, n: number): Promise<number[]> {
  let arrived: () => void = quiet;
  const unlisten = await db.listen('bench_floor', () => arrived());
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const got = new Promise<void>((r) => (arrived = r));
    await db.query(`select pg_notify('bench_floor', $1)`, [String(i)]);
    await got;
    samples.push(performance.now() - t0);
  }
  await unlisten();
  return samples;
}

async function notifyThroughput(db: Database, n: number): Promise<number> {
  let seen = 0;
  let done: () => void = quiet;
  const all = new Promise<void>((r) => (done = r));
  const unlisten = await db.listen('bench_floor_rate', () => ++seen === n && done());
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await db.query(`select pg_notify('bench_floor_rate', $1)`, [String(i)]);
  await all;
  const elapsed = performance.now() - t0;
  await unlisten();
  return n / (elapsed / 1000);
}

export default defineBench({
  name: 'realtime',
  async run(): Promise<BenchCase[]> {
    const dataDir = join(TMP, 'bench-realtime');
    rmSync(dataDir, { recursive: true, force: true });
    cpSync(await ensureTemplate(), dataDir, { recursive: true });
    const config: StackConfig = { ...defaultConfig(ROOT), port: 0, dataDir, seedDir: seedDir(), envFile: null, quiet: true };
    const stack = await startStack(config, quiet);
    const { db, keys } = stack.ctx;
    const url = stack.url;
    const crowd = new Crowd();
    const measurers = new Measurers();
    const events = runs(40);
    const [{ id: zone }] = (await db.query<{ id: string }>(`select id from zones where status = 'active' order by id limit 1`)).rows;
    // Each write changes a public column, so both the change feed and the public broadcast fire.
    const write = () => db.query(`update zones set review_days = case when review_days = 14 then 7 else 14 end where id = $1`, [zone]);
    const pgBinding = { event: 'UPDATE', schema: 'public', table: 'zones' };
    const pgConfig = { broadcast: { ack: false, self: false }, presence: { key: '', enabled: false }, postgres_changes: [pgBinding], private: false };
    // The public map's channel is private (anyone may receive, only the triggers send).
    const broadcastConfig = { broadcast: { ack: false, self: false }, presence: { key: '', enabled: false }, postgres_changes: [], private: true };

    async function latency(path: 'pg' | 'broadcast', subscribers: number): Promise<number[]> {
      const measuring = Math.min(3, subscribers);
      const crowdSize = subscribers - measuring;
      const topic = path === 'pg' ? 'realtime:bench-a' : 'realtime:public-map';
      await crowd.join({ url, apikey: keys.anonKey, topic, config: path === 'pg' ? pgConfig : broadcastConfig, tokens: [], n: crowdSize, system: path === 'pg' });
      await measurers.subscribe(
        url,
        keys.anonKey,
        measuring,
        topic.replace('realtime:', ''),
        path === 'pg' ? (ch, on) => ch.on('postgres_changes', pgBinding as never, on) : (ch, on) => ch.on('broadcast', { event: 'zone' }, on),
        path === 'pg',
      );
      const samples: number[] = [];
      for (let i = -3; i < events; i++) {
        const arrivals = measurers.next();
        const crowdDone = crowd.expect(crowdSize);
        const t0 = performance.now();
        await write();
        const times = await Promise.all(arrivals);
        await crowdDone;
        if (i >= 0) samples.push(...times.map((t) => t - t0));
      }
      await measurers.close();
      await crowd.close();
      return samples;
    }

    async function throughput(tokens: string[], writes: number): Promise<number> {
      await crowd.join({ url, apikey: keys.anonKey, topic: 'realtime:bench-rate', config: pgConfig, tokens, n: 100, system: true });
      const samples: number[] = [];
      const done = crowd.expect(100 * writes);
      const t0 = performance.now();
      for (let i = 0; i < writes; i++) await write();
      await done;
      samples.push(writes / ((performance.now() - t0) / 1000));
      await crowd.close();
      return samples[0];
    }

    try {
      const cases: BenchCase[] = [];
      const floor = 'LISTEN/NOTIFY round trip (floor)';
      cases.push({
        name: floor,
        samples: await notifyRoundTrips(db, 200),
        note: `pg_notify on the stack Database to its own LISTEN callback; 1-min load average ${loadavg()[0].toFixed(1)} at start (other work on the machine skews p99)`,
      });
      for (const n of [1, 100, 1000]) {
        cases.push({
          name: `postgres_changes, ${n} subscriber${n > 1 ? 's' : ''}`,
          samples: await latency('pg', n),
          baseline: floor,
          note: n > 1 ? 'all anon: one set of claims, so each change is RLS-checked once per version it carries; the measuring clients are last in fan-out order' : undefined,
        });
      }
      for (const n of [1, 100, 1000]) {
        cases.push({ name: `public broadcast, ${n} subscriber${n > 1 ? 's' : ''}`, samples: await latency('broadcast', n), baseline: floor });
      }
      const writes = runs(300);
      const rate = 'LISTEN/NOTIFY throughput (floor)';
      cases.push({ name: rate, unit: 'events/s', samples: [await notifyThroughput(db, writes), await notifyThroughput(db, writes)] });
      const anon: number[] = [];
      const staff: number[] = [];
      const staffTokens = await Promise.all(
        Array.from({ length: 100 }, () => keys.sign({ sub: randomUUID(), role: 'authenticated', aud: 'authenticated', app_metadata: { role: 'dispatcher' } }, 3600)),
      );
      // Staff runs are slower (100 checks per change): fewer writes keep the bench near 1-2 minutes.
      const staffWrites = Math.max(10, Math.round(writes / 3));
      for (let round = 0; round < 2; round++) {
        anon.push(await throughput([], writes));
        staff.push(await throughput(staffTokens, staffWrites));
      }
      cases.push({
        name: 'postgres_changes, 100 anon subscribers',
        unit: 'events/s',
        samples: anon,
        baseline: rate,
        note: `${writes} zone updates back to back; events/s each subscriber receives (x100 = messages/s); one claims set, so one check per version`,
      });
      cases.push({
        name: 'postgres_changes, 100 staff, distinct claims',
        unit: 'events/s',
        samples: staff,
        baseline: rate,
        note: `${staffWrites} updates; every subscriber has its own JWT, so each change is RLS-checked per subscriber, against the new and (zones are REPLICA IDENTITY FULL) the old version`,
      });
      return cases;
    } finally {
      await measurers.close();
      crowd.kill();
      await stack.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
});
