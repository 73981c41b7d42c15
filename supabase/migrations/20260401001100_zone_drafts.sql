-- The commander workspace: drafts of published zones, publishing, revert, create.
--
-- Product rule: every change to what the public sees is a draft until a commander publishes it.
-- * A zone that was never published (status 'draft') is private already: create_zone makes one,
--   save_zone edits it in place, publish_zones makes it active.
-- * A published (active) or lifted zone is not edited in place. Its pending edit is a row in
--   zone_drafts (one per zone) holding the whole proposed zone and the zone version it started
--   from; publish_zones writes it onto the zone and deletes it, in one transaction with every
--   other zone published with it. Stepping down (lockdown -> control -> precaution -> lifted) is
--   such a draft with a lower level or status 'lifted'; the history is in zone_revisions.
-- * revert_zone writes the fields of an earlier revision back as a new version.
--
-- Concurrency: every RPC here first locks the zone's row (FOR NO KEY UPDATE, the lock an UPDATE
-- of zones takes too), in id order when it touches several, and only then compares versions.
-- Concurrent calls on one zone therefore run one after the other: the first wins, every other
-- one sees the version it changed and gets PT409, never a unique violation or a lost update.
-- (save_zone needs no explicit lock: its UPDATE ... WHERE version = expected re-checks the
-- version after waiting for the row, and answers PT409 when it no longer matches.)

create table public.zone_drafts (
  zone_id text primary key references public.zones (id) on delete cascade,
  -- the zone version this edit started from; publishing needs the zone still at it
  base_version integer not null check (base_version >= 1),
  name text not null check (length(btrim(name)) > 0),
  name_en text,
  level public.zone_level not null,
  -- a draft of a published zone keeps it public or lifts it (a step down from precaution)
  status public.zone_status not null check (status in ('active', 'lifted')),
  geom geometry(MultiPolygon, 4326) not null check (private.is_valid_areal(geom)),
  effective_from timestamptz,
  review_days integer check (review_days between 1 and 60),
  notes text,
  -- bumped by trigger on every change, for commanders editing the same draft at once
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  updated_by uuid,
  updated_by_email text
);
alter table public.zone_drafts enable row level security;
create index zone_drafts_geom_idx on public.zone_drafts using gist (geom);

-- Commanders only, for reading too. A draft is what may be sealed (or lifted) next: neither the
-- public nor dispatchers see it before it is published (dispatchers learn a decision when it is
-- published, through zones, like everyone else; the private `command` channel refuses them for
-- the same reason). anon holds no grant at all; a dispatcher's requests match no row.
revoke all on table public.zone_drafts from anon, authenticated;
grant select, insert, update, delete on table public.zone_drafts to authenticated;
grant all on table public.zone_drafts to service_role;

create policy zone_drafts_select_commander on public.zone_drafts
  for select to authenticated using ((select public.app_role()) = 'commander');
create policy zone_drafts_insert_commander on public.zone_drafts
  for insert to authenticated with check ((select public.app_role()) = 'commander');
create policy zone_drafts_update_commander on public.zone_drafts
  for update to authenticated
  using ((select public.app_role()) = 'commander')
  with check ((select public.app_role()) = 'commander');
create policy zone_drafts_delete_commander on public.zone_drafts
  for delete to authenticated using ((select public.app_role()) = 'commander');

-- Server-owned columns (version, timestamps, author), and drafts only of zones that were
-- published: an unpublished zone is edited in place with save_zone.
create function private.zone_drafts_before_write() returns trigger
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
     and old.notes is not distinct from new.notes then
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

create trigger zone_drafts_before_insert before insert on public.zone_drafts
  for each row execute function private.zone_drafts_before_write();
create trigger zone_drafts_before_update before update on public.zone_drafts
  for each row execute function private.zone_drafts_before_write();

-- Other commanders see drafts appear, change and go live (RLS-checked per subscriber: dispatchers
-- and the public receive nothing). No broadcast trigger: nothing of a draft reaches `public-map`;
-- the public learns of it when publish_zones writes the zone, through the zones trigger.
alter publication supabase_realtime add table public.zone_drafts;

/* Refuses (42501) anyone but a commander, the service role and the superuser. */
create function private.require_commander(action text) returns void
language plpgsql stable set search_path = public, extensions
as $$
begin
  if public.app_role() = 'commander'
     or exists (select 1 from pg_roles r where r.rolname = current_user and (r.rolsuper or r.rolbypassrls)) then
    return;
  end if;
  raise exception 'only commanders may %', action using errcode = '42501';
