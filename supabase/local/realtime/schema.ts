import type { Database } from '../db.ts';

/**
 * NOTIFY channels. Payloads carry an id and routing facts, never the row or message itself:
 * NOTIFY is capped at 8000 bytes.
 */
export const CHANGES_CHANNEL = 'realtime_changes';
export const MESSAGES_CHANNEL = 'realtime_messages';

/**
 * What hosted Supabase has in schema `realtime` before any migration: `realtime.messages`
 * (broadcast and presence messages, RLS-protected, used to authorise private channels),
 * `realtime.topic()` and `realtime.send()`. Plus the local stack's own change table that the
 * capture triggers (installChangeCapture) write to.
 */
const SCHEMA_SQL = `
create schema if not exists realtime;
grant usage on schema realtime to anon, authenticated, service_role;

create table if not exists realtime.messages (
  topic text not null,
  extension text not null,
  payload jsonb,
  event text,
  private boolean default false,
  updated_at timestamp not null default now(),
  inserted_at timestamp not null default now(),
  id uuid not null default gen_random_uuid(),
  primary key (id, inserted_at)
);
alter table realtime.messages enable row level security;
grant select, insert, update, delete on realtime.messages to anon, authenticated, service_role;
create index if not exists messages_inserted_at_idx on realtime.messages (inserted_at);

create or replace function realtime.topic() returns text
language sql stable
as $$ select nullif(current_setting('realtime.topic', true), '')::text $$;
grant execute on function realtime.topic() to anon, authenticated, service_role;

-- Same signature and behaviour as Supabase's: runs as the caller (so callers that are not
-- allowed to insert into realtime.messages need a security definer wrapper, as Supabase's docs
-- show) and turns a failure into a warning instead of aborting the caller's transaction.
create or replace function realtime.send(payload jsonb, event text, topic text, private boolean default true)
returns void
language plpgsql
as $$
begin
  begin
    execute format('set local realtime.topic to %L', topic);
    insert into realtime.messages (payload, event, topic, private, extension)
    values (payload, event, topic, private, 'broadcast');
  exception when others then
    raise warning 'ErrorSendingBroadcastMessage: %', sqlerrm;
  end;
end;
$$;
grant execute on function realtime.send(jsonb, text, text, boolean) to anon, authenticated, service_role;

-- Delivery happens after commit: NOTIFY is only delivered when the sending transaction commits.
create or replace function realtime.notify_message() returns trigger
language plpgsql
as $$
begin
  if new.extension = 'broadcast' then
    -- [id, topic, private, transaction] lets the server skip topics nobody listens to, and
    -- send the messages of one commit together; a topic too long for a NOTIFY payload is left
    -- out and read from the row.
    perform pg_notify('${MESSAGES_CHANNEL}',
      case when length(new.topic) <= 1000 then json_build_array(new.id, new.topic, coalesce(new.private, false), txid_current()::text)
           else json_build_array(new.id) end::text);
  end if;
  return null;
end;
$$;
drop trigger if exists notify_message on realtime.messages;
create trigger notify_message after insert on realtime.messages
  for each row execute function realtime.notify_message();

-- One row per captured row change; the NOTIFY carries only its id.
create table if not exists realtime.changes (
  id bigint generated always as identity primary key,
  schema_name text not null,
  table_name text not null,
  op text not null check (op in ('INSERT', 'UPDATE', 'DELETE')),
  rls boolean not null,
  record jsonb,
  old_record jsonb,
  committed_at timestamptz not null default clock_timestamp()
);
-- On RLS tables, the versions of the row in their text form, so each event is authorised
-- against the version it carries (see realtime.visible_versions).
alter table realtime.changes add column if not exists new_row text;
alter table realtime.changes add column if not exists old_row text;
create index if not exists changes_committed_at_idx on realtime.changes (committed_at);
revoke all on realtime.changes from anon, authenticated;

-- RLS checks of the change feed, one statement per batch (PGlite is one connection, so round
-- trips are the cost). Like Supabase's own apply_rls, each check switches to the subscriber's
-- role and claims inside the function, so its dynamic SELECT is planned under that role's
-- policies and column grants. checks: [{role, claims, sql, keys}]; sql selects the visible
-- keys among $1 (jsonb). Returns one jsonb array of visible keys per check; a check that fails
-- sees nothing.
create or replace function realtime.visible_keys(checks jsonb) returns jsonb
language plpgsql
as $$
declare
  c jsonb;
  found jsonb;
  result jsonb := '[]';
begin
  for c in select * from jsonb_array_elements(checks) loop
    perform set_config('role', c->>'role', true);
    perform set_config('request.jwt.claims', c->>'claims', true);
    begin
      execute c->>'sql' into found using c->'keys';
    exception when others then
      found := null;
    end;
    perform set_config('role', 'none', true);
    result := result || jsonb_build_array(coalesce(found, '[]'::jsonb));
  end loop;
  return result;
end;
$$;

-- RLS checks against one version of a row, the one an event carries: the row as inserted or
-- updated, or as it was before an update or delete. A later change may have altered or removed
-- the row since, so unless the table still holds exactly that version, it is put back with
-- triggers off (delete + insert under session_replication_role = replica), checked, and rolled
-- back (the block's exception undoes the writes). items: [{current, remove, restore, row,
-- checks}], each statement using $1 = row (the version's text form). Returns, per item, what
-- visible_keys returns for its checks.
create or replace function realtime.visible_versions(items jsonb) returns jsonb
language plpgsql
as $$
declare
  item jsonb;
  same boolean;
  found jsonb;
  result jsonb := '[]';
begin
  for item in select * from jsonb_array_elements(items) loop
    found := '[]';
    begin
      execute item->>'current' into same using item->>'row';
      if not coalesce(same, false) then
        perform set_config('session_replication_role', 'replica', true);
        execute item->>'remove' using item->>'row';
        execute item->>'restore' using item->>'row';
      end if;
      found := realtime.visible_keys(item->'checks');
      raise exception using errcode = 'RTRB0';
    exception when others then
      null;
    end;
    result := result || jsonb_build_array(found);
  end loop;
  return result;
end;
$$;
revoke all on function realtime.visible_keys(jsonb), realtime.visible_versions(jsonb) from public;
`;

/** Idempotent; the stack runs it before the migrations so they can call realtime.send(). */
export async function installRealtimeSchema(db: Database): Promise<void> {
  await db.exec(SCHEMA_SQL);
}
