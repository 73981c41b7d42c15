// Realtime on the app's own tables: row-level security on every event, the public-map broadcast,
// identity changes on an open socket, reconnects, presence and large geometries, with the
// unmodified supabase-js client against the local stack.
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { createServer, connect, type Server, type Socket } from 'node:net';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recorder, subscribed, testClients, type Recorder } from '../helpers/realtime.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';
import { createUser } from '../helpers/users.ts';

let stack: TestStack;
const PASSWORD = 'secret123';
const COMMANDER = 'rt-commander@example.test';
const DISPATCHER = 'rt-dispatcher@example.test';
let commanderId: string;
let dispatcherId: string;
let depotId: string;
let compoundId: string;

beforeAll(async () => {
  stack = await startTestStack();
  const create = (email: string, role: string) => createUser(stack, email, PASSWORD, { role });
  commanderId = await create(COMMANDER, 'commander');
  dispatcherId = await create(DISPATCHER, 'dispatcher');
  [{ id: depotId }] = await asStaff(commanderId, 'commander', `insert into sites (kind, name, geom) values ('depot', 'rt depot', ${point}) returning id`);
  [{ id: compoundId }] = await sql<{ id: string }>(
    `insert into compounds (name, households, residents, geom) values ('rt compound', 10, 30, ${square}) returning id`,
  );
});

afterAll(async () => {
  await stack?.stop();
});

const { client, signedIn, track } = testClients(() => stack, PASSWORD);

const point = `ST_SetSRID(ST_MakePoint(120.95, 31.9), 4326)`;
const square = `ST_Multi(ST_Buffer(${point}, 0.01))`;

async function sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  return (await stack.ctx.db.query<T>(text, params)).rows;
}

/** Writes as a signed-in staff member the way PostgREST runs a request. */
async function asStaff<T = Record<string, any>>(sub: string, role: string, text: string, params: unknown[] = []): Promise<T[]> {
  return stack.ctx.db.transaction(async (tx) => {
    await tx.query(`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)`, [
      JSON.stringify({ sub, role: 'authenticated', app_metadata: { role } }),
    ]);
    return (await tx.query<T>(text, params)).rows;
  });
}

const asCommander = <T = Record<string, any>>(text: string, params: unknown[] = []) => asStaff<T>(commanderId, 'commander', text, params);
const asDispatcher = <T = Record<string, any>>(text: string, params: unknown[] = []) => asStaff<T>(dispatcherId, 'dispatcher', text, params);

async function newZone(name: string, status: 'draft' | 'active' | 'lifted', geom = square): Promise<string> {
  const [z] = await asCommander<{ id: string }>(
    `insert into zones (name, level, status, geom, notes) values ($1, 'control', $2, ${geom}, 'staff only note') returning id`,
    [name, status],
  );
  return z.id;
}

/** A channel with `*` bindings on the given tables, subscribed and confirmed by the system message. */
async function watch(c: SupabaseClient, name: string, tables: string[]) {
  const events = recorder<Record<string, any>>();
  const system = recorder<Record<string, any>>();
  let ch = c.channel(name);
  for (const table of tables) ch = ch.on('postgres_changes', { event: '*', schema: 'public', table }, (p) => events.push(p));
  ch = ch.on('system', {}, (m) => system.push(m));
  await subscribed(ch);
  const confirmation = await system.next((m) => m.extension === 'postgres_changes', 'system message');
  if (confirmation.status !== 'ok') throw new Error(`subscription failed: ${confirmation.message}`);
  return { ch, events, system };
}

const titles = (r: Recorder<Record<string, any>>) => r.seen.map((e) => `${e.eventType} ${e.table} ${e.new.name ?? e.new.truck ?? e.new.seq ?? e.old.id}`);

