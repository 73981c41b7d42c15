-- Boundary wording (四至): the streets and landmarks that bound a zone, as the notice posted at
-- its entrances words them ("东至通富北路，南至小海河，西至…，北至…"). Stored with the zone, in
-- Chinese and in English, and public: the public zone card shows them, so they are among the
-- anon column grants and the public broadcast's columns (private.zone_public_columns(), mirrored
-- by ZONE_PUBLIC_COLUMNS in src/domain/rows.ts) and in zone_revisions.public_row (new revisions;
-- the generated column reads the same list). Edited like every other field of a zone: in place on
-- an unpublished zone (create_zone, save_zone), in its draft once published (save_zone_draft,
-- zone_drafts has them too), made public by publish_zones, restored by revert_zone.
--
-- The functions below are the ones of …000300, …000800 and …001100, replaced with `create or
-- replace` (which keeps their grants and triggers); the only change to each is the two new fields.

alter table public.zones
  add column bounds_zh text,
  add column bounds_en text;

alter table public.zone_drafts
  add column bounds_zh text,
  add column bounds_en text;

grant select (bounds_zh, bounds_en) on table public.zones to anon;

-- The columns anyone may read of an active zone (anon column grant, public broadcast, public_row).

create or replace function private.zone_public_columns() returns text[]
language sql immutable
as $$
  select array['id', 'name', 'name_en', 'level', 'status', 'district', 'geom',
               'effective_from', 'review_days', 'version', 'updated_at', 'bounds_zh', 'bounds_en']
$$;

-- The user-visible fields that differ between two versions of a zone: the bounds are such fields
-- (a change of wording alone is a new version, a revision and a public broadcast).
create or replace function private.zone_changed_fields(o public.zones, n public.zones) returns text[]
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
    case when o.notes is distinct from n.notes then 'notes' end,
    case when o.bounds_zh is distinct from n.bounds_zh then 'bounds_zh' end,
    case when o.bounds_en is distinct from n.bounds_en then 'bounds_en' end
  ], null)
$$;

-- Server-owned columns of a draft, and drafts only of published zones; a save that changes no
-- field, the bounds included, is not a new version.
create or replace function private.zone_drafts_before_write() returns trigger
language plpgsql set search_path = public, extensions
as $$
declare
  zone_status public.zone_status;
begin
  select z.status into zone_status from public.zones z where z.id = new.zone_id;
  if zone_status = 'draft' then
    raise exception 'zone % is not published: edit it with save_zone, not as a draft', new.zone_id
      using errcode = 'PT400';
  end if;

  if tg_op = 'INSERT' then
    new.version := 1;
    new.created_at := now();
    new.updated_at := now();
    new.updated_by := auth.uid();
    new.updated_by_email := auth.email();
    return new;
  end if;

  if new.zone_id is distinct from old.zone_id then
    raise exception 'the zone of a draft cannot change (draft of zone %)', old.zone_id using errcode = 'PT400';
  end if;
  new.created_at := old.created_at;
  if old.base_version is not distinct from new.base_version
     and old.name is not distinct from new.name
     and old.name_en is not distinct from new.name_en
     and old.level is not distinct from new.level
     and old.status is not distinct from new.status
     and ST_OrderingEquals(old.geom, new.geom)
     and old.effective_from is not distinct from new.effective_from
     and old.review_days is not distinct from new.review_days
     and old.notes is not distinct from new.notes
     and old.bounds_zh is not distinct from new.bounds_zh
     and old.bounds_en is not distinct from new.bounds_en then
    -- a save that changes nothing is not a new version
    new.version := old.version;
    new.updated_at := old.updated_at;
    new.updated_by := old.updated_by;
    new.updated_by_email := old.updated_by_email;
  else
    new.version := old.version + 1;
    new.updated_at := now();
    new.updated_by := auth.uid();
    new.updated_by_email := auth.email();
  end if;
  return new;
end
$$;

/*
 * Checks the keys and value types of a zone's fields object (PT400 naming the field), all but
 * geom; bounds_zh and bounds_en are a string or null.
 */
create or replace function private.check_zone_fields(fields jsonb, settable text[], statuses text[]) returns void
language plpgsql stable set search_path = public, extensions
as $$
declare
  unknown text[];
  days numeric;
