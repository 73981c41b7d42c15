-- Headquarters' write path for sites: create_site and save_site, commanders only, with the
-- conventions of the zone RPCs (…000800 save_zone, …001100 create_zone): every field checked
-- before anything is written (PT400 naming the field), PT404 for an unknown site, PT409 with JSON
-- details {current_version, conflict: 'site', site_id} for a stale version, the row returned as
-- JSON with its geometry as GeoJSON. The table's constraints stay the truth for the rules between
-- fields (a checkpoint has a state, a quarantine site has rooms and a type, occupied <= ready <=
-- total): the RPCs turn a violation into a PT400 that names the rule in words.
--
-- Concurrency: save_site locks the site's row (FOR NO KEY UPDATE, the lock its UPDATE takes
-- anyway) before it compares versions, so saves of one site run one after the other: the first
-- wins, every other one sees the version it wrote and gets PT409.
--
-- Direct table writes under RLS (commanders) remain possible, as before; the revision trigger
-- (…001500) records them as well.

/*
 * A Point (SRID 4326, 2D) from a GeoJSON Point or a Feature holding one, lng in [-180, 180] and
 * lat in [-90, 90]. Checked here, before PostGIS parses it.
 */
create function private.point_from_geojson(g jsonb) returns geometry
language plpgsql immutable set search_path = public, extensions
as $$
declare
  c jsonb;
begin
  if g is null or jsonb_typeof(g) <> 'object' then
    raise exception 'geom must be a GeoJSON Point' using errcode = 'PT400';
  end if;
  if g ->> 'type' = 'Feature' then
    g := g -> 'geometry';
    if g is null or jsonb_typeof(g) <> 'object' then
      raise exception 'geom must be a GeoJSON Point, not a Feature without geometry' using errcode = 'PT400';
    end if;
  end if;
  if coalesce(g ->> 'type', '') <> 'Point' then
    raise exception 'geom must be a Point, not %', coalesce(g ->> 'type', 'nothing') using errcode = 'PT400';
  end if;
  if g ? 'crs' then
    raise exception 'geom must be in WGS84 (EPSG:4326) without a crs member' using errcode = 'PT400';
  end if;
  c := g -> 'coordinates';
  if jsonb_typeof(c) is distinct from 'array' or jsonb_array_length(c) not between 2 and 3
     or jsonb_typeof(c -> 0) <> 'number' or jsonb_typeof(c -> 1) <> 'number' then
    raise exception 'geom must be a Point with coordinates [lng, lat]' using errcode = 'PT400';
  end if;
  return private.point_from_lng_lat((c ->> 0)::float8, (c ->> 1)::float8);
end
$$;

/* The fields of a site the RPCs accept, in the table's order. */
create function private.site_settable_fields() returns text[]
language sql immutable
as $$
  select array['id', 'kind', 'name', 'name_en', 'district', 'geom', 'status', 'capacity_per_hour', 'opens', 'closes',
               'queue_length', 'state', 'road', 'pass_required', 'rooms_total', 'rooms_ready', 'rooms_occupied',
               'site_type', 'key']
$$;

/*
 * Checks the keys and value types of a site's fields object (PT400 naming the field), all but
 * geom, which the caller converts with private.point_from_geojson. A key present with null clears
 * an optional field; the required ones (id, kind, name) refuse null.
 */
create function private.check_site_fields(fields jsonb, settable text[]) returns void
language plpgsql stable set search_path = public, extensions
as $$
declare
  unknown text[];
  key text;
  n numeric;
  t text;