end
$$;

/*
 * Checks the keys and value types of a zone's fields object (PT400 naming the field), all but
 * geom, which the caller converts with private.polygon_from_geojson. A key present with null
 * clears an optional field; the required ones (id, name, level, status) refuse null.
 */
create function private.check_zone_fields(fields jsonb, settable text[], statuses text[]) returns void
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

/* Whether a JSON value is a version number: a whole number from 1 to 2^31 - 1. */
create function private.is_version(v jsonb) returns boolean
language plpgsql immutable
as $$
declare
  n numeric;
begin
  if jsonb_typeof(v) is distinct from 'number' then
    return false;
  end if;
  n := (v #>> '{}')::numeric;
  return n = trunc(n) and n between 1 and 2147483647;
end
$$;

/* PT409 for a zone that is no longer at the version the caller edited (as save_zone raises it). */
create function private.raise_zone_conflict(zone_id text, current_version integer, expected_version integer) returns void
language plpgsql volatile
as $$
begin
  raise exception 'zone % was changed by someone else (now version %, you edited version %)',
    zone_id, current_version, expected_version
    using errcode = 'PT409',
          detail = jsonb_build_object('current_version', current_version, 'conflict', 'zone', 'zone_id', zone_id)::text,
          hint = 'reload the zone and apply your change again';
end
$$;

/*
 * Creates a zone as an unpublished draft (status 'draft'); returns the row as JSON, geometry as
 * GeoJSON (what save_zone returns). fields: name, level, geom (GeoJSON Polygon, MultiPolygon or
 * a Feature) required; name_en, effective_from, review_days, notes, id optional. An id in use
 * is PT409; an id of a deleted zone continues that zone's history (undo of a delete).
 */
create function public.create_zone(fields jsonb) returns jsonb
language plpgsql volatile security invoker set search_path = public, extensions
as $$
#variable_conflict use_column
declare
  settable text[] := array['id', 'name', 'name_en', 'level', 'geom', 'effective_from', 'review_days', 'notes'];
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
    insert into public.zones as z (id, name, name_en, level, status, geom, effective_from, review_days, notes)
    values (new_id, fields ->> 'name', fields ->> 'name_en', (fields ->> 'level')::public.zone_level, 'draft', shape,
            (fields ->> 'effective_from')::timestamptz, (fields ->> 'review_days')::integer, fields ->> 'notes')
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
 * Saves the pending edit of a published (active) or lifted zone; returns the draft row as JSON.
 * base_version: the zone version the edit started from; it must be the zone's current version
 * (else PT409, detail {current_version, conflict: 'zone'}). Saving a stale draft with the
 * current version rebases it. draft_version: null means "no draft exists yet" (PT409 with the
 * existing draft's version, conflict 'draft', if one does); else the draft's current version
 * (PT409 when it changed, or when the draft was published or discarded meanwhile: current_version
 * null). fields: any of name, name_en, level, status ('active' | 'lifted'), geom, effective_from,
 * review_days, notes; missing ones come from the zone (new draft) or the draft (existing one).
 * A zone with status 'draft' is refused (PT400): it is not public, edit it with save_zone.
 */
create function public.save_zone_draft(zone_id text, base_version integer, draft_version integer, fields jsonb)
returns jsonb
language plpgsql volatile security invoker set search_path = public, extensions
as $$
#variable_conflict use_column
declare
  target text := save_zone_draft.zone_id;
  base integer := save_zone_draft.base_version;
  expected_draft integer := save_zone_draft.draft_version;
  settable text[] := array['name', 'name_en', 'level', 'status', 'geom', 'effective_from', 'review_days', 'notes'];
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
    insert into public.zone_drafts as dd (zone_id, base_version, name, name_en, level, status, geom, effective_from, review_days, notes)
    values (
      target, base,
      case when fields ? 'name' then fields ->> 'name' else z.name end,
      case when fields ? 'name_en' then fields ->> 'name_en' else z.name_en end,
      case when fields ? 'level' then (fields ->> 'level')::public.zone_level else z.level end,
      case when fields ? 'status' then (fields ->> 'status')::public.zone_status else z.status end,
      case when fields ? 'geom' then shape else z.geom end,
      case when fields ? 'effective_from' then (fields ->> 'effective_from')::timestamptz else z.effective_from end,
      case when fields ? 'review_days' then (fields ->> 'review_days')::integer else z.review_days end,
      case when fields ? 'notes' then fields ->> 'notes' else z.notes end
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
    notes = case when fields ? 'notes' then fields ->> 'notes' else dd.notes end
  where dd.zone_id = target
  returning to_jsonb(dd.*) into saved;
  return saved;
end
$$;

/*
 * Deletes the draft of a zone if it is still at draft_version (PT409 otherwise, PT404 without
 * one); returns the discarded draft as JSON. (jsonb rather than void: the local stack's REST
 * layer cannot yet call a void function with arguments in a POST body, see docs/database.md.)
 */
create function public.discard_zone_draft(zone_id text, draft_version integer) returns jsonb
language plpgsql volatile security invoker set search_path = public, extensions
as $$
#variable_conflict use_column
declare
  target text := discard_zone_draft.zone_id;
  expected_draft integer := discard_zone_draft.draft_version;
  current_draft integer;
  discarded jsonb;
begin
  perform private.require_commander('discard drafts');
  if expected_draft is null then
    raise exception 'draft_version is required: the draft version you are discarding' using errcode = 'PT400';
  end if;
  perform 1 from public.zones z where z.id = target for no key update;
  if not found then
    raise exception 'zone % not found', target using errcode = 'PT404';
  end if;
  select d.version into current_draft from public.zone_drafts d where d.zone_id = target for update;
  if not found then
    raise exception 'zone % has no draft', target using errcode = 'PT404';
  end if;
  if current_draft <> expected_draft then
    raise exception 'the draft of zone % was changed by someone else (now version %, you saw version %)',
      target, current_draft, expected_draft
      using errcode = 'PT409',
            detail = jsonb_build_object('current_version', current_draft, 'conflict', 'draft', 'zone_id', target)::text,
            hint = 'reload the draft before discarding it';
  end if;
  delete from public.zone_drafts d where d.zone_id = target returning to_jsonb(d.*) into discarded;
  return discarded;
end
$$;

/*
 * Publishes zones, all or nothing; returns the published rows (JSON array, ordered by id).
 * items: [{id, expected_version, draft_version?}], expected_version = the zone's version the
 * commander reviewed. A zone with status 'draft' becomes active. A zone with a pending draft
 * gets the draft's fields (the zone must still be at expected_version and at the draft's
 * base_version; draft_version, when given, must be the draft's version) and the draft is
 * deleted. An item with nothing to publish is PT400; any conflict raises PT409 naming the zone
 * (detail {zone_id, current_version, conflict}), and nothing is published. Zones are locked in
 * id order, so two overlapping publishes cannot deadlock. Each zone gets one revision and the
 * public broadcast from the zones triggers.
 */
create function public.publish_zones(items jsonb) returns jsonb
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
        effective_from = d.effective_from, review_days = d.review_days, notes = d.notes
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
 * Writes the fields (name, name_en, level, status, geom, effective_from, review_days, notes) of
 * revision to_version of a zone back as a new version, if the zone is still at expected_version
 * (PT409 like save_zone); returns the row. PT404 for an unknown zone or revision; PT400 for a
 * revision that records the zone's deletion. Reverting to what the zone already holds changes
 * nothing (no new version). A pending draft is left as it is: its base_version no longer
 * matches, so publishing it answers PT409 until it is saved again on the new version (or
 * discarded); a commander's unpublished work is never thrown away by someone else's revert.
 */
create function public.revert_zone(id text, to_version integer, expected_version integer) returns jsonb
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
    notes = old ->> 'notes'
  where z.id = target
  returning to_jsonb(z.*) into saved;
  return saved;
end
$$;

-- Commanders (checked inside; RLS applies too) and the service role. Supabase's default
-- privileges grant new functions to anon directly, so anon is revoked by name.
revoke all on function public.create_zone(jsonb), public.save_zone_draft(text, integer, integer, jsonb),
  public.discard_zone_draft(text, integer), public.publish_zones(jsonb), public.revert_zone(text, integer, integer)
  from public, anon, authenticated;
grant execute on function public.create_zone(jsonb), public.save_zone_draft(text, integer, integer, jsonb),
  public.discard_zone_draft(text, integer), public.publish_zones(jsonb), public.revert_zone(text, integer, integer)
  to authenticated, service_role;

-- The same for save_zone, whose migration revoked it from public only: the public never could
-- save (no grant on zones), but it should not be able to call it either.
revoke execute on function public.save_zone(text, integer, jsonb) from anon;
