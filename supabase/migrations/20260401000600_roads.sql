-- The road network for routing: imported, written by the service role only. Readable by
-- the public too: it is the same network the public basemap draws.

create table public.roads (
  id text primary key,
  class public.road_class not null,
  name text,
  name_en text,
  oneway boolean not null default false,
  speed_kmh real not null check (speed_kmh > 0 and speed_kmh <= 200),
  geom geometry(LineString, 4326) not null check (case when ST_NPoints(geom) >= 2 then ST_IsValid(geom) else false end)
);
alter table public.roads enable row level security;
create index roads_geom_idx on public.roads using gist (geom);

revoke all on table public.roads from anon, authenticated;
grant select on table public.roads to anon, authenticated;
grant all on table public.roads to service_role;

create policy roads_select_public on public.roads
  for select to anon using (true);
create policy roads_select_staff on public.roads
  for select to authenticated using ((select public.is_staff()));