begin
  if fields is null or jsonb_typeof(fields) <> 'object' then
    raise exception 'fields must be a JSON object' using errcode = 'PT400';
  end if;
  unknown := array(select k from jsonb_object_keys(fields) k where k <> all (settable) order by k);
  if cardinality(unknown) > 0 then
    raise exception 'a site has no settable field %', array_to_string(unknown, ', ')
      using errcode = 'PT400', hint = 'settable: ' || array_to_string(settable, ', ');
  end if;
  foreach key in array array['id', 'name'] loop
    if fields ? key and (jsonb_typeof(fields -> key) <> 'string' or length(btrim(fields ->> key)) = 0) then
      raise exception '% must be a non-empty string', key using errcode = 'PT400';
    end if;
  end loop;
  foreach key in array array['name_en', 'district', 'road'] loop
    if fields ? key and jsonb_typeof(fields -> key) not in ('string', 'null') then
      raise exception '% must be a string or null', key using errcode = 'PT400';
    end if;
  end loop;
  if fields ? 'district' and jsonb_typeof(fields -> 'district') = 'string'
     and not exists (select 1 from public.districts d where d.id = fields ->> 'district') then
    raise exception 'district % not found', fields ->> 'district' using errcode = 'PT400';
  end if;
  foreach key in array array['pass_required', 'key'] loop
    if fields ? key and jsonb_typeof(fields -> key) not in ('boolean', 'null') then
      raise exception '% must be true, false or null', key using errcode = 'PT400';
    end if;
  end loop;
  if fields ? 'kind' and (jsonb_typeof(fields -> 'kind') <> 'string'
                          or fields ->> 'kind' <> all (enum_range(null::public.site_kind)::text[])) then
    raise exception 'kind must be one of %, not %', array_to_string(enum_range(null::public.site_kind)::text[], ', '),
      fields -> 'kind' using errcode = 'PT400';
  end if;
  if fields ? 'status' and jsonb_typeof(fields -> 'status') <> 'null'
     and (jsonb_typeof(fields -> 'status') <> 'string'
          or fields ->> 'status' <> all (enum_range(null::public.site_status)::text[])) then
    raise exception 'status must be one of %, or null, not %',
      array_to_string(enum_range(null::public.site_status)::text[], ', '), fields -> 'status' using errcode = 'PT400';
  end if;
  if fields ? 'state' and jsonb_typeof(fields -> 'state') <> 'null'
     and (jsonb_typeof(fields -> 'state') <> 'string'
          or fields ->> 'state' <> all (enum_range(null::public.checkpoint_state)::text[])) then
    raise exception 'state must be one of %, or null, not %',
      array_to_string(enum_range(null::public.checkpoint_state)::text[], ', '), fields -> 'state' using errcode = 'PT400';
  end if;
  if fields ? 'site_type' and jsonb_typeof(fields -> 'site_type') <> 'null'
     and (jsonb_typeof(fields -> 'site_type') <> 'string'
          or fields ->> 'site_type' <> all (enum_range(null::public.quarantine_site_type)::text[])) then
    raise exception 'site_type must be one of %, or null, not %',
      array_to_string(enum_range(null::public.quarantine_site_type)::text[], ', '), fields -> 'site_type'
      using errcode = 'PT400';
  end if;
  foreach key in array array['capacity_per_hour', 'queue_length', 'rooms_total', 'rooms_ready', 'rooms_occupied'] loop
    if fields ? key and jsonb_typeof(fields -> key) <> 'null' then
      if jsonb_typeof(fields -> key) <> 'number' then
        raise exception '% must be a whole number >= 0 or null', key using errcode = 'PT400';
      end if;
      n := (fields ->> key)::numeric;
      if n <> trunc(n) or n not between 0 and 2147483647 then
        raise exception '% must be a whole number >= 0, not %', key, n using errcode = 'PT400';
      end if;
    end if;
  end loop;
  foreach key in array array['opens', 'closes'] loop
    if fields ? key and jsonb_typeof(fields -> key) <> 'null' then
      t := fields ->> key;
      if jsonb_typeof(fields -> key) <> 'string' or t !~ '^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$' then
        raise exception '% must be a time of day as HH:MM or HH:MM:SS, or null, not %', key, fields -> key
          using errcode = 'PT400';
      end if;
    end if;
  end loop;
end
$$;

/* PT400 naming the rule a site's row broke, from the name of the violated constraint. */
create function private.raise_site_rule(site_id text, rule text) returns void
language plpgsql volatile
as $$
begin
  raise exception '%', case rule
      when 'sites_rooms_fit' then
        'rooms do not fit: occupied rooms cannot exceed ready rooms, nor ready rooms the total (rooms_occupied <= rooms_ready <= rooms_total)'
      when 'sites_checkpoint_has_state' then
        'a checkpoint needs a state (open, restricted or closed), and only a checkpoint has one'
      when 'sites_quarantine_has_rooms' then
        'a quarantine site needs rooms_total and site_type'
      else format('site %s breaks the rule %s', coalesce(site_id, '(new)'), rule)
    end
    using errcode = 'PT400', detail = jsonb_build_object('rule', rule)::text;
