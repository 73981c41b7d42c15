-- Realtime, second part: compounds in the change feed, and the commanders' private channel.

-- Compounds change only by re-import, but staff maps must follow a corrected household count
-- or boundary without a reload. Replica identity stays the default (primary key): nobody needs
-- a compound's previous figures from the event, and FULL would copy every old geometry into
-- the change stream on each re-import. The public receives only the columns anon may select
-- (the Realtime server drops the others, so never `drop_point`); the public map does not
-- subscribe to compounds at all.
alter publication supabase_realtime add table public.compounds;

/*
 * Topic `command` (private): commanders see who else is online and which zone each has open
 * (presence), and may broadcast to each other. Commanders only. Dispatchers are refused too:
 * once commanders edit drafts, what one has open is often an unpublished draft (which zone
 * may be sealed next), and dispatchers learn a decision when it is published, through the zones
 * table, like everyone else. Both extensions Realtime authorises by (broadcast, presence)
 * are allowed; select = join and receive, insert = send and track.
 */
create policy messages_select_commander on realtime.messages
  for select to authenticated
  using (
    realtime.topic() = 'command'
    and extension in ('broadcast', 'presence')
    and (select public.app_role()) = 'commander'
  );

create policy messages_insert_commander on realtime.messages
  for insert to authenticated
  with check (
    realtime.topic() = 'command'
    and extension in ('broadcast', 'presence')
    and (select public.app_role()) = 'commander'
  );
