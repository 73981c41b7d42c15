// Who may send on the public map's channel: the database's triggers, nobody else. Viewers join
// the private channel `public-map`, which anyone may receive on and no client may send to
// (migration 20260401001400_public_map_private.sql); what the public, dispatchers and
// commanders broadcast there, over the socket or HTTP, privately or publicly, never reaches a
// viewer. Also the size limits of a broadcast. The unmodified supabase-js client against the
// local stack.
import type { RealtimeChannel, SupabaseClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recorder, subscribed, testClients, type Recorder } from '../helpers/realtime.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';
import { createUser } from '../helpers/users.ts';

let stack: TestStack;
const PASSWORD = 'secret123';
const COMMANDER = 'pm-commander@example.test';
const DISPATCHER = 'pm-dispatcher@example.test';
/** An active zone (江山鼎封控区 in the demo district): the one the attack removed from every screen. */
let zone: { id: string; name: string };

beforeAll(async () => {
  stack = await startTestStack();
  await createUser(stack, COMMANDER, PASSWORD, { role: 'commander' });
  await createUser(stack, DISPATCHER, PASSWORD, { role: 'dispatcher' });
  const { rows } = await stack.ctx.db.query<{ id: string; name: string }>(
    `select id, name from zones where status = 'active' order by name = '江山鼎封控区' desc, id limit 1`,
  );
  zone = rows[0];
});

afterAll(async () => {
  await stack?.stop();
});

const { client, signedIn } = testClients(() => stack, PASSWORD);

type Heard = { event: string; payload: { op: string; id?: string; row?: Record<string, unknown> } };

/** A whole-district lockdown and the removal of a real zone: what the attack drew. */
const FAKE_LOCKDOWN = {
  op: 'upsert',
  row: {
    id: 'fake-lockdown',
    name: '全区封控',
    level: 'lockdown',
    status: 'active',
    geom: {
      type: 'MultiPolygon',
      coordinates: [
        [
          [
            [120.8, 31.8],
            [121.1, 31.8],
            [121.1, 32.1],
            [120.8, 32.1],
            [120.8, 31.8],
          ],
        ],
      ],
    },
    version: 999,
  },
};
const fakeRemoval = () => ({ op: 'remove', id: zone.id });

/**
 * A public-map viewer as the app joins it (src/services/realtime.ts): what it hears of zones and
 * sites (the publisher's `published` pointers, which follow every change, are left out).
 */
async function viewer(c: SupabaseClient = client()): Promise<Recorder<Heard>> {
  const heard = recorder<Heard>();
  await subscribed(
    c
      .channel('public-map', { config: { private: true } })
      .on('broadcast', { event: '*' }, (m) => {
        if (m.event !== 'published') heard.push(m as unknown as Heard);
      }),
  );
  return heard;
}

/** Someone listening on the public (non-private) topic of the same name, where injected messages do go. */
async function publicListener(): Promise<Recorder<Heard>> {
  const heard = recorder<Heard>();
  await subscribed(
    client()
      .channel('public-map')
      .on('broadcast', { event: '*' }, (m) => heard.push(m as unknown as Heard)),
  );
  return heard;
}

let marks = 0;

/**
 * Changes the zone so that its trigger broadcasts, and waits until the viewers have it. Each
 * viewer's messages arrive in the order the server wrote them, so what a sender had sent before
 * (and the server had handled: it has answered) would have arrived first.
 */
async function triggerBroadcast(...viewers: Recorder<Heard>[]): Promise<string> {
  const mark = `mark ${++marks}`;
  await stack.ctx.db.query(`update zones set name_en = $2 where id = $1`, [zone.id, mark]);
  for (const v of viewers) await v.next((m) => m.payload.row?.name_en === mark, `the trigger's broadcast (${mark})`);
  return mark;
}