end
$$;

/*
 * Creates a site; returns the row as JSON, geometry as GeoJSON. fields: kind, name, geom (a
 * GeoJSON Point or a Feature of one) required; every other column of sites optional (id: a new
 * UUID when absent; district: the district the point lies in when absent). A checkpoint needs a
 * state, a quarantine site rooms_total and site_type; opens and closes come together. An id in
 * use is PT409.
 */
create function public.create_site(fields jsonb) returns jsonb
language plpgsql volatile security invoker set search_path = public, extensions
as $$
#variable_conflict use_column
declare
  settable text[] := private.site_settable_fields();
  required text[] := array['kind', 'name', 'geom'];
  missing text[];
  shape geometry;
  new_id text;
  new_district text;
  existing integer;
  rule text;
  created jsonb;
begin
  perform private.require_commander('create sites');
  perform private.check_site_fields(fields, settable);
  missing := array(select k from unnest(required) k where coalesce(jsonb_typeof(fields -> k), 'null') = 'null');
  if cardinality(missing) > 0 then
    raise exception 'a new site needs %', array_to_string(missing, ', ') using errcode = 'PT400';
  end if;
  shape := private.point_from_geojson(fields -> 'geom');
  if (coalesce(jsonb_typeof(fields -> 'opens'), 'null') = 'null') <> (coalesce(jsonb_typeof(fields -> 'closes'), 'null') = 'null') then
    raise exception 'opens and closes come together: give both or neither' using errcode = 'PT400';
  end if;
  new_id := coalesce(fields ->> 'id', gen_random_uuid()::text);
  if fields ? 'district' then
    new_district := fields ->> 'district';
  else
    new_district := (select d.id from public.districts d where ST_Intersects(d.geom, shape) order by d.id limit 1);
  end if;

  select s.version into existing from public.sites s where s.id = new_id;
  if found then
    raise exception 'a site with id % already exists', new_id
      using errcode = 'PT409', detail = jsonb_build_object('current_version', existing, 'conflict', 'site', 'site_id', new_id)::text;
  end if;
  begin
    insert into public.sites as s (id, kind, name, name_en, district, geom, status, capacity_per_hour, opens, closes,
                                   queue_length, state, road, pass_required, rooms_total, rooms_ready, rooms_occupied,
                                   site_type, key)
    values (new_id, (fields ->> 'kind')::public.site_kind, fields ->> 'name', fields ->> 'name_en', new_district, shape,
            (fields ->> 'status')::public.site_status, (fields ->> 'capacity_per_hour')::integer,
            (fields ->> 'opens')::time, (fields ->> 'closes')::time, (fields ->> 'queue_length')::integer,
            (fields ->> 'state')::public.checkpoint_state, fields ->> 'road', (fields ->> 'pass_required')::boolean,
            (fields ->> 'rooms_total')::integer, (fields ->> 'rooms_ready')::integer, (fields ->> 'rooms_occupied')::integer,
            (fields ->> 'site_type')::public.quarantine_site_type, (fields ->> 'key')::boolean)
    returning to_jsonb(s.*) into created;
  exception
    when unique_violation then
      -- the same id created concurrently
      raise exception 'a site with id % already exists', new_id
        using errcode = 'PT409', detail = jsonb_build_object('current_version', null, 'conflict', 'site', 'site_id', new_id)::text;
    when check_violation then
      get stacked diagnostics rule = constraint_name;
      perform private.raise_site_rule(null, rule);
  end;
  return created;
end
$$;

/*
 * Saves a patch to a site if it is still at expected_version; returns the saved row as JSON,
 * geometry as GeoJSON. patch: any field of create_site but id; a key present with null clears the
 * column. The kind cannot change (sending the current kind is allowed). PT404 for an unknown site,
 * PT409 (details {current_version, conflict: 'site', site_id}) when someone saved first, PT400 for
 * bad input or a row that would break a rule of the table; nothing is written then. A patch that
 * changes nothing is not a new version.
 */