describe('row-level security on postgres_changes', () => {
  it('a public viewer never receives a draft zone, a quarantine site or a delivery; staff receive them', async () => {
    const viewer = await watch(client(), 'rls-public', ['zones', 'sites']);
    const staff = await watch(await signedIn(DISPATCHER), 'rls-staff', ['zones', 'sites', 'deliveries', 'delivery_stops']);

    await newZone('draft zone', 'draft');
    await asCommander(
      `insert into sites (kind, name, geom, rooms_total, site_type) values ('quarantine_site', 'quarantine hotel', ${point}, 40, 'hotel')`,
    );
    const [d] = await asDispatcher<{ id: string }>(`insert into deliveries (depot_id, truck) values ($1, 'truck 7') returning id`, [depotId]);
    await asDispatcher(`insert into delivery_stops (delivery_id, seq, compound_id) values ($1, 1, $2)`, [d.id, compoundId]);
    await asCommander(`insert into sites (kind, name, geom, capacity_per_hour) values ('testing_site', 'testing site', ${point}, 120)`);
    await newZone('active zone', 'active');

    await staff.events.next((e) => e.new.name === 'active zone');
    expect(titles(staff.events)).toEqual([
      'INSERT zones draft zone',
      'INSERT sites quarantine hotel',
      'INSERT deliveries truck 7',
      'INSERT delivery_stops 1',
      'INSERT sites testing site',
      'INSERT zones active zone',
    ]);
    await viewer.events.next((e) => e.new.name === 'active zone');
    expect(titles(viewer.events)).toEqual(['INSERT sites testing site', 'INSERT zones active zone']);
  });

  it('refuses a public viewer’s subscription to deliveries with a system error', async () => {
    for (const table of ['deliveries', 'delivery_stops']) {
      const system = recorder<Record<string, any>>();
      const ch = client()
        .channel(`rls-deliveries-${table}`)
        .on('postgres_changes', { event: '*', schema: 'public', table }, () => undefined)
        .on('system', {}, (m) => system.push(m));
      await subscribed(ch);
      expect(await system.next()).toMatchObject({ extension: 'postgres_changes', status: 'error' });
    }
  });

  it('a public viewer gets only the columns anon may select', async () => {
    const viewer = await watch(client(), 'rls-columns', ['zones']);
    const staff = await watch(await signedIn(COMMANDER), 'rls-columns-staff', ['zones']);
    await newZone('with notes', 'active');
    const pub = await viewer.events.next();
    const full = await staff.events.next();
    expect(full.new.notes).toBe('staff only note');
    expect(pub.new).not.toHaveProperty('notes');
    expect(pub.new).not.toHaveProperty('updated_by');
    expect(Object.keys(pub.new).sort()).toEqual(
      [
        'id',
        'name',
        'name_en',
        'level',
        'status',
        'district',
        'geom',
        'effective_from',
        'review_days',
        'version',
        'updated_at',
        'bounds_zh',
        'bounds_en',
      ].sort(),
    );
  });

  it('a public viewer learns nothing when a draft zone is deleted, and gets the key when an active one is', async () => {
    const draft = await newZone('to delete draft', 'draft');
    const active = await newZone('to delete active', 'active');
    const viewer = await watch(client(), 'rls-delete', ['zones']);
    await asCommander(`delete from zones where id = $1`, [draft]);
    await asCommander(`delete from zones where id = $1`, [active]);
    await viewer.events.next((e) => e.eventType === 'DELETE');
    expect(viewer.events.seen.map((e) => [e.eventType, e.old])).toEqual([['DELETE', { id: active }]]);
  });

  it('shows a public viewer the old values of an update only if it could see the old version', async () => {
    const viewer = await watch(client(), 'rls-old', ['zones']);
    const staff = await watch(await signedIn(COMMANDER), 'rls-old-staff', ['zones']);
    const id = await newZone('draft name', 'draft');
    await asCommander(`update zones set status = 'active', name = 'published name' where id = $1`, [id]);
    await asCommander(`update zones set name = 'renamed' where id = $1`, [id]);
    await viewer.events.next((e) => e.new.name === 'renamed');
    expect(viewer.events.seen.map((e) => [e.eventType, e.new.name, e.old])).toEqual([
      ['UPDATE', 'published name', { id }],
      ['UPDATE', 'renamed', expect.objectContaining({ id, name: 'published name', status: 'active' })],
    ]);
    await staff.events.next((e) => e.new.name === 'renamed');
    const publish = staff.events.seen.find((e) => e.new.name === 'published name');
    expect(publish?.old).toMatchObject({ id, name: 'draft name', status: 'draft', notes: 'staff only note' });
  });

  it('checks each event against the version of the row it carries, not the row as it is by then', async () => {
    const viewer = await watch(client(), 'rls-version', ['zones']);
    // Both changes commit together, so when they are delivered the table already holds the
    // published version; the INSERT still carries the draft.
    const id = await newZone('draft then published', 'draft');
    await asCommander(`update zones set status = 'active' where id = $1`, [id]);
    await stack.ctx.db.transaction(async (tx) => {
      await tx.query(`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)`, [
        JSON.stringify({ sub: commanderId, role: 'authenticated', app_metadata: { role: 'commander' } }),
      ]);
      await tx.query(`update zones set status = 'draft', name = 'secret draft name' where id = $1`, [id]);
      await tx.query(`update zones set status = 'active', name = 'public name' where id = $1`, [id]);
    });
    await viewer.events.next((e) => e.new.name === 'public name');
    expect(viewer.events.seen.map((e) => e.new.name)).toEqual(['draft then published', 'public name']);
    expect(JSON.stringify(viewer.events.seen)).not.toContain('secret draft name');
  });

  it('follows the socket’s identity: anon, then signed in as a commander, then signed out', async () => {
    const c = client();
    const { events, system } = await watch(c, 'identity', ['zones']);
    await newZone('hidden 1', 'draft');
    await newZone('shown 1', 'active');
    await events.next((e) => e.new.name === 'shown 1');

    system.seen.length = 0;
    const { error } = await c.auth.signInWithPassword({ email: COMMANDER, password: PASSWORD });
    expect(error).toBeNull();
    await system.next((m) => m.extension === 'postgres_changes', 'resubscription after sign-in');
    await newZone('draft seen by commander', 'draft');
    await events.next((e) => e.new.name === 'draft seen by commander');

    system.seen.length = 0;
    await c.auth.signOut();
    await system.next((m) => m.extension === 'postgres_changes', 'resubscription after sign-out');
    await newZone('hidden 2', 'draft');
    await newZone('shown 2', 'active');
    await events.next((e) => e.new.name === 'shown 2');
    expect(events.seen.map((e) => e.new.name)).toEqual(['shown 1', 'draft seen by commander', 'shown 2']);
  });
});

