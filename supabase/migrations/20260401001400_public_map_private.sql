-- The public map's channel becomes private: anyone may receive on it, nobody may send to it but
-- the database's own triggers.
--
-- On a public channel Realtime relays whatever a client sends: with nothing but the anon key,
-- anyone could broadcast a fake `zone` upsert or remove on `public-map` (over the socket or
-- POST /realtime/v1/api/broadcast) and every viewer would draw it. Realtime Authorization
-- decides private channels by the RLS policies on realtime.messages, with realtime.topic()
-- naming the channel: select = join and receive, insert = send and track. A private channel
-- is also a different topic from the public one of the same name, so a client that joins
-- `public-map` publicly neither hears the triggers nor reaches the viewers.

/*
 * As in ..._realtime.sql, except that the messages are sent with private = true. The function
 * is security definer and owned by the migrations' role, which is not subject to the policies
 * of realtime.messages (superuser locally; `postgres` has BYPASSRLS on Supabase), so its
 * inserts need no insert policy, and clients get none.
 */
create or replace function private.broadcast_public_change() returns trigger
language plpgsql security definer set search_path = public, extensions
as $$
declare
  event text;
  cols text[];
  o jsonb := case when tg_op <> 'INSERT' then to_jsonb(old) end;
  n jsonb := case when tg_op <> 'DELETE' then to_jsonb(new) end;
  was_public boolean;
  is_public boolean;
begin
  if coalesce(current_setting('app.bulk_import', true), '') = 'on'
     or to_regprocedure('realtime.send(jsonb, text, text, boolean)') is null then
    return null;
  end if;
  if tg_table_name = 'zones' then
    event := 'zone';
    cols := private.zone_public_columns();
    was_public := o ->> 'status' = 'active';
    is_public := n ->> 'status' = 'active';
  else
    event := 'site';
    cols := private.site_public_columns();
    was_public := o ->> 'kind' = any (private.site_public_kinds()::text[]);
    is_public := n ->> 'kind' = any (private.site_public_kinds()::text[]);
  end if;

  if coalesce(is_public, false) then
    if coalesce(was_public, false)
       and private.pick(o, cols) - array['version', 'updated_at'] = private.pick(n, cols) - array['version', 'updated_at'] then
      return null;
    end if;
    perform realtime.send(jsonb_build_object('op', 'upsert', 'row', private.pick(n, cols)), event, 'public-map', true);
  elsif coalesce(was_public, false) then
    perform realtime.send(jsonb_build_object('op', 'remove', 'id', o ->> 'id'), event, 'public-map', true);
  end if;
  return null;
end
$$;

/*
 * Receive only: the public and every signed-in user may join `public-map` and hear its
 * broadcasts. There is deliberately no insert policy on the topic, so no client (anon,
 * dispatcher, commander) may broadcast to it; and none for presence, which the map does not use.
 * The policies of the `command` topic (..._realtime_command_channel.sql) are unaffected:
 * permissive policies add up, and each names its own topic.
 */
create policy messages_select_public_map on realtime.messages
  for select to anon, authenticated
  using (realtime.topic() = 'public-map' and extension = 'broadcast');