create function public.save_site(id text, expected_version integer, patch jsonb) returns jsonb
language plpgsql volatile security invoker set search_path = public, extensions
as $$
#variable_conflict use_column
declare
  target text := save_site.id;
  expected integer := save_site.expected_version;
  settable text[] := array_remove(private.site_settable_fields(), 'id');
  shape geometry;
  s public.sites;
  rule text;
  saved jsonb;
begin
  perform private.require_commander('edit sites');
  if expected is null then
    raise exception 'expected_version is required: the site version your edit started from' using errcode = 'PT400';
  end if;
  perform private.check_site_fields(patch, settable);
  if patch ? 'geom' then
    shape := private.point_from_geojson(patch -> 'geom');
  end if;

  select * into s from public.sites ss where ss.id = target for no key update;
  if not found then
    raise exception 'site % not found', target using errcode = 'PT404';
  end if;
  if s.version <> expected then
    raise exception 'site % was changed by someone else (now version %, you edited version %)', target, s.version, expected
      using errcode = 'PT409',
            detail = jsonb_build_object('current_version', s.version, 'conflict', 'site', 'site_id', target)::text,
            hint = 'reload the site and apply your change again';
  end if;
  if patch ? 'kind' and patch ->> 'kind' <> s.kind::text then
    raise exception 'the kind of site % cannot change (it is a %)', target, s.kind
      using errcode = 'PT400', hint = 'create a new site of the other kind instead';
  end if;
  if (patch ? 'opens' or patch ? 'closes')
     and ((case when patch ? 'opens' then patch ->> 'opens' else s.opens::text end) is null)
         <> ((case when patch ? 'closes' then patch ->> 'closes' else s.closes::text end) is null) then
    raise exception 'opens and closes come together: give both or neither' using errcode = 'PT400';
  end if;

  begin
    update public.sites ss set
      name = case when patch ? 'name' then patch ->> 'name' else ss.name end,
      name_en = case when patch ? 'name_en' then patch ->> 'name_en' else ss.name_en end,
      district = case when patch ? 'district' then patch ->> 'district' else ss.district end,
      geom = case when patch ? 'geom' then shape else ss.geom end,
      status = case when patch ? 'status' then (patch ->> 'status')::public.site_status else ss.status end,
      capacity_per_hour = case when patch ? 'capacity_per_hour' then (patch ->> 'capacity_per_hour')::integer else ss.capacity_per_hour end,
      opens = case when patch ? 'opens' then (patch ->> 'opens')::time else ss.opens end,
      closes = case when patch ? 'closes' then (patch ->> 'closes')::time else ss.closes end,
      queue_length = case when patch ? 'queue_length' then (patch ->> 'queue_length')::integer else ss.queue_length end,
      state = case when patch ? 'state' then (patch ->> 'state')::public.checkpoint_state else ss.state end,
      road = case when patch ? 'road' then patch ->> 'road' else ss.road end,
      pass_required = case when patch ? 'pass_required' then (patch ->> 'pass_required')::boolean else ss.pass_required end,
      rooms_total = case when patch ? 'rooms_total' then (patch ->> 'rooms_total')::integer else ss.rooms_total end,
      rooms_ready = case when patch ? 'rooms_ready' then (patch ->> 'rooms_ready')::integer else ss.rooms_ready end,
      rooms_occupied = case when patch ? 'rooms_occupied' then (patch ->> 'rooms_occupied')::integer else ss.rooms_occupied end,
      site_type = case when patch ? 'site_type' then (patch ->> 'site_type')::public.quarantine_site_type else ss.site_type end,
      key = case when patch ? 'key' then (patch ->> 'key')::boolean else ss.key end
    where ss.id = target
    returning to_jsonb(ss.*) into saved;
  exception when check_violation then
    get stacked diagnostics rule = constraint_name;
    perform private.raise_site_rule(target, rule);
  end;
  if saved is null then
    -- the row is locked and visible, so RLS refused the update
    raise exception 'permission denied to edit site %', target using errcode = '42501';
  end if;
  return saved;
end
$$;

-- Commanders (checked inside; RLS applies too) and the service role. Supabase's default
-- privileges grant new functions to anon directly, so anon is revoked by name.
revoke all on function public.create_site(jsonb), public.save_site(text, integer, jsonb) from public, anon, authenticated;
grant execute on function public.create_site(jsonb), public.save_site(text, integer, jsonb) to authenticated, service_role;
