/**
 * Realtime on the local stack: commit-to-receipt latency with 1, 100 and 1,000 subscribed
 * clients for postgres_changes (RLS-checked), and with 1, 100, 1,000 and 10,000 for the
 * public-map broadcast (at 10,000 also for a save that changes every active zone at once), and
 * events per second sustained with 100 subscribers, beside a plain LISTEN/NOTIFY round trip on
 * the same Database (the floor).
 *
 * How latency is measured: each event is one save, a transaction updating one zone (or several);
 * the clock starts just before its COMMIT is sent (after the UPDATE, its triggers and
 * realtime.send() have run), so the figure is commit + NOTIFY + the feed's read + fan-out +
 * delivery + the client's own handling. Every viewer's receipt is a sample (median and p99 over
 * viewers x events; for a save of several zones, the receipt of its last message), and a case
 * reports NOT ALL ARRIVED if any viewer misses one within 10 s. Three viewers are real supabase-js
 * clients in this process, timed in their callback; the rest are raw Phoenix WebSocket clients
 * in a child process (this same file, run with REALTIME_CROWD=1), so that reading thousands of
 * sockets does not run on the server's thread. The child's clients are deliberately lean (a
 * minimal RFC 6455 client, a frame checked by its kind, topic and event bytes): on one machine
 * they share two cores with the server, where a real viewer's parsing runs on its own device.
 * Both processes read CLOCK_MONOTONIC (process.hrtime), so their times compare. Each broadcast
 * case also reports the server's fan-out time (diagnostics channel `local-realtime:fanout`), the
 * longest the server's event loop was held, and the CPU both processes used per event.
 *
 * `REALTIME_BENCH=broadcast` runs only the broadcast latency cases, and
 * `REALTIME_BENCH_SIZES=1000,10000` picks their viewer counts (for iterating on fan-out).
 */
import { createClient, type RealtimeChannel, type SupabaseClient } from '@supabase/supabase-js';
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { defaultConfig, type StackConfig } from '../../supabase/local/config.ts';
import type { Database } from '../../supabase/local/db.ts';
import { startStack } from '../../supabase/local/stack.ts';
import { ensureTemplate, ROOT, seedDir, TMP } from '../helpers/template.ts';
import { defineBench, median, percentile, runs, type BenchCase } from './bench.ts';

/** Milliseconds on CLOCK_MONOTONIC, comparable between processes on one machine. */
const CLOCK_OFFSET = Number(process.hrtime.bigint()) / 1e6 - performance.now();
const clock = () => performance.now() + CLOCK_OFFSET;

interface CrowdJoin {
  type: 'join';
  url: string;
  apikey: string;
  topic: string;
  /** The broadcast event a viewer counts (postgres_changes viewers count their change frames). */
  event: string;
  config: Record<string, unknown>;
  /** One access token per socket; the apikey when empty. */
  tokens: string[];
  n: number;
  /** Wait for the postgres_changes `system` ok before counting a socket as ready. */
  system: boolean;
}
type ToCrowd = CrowdJoin | { type: 'arm'; count: number } | { type: 'collect'; timeoutMs: number } | { type: 'target'; total: number } | { type: 'close' };
type FromCrowd =
  | { type: 'ready'; fdLimit: string }
  | { type: 'failed'; reason: string }
  | { type: 'armed' }
  /**
   * Receipt times (clock()) of the sockets that got the armed event; `missing` did not within the
   * timeout; `stray` frames of the event came to a socket that had already had it (a duplicate).
   */
  | { type: 'collected'; times: number[]; missing: number; stray: number; cpuMs: number }
  | { type: 'reached'; total: number }
  | { type: 'closed' };

function openFilesLimit(): string {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  const [soft, hard] = line?.split(/\s+/).slice(3, 5) ?? ['?', '?'];
  return `${soft}/${hard}`;
}

/**
 * A minimal RFC 6455 client: upgrade, masked text frames out, unmasked frames in. Calls onFrame
 * once per complete frame with a view into the read buffer (valid only during the call).
 */
