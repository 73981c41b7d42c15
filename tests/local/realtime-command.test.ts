// The commanders' private `command` channel (presence and broadcast, commanders only) and
// compounds in the change feed, with the unmodified supabase-js client against the local stack
// and the policies of migration 20260401001000_realtime_command_channel.sql.
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recorder, subscribed, testClients } from '../helpers/realtime.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';
import { createUser } from '../helpers/users.ts';

let stack: TestStack;
const PASSWORD = 'secret123';
const FIRST = 'cmd-first@example.test';
const SECOND = 'cmd-second@example.test';
const DISPATCHER = 'cmd-dispatcher@example.test';
const NO_ROLE = 'cmd-nobody@example.test';

beforeAll(async () => {
  stack = await startTestStack();
  const create = (email: string, role: string | null) => createUser(stack, email, PASSWORD, role ? { role } : {});
  await create(FIRST, 'commander');
  await create(SECOND, 'commander');
  await create(DISPATCHER, 'dispatcher');
  await create(NO_ROLE, null);
});

afterAll(async () => {
  await stack?.stop();
});

const { client: anon, signedIn } = testClients(() => stack, PASSWORD);

/** The reason the client reports when joining `command` fails. */
function refusal(c: SupabaseClient): Promise<string | undefined> {
  return new Promise((resolve) =>
    c.channel('command', { config: { private: true } }).subscribe((status, err) => {
      if (status === 'SUBSCRIBED') resolve(undefined);
      else if (status === 'CHANNEL_ERROR') resolve(err?.message);
    }),
  );
}

interface Editing {
  email: string;
  since: string;
  editing: string | null;
}

type PresenceEvent = { key: string; newPresences: Editing[]; currentPresences: Editing[]; leftPresences: Editing[] };

function commandChannel(c: SupabaseClient, key: string) {
  const joins = recorder<PresenceEvent>();
  const leaves = recorder<PresenceEvent>();
  const ch = c
    .channel('command', { config: { private: true, presence: { key } } })
    .on('presence', { event: 'join' }, (e) => joins.push(e as unknown as PresenceEvent))
    .on('presence', { event: 'leave' }, (e) => leaves.push(e as unknown as PresenceEvent));
  return { ch, joins, leaves, state: () => ch.presenceState<Editing>() };
}

const REFUSED = 'Unauthorized: You do not have permissions to read from this Channel topic: command';

describe('the private command channel', () => {
  it('shows two commanders each other online, the zone each is editing, and when one leaves', async () => {
    const first = commandChannel(await signedIn(FIRST), 'first-user');
    const second = commandChannel(await signedIn(SECOND), 'second-user');
    await subscribed(first.ch);
    await subscribed(second.ch);
    const since = new Date().toISOString();

    expect(await first.ch.track({ email: FIRST, since, editing: null })).toBe('ok');
    expect(await second.ch.track({ email: SECOND, since, editing: 'zone-a' })).toBe('ok');
    const joined = await first.joins.next((e) => e.key === 'second-user', 'second commander joining');
    expect(joined.newPresences[0]).toMatchObject({ email: SECOND, since, editing: 'zone-a' });
    await second.joins.next((e) => e.key === 'first-user', 'first commander joining');
    expect(second.state()['first-user'].map((p) => p.email)).toEqual([FIRST]);

    expect(await first.ch.track({ email: FIRST, since, editing: 'zone-b' })).toBe('ok');
    await second.joins.next((e) => e.key === 'first-user' && e.newPresences[0].editing === 'zone-b', 'selection change');
    expect(second.state()['first-user'].map((p) => p.editing)).toEqual(['zone-b']);

    expect(await second.ch.untrack()).toBe('ok');
    await first.leaves.next((e) => e.key === 'second-user' && e.currentPresences.length === 0, 'leave');
    expect(first.state()).not.toHaveProperty('second-user');
    expect(Object.keys(first.state())).toEqual(['first-user']);
  });

  it('lets commanders broadcast to each other, acknowledged', async () => {
    const sender = (await signedIn(FIRST)).channel('command', { config: { private: true, broadcast: { ack: true } } });
    const heard = recorder<Record<string, unknown>>();
    const listener = (await signedIn(SECOND))
      .channel('command', { config: { private: true } })
      .on('broadcast', { event: 'note' }, (m) => heard.push(m.payload));
    await subscribed(sender);
    await subscribed(listener);
    expect(await sender.send({ type: 'broadcast', event: 'note', payload: { text: 'zone-a boundary under review' } })).toBe('ok');
    expect(await heard.next()).toEqual({ text: 'zone-a boundary under review' });
  });

  it('refuses a dispatcher’s broadcast to the channel sent over HTTP, and delivers a commander’s', async () => {
    const heard = recorder<Record<string, unknown>>();
    const listener = (await signedIn(SECOND))
      .channel('command', { config: { private: true } })
      .on('broadcast', { event: 'note' }, (m) => heard.push(m.payload));
    await subscribed(listener);
    const send = (c: SupabaseClient, text: string) => c.channel('command', { config: { private: true } }).httpSend('note', { text });
    // As on hosted Realtime, httpSend's route answers 403 when realtime.messages' policies refuse.
    await expect(send(await signedIn(DISPATCHER), 'from a dispatcher')).rejects.toThrow('Unauthorized');
    expect(await send(await signedIn(FIRST), 'from a commander')).toEqual({ success: true });
    await heard.next((m) => m.text === 'from a commander');
    expect(heard.seen).toEqual([{ text: 'from a commander' }]);
  });

  it('opens only the command topic to commanders, not other private topics', async () => {
    const other = (await signedIn(FIRST)).channel('command-archive', { config: { private: true } });
    await expect(subscribed(other)).rejects.toThrow('Unauthorized: You do not have permissions to read from this Channel topic: command-archive');
  });

  it('refuses the public, dispatchers and signed-in users without a staff role, with the reason', async () => {
    expect(await refusal(anon())).toBe(REFUSED);
    expect(await refusal(await signedIn(DISPATCHER))).toBe(REFUSED);
    expect(await refusal(await signedIn(NO_ROLE))).toBe(REFUSED);
  });

  it('keeps a dispatcher from seeing the commanders who are online', async () => {
    const commander = commandChannel(await signedIn(FIRST), 'first-user');
    await subscribed(commander.ch);
    expect(await commander.ch.track({ email: FIRST, since: new Date().toISOString(), editing: 'zone-a' })).toBe('ok');
    const seen: unknown[] = [];
    const dispatcher = (await signedIn(DISPATCHER))
      .channel('command', { config: { private: true } })
      .on('presence', { event: 'sync' }, () => seen.push('sync'));
    await expect(subscribed(dispatcher)).rejects.toThrow(REFUSED);
    expect(seen).toEqual([]);
    expect(dispatcher.presenceState()).toEqual({});
  });

  it('closes the channel when the commander signs out on the open socket', async () => {
    const c = await signedIn(FIRST);
    const system = recorder<Record<string, unknown>>();
    const ch = c.channel('command', { config: { private: true } }).on('system', {}, (m) => system.push(m));
    await subscribed(ch);
    await c.auth.signOut();
    const revoked = await system.next((m) => m.status === 'error', 'revocation');
    expect(revoked.message).toBe('You do not have permissions to read from this Channel topic: command');
  });
});