begin
  if fields is null or jsonb_typeof(fields) <> 'object' then
    raise exception 'fields must be a JSON object' using errcode = 'PT400';
  end if;
  unknown := array(select k from jsonb_object_keys(fields) k where k <> all (settable) order by k);
  if cardinality(unknown) > 0 then
    raise exception 'a zone has no settable field %', array_to_string(unknown, ', ')
      using errcode = 'PT400', hint = 'settable: ' || array_to_string(settable, ', ');
  end if;
  if fields ? 'id' and (jsonb_typeof(fields -> 'id') <> 'string' or length(btrim(fields ->> 'id')) = 0) then
    raise exception 'id must be a non-empty string' using errcode = 'PT400';
  end if;
  if fields ? 'name' and (jsonb_typeof(fields -> 'name') <> 'string' or length(btrim(fields ->> 'name')) = 0) then
    raise exception 'name must be a non-empty string' using errcode = 'PT400';
  end if;
  if fields ? 'name_en' and jsonb_typeof(fields -> 'name_en') not in ('string', 'null') then
    raise exception 'name_en must be a string or null' using errcode = 'PT400';
  end if;
  if fields ? 'notes' and jsonb_typeof(fields -> 'notes') not in ('string', 'null') then
    raise exception 'notes must be a string or null' using errcode = 'PT400';
  end if;
  if fields ? 'bounds_zh' and jsonb_typeof(fields -> 'bounds_zh') not in ('string', 'null') then
    raise exception 'bounds_zh must be a string or null' using errcode = 'PT400';
  end if;
  if fields ? 'bounds_en' and jsonb_typeof(fields -> 'bounds_en') not in ('string', 'null') then
    raise exception 'bounds_en must be a string or null' using errcode = 'PT400';
  end if;
  if fields ? 'level' and (jsonb_typeof(fields -> 'level') <> 'string'
                           or fields ->> 'level' <> all (enum_range(null::public.zone_level)::text[])) then
    raise exception 'level must be one of %, not %', array_to_string(enum_range(null::public.zone_level)::text[], ', '),
      fields -> 'level' using errcode = 'PT400';
  end if;
  if fields ? 'status' and (jsonb_typeof(fields -> 'status') <> 'string' or fields ->> 'status' <> all (statuses)) then
    raise exception 'status must be one of %, not %', array_to_string(statuses, ', '), fields -> 'status'
      using errcode = 'PT400';
  end if;
  if fields ? 'review_days' and jsonb_typeof(fields -> 'review_days') <> 'null' then
    if jsonb_typeof(fields -> 'review_days') <> 'number' then
      raise exception 'review_days must be a whole number of days from 1 to 60, or null' using errcode = 'PT400';
    end if;
    days := (fields ->> 'review_days')::numeric;
    if days <> trunc(days) or days not between 1 and 60 then
      raise exception 'review_days must be a whole number of days from 1 to 60, not %', days using errcode = 'PT400';
    end if;
  end if;
  if fields ? 'effective_from' and jsonb_typeof(fields -> 'effective_from') <> 'null' then
    if jsonb_typeof(fields -> 'effective_from') <> 'string' then
      raise exception 'effective_from must be an ISO 8601 timestamp string or null' using errcode = 'PT400';
    end if;
    begin
      perform (fields ->> 'effective_from')::timestamptz;
    exception when others then
      raise exception 'effective_from is not a timestamp: %', fields ->> 'effective_from' using errcode = 'PT400';
    end;
  end if;
end
$$;

/*
 * Saves a patch to a zone if it is still at expected_version; returns the saved row. patch holds
 * any of name, name_en, level, status, district, geom (GeoJSON), effective_from, review_days,
 * notes, bounds_zh, bounds_en; a key present with null clears the column. PT409 as before.
 */
create or replace function public.save_zone(id text, expected_version integer, patch jsonb) returns jsonb
language plpgsql volatile security invoker set search_path = public, extensions
as $$
#variable_conflict use_column
declare
  zone_id text := save_zone.id;
  settable text[] := array['name', 'name_en', 'level', 'status', 'district', 'geom', 'effective_from', 'review_days', 'notes',
                           'bounds_zh', 'bounds_en'];
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
  if patch ? 'bounds_zh' and jsonb_typeof(patch -> 'bounds_zh') not in ('string', 'null') then
    raise exception 'bounds_zh must be a string or null' using errcode = 'PT400';
  end if;
  if patch ? 'bounds_en' and jsonb_typeof(patch -> 'bounds_en') not in ('string', 'null') then
    raise exception 'bounds_en must be a string or null' using errcode = 'PT400';
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
    notes = case when patch ? 'notes' then patch ->> 'notes' else z.notes end,
    bounds_zh = case when patch ? 'bounds_zh' then patch ->> 'bounds_zh' else z.bounds_zh end,
    bounds_en = case when patch ? 'bounds_en' then patch ->> 'bounds_en' else z.bounds_en end
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

