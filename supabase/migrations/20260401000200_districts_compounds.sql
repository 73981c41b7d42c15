-- Sub-districts and residential compounds: imported reference data. Only the service role
-- writes them (imports); commanders correct figures at the source and re-import, so the
-- dataset stays the single truth for household counts.

create table public.districts (
  id text primary key,
  name text not null,
  name_en text,
  residents integer not null default 0 check (residents >= 0),
  geom geometry(MultiPolygon, 4326) not null check (private.is_valid_areal(geom))
);
alter table public.districts enable row level security;
create index districts_geom_idx on public.districts using gist (geom);

revoke all on table public.districts from anon, authenticated;
grant select on table public.districts to anon, authenticated;
grant all on table public.districts to service_role;

create policy districts_select_public on public.districts
  for select to anon using (true);
create policy districts_select_staff on public.districts
  for select to authenticated using ((select public.is_staff()));

create table public.compounds (
  id text primary key default gen_random_uuid()::text,
  name text not null,
  name_en text,
  district text references public.districts (id),
  households integer not null check (households >= 0),
  residents integer not null check (residents >= 0),
  geom geometry(MultiPolygon, 4326) not null check (private.is_valid_areal(geom)),
  -- where supplies are unloaded: staff only (a public drop point invites crowds)
  drop_point geometry(Point, 4326) check (drop_point is null or ST_IsValid(drop_point))
);
alter table public.compounds enable row level security;
create index compounds_geom_idx on public.compounds using gist (geom);
-- routing asks which drop points lie inside a sealed zone
create index compounds_drop_point_idx on public.compounds using gist (drop_point);
create index compounds_district_idx on public.compounds (district);
create index compounds_name_trgm_idx on public.compounds using gin (name extensions.gin_trgm_ops);

revoke all on table public.compounds from anon, authenticated;
grant select (id, name, name_en, district, households, residents, geom) on table public.compounds to anon;
grant select on table public.compounds to authenticated;
grant all on table public.compounds to service_role;

create policy compounds_select_public on public.compounds
  for select to anon using (true);
create policy compounds_select_staff on public.compounds
  for select to authenticated using ((select public.is_staff()));
