-- RPC functions. Security invoker: row-level security and column grants apply to the
-- caller, so the public gets figures over what the public may see. Bad input raises
-- SQLSTATE PT400 (HTTP 400 through PostgREST); a stale save raises PT409 (HTTP 409).

-- A valid MultiPolygon (SRID 4326) from a GeoJSON Polygon / MultiPolygon, or a Feature
-- holding one. Validity is checked here, before any spatial operator sees the geometry.
create function private.polygon_from_geojson(g jsonb) returns geometry
language plpgsql immutable set search_path = public, extensions
as $$
declare
  shape geometry;
  problem text;
begin
  if g is null or jsonb_typeof(g) <> 'object' then
    raise exception 'geometry must be a GeoJSON object' using errcode = 'PT400';
  end if;
  if g ->> 'type' = 'Feature' then
    g := g -> 'geometry';
  end if;
  if coalesce(g ->> 'type', '') not in ('Polygon', 'MultiPolygon') then
    raise exception 'geometry must be a Polygon or MultiPolygon, not %', coalesce(g ->> 'type', 'nothing')
      using errcode = 'PT400';
  end if;
  begin
    shape := ST_GeomFromGeoJSON(g);
  exception when others then
    raise exception 'geometry is not valid GeoJSON: %', sqlerrm using errcode = 'PT400';
  end;
  if ST_SRID(shape) not in (0, 4326) then
    raise exception 'geometry must be in WGS84 (EPSG:4326), not EPSG:%', ST_SRID(shape) using errcode = 'PT400';
  end if;
  shape := ST_Multi(ST_SetSRID(shape, 4326));
  problem := private.areal_problem(shape);
  if problem is not null then
    raise exception 'geometry is not valid: %', problem
      using errcode = 'PT400', hint = 'rings must be closed and must not cross themselves: redraw the shape';
  end if;
  return shape;
end
$$;

create function private.point_from_lng_lat(lng float8, lat float8) returns geometry
language plpgsql immutable set search_path = public, extensions
as $$
begin
  if lng is null or lat is null or lng not between -180 and 180 or lat not between -90 and 90 then
    raise exception 'a point needs lng in [-180, 180] and lat in [-90, 90], got (%, %)', lng, lat
      using errcode = 'PT400';
  end if;
  return ST_SetSRID(ST_MakePoint(lng, lat), 4326);
end
$$;

/*
 * What a polygon covers, among the rows the caller may see:
 * {households, residents, compounds, compound_ids, sites: {kind: count}, key_enterprises, area_m2}.
 * A compound counts whole when its point-on-surface lies in the polygon: compounds are
 * sealed as a unit, and a boundary that clips a corner of one does not seal part of it.
 */
create function public.zone_impact(geom jsonb) returns jsonb
language plpgsql stable security invoker set search_path = public, extensions
as $$
#variable_conflict use_column
declare
  area geometry := private.polygon_from_geojson(zone_impact.geom);
  key_enterprises bigint := 0;
begin
  -- `key` is a staff-only column: ask only a caller who may read it
  if has_column_privilege('public.sites', 'key', 'select') then
    select count(*) into key_enterprises
    from public.sites s
    where s.kind = 'enterprise' and s.key and ST_Intersects(s.geom, area);
  end if;
  return (
    with inside as (
      select c.id, c.households, c.residents
      from public.compounds c
      where ST_Intersects(c.geom, area) and ST_Intersects(area, ST_PointOnSurface(c.geom))
    ), site_counts as (
      select s.kind, count(*) as n
      from public.sites s
      where ST_Intersects(s.geom, area)
      group by s.kind
    )
    select jsonb_build_object(
      'households', (select coalesce(sum(households), 0) from inside),
      'residents', (select coalesce(sum(residents), 0) from inside),
      'compounds', (select count(*) from inside),
      'compound_ids', (select coalesce(jsonb_agg(id order by id), '[]'::jsonb) from inside),
      'sites', (select coalesce(jsonb_object_agg(kind, n), '{}'::jsonb) from site_counts),
      'key_enterprises', key_enterprises,
      'area_m2', round(ST_Area(area::geography)::numeric)
    )
  );
end
$$;

/* The zones containing a point that the caller may see, the most severe level first. */
create function public.zones_at_point(lng float8, lat float8)
returns table (
  id text, name text, name_en text, level public.zone_level, status public.zone_status, district text,
  effective_from timestamptz, review_days integer, version integer, updated_at timestamptz
)
language plpgsql stable security invoker set search_path = public, extensions
as $$
#variable_conflict use_column
declare
  here geometry := private.point_from_lng_lat(lng, lat);
begin
  return query
    select z.id, z.name, z.name_en, z.level, z.status, z.district, z.effective_from, z.review_days, z.version, z.updated_at
    from public.zones z
    where ST_Intersects(z.geom, here)
    order by z.level, z.status, z.id;
end
$$;

/*
 * The max_count sites of one kind nearest to a point, with the geodesic distance in metres.
 * open_only skips testing sites / mobile teams that are not open and closed checkpoints.
 * The index finds the nearest in degrees; every site within that distance corrected for
 * the shrinking of a degree of longitude is then ranked in metres, so the answer is exact.
 */
create function public.nearest_sites(lng float8, lat float8, kind public.site_kind, max_count integer default 3,
                                     open_only boolean default false)
