// How a broadcast reaches many sockets: framed once, written in slices that let the event loop
// serve others, messages in order, several queued ones in one write; and a viewer that stops
// reading is closed instead of holding the server's memory. The Fanout on stand-in sockets, and
// the backlog limit on a running stack with the unmodified supabase-js client.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fanout, FANOUT_DIAGNOSTICS } from '../../supabase/local/realtime/fanout.ts';
import { frameBinary, MAX_SOCKET_BACKLOG_BYTES, type WireFrames } from '../../supabase/local/realtime/frames.ts';
import { recorder, subscribed, testClients } from '../helpers/realtime.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';

/** A socket's channel as the Fanout sees it; each write takes `spinMs` of CPU, like a system call. */
class Target {
  closed = false;
  writes: Buffer[] = [];
  constructor(
    private readonly log: Target[] | null = null,
    private readonly spinMs = 0,
  ) {}
  outlet = {
    sendFrames: (f: WireFrames) => {
      this.writes.push(f.bytes);
      this.log?.push(this);
      const until = performance.now() + this.spinMs;
      while (performance.now() < until);
    },
  };
}

const message = (n: number, size = 8) => frameBinary(Buffer.alloc(size, n));

describe('framing', () => {
  it('frames a binary message once, with the header RFC 6455 gives each length', () => {
    for (const [size, head] of [
      [125, [0x82, 125]],
      [126, [0x82, 126, 0, 126]],
      [65_535, [0x82, 126, 0xff, 0xff]],
      [65_536, [0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0]],
    ] as const) {
      const body = Buffer.alloc(size, 7);
      const { bytes, bodies } = frameBinary(body);
      expect([...bytes.subarray(0, head.length)]).toEqual(head);
      expect(bytes.subarray(head.length).equals(body)).toBe(true);
      expect(bodies).toHaveLength(1);
      expect(bodies[0]).toBe(body);
    }
  });
});

describe('Fanout', () => {
  it('writes a small topic at once, within the broadcast call, skipping the sender and closed channels', () => {
    const fanout = new Fanout();
    const targets = Array.from({ length: 10 }, () => new Target());
    targets[3].closed = true;
    const m = message(1);
    fanout.enqueue('k', targets, targets[5], m);
    expect(fanout.pending).toBe(0);
    expect(targets.map((t) => t.writes.length)).toEqual([1, 1, 1, 0, 1, 0, 1, 1, 1, 1]);
    expect(targets[0].writes[0]).toBe(m.bytes);
  });

  it('goes on with the other sockets when a write throws, and reports it', () => {
    const errors: unknown[] = [];
    const fanout = new Fanout((e) => errors.push(e));
    const targets = Array.from({ length: 5 }, () => new Target());
    targets[2].outlet.sendFrames = () => {
      throw new Error('broken socket');
    };
    fanout.enqueue('k', targets, null, message(1));
    expect(targets.map((t) => t.writes.length)).toEqual([1, 1, 0, 1, 1]);
    expect(errors).toEqual([new Error('broken socket')]);
  });

  it('does not start every fan-out at the same socket', () => {
    const fanout = new Fanout();
    const order: Target[] = [];
    const targets = Array.from({ length: 100 }, () => new Target(order));
    const firsts = new Set<Target>();
    for (let i = 0; i < 20; i++) {
      order.length = 0;
      fanout.enqueue('k', targets, null, message(i));
      firsts.add(order[0]);
    }
    expect(firsts.size).toBeGreaterThan(1);
    expect(targets.every((t) => t.writes.length === 20)).toBe(true);
  });

  it('yields to the event loop during a large fan-out, and every socket gets the message once', async () => {
    const fanout = new Fanout();
    const order: Target[] = [];
    // 20,000 writes of 5 µs: 100 ms, two slices at least.
    const targets = Array.from({ length: 20_000 }, () => new Target(order, 0.005));
    const reports: { sockets: number; slices: number }[] = [];
    const onReport = (r: unknown) => reports.push(r as { sockets: number; slices: number });
    subscribe(FANOUT_DIAGNOSTICS, onReport);
    try {
      fanout.enqueue('k', targets, null, message(1), 'e');
      expect(order).toHaveLength(0); // a large topic starts on a microtask
      await Promise.resolve();
      const firstSlice = order.length;
      const writtenWhenOthersRan = await new Promise<number>((r) => setImmediate(() => r(order.length)));
      expect(firstSlice).toBeGreaterThan(0);
      expect(writtenWhenOthersRan).toBeLessThan(targets.length);
      while (fanout.pending) await new Promise((r) => setTimeout(r, 5));
      expect(targets.every((t) => t.writes.length === 1)).toBe(true);
      expect(reports).toEqual([expect.objectContaining({ key: 'k', events: ['e'], sockets: 20_000 })]);
      expect(reports[0].slices).toBeGreaterThan(1);
    } finally {
      unsubscribe(FANOUT_DIAGNOSTICS, onReport);
    }
  });

  it('writes messages broadcast together in one write per socket, and keeps later ones in order behind them', async () => {
    const fanout = new Fanout();
    const many = Array.from({ length: 20_000 }, () => new Target(null, 0.005));
    const [m1, m2, m3, m4, m5] = [message(1), message(2, 300), message(3), message(4), message(5)];
    fanout.enqueue('k', many, null, m1);
    fanout.enqueue('k', many, null, m2);
    fanout.enqueue('k', many, null, m3);
    expect(fanout.pending).toBe(1);
    await Promise.resolve(); // the fan-out has started: what comes now waits for it
    fanout.enqueue('k', many, null, m4);
    fanout.enqueue('k', many, null, m5);
    expect(fanout.pending).toBe(2);
    while (fanout.pending) await new Promise((r) => setTimeout(r, 5));
    const first = Buffer.concat([m1.bytes, m2.bytes, m3.bytes]);
    const second = Buffer.concat([m4.bytes, m5.bytes]);
    expect(many[0].writes).toHaveLength(2);
    expect(many.every((t) => t.writes.length === 2 && t.writes[0].equals(first) && t.writes[1].equals(second))).toBe(true);
  });

  it('writes a small topic at once while a large one is fanned out, but not before its own earlier messages', async () => {
    const fanout = new Fanout();
    const viewers = Array.from({ length: 20_000 }, () => new Target(null, 0.005));
    const staff = Array.from({ length: 10 }, () => new Target());
    fanout.enqueue('public-map', viewers, null, message(1));
    await Promise.resolve(); // the large fan-out has written its first slice and yielded
    expect(fanout.pending).toBe(1);
    fanout.enqueue('command', staff, null, message(2));
    expect(staff.every((t) => t.writes.length === 1)).toBe(true);
    expect(viewers.some((t) => t.writes.length === 0)).toBe(true);
    // The same topic, now small (viewers left): after the message still being written, not before.
    fanout.enqueue('public-map', viewers.slice(0, 10), null, message(3));
    expect(fanout.pending).toBe(2);
    expect(viewers[0].writes.length).toBeLessThan(2);
    while (fanout.pending) await new Promise((r) => setTimeout(r, 5));
    expect(viewers.slice(0, 10).every((t) => t.writes.length === 2 && t.writes[1].equals(message(3).bytes))).toBe(true);
  });

  it('does not join messages for different members or senders', async () => {
    const fanout = new Fanout();
    const many = Array.from({ length: 1_000 }, () => new Target());
    const others = [...many.slice(1)];
    fanout.enqueue('k', many, null, message(1));
    fanout.enqueue('k', many, null, message(2));
    fanout.enqueue('k', many, many[0], message(3));
    fanout.enqueue('k', others, many[0], message(4));
    expect(fanout.pending).toBe(3);
    while (fanout.pending) await new Promise((r) => setTimeout(r, 5));
    expect(many[1].writes.map((w) => w.length)).toEqual([20, 10, 10]);
    expect(many[0].writes.map((w) => w.length)).toEqual([20]);
  });
});

