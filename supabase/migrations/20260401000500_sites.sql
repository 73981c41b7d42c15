-- Points the operation runs on: testing sites, mobile testing teams, checkpoints (public),
-- and quarantine sites, supply depots, enterprises (staff only). One table with typed
-- columns per kind, so dashboards add up figures with plain SQL.

-- Keeps `version` and `updated_at` server-owned on tables that have them; an update that
-- changes nothing else is not a new version.
create function private.touch_row() returns trigger
language plpgsql set search_path = public, extensions
as $$
declare
  managed text[] := array['version', 'updated_at', 'updated_by', 'created_at', 'created_by'];
  changes jsonb;
begin
  if tg_op = 'INSERT' then
    changes := jsonb_build_object('version', 1, 'updated_at', now(), 'created_at', now(),
                                 'updated_by', auth.uid(), 'created_by', auth.uid());
  elsif (to_jsonb(new) - managed) = (to_jsonb(old) - managed) then
    changes := private.pick(to_jsonb(old), managed);
  else
    changes := private.pick(to_jsonb(old), array['created_at', 'created_by'])
      || jsonb_build_object('version', (to_jsonb(old) ->> 'version')::integer + 1, 'updated_at', now(), 'updated_by', auth.uid());
  end if;
  -- only the managed columns this table has
  new := jsonb_populate_record(new, private.pick(changes, array(select jsonb_object_keys(to_jsonb(new)))));
  return new;
end
$$;

create table public.sites (
  id text primary key default gen_random_uuid()::text,
  kind public.site_kind not null,
  name text not null check (length(btrim(name)) > 0),
  name_en text,
  district text references public.districts (id),
  geom geometry(Point, 4326) not null check (ST_IsValid(geom) and not ST_IsEmpty(geom)),
  status public.site_status,
  capacity_per_hour integer check (capacity_per_hour >= 0),
  opens time,
  closes time,
  queue_length integer check (queue_length >= 0),
  state public.checkpoint_state,
  road text,
  pass_required boolean,
  rooms_total integer check (rooms_total >= 0),
  rooms_ready integer check (rooms_ready >= 0),
  rooms_occupied integer check (rooms_occupied >= 0),
  site_type public.quarantine_site_type,
  key boolean,
  version integer not null default 1,
  updated_at timestamptz not null default now(),
  updated_by uuid,
  constraint sites_checkpoint_has_state check ((kind = 'checkpoint') = (state is not null)),
  constraint sites_quarantine_has_rooms check (kind <> 'quarantine_site' or (rooms_total is not null and site_type is not null)),
  -- occupied rooms are ready rooms, ready rooms are rooms
  constraint sites_rooms_fit check (rooms_ready <= rooms_total and rooms_occupied <= coalesce(rooms_ready, rooms_total))
);
alter table public.sites enable row level security;
create index sites_geom_idx on public.sites using gist (geom);
create index sites_kind_idx on public.sites (kind);

create function private.site_public_kinds() returns public.site_kind[]
language sql immutable
as $$ select array['testing_site', 'mobile_testing', 'checkpoint']::public.site_kind[] $$;

-- The columns anyone may read of a public site (mirrored by SITE_PUBLIC_COLUMNS).
create function private.site_public_columns() returns text[]
language sql immutable
as $$
  select array['id', 'kind', 'name', 'name_en', 'district', 'geom', 'status', 'capacity_per_hour',
               'opens', 'closes', 'queue_length', 'state', 'road', 'pass_required', 'version', 'updated_at']
$$;

revoke all on table public.sites from anon, authenticated;
grant select (id, kind, name, name_en, district, geom, status, capacity_per_hour, opens, closes,
              queue_length, state, road, pass_required, version, updated_at)
  on table public.sites to anon;
grant select, insert, update, delete on table public.sites to authenticated;
grant all on table public.sites to service_role;

create policy sites_select_public on public.sites
  for select to anon using (kind in ('testing_site', 'mobile_testing', 'checkpoint'));
create policy sites_select_staff on public.sites
  for select to authenticated using ((select public.is_staff()));
create policy sites_insert_commander on public.sites
  for insert to authenticated with check ((select public.app_role()) = 'commander');
create policy sites_update_commander on public.sites
  for update to authenticated
  using ((select public.app_role()) = 'commander')
  with check ((select public.app_role()) = 'commander');
create policy sites_delete_commander on public.sites
  for delete to authenticated using ((select public.app_role()) = 'commander');

create trigger sites_touch before insert or update on public.sites
  for each row execute function private.touch_row();