/*
 * Creates a zone as an unpublished draft; fields as before (…001100), and bounds_zh, bounds_en
 * optional.
 */
create or replace function public.create_zone(fields jsonb) returns jsonb
language plpgsql volatile security invoker set search_path = public, extensions
as $$
#variable_conflict use_column
declare
  settable text[] := array['id', 'name', 'name_en', 'level', 'geom', 'effective_from', 'review_days', 'notes',
                           'bounds_zh', 'bounds_en'];
  required text[] := array['name', 'level', 'geom'];
  missing text[];
  shape geometry;
  new_id text;
  existing integer;
  created jsonb;
begin
  perform private.require_commander('create zones');
  perform private.check_zone_fields(fields, settable, array[]::text[]);
  missing := array(select k from unnest(required) k where not fields ? k);
  if cardinality(missing) > 0 then
    raise exception 'a new zone needs %', array_to_string(missing, ', ') using errcode = 'PT400';
  end if;
  shape := private.polygon_from_geojson(fields -> 'geom');
  new_id := coalesce(fields ->> 'id', gen_random_uuid()::text);

  select z.version into existing from public.zones z where z.id = new_id;
  if found then
    raise exception 'a zone with id % already exists', new_id
      using errcode = 'PT409', detail = jsonb_build_object('current_version', existing, 'conflict', 'zone', 'zone_id', new_id)::text;
  end if;
  begin
    insert into public.zones as z (id, name, name_en, level, status, geom, effective_from, review_days, notes,
                                   bounds_zh, bounds_en)
    values (new_id, fields ->> 'name', fields ->> 'name_en', (fields ->> 'level')::public.zone_level, 'draft', shape,
            (fields ->> 'effective_from')::timestamptz, (fields ->> 'review_days')::integer, fields ->> 'notes',
            fields ->> 'bounds_zh', fields ->> 'bounds_en')
    returning to_jsonb(z.*) into created;
  exception when unique_violation then
    -- the same id created concurrently
    raise exception 'a zone with id % already exists', new_id
      using errcode = 'PT409', detail = jsonb_build_object('current_version', null, 'conflict', 'zone', 'zone_id', new_id)::text;
  end;
  return created;
end
$$;

/*
 * Saves the pending edit of a published or lifted zone, as before (…001100); fields may also hold
 * bounds_zh and bounds_en (missing ones come from the zone for a new draft, from the draft else).
 */
create or replace function public.save_zone_draft(zone_id text, base_version integer, draft_version integer, fields jsonb)
returns jsonb
language plpgsql volatile security invoker set search_path = public, extensions
as $$
#variable_conflict use_column
declare
  target text := save_zone_draft.zone_id;
  base integer := save_zone_draft.base_version;
  expected_draft integer := save_zone_draft.draft_version;
  settable text[] := array['name', 'name_en', 'level', 'status', 'geom', 'effective_from', 'review_days', 'notes',
                           'bounds_zh', 'bounds_en'];
  shape geometry;
  z public.zones;
  d public.zone_drafts;
  saved jsonb;