describe('a viewer that stops reading', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });
  const { client } = testClients(() => stack, 'unused');

  it(`is closed once over ${MAX_SOCKET_BACKLOG_BYTES / 2 ** 20} MiB wait for it, and the others get every message`, async () => {
    const heard = recorder<{ payload: { n: number } }>();
    const viewer = client()
      .channel('backlog-check')
      .on('broadcast', { event: 'e' }, (m) => heard.push(m as never));
    await subscribed(viewer);

    const stuck = new WebSocket(`${stack.url.replace(/^http/, 'ws')}/realtime/v1/websocket?apikey=${stack.anonKey}&vsn=2.0.0`);
    await new Promise((resolve, reject) => stuck.on('open', resolve).on('error', reject));
    const replies = recorder<unknown[]>();
    let broadcasts = 0;
    stuck.on('message', (data, isBinary) => (isBinary ? (broadcasts += 1) : replies.push(JSON.parse(String(data)))));
    const closed = new Promise<void>((resolve) => stuck.on('close', () => resolve()));
    stuck.on('error', () => undefined);
    stuck.send(JSON.stringify(['1', '1', 'realtime:backlog-check', 'phx_join', { config: {} }]));
    await replies.next((f) => f[1] === '1');
    stuck.pause();

    // 14 messages of 2.9 MB: 40 MB, more than the limit and the operating system's buffers together.
    const data = 'x'.repeat(2_900_000);
    const count = 14;
    try {
      for (let n = 0; n < count; n++) {
        const res = await fetch(`${stack.url}/realtime/v1/api/broadcast/backlog-check/events/e`, {
          method: 'POST',
          headers: { apikey: stack.anonKey, 'Content-Type': 'application/json' },
          body: JSON.stringify({ n, data }),
        });
        expect(res.status).toBe(202);
      }
      await heard.next((m) => m.payload.n === count - 1, 'the last message');
      expect(heard.seen.map((m) => m.payload.n)).toEqual(Array.from({ length: count }, (_, n) => n));

      stuck.resume();
      await Promise.race([closed, new Promise((_, reject) => setTimeout(() => reject(new Error('the server never closed the stuck socket')), 20_000))]);
      expect(broadcasts).toBeGreaterThan(0);
      expect(broadcasts).toBeLessThan(count);
    } finally {
      stuck.terminate();
    }
  });
});
