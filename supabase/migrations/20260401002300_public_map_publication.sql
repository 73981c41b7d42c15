-- The public map is published, not queried (docs/database.md, "The published public map").
--
-- A city checking its status at once cannot be one database query per viewer. Every change the
-- public can see gets a publication number, in commit order and without gaps; the broadcast of
-- the change carries it (`v`), and a publisher (the local stack, or an Edge Function on a
-- Supabase project) writes what the public sees at that number as static files a CDN can
-- cache. A viewer loads the files, applies the broadcasts that follow, and knows from the
-- numbers whether it missed one.

/*
 * One row: the number of the latest public change. The trigger below takes the row's lock with
 * its update, so a second publishing transaction waits for the first to commit (or roll back)
 * before it numbers its own change: numbers follow commit order, and a rolled-back change gives
 * its number back. Publishing is a commander's act, a few a minute at most; the wait is nothing.
 */
create table private.public_map_publication (
  id boolean primary key default true check (id),
  version bigint not null default 0,
  changed_at timestamptz not null default now()
);
insert into private.public_map_publication default values;

/*
 * As in ..._public_map_private.sql, with the publication number: `v` in every message, and a
 * NOTIFY `public_map_published` (delivered at commit) that wakes the local publisher. The seed's
 * bulk load sends nothing and numbers nothing: the publisher writes the files when it starts.
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
  message jsonb;
  v bigint;
begin
  if coalesce(current_setting('app.bulk_import', true), '') = 'on' then
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
    message := jsonb_build_object('op', 'upsert', 'row', private.pick(n, cols));
  elsif coalesce(was_public, false) then
    message := jsonb_build_object('op', 'remove', 'id', o ->> 'id');
  else
    return null;
  end if;

  update private.public_map_publication set version = version + 1, changed_at = now() returning version into v;
  perform pg_notify('public_map_published', v::text);
  if to_regprocedure('realtime.send(jsonb, text, text, boolean)') is not null then
    perform realtime.send(message || jsonb_build_object('v', v), event, 'public-map', true);
  end if;
  return null;
end
$$;

/*
 * Everything the public map shows at one publication number, read in one statement (so one
 * snapshot of the database): the active zones and the public sites with exactly the columns
 * and encoding of the broadcasts, and the sub-district names of the zone list. The same rows
 * the anon role reads through REST, without asking RLS per viewer.
 */
create function public.public_map_snapshot() returns jsonb
language sql stable security definer set search_path = public, extensions
as $$
  select jsonb_build_object(
    'version', (select version from private.public_map_publication),
    'changed_at', (select changed_at from private.public_map_publication),
    'zones', coalesce((select jsonb_agg(private.pick(to_jsonb(z), private.zone_public_columns()) order by z.id)
                       from public.zones z where z.status = 'active'), '[]'::jsonb),
    'sites', coalesce((select jsonb_agg(private.pick(to_jsonb(s), private.site_public_columns()) order by s.id)
                       from public.sites s where s.kind = any (private.site_public_kinds())), '[]'::jsonb),
    'districts', coalesce((select jsonb_agg(jsonb_build_object('id', d.id, 'name', d.name, 'name_en', d.name_en) order by d.id)
                           from public.districts d), '[]'::jsonb)
  )
$$;

/*
 * "What changed today" for the public, as the zone_revisions rows anon may read (public_row
 * set): every revision since the district's previous midnight (so the file still answers
 * for the whole of today when the day turns with no publish), and for each of those zones
 * its latest revision before then, or its seed load: its state at that midnight.
 */
create function public.public_map_changes() returns jsonb
language sql stable security definer set search_path = public, extensions
as $$
  with since as (
    select (date_trunc('day', now() at time zone 'Asia/Shanghai') - interval '1 day') at time zone 'Asia/Shanghai' as t
  ),
  recent as (
    select r.* from public.zone_revisions r, since
    where r.public_row is not null and r.changed_at >= since.t and r.change_kind <> 'imported'
  ),
  baseline as (
    select distinct on (r.zone_id) r.* from public.zone_revisions r, since
    where r.public_row is not null
      and r.zone_id in (select zone_id from recent)
      and (r.changed_at < since.t or r.change_kind = 'imported')
    order by r.zone_id, r.version desc
  )
  select coalesce(jsonb_agg(jsonb_build_object(
           'id', x.id, 'zone_id', x.zone_id, 'version', x.version, 'op', x.op, 'change_kind', x.change_kind,
           'changed_fields', x.changed_fields, 'public_row', x.public_row, 'changed_at', x.changed_at)
           order by x.zone_id, x.version), '[]'::jsonb)
  from (select * from baseline union all select * from recent) x
$$;

/* The compounds search reads (public columns, as anon reads them); they change with the dataset only. */
create function public.public_map_compounds() returns jsonb
language sql stable security definer set search_path = public, extensions
as $$
  select coalesce(jsonb_agg(jsonb_build_object('id', c.id, 'name', c.name, 'name_en', c.name_en, 'district', c.district,
                                               'geom', c.geom) order by c.id), '[]'::jsonb)
  from public.compounds c
$$;

-- The publisher's alone: the service role (the local stack's publisher runs as the owner).
revoke execute on function public.public_map_snapshot() from public, anon, authenticated;
revoke execute on function public.public_map_changes() from public, anon, authenticated;
revoke execute on function public.public_map_compounds() from public, anon, authenticated;
grant execute on function public.public_map_snapshot() to service_role;
grant execute on function public.public_map_changes() to service_role;
grant execute on function public.public_map_compounds() to service_role;

notify pgrst, 'reload config';

-- The compounds file is rewritten when compounds change (an import of the dataset), not on
-- every publish: a statement trigger wakes the publisher.
create function private.notify_compounds_changed() returns trigger
language plpgsql
as $$
begin
  if coalesce(current_setting('app.bulk_import', true), '') <> 'on' then
    perform pg_notify('public_map_compounds_changed', '');
  end if;
  return null;
end
$$;
create trigger compounds_public_map_changed after insert or update or delete or truncate on public.compounds
  for each statement execute function private.notify_compounds_changed();