const described = (r: Recorder<Heard>) =>
  r.seen.map(
    (m) =>
      `${m.event} ${m.payload.op} ${m.payload.row ? `${String(m.payload.row.id)} ${String(m.payload.row.name_en)}` : m.payload.id}`,
  );

/** A private channel on `public-map` with acknowledged broadcasts, as an attacker would open it. */
async function privateSender(c: SupabaseClient): Promise<RealtimeChannel> {
  const ch = c.channel('public-map', { config: { private: true, broadcast: { ack: true } } });
  await subscribed(ch);
  return ch;
}

function httpBatch(key: string, messages: Record<string, unknown>[]): Promise<Response> {
  return fetch(`${stack.url}/realtime/v1/api/broadcast`, {
    method: 'POST',
    headers: { apikey: stack.anonKey, Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ messages }),
  });
}

function httpSingle(key: string, topic: string, event: string, body: string, query = ''): Promise<Response> {
  return fetch(`${stack.url}/realtime/v1/api/broadcast/${encodeURIComponent(topic)}/events/${event}${query}`, {
    method: 'POST',
    headers: { apikey: stack.anonKey, Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body,
  });
}

/** The access token supabase-js holds for a signed-in client. */
async function tokenOf(c: SupabaseClient): Promise<string> {
  const { data } = await c.auth.getSession();
  if (!data.session) throw new Error('not signed in');
  return data.session.access_token;
}

describe('receiving the public map', () => {
  it('the trigger’s broadcasts reach anonymous and signed-in viewers on the private channel, and nobody on the public one', async () => {
    const anon = await viewer();
    const staff = await viewer(await signedIn(DISPATCHER));
    const outsider = await publicListener();
    const mark = await triggerBroadcast(anon, staff);
    await stack.ctx.db.query(`update zones set status = 'lifted' where id = $1`, [zone.id]);
    await stack.ctx.db.query(`update zones set status = 'active', name_en = 'back' where id = $1`, [zone.id]);
    for (const v of [anon, staff]) {
      await v.next((m) => m.payload.row?.name_en === 'back', 'the zone back in force');
      expect(described(v)).toEqual([
        `zone upsert ${zone.id} ${mark}`,
        `zone remove ${zone.id}`,
        `zone upsert ${zone.id} back`,
      ]);
    }
    expect(outsider.seen).toEqual([]);
  });
});

describe('sending to the public map', () => {
  it('an anonymous sender over the socket never reaches a viewer, on the private channel or the public one', async () => {
    const watching = await viewer();
    const outsider = await publicListener();

    const attacker = await privateSender(client());
    // As on hosted Realtime: refused by realtime.messages' policies, dropped without a reply.
    expect(await attacker.send({ type: 'broadcast', event: 'zone', payload: FAKE_LOCKDOWN }, { timeout: 1000 })).toBe(
      'timed out',
    );
    expect(await attacker.send({ type: 'broadcast', event: 'zone', payload: fakeRemoval() }, { timeout: 1000 })).toBe(
      'timed out',
    );
    // Tracking presence needs an insert policy too; its reply also shows the broadcasts were handled.
    expect(await attacker.track({ online: true })).toBe('error');

    // A public join of the same name is another topic: the message goes out, to public listeners only.
    const publicAttacker = client().channel('public-map', { config: { broadcast: { ack: true } } });
    await subscribed(publicAttacker);
    expect(await publicAttacker.send({ type: 'broadcast', event: 'zone', payload: fakeRemoval() })).toBe('ok');
    await outsider.next((m) => m.payload.op === 'remove', 'the injected removal on the public topic');

    const mark = await triggerBroadcast(watching);
    expect(described(watching)).toEqual([`zone upsert ${zone.id} ${mark}`]);
  });

  it('an anonymous sender over HTTP never reaches a viewer, by either route', async () => {
    const watching = await viewer();
    const outsider = await publicListener();

    // The batch route (supabase-js falls back to it when send() is called before joining):
    // private messages the policies refuse are dropped with 202, as on hosted Realtime.
    const batch = await httpBatch(stack.anonKey, [
      { topic: 'public-map', event: 'zone', payload: FAKE_LOCKDOWN, private: true },
      { topic: 'public-map', event: 'zone', payload: fakeRemoval(), private: true },
      { topic: 'public-map', event: 'zone', payload: fakeRemoval() },
    ]);
    expect(batch.status).toBe(202);
    // The single-message route (httpSend) answers a refused private message 403.
    const single = await httpSingle(
      stack.anonKey,
      'public-map',
      'zone',
      JSON.stringify(FAKE_LOCKDOWN),
      '?private=true',
    );
    expect({ status: single.status, body: await single.json() }).toEqual({
      status: 403,
      body: { message: 'Unauthorized' },
    });
    await expect(
      client()
        .channel('public-map', { config: { private: true } })
        .httpSend('zone', fakeRemoval()),
    ).rejects.toThrow('Unauthorized');
    expect((await httpSingle(stack.anonKey, 'public-map', 'zone', JSON.stringify(fakeRemoval()))).status).toBe(202);

    const mark = await triggerBroadcast(watching);
    expect(described(watching)).toEqual([`zone upsert ${zone.id} ${mark}`]);
    // The public messages did go out, to the public topic.
    await outsider.next(() => outsider.seen.length === 2, 'both public messages');
    expect(described(outsider)).toEqual([`zone remove ${zone.id}`, `zone remove ${zone.id}`]);
  });

  it('a dispatcher or a commander cannot send to the public map either, over the socket or HTTP', async () => {
    const watching = await viewer();
    for (const email of [DISPATCHER, COMMANDER]) {
      const staff = await signedIn(email);
      const ch = await privateSender(staff);
      expect(await ch.send({ type: 'broadcast', event: 'zone', payload: FAKE_LOCKDOWN }, { timeout: 1000 })).toBe(
        'timed out',
      );
      expect(await ch.track({ online: true })).toBe('error');
      const token = await tokenOf(staff);
      expect(
        (await httpBatch(token, [{ topic: 'public-map', event: 'zone', payload: fakeRemoval(), private: true }]))
          .status,
      ).toBe(202);
      expect(
        (await httpSingle(token, 'public-map', 'zone', JSON.stringify(FAKE_LOCKDOWN), '?private=true')).status,
      ).toBe(403);
    }
    const mark = await triggerBroadcast(watching);
    expect(described(watching)).toEqual([`zone upsert ${zone.id} ${mark}`]);
  });

  it('the service role may send, like the database, over the socket and HTTP', async () => {
    // The control for the tests above: a sender the policies allow does reach the viewers.
    const watching = await viewer();
    const service = await privateSender(client(stack.serviceKey));
    expect(await service.send({ type: 'broadcast', event: 'zone', payload: { op: 'remove', id: 'by-socket' } })).toBe(
      'ok',
    );
    expect(
      (
        await httpBatch(stack.serviceKey, [
          { topic: 'public-map', event: 'zone', payload: { op: 'remove', id: 'by-batch' }, private: true },
        ])
      ).status,
    ).toBe(202);
    const single = await httpSingle(
      stack.serviceKey,
      'public-map',
      'zone',
      JSON.stringify({ op: 'remove', id: 'by-single' }),
      '?private=true',
    );
    expect(single.status).toBe(202);
    const mark = await triggerBroadcast(watching);
    expect(described(watching)).toEqual([
      'zone remove by-socket',
      'zone remove by-batch',
      'zone remove by-single',
      `zone upsert ${zone.id} ${mark}`,
    ]);
  });
});

describe('the size of a broadcast', () => {
  const OVER_LIMIT = { data: 'x'.repeat(3_000_001) };

  async function peers() {
    const heard = recorder<{ payload: { n?: number } }>();
    const listener = client()
      .channel('size-check')
      .on('broadcast', { event: 'e' }, (m) => heard.push(m as never));
    const sender = client().channel('size-check', { config: { broadcast: { ack: true } } });
    await Promise.all([subscribed(listener), subscribed(sender)]);
    return { heard, sender };
  }

  it('refuses a payload over 3,000 kB over the socket with payload_size_exceeded, and the socket carries on', async () => {
    const { heard, sender } = await peers();
    expect(await sender.send({ type: 'broadcast', event: 'e', payload: OVER_LIMIT })).toBe('error');
    expect(await sender.send({ type: 'broadcast', event: 'e', payload: { n: 1 } })).toBe('ok');
    await heard.next();
    expect(heard.seen.map((m) => m.payload)).toEqual([{ n: 1 }]);
  });

  it('answers the error frame as hosted Realtime does', async () => {
    const ws = new WebSocket(
      `${stack.url.replace(/^http/, 'ws')}/realtime/v1/websocket?apikey=${stack.anonKey}&vsn=2.0.0`,
    );
    const frames = recorder<unknown[]>();
    ws.on('message', (data, isBinary) => !isBinary && frames.push(JSON.parse(String(data))));
    await new Promise((resolve, reject) => ws.on('open', resolve).on('error', reject));
    try {
      const send = (frame: unknown[]) => ws.send(JSON.stringify(frame));
      send(['1', '1', 'realtime:size-raw', 'phx_join', { config: { broadcast: { ack: true } } }]);
      await frames.next((f) => f[1] === '1');
      send(['1', '2', 'realtime:size-raw', 'broadcast', { type: 'broadcast', event: 'e', payload: OVER_LIMIT }]);
      expect(await frames.next((f) => f[1] === '2')).toEqual([
        '1',
        '2',
        'realtime:size-raw',
        'phx_reply',
        { status: 'error', response: 'payload_size_exceeded' },
      ]);
    } finally {
      ws.terminate();
    }
  });

  it('closes a socket that sends a frame over 5 MB with 1009, and serves the others', async () => {
    const { heard, sender } = await peers();
    const ws = new WebSocket(
      `${stack.url.replace(/^http/, 'ws')}/realtime/v1/websocket?apikey=${stack.anonKey}&vsn=2.0.0`,
    );
    await new Promise((resolve, reject) => ws.on('open', resolve).on('error', reject));
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    ws.on('error', () => undefined);
    ws.send(
      JSON.stringify([
        '1',
        '1',
        'realtime:size-check',
        'broadcast',
        { type: 'broadcast', event: 'e', payload: { data: 'x'.repeat(5_000_000) } },
      ]),
    );
    expect(await closed).toBe(1009);
    expect(await sender.send({ type: 'broadcast', event: 'e', payload: { n: 2 } })).toBe('ok');
    expect((await heard.next()).payload).toEqual({ n: 2 });
  });

  it('answers an HTTP broadcast over 3,000 kB with 422 and sends none of the request', async () => {
    const { heard } = await peers();
    const single = await httpSingle(stack.anonKey, 'size-check', 'e', JSON.stringify(OVER_LIMIT));
    expect({ status: single.status, body: await single.json() }).toEqual({
      status: 422,
      body: { errors: { payload: ['Payload size exceeds tenant limit'] } },
    });
    const batch = await httpBatch(stack.anonKey, [
      { topic: 'size-check', event: 'e', payload: { n: 3 } },
      { topic: 'size-check', event: 'e', payload: OVER_LIMIT },
    ]);
    expect({ status: batch.status, body: await batch.json() }).toEqual({
      status: 422,
      body: { errors: { messages: [{}, { payload: ['Payload size exceeds tenant limit'] }] } },
    });
    expect((await httpBatch(stack.anonKey, [{ topic: 'size-check', event: 'e', payload: { n: 4 } }])).status).toBe(202);
    await heard.next();
    expect(heard.seen.map((m) => m.payload)).toEqual([{ n: 4 }]);
  });
});