describe('public map broadcast', () => {
  async function publicMap(c: SupabaseClient) {
    const zones = recorder<Record<string, any>>();
    const sites = recorder<Record<string, any>>();
    const ch = c
      .channel('public-map', { config: { private: true } })
      .on('broadcast', { event: 'zone' }, (m) => zones.push(m.payload))
      .on('broadcast', { event: 'site' }, (m) => sites.push(m.payload));
    await subscribed(ch);
    return { zones, sites };
  }

  it('delivers public zones as upserts and tells viewers when a zone leaves public view, and why', async () => {
    const { zones } = await publicMap(client());
    const commander = await signedIn(COMMANDER);
    const patch = async (id: string, status: string) => expect((await commander.from('zones').update({ status }).eq('id', id)).error).toBeNull();
    const lifted = await newZone('will be lifted', 'active');
    await patch(lifted, 'lifted');
    const draft = await newZone('draft first', 'draft');
    await patch(draft, 'active');
    await patch(draft, 'draft');
    const deleted = await newZone('will be deleted', 'active');
    expect((await commander.from('zones').delete().eq('id', deleted)).error).toBeNull();

    await zones.next((p) => p.op === 'remove' && p.id === deleted);
    expect(zones.seen.map((p) => (p.op === 'upsert' ? `upsert ${p.row.id}` : `remove ${p.id} ${p.reason}`))).toEqual([
      `upsert ${lifted}`,
      `remove ${lifted} lifted`,
      `upsert ${draft}`,
      `remove ${draft} withdrawn`,
      `upsert ${deleted}`,
      `remove ${deleted} deleted`,
    ]);
    const upsert = zones.seen[0];
    expect(upsert.row).toMatchObject({ id: lifted, name: 'will be lifted', status: 'active', level: 'control' });
    expect(upsert.row).not.toHaveProperty('notes');
    expect(upsert.row.geom.type).toBe('MultiPolygon');
  });

  it('never broadcasts a quarantine site or a depot to the public map', async () => {
    const { sites } = await publicMap(client());
    await asCommander(
      `insert into sites (kind, name, geom, rooms_total, site_type) values ('quarantine_site', 'secret hotel', ${point}, 10, 'hotel')`,
    );
    await asCommander(`insert into sites (kind, name, geom) values ('depot', 'secret depot', ${point})`);
    await asCommander(`insert into sites (kind, name, geom, state) values ('checkpoint', 'exit 3', ${point}, 'open')`);
    await sites.next((p) => p.row?.name === 'exit 3');
    expect(sites.seen.map((p) => p.row?.name ?? p.id)).toEqual(['exit 3']);
  });
});

describe('large geometry', () => {
  it('delivers a 1 MB zone geometry intact over postgres_changes and the public broadcast', async () => {
    const staff = await watch(await signedIn(COMMANDER), 'big-staff', ['zones']);
    const viewerMap = recorder<Record<string, any>>();
    await subscribed(
      client()
        .channel('public-map', { config: { private: true } })
        .on('broadcast', { event: 'zone' }, (m) => viewerMap.push(m.payload)),
    );
    // A circle with enough vertices that its GeoJSON is about 1 MB.
    const id = await newZone('big zone', 'active', `ST_Multi(ST_Buffer(${point}, 0.05, 6200))`);
    const [{ geom, bytes }] = await sql<{ geom: unknown; bytes: number }>(
      `select to_jsonb(geom) as geom, length(to_jsonb(geom)::text) as bytes from zones where id = $1`,
      [id],
    );
    expect(bytes).toBeGreaterThan(1_000_000);
    expect(bytes).toBeLessThan(1_048_576);
    const change = await staff.events.next((e) => e.new.id === id);
    expect(change.errors).toBeNull();
    expect(change.new.geom).toEqual(geom);
    const upsert = await viewerMap.next((p) => p.row?.id === id);
    expect(upsert.row.geom.coordinates).toEqual((geom as { coordinates: unknown }).coordinates);
  });
});