describe('compounds in postgres_changes', () => {
  const point = `ST_SetSRID(ST_MakePoint(120.97, 31.95), 4326)`;
  const square = `ST_Multi(ST_Buffer(${point}, 0.002))`;

  async function watch(c: SupabaseClient, name: string, filter?: string) {
    const events = recorder<Record<string, any>>();
    const system = recorder<Record<string, any>>();
    const ch = c
      .channel(name)
      .on('postgres_changes', { event: '*', schema: 'public', table: 'compounds', ...(filter ? { filter } : {}) }, (p) => events.push(p))
      .on('system', {}, (m) => system.push(m));
    await subscribed(ch);
    const confirmation = await system.next((m) => m.extension === 'postgres_changes', 'system message');
    if (confirmation.status !== 'ok') throw new Error(`subscription failed: ${confirmation.message}`);
    return events;
  }

  /** Compounds are written by imports only: the service role, here the database owner. */
  const importSql = async (text: string, params: unknown[] = []) => (await stack.ctx.db.query<{ id: string }>(text, params)).rows;

  it('reaches staff with every column, for insert, update and delete', async () => {
    const staff = await watch(await signedIn(DISPATCHER), 'compounds-staff');
    const [{ id }] = await importSql(
      `insert into compounds (name, households, residents, geom, drop_point) values ('cmd compound', 12, 30, ${square}, ${point}) returning id`,
    );
    await importSql(`update compounds set households = 14 where id = $1`, [id]);
    await importSql(`delete from compounds where id = $1`, [id]);
    await staff.next((e) => e.eventType === 'DELETE');
    expect(staff.seen.map((e) => e.eventType)).toEqual(['INSERT', 'UPDATE', 'DELETE']);
    expect(staff.seen[0].new).toMatchObject({ id, name: 'cmd compound', households: 12 });
    expect(staff.seen[0].new.drop_point).toBeTruthy();
    expect(staff.seen[1].new.households).toBe(14);
    // Default replica identity: the key of the row, not its old figures.
    expect(staff.seen[1].old).toEqual({ id });
    expect(staff.seen[2].old).toEqual({ id });
  });

  it('reaches the public with the public columns only, never the drop point', async () => {
    const viewer = await watch(anon(), 'compounds-public');
    const [{ id }] = await importSql(
      `insert into compounds (name, households, residents, geom, drop_point) values ('public compound', 5, 11, ${square}, ${point}) returning id`,
    );
    await importSql(`update compounds set residents = 12 where id = $1`, [id]);
    const update = await viewer.next((e) => e.eventType === 'UPDATE');
    expect(viewer.seen.map((e) => e.eventType)).toEqual(['INSERT', 'UPDATE']);
    for (const event of viewer.seen) {
      expect(Object.keys(event.new).sort()).toEqual(['district', 'geom', 'households', 'id', 'name', 'name_en', 'residents']);
    }
    expect(update.new).toMatchObject({ id, residents: 12 });
    expect(JSON.stringify(viewer.seen)).not.toContain('drop_point');
  });

  it('refuses the public a filter on a column it may not read', async () => {
    await expect(watch(anon(), 'compounds-drop-point', 'drop_point=is.null')).rejects.toThrow(/Unable to subscribe to changes/);
  });

  it('filters compounds by the column the client names', async () => {
    const [{ id: district }] = await importSql(`select id from districts order by id limit 1`);
    const staff = await watch(await signedIn(FIRST), 'compounds-district', `district=eq.${district}`);
    await importSql(`insert into compounds (name, households, residents, geom) values ('elsewhere', 1, 1, ${square})`);
    await importSql(`insert into compounds (name, district, households, residents, geom) values ('in district', $1, 1, 1, ${square})`, [district]);
    await staff.next((e) => e.new.name === 'in district');
    expect(staff.seen.map((e) => e.new.name)).toEqual(['in district']);
  });
});