class LeanSocket {
  private pending: Buffer | null = null;
  upgraded = false;
  readonly socket: Socket;

  constructor(url: URL, onOpen: () => void, onFrame: (opcode: number, payload: Buffer) => void, onFail: (e: Error) => void) {
    this.socket = connect({ host: url.hostname, port: Number(url.port), noDelay: true });
    const key = randomBytes(16).toString('base64');
    this.socket.on('connect', () => {
      this.socket.write(
        `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    this.socket.on('error', onFail);
    this.socket.on('data', (chunk: Buffer) => {
      const b = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
      this.pending = null;
      let off = 0;
      if (!this.upgraded) {
        const end = b.indexOf('\r\n\r\n');
        if (end < 0) {
          this.pending = b;
          return;
        }
        const head = b.toString('latin1', 0, end);
        if (!head.startsWith('HTTP/1.1 101')) return onFail(new Error(head.split('\r\n')[0]));
        this.upgraded = true;
        off = end + 4;
        onOpen();
      }
      for (;;) {
        if (b.length - off < 2) break;
        let len = b[off + 1] & 0x7f;
        let start = off + 2;
        if (len === 126) {
          if (b.length - off < 4) break;
          len = b.readUInt16BE(off + 2);
          start = off + 4;
        } else if (len === 127) {
          if (b.length - off < 10) break;
          len = Number(b.readBigUInt64BE(off + 2));
          start = off + 10;
        }
        if (b.length < start + len) break;
        onFrame(b[off] & 0x0f, b.subarray(start, start + len));
        off = start + len;
      }
      if (off < b.length) this.pending = Buffer.from(b.subarray(off));
    });
  }

  sendText(text: string): void {
    const body = Buffer.from(text, 'utf8');
    const ext = body.length > 125 ? 2 : 0;
    const frame = Buffer.alloc(2 + ext + 4 + body.length);
    frame[0] = 0x81;
    frame[1] = 0x80 | (ext ? 126 : body.length);
    if (ext) frame.writeUInt16BE(body.length, 2);
    const mask = randomBytes(4);
    mask.copy(frame, 2 + ext);
    for (let i = 0; i < body.length; i++) frame[6 + ext + i] = body[i] ^ mask[i & 3];
    this.socket.write(frame);
  }
}

if (process.env.REALTIME_CROWD === '1') runCrowd();

/**
 * Raw Phoenix viewers (vsn 2.0.0): join, heartbeat (one socket in 25 each second, as 25 s
 * heartbeats spread over a crowd), and stamp when each socket has received the armed number of
 * broadcast (or postgres_changes) frames.
 */
function runCrowd(): void {
  const sockets: LeanSocket[] = [];
  /** Frames each socket still waits for. */
  let armed = new Uint16Array(0);
  let times = new Float64Array(0);
  let waitingFor = 0;
  let stray = 0;
  let received = 0;
  let target = Infinity;
  let collecting: (() => void) | null = null;
  let cpuAtArm = process.cpuUsage();
  let expectedTopic = Buffer.alloc(0);
  let expectedEvent = Buffer.alloc(0);
  let ref = 100;
  const send = (m: FromCrowd) => process.send?.(m);
  const beats = setInterval(() => {
    const tick = Math.floor(Date.now() / 1000) % 25;
    for (let i = tick; i < sockets.length; i += 25) if (sockets[i].upgraded) sockets[i].sendText(JSON.stringify([null, String(++ref), 'phoenix', 'heartbeat', {}]));
  }, 1000);
  beats.unref();

  const arrived = (i: number) => {
    received += 1;
    if (received >= target) {
      target = Infinity;
      send({ type: 'reached', total: received });
    }
    if (!armed[i]) return void (stray += 1);
    if (--armed[i] > 0) return;
    times[i] = clock();
    if (--waitingFor === 0) collecting?.();
  };
  /** A kind-4 broadcast of the expected topic and event: [4, topic len, event len, meta len, encoding, topic, event, ...]. */
  const isExpectedBroadcast = (p: Buffer) =>
    p.length > 5 &&
    p[0] === 4 &&
    p[1] === expectedTopic.length &&
    p[2] === expectedEvent.length &&
    expectedTopic.equals(p.subarray(5, 5 + p[1])) &&
    expectedEvent.equals(p.subarray(5 + p[1], 5 + p[1] + p[2]));

  const openOne = (j: CrowdJoin, k: number) =>
    new Promise<void>((resolve, reject) => {
      const i = sockets.length;
      const url = new URL(`${j.url}/realtime/v1/websocket?apikey=${j.apikey}&vsn=2.0.0`);
      const ws: LeanSocket = new LeanSocket(
        url,
        () => ws.sendText(JSON.stringify(['1', '1', j.topic, 'phx_join', { config: j.config, access_token: j.tokens[k] ?? j.apikey }])),
        (opcode, payload) => {
          // Other events on the topic (the publisher's `published` pointer) are not this bench's.
          if (opcode === 2) return isExpectedBroadcast(payload) ? arrived(i) : undefined;
          if (opcode !== 1) return;
          const [, msgRef, , event, body] = JSON.parse(payload.toString('utf8')) as [unknown, unknown, string, string, Record<string, any>];
          if (event === 'postgres_changes') return arrived(i);
          if (event === 'phx_reply' && msgRef === '1') {
            if (body.status !== 'ok') reject(new Error(JSON.stringify(body.response)));
            else if (!j.system) resolve();
          }
          if (event === 'system' && body.extension === 'postgres_changes') {
            if (body.status === 'ok') resolve();
            else reject(new Error(body.message));
          }
        },
        reject,
      );
      sockets.push(ws);
    });

  process.on('message', async (m: ToCrowd) => {
    if (m.type === 'join') {
      try {
        expectedTopic = Buffer.from(m.topic);
        expectedEvent = Buffer.from(m.event);
        for (let i = 0; i < m.n; i += 50) await Promise.all(Array.from({ length: Math.min(50, m.n - i) }, (_, k) => openOne(m, i + k)));
        send({ type: 'ready', fdLimit: openFilesLimit() });
      } catch (e) {
        send({ type: 'failed', reason: String(e) });
      }
    } else if (m.type === 'arm') {
      armed = new Uint16Array(sockets.length).fill(m.count);
      times = new Float64Array(sockets.length);
      waitingFor = sockets.length;
      stray = 0;
      cpuAtArm = process.cpuUsage();
      send({ type: 'armed' });
    } else if (m.type === 'collect') {
      if (waitingFor > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, m.timeoutMs);
          collecting = () => (clearTimeout(timer), resolve());
        });
        collecting = null;
      }
      const cpu = process.cpuUsage(cpuAtArm);
      const got: number[] = [];
      for (let i = 0; i < sockets.length; i++) if (!armed[i]) got.push(times[i]);
      send({ type: 'collected', times: got, missing: waitingFor, stray, cpuMs: (cpu.user + cpu.system) / 1000 });
      armed.fill(0);
      waitingFor = 0;
      stray = 0;
    } else if (m.type === 'target') {
      target = m.total;
      if (received >= target) {
        target = Infinity;
        send({ type: 'reached', total: received });
      }
    } else {
      for (const ws of sockets.splice(0)) ws.socket.destroy();
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
  fdLimit = '';

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
    this.fdLimit = r.fdLimit;
  }

  /** Each socket's time is taken when `count` further events have reached it. */
  async arm(count: number): Promise<void> {
    await this.ask({ type: 'arm', count });
  }

  /** Waits until every socket got the armed events, or timeoutMs. */
  async collect(timeoutMs: number): Promise<Extract<FromCrowd, { type: 'collected' }>> {
    const r = await this.ask({ type: 'collect', timeoutMs });
    if (r.type !== 'collected') throw new Error(`crowd answered ${r.type}`);
    return r;
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
  private pending: { left: number; done: (t: number) => void }[][] = [];

  async subscribe(url: string, anonKey: string, n: number, name: string, bind: (ch: RealtimeChannel, onEvent: () => void) => RealtimeChannel, pg: boolean): Promise<void> {
    for (let i = 0; i < n; i++) {
      const c = createClient(url, anonKey, { auth: { persistSession: false }, realtime: { transport: WebSocket as unknown as typeof globalThis.WebSocket } });
      this.clients.push(c);
      const queue: { left: number; done: (t: number) => void }[] = [];
      this.pending.push(queue);
      let confirmed!: () => void;
      const ready = new Promise<void>((r) => (confirmed = r));
      const ch = bind(c.channel(name, { config: { private: !pg } }), () => {
        if (queue[0] && --queue[0].left === 0) queue.shift()?.done(clock());
      });
      if (pg) ch.on('system', {}, (m: { status: string }) => m.status === 'ok' && confirmed());
      ch.subscribe((s) => !pg && s === 'SUBSCRIBED' && confirmed());
      await ready;
    }
  }

  /** One promise per client for the time its next `count` events have arrived; NaN if not within timeoutMs. */
  next(timeoutMs: number, count: number): Promise<number>[] {
    return this.pending.map(
      (q) =>
        new Promise<number>((r) => {
          const timer = setTimeout(() => {
            q.splice(q.indexOf(waiter), 1);
            r(Number.NaN);
          }, timeoutMs);
          const waiter = { left: count, done: (t: number) => (clearTimeout(timer), r(t)) };
          q.push(waiter);
        }),
    );
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

/** The name server/realtime/fanout.ts publishes under (not imported: the bench also measures servers without it). */
const FANOUT_DIAGNOSTICS = 'local-realtime:fanout';

const fmtMs = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));

/**
 * Time from the first to the last socket write of each fan-out of `zone` messages on the public
 * map, as the server reports it on the `local-realtime:fanout` diagnostics channel (nothing is
 * published without a subscriber); the publisher's `published` pointers are left out.
 */
function watchFanouts(): { samples: number[]; yielded: number[]; longestSlice: number[]; stop(): void } {
  const samples: number[] = [];
  const yielded: number[] = [];
  const longestSlice: number[] = [];
  const onFanout = (m: unknown) => {
    const f = m as { key: string; events: string[]; ms: number; yieldedMs?: number; longestSliceMs?: number };
    if (f.key !== 'private|realtime:public-map' || !f.events.includes('zone')) return;
    samples.push(f.ms);
    if (f.yieldedMs !== undefined) yielded.push(f.yieldedMs);
    if (f.longestSliceMs !== undefined) longestSlice.push(f.longestSliceMs);
  };
  subscribe(FANOUT_DIAGNOSTICS, onFanout);
  return { samples, yielded, longestSlice, stop: () => unsubscribe(FANOUT_DIAGNOSTICS, onFanout) };
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
    const only = process.env.REALTIME_BENCH;
    const zones = (await db.query<{ id: string }>(`select id from zones where status = 'active' order by id limit 10`)).rows.map((r) => r.id);
    // Each write changes a public column of each zone (one save), so both the change feed and the
    // public broadcast fire once per zone. Returns the time just before COMMIT is sent: the
    // broadcast cannot leave before it.
    const toggle = `update zones set review_days = case when review_days = 14 then 7 else 14 end where id = any ($1::text[])`;
    const write = (ids = zones.slice(0, 1)) =>
      db.transaction(async (tx) => {
        await tx.query(toggle, [ids]);
        return clock();
      });
    const pgBinding = { event: 'UPDATE', schema: 'public', table: 'zones' };
    const pgConfig = { broadcast: { ack: false, self: false }, presence: { key: '', enabled: false }, postgres_changes: [pgBinding], private: false };
    // The public map's channel is private (anyone may receive, only the triggers send).
    const broadcastConfig = { broadcast: { ack: false, self: false }, presence: { key: '', enabled: false }, postgres_changes: [], private: true };
    const ARRIVAL_TIMEOUT_MS = 10_000;

    /** Commit-to-receipt of every viewer for each event, and how many receipts never came. */
    async function latency(
      path: 'pg' | 'broadcast',
      subscribers: number,
      events: number,
      zonesPerSave = 1,
    ): Promise<{ samples: number[]; missing: number; stray: number; crowdCpuMs: number[]; serverCpuMs: number[]; loopDelayMaxMs: number }> {
      const measuring = Math.min(3, subscribers);
      const crowdSize = subscribers - measuring;
      const topic = path === 'pg' ? 'realtime:bench-a' : 'realtime:public-map';
      await crowd.join({ url, apikey: keys.anonKey, topic, event: 'zone', config: path === 'pg' ? pgConfig : broadcastConfig, tokens: [], n: crowdSize, system: path === 'pg' });
      await measurers.subscribe(
        url,
        keys.anonKey,
        measuring,
        topic.replace('realtime:', ''),
        path === 'pg' ? (ch, on) => ch.on('postgres_changes', pgBinding as never, on) : (ch, on) => ch.on('broadcast', { event: 'zone' }, on),
        path === 'pg',
      );
      const samples: number[] = [];
      const crowdCpuMs: number[] = [];
      const serverCpuMs: number[] = [];
      let missing = 0;
      let stray = 0;
      // How long the server's thread (which also serves the stack's HTTP) was held at a time.
      const loopDelay = monitorEventLoopDelay({ resolution: 1 });
      for (let i = -3; i < events; i++) {
        if (i === 0) loopDelay.enable();
        if (crowdSize) await crowd.arm(zonesPerSave);
        const arrivals = measurers.next(ARRIVAL_TIMEOUT_MS, zonesPerSave);
        const cpu = process.cpuUsage();
        const committing = await write(zones.slice(0, zonesPerSave));
        const mine = await Promise.all(arrivals);
        const theirs = crowdSize ? await crowd.collect(ARRIVAL_TIMEOUT_MS) : { times: [], missing: 0, stray: 0, cpuMs: 0 };
        const used = process.cpuUsage(cpu);
        if (i < 0) continue;
        serverCpuMs.push((used.user + used.system) / 1000);
        for (const t of [...mine, ...theirs.times]) if (!Number.isNaN(t)) samples.push(t - committing);
        missing += theirs.missing + mine.filter((t) => Number.isNaN(t)).length;
        stray += theirs.stray;
        crowdCpuMs.push(theirs.cpuMs);
        // Let the last event's stragglers (and the heartbeats it held up) drain before the next.
        await new Promise((r) => setTimeout(r, subscribers >= 1000 ? 200 * zonesPerSave : 20));
      }
      loopDelay.disable();
      await measurers.close();
      await crowd.close();
      return { samples, missing, stray, crowdCpuMs, serverCpuMs, loopDelayMaxMs: loopDelay.max / 1e6 };
    }

    async function throughput(tokens: string[], writes: number): Promise<number> {
      await crowd.join({ url, apikey: keys.anonKey, topic: 'realtime:bench-rate', event: 'zone', config: pgConfig, tokens, n: 100, system: true });
      const samples: number[] = [];
      const done = crowd.expect(100 * writes);
      const t0 = performance.now();
      // One statement each (its own transaction): rate, not latency, is measured here.
      for (let i = 0; i < writes; i++) await db.query(toggle, [zones.slice(0, 1)]);
      await done;
      samples.push(writes / ((performance.now() - t0) / 1000));
      await crowd.close();
      return samples[0];
    }

    const arrivedNote = (n: number, events: number, r: { missing: number; stray: number }) =>
      r.missing === 0 && r.stray === 0
        ? `all ${(n * events).toLocaleString('en')} arrived`
        : `NOT ALL ARRIVED: ${r.missing} of ${(n * events).toLocaleString('en')} missing after ${ARRIVAL_TIMEOUT_MS / 1000} s, ${r.stray} duplicates`;

    try {
      const cases: BenchCase[] = [];
      const floor = 'LISTEN/NOTIFY round trip (floor)';
      cases.push({
        name: floor,
        samples: await notifyRoundTrips(db, 200),
        note: `pg_notify on the stack Database to its own LISTEN callback; ${cpus().length} cores, 1-min load average ${loadavg()[0].toFixed(1)} at start (other work on the machine skews p99)`,
      });
      if (only !== 'broadcast') {
        for (const n of [1, 100, 1000]) {
          const r = await latency('pg', n, runs(40));
          cases.push({
            name: `postgres_changes, ${n} subscriber${n > 1 ? 's' : ''}`,
            samples: r.samples,
            baseline: floor,
            note: `commit to each subscriber's receipt; ${arrivedNote(n, runs(40), r)}${n > 1 ? '; all anon: one set of claims, so each change is RLS-checked once per version it carries' : ''}`,
          });
        }
      }
      const fanouts = watchFanouts();
      const sizes = (process.env.REALTIME_BENCH_SIZES ?? '1,100,1000,10000').split(',').map(Number);
      // A save that changes every active zone (up to 10) at once: a message per zone; each viewer's
      // time is that of the last.
      const broadcastCases = [
        ...sizes.map((n) => ({ n, zonesPerSave: 1 })),
        ...sizes.filter((n) => n >= 10_000 && zones.length > 1).map((n) => ({ n, zonesPerSave: zones.length })),
      ];
      for (const { n, zonesPerSave } of broadcastCases) {
        // Every receipt is a sample; the bench runner's min/max spread them as arguments, so at
        // 10,000 viewers fewer events keep a case under ~100,000 samples.
        const events = n >= 10_000 ? Math.min(runs(40), 8) : runs(40);
        fanouts.samples.length = 0;
        fanouts.yielded.length = 0;
        fanouts.longestSlice.length = 0;
        const r = await latency('broadcast', n, events, zonesPerSave);
        const server = fanouts.samples;
        const saves = zonesPerSave > 1 ? `, ${zonesPerSave} zones per save` : '';
        cases.push({
          name: `public broadcast, ${n.toLocaleString('en')} subscriber${n > 1 ? 's' : ''}${saves}`,
          samples: r.samples,
          baseline: floor,
          note:
            `commit to each viewer's receipt${zonesPerSave > 1 ? ` of the last of the save's ${zonesPerSave} messages` : ''}, ${events} events; ${arrivedNote(n, events, r)}` +
            (server.length
              ? `; ${server.length} server fan-outs (first to last socket write; warm-up included) median ${fmtMs(median(server))} ms, max ${fmtMs(Math.max(...server))} ms` +
                (fanouts.yielded.length ? `, of which other work between slices median ${fmtMs(median(fanouts.yielded))} ms, max ${fmtMs(Math.max(...fanouts.yielded))} ms` : '') +
                (fanouts.longestSlice.length ? `, longest slice ${fmtMs(Math.max(...fanouts.longestSlice))} ms` : '')
              : '') +
            `; server event loop held at most ${fmtMs(r.loopDelayMaxMs)} ms at a time` +
            `; CPU per event (median): server process ${fmtMs(median(r.serverCpuMs))} ms` +
            (n > 3 ? `, viewer process ${fmtMs(median(r.crowdCpuMs))} ms; open files soft/hard ${openFilesLimit()} here, ${crowd.fdLimit} in the viewer process` : ''),
        });
        if (n >= 10_000) console.log(`10,000 viewers${saves}: p50 ${fmtMs(median(r.samples))} ms, p99 ${fmtMs(percentile(r.samples, 99))} ms over ${r.samples.length} receipts`);
      }
      fanouts.stop();
      if (only === 'broadcast') return cases;
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