returns table (
  id text, name text, name_en text, district text, status public.site_status,
  state public.checkpoint_state, geom geometry, distance_m float8
)
language plpgsql stable security invoker set search_path = public, extensions
as $$
#variable_conflict use_column
declare
  here geometry := private.point_from_lng_lat(lng, lat);
  wanted public.site_kind := nearest_sites.kind;
  radius float8;
begin
  if max_count is null or max_count not between 1 and 100 then
    raise exception 'max_count must be between 1 and 100, got %', max_count using errcode = 'PT400';
  end if;
  select max(d) into radius from (
    select s.geom <-> here as d
    from public.sites s
    where s.kind = wanted
      and (not open_only or (coalesce(s.status, 'open') = 'open' and coalesce(s.state, 'open') <> 'closed'))
    order by s.geom <-> here
    limit max_count
  ) nearest;
  if radius is null then
    return;
  end if;
  radius := radius / cos(radians(least(abs(lat) + 1, 89))) * 1.01;
  return query
    select s.id, s.name, s.name_en, s.district, s.status, s.state, s.geom,
           ST_Distance(s.geom::geography, here::geography) as distance_m
    from public.sites s
    where s.kind = wanted
      and ST_DWithin(s.geom, here, radius)
      and (not open_only or (coalesce(s.status, 'open') = 'open' and coalesce(s.state, 'open') <> 'closed'))
    order by distance_m, s.id
    limit max_count;
end
$$;

/*
 * Saves a patch to a zone if it is still at expected_version; returns the saved row.
 * patch holds any of name, name_en, level, status, district, geom (GeoJSON), effective_from,
 * review_days, notes; a key present with null clears the column. A stale version raises
 * PT409 with the current version in DETAIL, so the client can reload and re-apply.
 */
create function public.save_zone(id text, expected_version integer, patch jsonb) returns jsonb
language plpgsql volatile security invoker set search_path = public, extensions
as $$
#variable_conflict use_column
declare
  zone_id text := save_zone.id;
  settable text[] := array['name', 'name_en', 'level', 'status', 'district', 'geom', 'effective_from', 'review_days', 'notes'];
  unknown text[];
  new_geom geometry;
  current_version integer;
  saved jsonb;
begin
  if patch is null or jsonb_typeof(patch) <> 'object' then
    raise exception 'patch must be a JSON object' using errcode = 'PT400';
  end if;
  unknown := array(select k from jsonb_object_keys(patch) k where k <> all (settable) order by k);
  if cardinality(unknown) > 0 then
    raise exception 'a zone has no settable field %', array_to_string(unknown, ', ')
      using errcode = 'PT400', hint = 'settable: ' || array_to_string(settable, ', ');
  end if;
  if patch ? 'geom' then
    new_geom := private.polygon_from_geojson(patch -> 'geom');
  end if;

  select z.version into current_version from public.zones z where z.id = zone_id;
  if not found then
    raise exception 'zone % not found', zone_id using errcode = 'PT404';
  end if;
  if expected_version is distinct from current_version then
    raise exception 'zone % was changed by someone else (now version %, you edited version %)',
      zone_id, current_version, expected_version
      using errcode = 'PT409', detail = jsonb_build_object('current_version', current_version)::text,
            hint = 'reload the zone and apply your change again';
  end if;

  update public.zones z set
    name = case when patch ? 'name' then patch ->> 'name' else z.name end,
    name_en = case when patch ? 'name_en' then patch ->> 'name_en' else z.name_en end,
    level = case when patch ? 'level' then (patch ->> 'level')::public.zone_level else z.level end,
    status = case when patch ? 'status' then (patch ->> 'status')::public.zone_status else z.status end,
    district = case when patch ? 'district' then patch ->> 'district' else z.district end,
    geom = case when patch ? 'geom' then new_geom else z.geom end,
    effective_from = case when patch ? 'effective_from' then (patch ->> 'effective_from')::timestamptz else z.effective_from end,
    review_days = case when patch ? 'review_days' then (patch ->> 'review_days')::integer else z.review_days end,
    notes = case when patch ? 'notes' then patch ->> 'notes' else z.notes end
  where z.id = zone_id and z.version = expected_version
  returning to_jsonb(z.*) into saved;

  if saved is null then
    -- the row was visible but not updated: a save committed in between, or no permission
    select z.version into current_version from public.zones z where z.id = zone_id;
    if current_version is distinct from expected_version then
      raise exception 'zone % was changed by someone else (now version %, you edited version %)',
        zone_id, current_version, expected_version
        using errcode = 'PT409', detail = jsonb_build_object('current_version', current_version)::text,
              hint = 'reload the zone and apply your change again';
    end if;
    raise exception 'permission denied to edit zone %', zone_id using errcode = '42501';
  end if;
  return saved;
end
$$;

revoke all on function public.zone_impact(jsonb), public.zones_at_point(float8, float8),
  public.nearest_sites(float8, float8, public.site_kind, integer, boolean),
  public.save_zone(text, integer, jsonb) from public;
grant execute on function public.zone_impact(jsonb), public.zones_at_point(float8, float8),
  public.nearest_sites(float8, float8, public.site_kind, integer, boolean)
  to anon, authenticated, service_role;
grant execute on function public.save_zone(text, integer, jsonb) to authenticated, service_role;