begin
  perform private.require_commander('edit zones');
  if base is null then
    raise exception 'base_version is required: the zone version your edit started from' using errcode = 'PT400';
  end if;
  perform private.check_zone_fields(fields, settable, array['active', 'lifted']);
  if fields ? 'geom' then
    shape := private.polygon_from_geojson(fields -> 'geom');
  end if;

  select * into z from public.zones zz where zz.id = target for no key update;
  if not found then
    raise exception 'zone % not found', target using errcode = 'PT404';
  end if;
  if z.status = 'draft' then
    raise exception 'zone % is not published: edit it with save_zone, not as a draft', target using errcode = 'PT400';
  end if;
  if z.version <> base then
    raise exception 'the published zone % changed since you started (now version %, your edit started from version %)',
      target, z.version, base
      using errcode = 'PT409',
            detail = jsonb_build_object('current_version', z.version, 'conflict', 'zone', 'zone_id', target)::text,
            hint = 'reload the zone and apply your edit to the current version';
  end if;

  select * into d from public.zone_drafts dd where dd.zone_id = target for update;
  if expected_draft is null then
    if found then
      raise exception 'zone % already has a draft (version %)', target, d.version
        using errcode = 'PT409',
              detail = jsonb_build_object('current_version', d.version, 'conflict', 'draft', 'zone_id', target)::text,
              hint = 'reload the draft and apply your edit to it';
    end if;
    insert into public.zone_drafts as dd (zone_id, base_version, name, name_en, level, status, geom, effective_from, review_days, notes,
                                          bounds_zh, bounds_en)
    values (
      target, base,
      case when fields ? 'name' then fields ->> 'name' else z.name end,
      case when fields ? 'name_en' then fields ->> 'name_en' else z.name_en end,
      case when fields ? 'level' then (fields ->> 'level')::public.zone_level else z.level end,
      case when fields ? 'status' then (fields ->> 'status')::public.zone_status else z.status end,
      case when fields ? 'geom' then shape else z.geom end,
      case when fields ? 'effective_from' then (fields ->> 'effective_from')::timestamptz else z.effective_from end,
      case when fields ? 'review_days' then (fields ->> 'review_days')::integer else z.review_days end,
      case when fields ? 'notes' then fields ->> 'notes' else z.notes end,
      case when fields ? 'bounds_zh' then fields ->> 'bounds_zh' else z.bounds_zh end,
      case when fields ? 'bounds_en' then fields ->> 'bounds_en' else z.bounds_en end
    )
    returning to_jsonb(dd.*) into saved;
    return saved;
  end if;

  if not found or d.version <> expected_draft then
    raise exception 'the draft of zone % was changed by someone else (now %, you edited version %)',
      target, case when found then 'version ' || d.version else 'published or discarded' end, expected_draft
      using errcode = 'PT409',
            detail = jsonb_build_object('current_version', d.version, 'conflict', 'draft', 'zone_id', target)::text,
            hint = 'reload the draft and apply your edit to it';
  end if;
  update public.zone_drafts dd set
    base_version = base,
    name = case when fields ? 'name' then fields ->> 'name' else dd.name end,
    name_en = case when fields ? 'name_en' then fields ->> 'name_en' else dd.name_en end,
    level = case when fields ? 'level' then (fields ->> 'level')::public.zone_level else dd.level end,
    status = case when fields ? 'status' then (fields ->> 'status')::public.zone_status else dd.status end,
    geom = case when fields ? 'geom' then shape else dd.geom end,
    effective_from = case when fields ? 'effective_from' then (fields ->> 'effective_from')::timestamptz else dd.effective_from end,
    review_days = case when fields ? 'review_days' then (fields ->> 'review_days')::integer else dd.review_days end,
    notes = case when fields ? 'notes' then fields ->> 'notes' else dd.notes end,
    bounds_zh = case when fields ? 'bounds_zh' then fields ->> 'bounds_zh' else dd.bounds_zh end,
    bounds_en = case when fields ? 'bounds_en' then fields ->> 'bounds_en' else dd.bounds_en end
  where dd.zone_id = target
  returning to_jsonb(dd.*) into saved;
  return saved;
end
$$;

/* Publishes zones, as before (…001100); a draft's bounds go onto the zone with its other fields. */
create or replace function public.publish_zones(items jsonb) returns jsonb
language plpgsql volatile security invoker set search_path = public, extensions
as $$
#variable_conflict use_column
declare
  element jsonb;
  well_formed boolean;
  item record;
  z public.zones;
  d public.zone_drafts;
  saved jsonb;
  published jsonb := '[]'::jsonb;
