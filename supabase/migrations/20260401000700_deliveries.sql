-- Supply runs: a truck from a depot to the drop points of sealed compounds, in order.
-- Dispatchers write them, commanders read them, the public sees nothing.

create table public.deliveries (
  id text primary key default gen_random_uuid()::text,
  depot_id text not null references public.sites (id),
  truck text not null check (length(btrim(truck)) > 0),
  status public.delivery_status not null default 'planned',
  route geometry(LineString, 4326) check (route is null or ST_IsValid(route)),
  notes text,
  version integer not null default 1,
  created_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  updated_by uuid
);
alter table public.deliveries enable row level security;
create index deliveries_depot_idx on public.deliveries (depot_id);
create index deliveries_status_idx on public.deliveries (status);
-- re-planning asks which planned routes cross a zone that just changed
create index deliveries_route_idx on public.deliveries using gist (route);

create table public.delivery_stops (
  id text primary key default gen_random_uuid()::text,
  delivery_id text not null references public.deliveries (id) on delete cascade,
  seq integer not null check (seq >= 1),
  compound_id text not null references public.compounds (id),
  status public.stop_status not null default 'pending',
  eta timestamptz,
  arrived_at timestamptz,
  delivered_at timestamptz,
  updated_at timestamptz not null default now(),
  -- deferrable so a re-ordered run can swap sequence numbers in one transaction
  constraint delivery_stops_seq_key unique (delivery_id, seq) deferrable initially deferred
);
alter table public.delivery_stops enable row level security;
create index delivery_stops_compound_idx on public.delivery_stops (compound_id);

-- A delivery starts at a supply depot, not at any site.
create function private.deliveries_check_depot() returns trigger
language plpgsql security definer set search_path = public, extensions
as $$
begin
  if not exists (select 1 from public.sites s where s.id = new.depot_id and s.kind = 'depot') then
    raise exception 'site % is not a supply depot', new.depot_id using errcode = '23514';
  end if;
  return new;
end
$$;

create trigger deliveries_check_depot before insert or update of depot_id on public.deliveries
  for each row execute function private.deliveries_check_depot();
create trigger deliveries_touch before insert or update on public.deliveries
  for each row execute function private.touch_row();
create trigger delivery_stops_touch before insert or update on public.delivery_stops
  for each row execute function private.touch_row();

revoke all on table public.deliveries, public.delivery_stops from anon, authenticated;
grant select, insert, update, delete on table public.deliveries, public.delivery_stops to authenticated;
grant all on table public.deliveries, public.delivery_stops to service_role;

create policy deliveries_select_staff on public.deliveries
  for select to authenticated using ((select public.is_staff()));
create policy deliveries_insert_dispatcher on public.deliveries
  for insert to authenticated with check ((select public.app_role()) = 'dispatcher');
create policy deliveries_update_dispatcher on public.deliveries
  for update to authenticated
  using ((select public.app_role()) = 'dispatcher')
  with check ((select public.app_role()) = 'dispatcher');
create policy deliveries_delete_dispatcher on public.deliveries
  for delete to authenticated using ((select public.app_role()) = 'dispatcher');

create policy delivery_stops_select_staff on public.delivery_stops
  for select to authenticated using ((select public.is_staff()));
create policy delivery_stops_insert_dispatcher on public.delivery_stops
  for insert to authenticated with check ((select public.app_role()) = 'dispatcher');
create policy delivery_stops_update_dispatcher on public.delivery_stops
  for update to authenticated
  using ((select public.app_role()) = 'dispatcher')
  with check ((select public.app_role()) = 'dispatcher');
create policy delivery_stops_delete_dispatcher on public.delivery_stops
  for delete to authenticated using ((select public.app_role()) = 'dispatcher');