/** A TCP relay in front of the stack whose connections can be cut, like a dropped network. */
async function relay(target: URL) {
  const sockets = new Set<Socket>();
  let accepting = true;
  const server: Server = createServer((inbound) => {
    if (!accepting) return inbound.destroy();
    const outbound = connect(Number(target.port), target.hostname);
    sockets.add(inbound).add(outbound);
    inbound.pipe(outbound).pipe(inbound);
    const drop = () => (inbound.destroy(), outbound.destroy());
    inbound.on('error', drop).on('close', drop);
    outbound.on('error', drop).on('close', drop);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    cut() {
      accepting = false;
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    restore() {
      accepting = true;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('reconnect', () => {
  it('rejoins after a dropped connection and confirms the subscription again, so the app can re-read what it missed', async () => {
    const net = await relay(new URL(stack.url));
    try {
      const viaRelay = createClient(net.url, stack.anonKey, {
        auth: { persistSession: false },
        realtime: { transport: WebSocket as unknown as typeof globalThis.WebSocket },
      });
      track(viaRelay);
      const events = recorder<Record<string, any>>();
      const system = recorder<Record<string, any>>();
      const states = recorder<string>();
      const ch = viaRelay
        .channel('reconnect')
        .on('postgres_changes', { event: '*', schema: 'public', table: 'zones' }, (p) => events.push(p))
        .on('system', {}, (m) => system.push(m));
      ch.subscribe((s) => states.push(s));
      await states.next((s) => s === 'SUBSCRIBED');
      await system.next();
      await newZone('before the drop', 'active');
      await events.next((e) => e.new.name === 'before the drop');

      system.seen.length = 0;
      net.cut();
      await states.next((s) => s === 'CHANNEL_ERROR', 'CHANNEL_ERROR');
      const offline = await newZone('while offline', 'active');
      net.restore();

      await system.next((m) => m.status === 'ok', 'resubscription');
      expect(states.seen.filter((s) => s === 'SUBSCRIBED').length).toBe(2);
      await newZone('after the reconnect', 'active');
      await events.next((e) => e.new.name === 'after the reconnect');
      // Realtime does not replay: what changed while offline comes from the re-read on SUBSCRIBED.
      expect(events.seen.map((e) => e.new.name)).toEqual(['before the drop', 'after the reconnect']);
      expect(await sql(`select name from zones where id = $1`, [offline])).toEqual([{ name: 'while offline' }]);
    } finally {
      net.cut();
      await net.close();
    }
  });
});

// The private `command` channel's policies come from migration ..._realtime_command_channel.sql.
describe('presence of commanders', () => {
  it('shows each commander who else is online and which zone they edit, and when they leave', async () => {
    const first = await signedIn(COMMANDER);
    const second = await signedIn(COMMANDER);
    const joins = recorder<{ key: string; newPresences: Record<string, unknown>[] }>();
    const leaves = recorder<{ key: string; currentPresences: unknown[] }>();
    const chFirst = first
      .channel('command', { config: { private: true, presence: { key: 'first' } } })
      .on('presence', { event: 'join' }, (e) => joins.push(e as never))
      .on('presence', { event: 'leave' }, (e) => leaves.push(e as never));
    await subscribed(chFirst);
    const chSecond = second.channel('command', { config: { private: true, presence: { key: 'second' } } }).on('presence', { event: 'sync' }, () => undefined);
    await subscribed(chSecond);

    expect(await chSecond.track({ user: 'second', editing: 'zone-42' })).toBe('ok');
    const joined = await joins.next((e) => e.key === 'second');
    expect(joined.newPresences[0]).toMatchObject({ user: 'second', editing: 'zone-42' });
    expect(await chSecond.track({ user: 'second', editing: 'zone-43' })).toBe('ok');
    await joins.next((e) => e.key === 'second' && e.newPresences[0].editing === 'zone-43');
    expect((chFirst.presenceState() as Record<string, { editing: string }[]>).second.map((p) => p.editing)).toEqual(['zone-43']);

    expect(await second.removeChannel(chSecond)).toBe('ok');
    await leaves.next((e) => e.key === 'second' && e.currentPresences.length === 0, 'leave');
    expect(chFirst.presenceState()).not.toHaveProperty('second');
  });

  it('refuses the private channel to the public with a reason', async () => {
    const err = await new Promise<Error | undefined>((resolve) =>
      client()
        .channel('command', { config: { private: true } })
        .subscribe((s, e) => s === 'CHANNEL_ERROR' && resolve(e)),
    );
    expect(err?.message).toBe('Unauthorized: You do not have permissions to read from this Channel topic: command');
  });
});