begin
  perform private.require_commander('publish zones');
  if items is null or jsonb_typeof(items) <> 'array' or jsonb_array_length(items) = 0 then
    raise exception 'items must be a non-empty JSON array of {id, expected_version}' using errcode = 'PT400';
  end if;
  for element in select e from jsonb_array_elements(items) e loop
    -- nested, not one OR: SQL does not promise to evaluate an OR from left to right
    well_formed := jsonb_typeof(element) = 'object';
    if well_formed then
      well_formed := not exists (select 1 from jsonb_object_keys(element) k where k not in ('id', 'expected_version', 'draft_version'))
        and jsonb_typeof(element -> 'id') is not distinct from 'string'
        and private.is_version(element -> 'expected_version')
        and (coalesce(jsonb_typeof(element -> 'draft_version'), 'null') = 'null' or private.is_version(element -> 'draft_version'));
    end if;
    if not well_formed then
      raise exception 'each item must be {id: string, expected_version: integer, draft_version?: integer}, not %', element
        using errcode = 'PT400';
    end if;
  end loop;
  if (select count(distinct e ->> 'id') from jsonb_array_elements(items) e) <> jsonb_array_length(items) then
    raise exception 'a zone is listed more than once' using errcode = 'PT400';
  end if;

  for item in
    select e ->> 'id' as id, (e ->> 'expected_version')::integer as expected_version,
           (e ->> 'draft_version')::integer as draft_version
    from jsonb_array_elements(items) e
    order by e ->> 'id'
  loop
    select * into z from public.zones zz where zz.id = item.id for no key update;
    if not found then
      raise exception 'zone % not found', item.id using errcode = 'PT404';
    end if;
    if z.version <> item.expected_version then
      perform private.raise_zone_conflict(item.id, z.version, item.expected_version);
    end if;
    select * into d from public.zone_drafts dd where dd.zone_id = item.id for update;
    if found then
      if d.base_version <> z.version then
        raise exception 'the draft of zone % started from version %, but the zone is at version %', item.id, d.base_version, z.version
          using errcode = 'PT409',
                detail = jsonb_build_object('current_version', z.version, 'conflict', 'stale_draft', 'zone_id', item.id,
                                            'base_version', d.base_version)::text,
                hint = 'apply the draft to the current version (save it with base_version = the current version) or discard it';
      end if;
      if item.draft_version is not null and d.version <> item.draft_version then
        raise exception 'the draft of zone % was changed by someone else (now version %, you reviewed version %)',
          item.id, d.version, item.draft_version
          using errcode = 'PT409',
                detail = jsonb_build_object('current_version', z.version, 'conflict', 'draft', 'zone_id', item.id,
                                            'draft_version', d.version)::text,
                hint = 'review the draft again before publishing it';
      end if;
      update public.zones zz set
        name = d.name, name_en = d.name_en, level = d.level, status = d.status, geom = d.geom,
        effective_from = d.effective_from, review_days = d.review_days, notes = d.notes,
        bounds_zh = d.bounds_zh, bounds_en = d.bounds_en
      where zz.id = item.id
      returning to_jsonb(zz.*) into saved;
      delete from public.zone_drafts dd where dd.zone_id = item.id;
    elsif z.status = 'draft' then
      update public.zones zz set status = 'active' where zz.id = item.id
      returning to_jsonb(zz.*) into saved;
    else
      raise exception 'zone % has nothing to publish (it is % and has no draft)', item.id, z.status using errcode = 'PT400';
    end if;
    published := published || jsonb_build_array(saved);
  end loop;
  return published;
end
$$;

/*
 * Writes the fields of revision to_version back as a new version, as before (…001100), the
 * bounds included when the revision records them.
 */
create or replace function public.revert_zone(id text, to_version integer, expected_version integer) returns jsonb
language plpgsql volatile security invoker set search_path = public, extensions
as $$
#variable_conflict use_column
declare
  target text := revert_zone.id;
  wanted integer := revert_zone.to_version;
  expected integer := revert_zone.expected_version;
  current_version integer;
  rev public.zone_revisions;
  old jsonb;
  shape geometry;
  saved jsonb;
begin
  perform private.require_commander('revert zones');
  if wanted is null or expected is null then
    raise exception 'to_version and expected_version are required' using errcode = 'PT400';
  end if;
  select z.version into current_version from public.zones z where z.id = target for no key update;
  if not found then
    raise exception 'zone % not found', target using errcode = 'PT404';
  end if;
  if current_version <> expected then
    perform private.raise_zone_conflict(target, current_version, expected);
  end if;
  select * into rev from public.zone_revisions r where r.zone_id = target and r.version = wanted;
  if not found then
    raise exception 'zone % has no revision %', target, wanted using errcode = 'PT404';
  end if;
  if rev.op = 'DELETE' then
    raise exception 'revision % of zone % records its deletion: revert to the version before it', wanted, target
      using errcode = 'PT400';
  end if;
  old := rev."row";
  shape := private.polygon_from_geojson(old -> 'geom');
  update public.zones z set
    name = old ->> 'name',
    name_en = old ->> 'name_en',
    level = (old ->> 'level')::public.zone_level,
    status = (old ->> 'status')::public.zone_status,
    geom = shape,
    effective_from = (old ->> 'effective_from')::timestamptz,
    review_days = (old ->> 'review_days')::integer,
    notes = old ->> 'notes',
    -- a revision written before the zone had bounds (…002100) does not record them: keep the zone's
    bounds_zh = case when old ? 'bounds_zh' then old ->> 'bounds_zh' else z.bounds_zh end,
    bounds_en = case when old ? 'bounds_en' then old ->> 'bounds_en' else z.bounds_en end
  where z.id = target
  returning to_jsonb(z.*) into saved;
  return saved;
end
$$;

-- `create or replace` kept every grant: the RPCs stay granted to authenticated and service_role
-- only (…001100 revoked anon), and the trigger functions stay on their triggers.
