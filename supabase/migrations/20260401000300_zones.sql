-- Epidemic-control zones. Commanders write them; the public sees active zones only.
-- `version` is bumped by trigger on every real change, so a client saves with the version
-- it last read (save_zone(), or PATCH ... &version=eq.N) and learns about concurrent edits.

create table public.zones (
  id text primary key default gen_random_uuid()::text,
  name text not null check (length(btrim(name)) > 0),
  name_en text,
  level public.zone_level not null,
  status public.zone_status not null default 'draft',
  district text references public.districts (id),
  geom geometry(MultiPolygon, 4326) not null check (private.is_valid_areal(geom)),
  effective_from timestamptz,
  review_days integer check (review_days between 1 and 60),
  notes text,
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  updated_by uuid
);
alter table public.zones enable row level security;
create index zones_geom_idx on public.zones using gist (geom);
create index zones_status_idx on public.zones (status);

-- The columns anyone may read of an active zone: the anon column grant, the public broadcast
-- and the public view of revisions all use this list (src/domain/rows.ts mirrors it).
create function private.zone_public_columns() returns text[]
language sql immutable
as $$
  select array['id', 'name', 'name_en', 'level', 'status', 'district', 'geom',
               'effective_from', 'review_days', 'version', 'updated_at']
$$;

create function private.pick(obj jsonb, keys text[]) returns jsonb
language sql immutable
as $$
  select coalesce(jsonb_object_agg(key, value), '{}'::jsonb) from jsonb_each(obj) where key = any (keys)
$$;

revoke all on table public.zones from anon, authenticated;
grant select (id, name, name_en, level, status, district, geom, effective_from, review_days, version, updated_at)
  on table public.zones to anon;
grant select, insert, update, delete on table public.zones to authenticated;
grant all on table public.zones to service_role;

create policy zones_select_public on public.zones
  for select to anon using (status = 'active');
create policy zones_select_staff on public.zones
  for select to authenticated using ((select public.is_staff()));
create policy zones_insert_commander on public.zones
  for insert to authenticated with check ((select public.app_role()) = 'commander');
create policy zones_update_commander on public.zones
  for update to authenticated
  using ((select public.app_role()) = 'commander')
  with check ((select public.app_role()) = 'commander');
create policy zones_delete_commander on public.zones
  for delete to authenticated using ((select public.app_role()) = 'commander');

-- The user-visible fields that differ between two versions of a zone.
create function private.zone_changed_fields(o public.zones, n public.zones) returns text[]
language sql immutable set search_path = public, extensions
as $$
  select array_remove(array[
    case when o.name is distinct from n.name then 'name' end,
    case when o.name_en is distinct from n.name_en then 'name_en' end,
    case when o.level is distinct from n.level then 'level' end,
    case when o.status is distinct from n.status then 'status' end,
    case when o.district is distinct from n.district then 'district' end,
    case when not ST_OrderingEquals(o.geom, n.geom) then 'geom' end,
    case when o.effective_from is distinct from n.effective_from then 'effective_from' end,
    case when o.review_days is distinct from n.review_days then 'review_days' end,
    case when o.notes is distinct from n.notes then 'notes' end
  ], null)
$$;

-- Server-owned columns: clients cannot forge the version, the timestamps or the author.
-- Security definer because a re-created zone continues the version history of its
-- deleted predecessor (undo of a delete), which lives in zone_revisions.
create function private.zones_before_write() returns trigger
language plpgsql security definer set search_path = public, extensions
as $$
begin
  if tg_op = 'INSERT' then
    new.version := coalesce((select max(r.version) from public.zone_revisions r where r.zone_id = new.id), 0) + 1;
    new.created_at := now();
    new.updated_at := now();
    new.updated_by := auth.uid();
    -- (an invalid shape is left to the CHECK constraint; GEOS must not see it first)
    if new.district is null and private.is_valid_areal(new.geom) then
      new.district := (select d.id from public.districts d
                       where ST_Intersects(d.geom, ST_PointOnSurface(new.geom)) order by d.id limit 1);
    end if;
    return new;
  end if;

  if new.id is distinct from old.id then
    raise exception 'the id of zone % cannot change', old.id using errcode = 'PT400';
  end if;
  new.created_at := old.created_at;
  if cardinality(private.zone_changed_fields(old, new)) = 0 then
    -- a save that changes nothing is not a new version
    new.version := old.version;
    new.updated_at := old.updated_at;
    new.updated_by := old.updated_by;
  else
    new.version := old.version + 1;
    new.updated_at := now();
    new.updated_by := auth.uid();
  end if;
  return new;
end
$$;

create trigger zones_before_insert before insert on public.zones
  for each row execute function private.zones_before_write();
create trigger zones_before_update before update on public.zones
  for each row execute function private.zones_before_write();
