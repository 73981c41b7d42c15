-- The dispatcher's write path: plan a supply run with its stops in one transaction, mark stops
-- live, re-plan a run whose route a zone or checkpoint change broke. RLS on deliveries and
-- delivery_stops (…000700) applies unchanged: dispatchers write, staff read, the public nothing.
--
-- A run's `version` (bumped by private.touch_row on every change of the row) covers its stops
-- as far as these RPCs write them: set_stop_status and replan_delivery set the run's
-- `stops_updated_at` in the same update as its status, so every call is one new version, and a
-- re-plan made from an outdated view of the run (a stop delivered meanwhile) is refused with
-- PT409. (Not a trigger on delivery_stops: that would add an UPDATE of the run to the change
-- feed of every direct stop insert. Direct table writes to stops remain possible under RLS but
-- do not bump the run's version: the app writes stops through the RPCs only.)
--
-- Concurrency: every RPC here locks the run's row (FOR NO KEY UPDATE) before it reads or checks
-- anything of the run or its stops. Calls on one run therefore run one after the other: the
-- first wins, the others see what it changed (PT409), and "every stop done => completed" is
-- decided on the committed state, never on two snapshots that each miss the other's stop.

alter table public.deliveries
  -- whether the truck carries a pass for restricted checkpoints (its route may cross them)
  add column has_pass boolean not null default false,
  -- planned departure from the depot
  add column start_at timestamptz,
  -- what the router planned for the whole run (depot to the last stop); null when unknown
  add column planned_seconds integer check (planned_seconds >= 0),
  add column planned_metres integer check (planned_metres >= 0),
  -- when a stop of this run last changed through the RPCs below; bumps the run's version
  add column stops_updated_at timestamptz;

alter table public.delivery_stops
  -- households served at this stop (parcels to hand over); plan_delivery defaults it to the
  -- compound's households
  add column parcels integer check (parcels >= 0);

/*
 * A valid LineString (SRID 4326, 2D) from a GeoJSON LineString or a Feature holding one. Checked
 * here, before any spatial operator sees it: at least two positions, each a finite lng/lat in
 * range, not all the same. (The checks before ST_IsValid need no GEOS.)
 */
create function private.line_from_geojson(g jsonb) returns geometry
language plpgsql immutable set search_path = public, extensions
as $$
declare
  shape geometry;
begin
  if g is null or jsonb_typeof(g) <> 'object' then
    raise exception 'route must be a GeoJSON object' using errcode = 'PT400';
  end if;
  if g ->> 'type' = 'Feature' then
    g := g -> 'geometry';
    if g is null or jsonb_typeof(g) <> 'object' then
      raise exception 'route must be a GeoJSON LineString, not a Feature without geometry' using errcode = 'PT400';
    end if;
  end if;
  if coalesce(g ->> 'type', '') <> 'LineString' then
    raise exception 'route must be a LineString, not %', coalesce(g ->> 'type', 'nothing') using errcode = 'PT400';
  end if;
  if jsonb_typeof(g -> 'coordinates') is distinct from 'array' or jsonb_array_length(g -> 'coordinates') < 2 then
    raise exception 'route must have at least 2 positions' using errcode = 'PT400';
  end if;
  if exists (
    select 1 from jsonb_array_elements(g -> 'coordinates') p
    where jsonb_typeof(p) <> 'array' or jsonb_array_length(p) < 2
       or jsonb_typeof(p -> 0) <> 'number' or jsonb_typeof(p -> 1) <> 'number'
  ) then
    raise exception 'each position of the route must be [lng, lat]' using errcode = 'PT400';
  end if;
  if exists (
    select 1 from jsonb_array_elements(g -> 'coordinates') p
    where (p ->> 0)::numeric not between -180 and 180 or (p ->> 1)::numeric not between -90 and 90
  ) then
    raise exception 'route positions need lng in [-180, 180] and lat in [-90, 90]' using errcode = 'PT400';
  end if;
  begin
    shape := ST_GeomFromGeoJSON(g);
  exception when others then
    raise exception 'route is not valid GeoJSON: %', sqlerrm using errcode = 'PT400';
  end;
  if ST_SRID(shape) not in (0, 4326) then
    raise exception 'route must be in WGS84 (EPSG:4326), not EPSG:%', ST_SRID(shape) using errcode = 'PT400';
  end if;
  shape := ST_Force2D(ST_SetSRID(shape, 4326));
  if ST_NPoints(ST_RemoveRepeatedPoints(shape)) < 2 then
    raise exception 'route must have at least 2 distinct positions' using errcode = 'PT400';
  end if;
  if not ST_IsValid(shape) then
    raise exception 'route is not valid: %', ST_IsValidReason(shape) using errcode = 'PT400';
  end if;
  return shape;
end
$$;

/* Refuses (42501) anyone but a dispatcher, the service role and the superuser. */
create function private.require_dispatcher(action text) returns void
language plpgsql stable set search_path = public, extensions
as $$
begin
  if public.app_role() = 'dispatcher'
     or exists (select 1 from pg_roles r where r.rolname = current_user and (r.rolsuper or r.rolbypassrls)) then
    return;
  end if;
  raise exception 'only dispatchers may %', action using errcode = '42501';
end
$$;

/*
 * The stops of a plan, checked (PT400 naming the problem) and numbered in the given order:
 * a non-empty array of {compound_id, eta?, parcels?}; every compound known and listed once;
 * eta an ISO timestamp or null; parcels a whole number >= 0 or null.
 */
create function private.delivery_stops_input(stops jsonb)
returns table (ord integer, compound_id text, eta timestamptz, parcels integer, has_parcels boolean)
language plpgsql stable set search_path = public, extensions
as $$
#variable_conflict use_column
declare
  element jsonb;
  well_formed boolean;
  n numeric;
  unknown text;
begin
  if stops is null or jsonb_typeof(stops) <> 'array' or jsonb_array_length(stops) = 0 then
    raise exception 'stops must be a non-empty JSON array of {compound_id, eta?, parcels?}' using errcode = 'PT400';
  end if;
  for element in select e from jsonb_array_elements(stops) e loop
    well_formed := jsonb_typeof(element) = 'object';
    if well_formed then
      well_formed := not exists (select 1 from jsonb_object_keys(element) k where k not in ('compound_id', 'eta', 'parcels'))
        and jsonb_typeof(element -> 'compound_id') is not distinct from 'string'
        and coalesce(jsonb_typeof(element -> 'eta'), 'null') in ('string', 'null')
        and coalesce(jsonb_typeof(element -> 'parcels'), 'null') in ('number', 'null');
    end if;
    if not well_formed then
      raise exception 'each stop must be {compound_id: string, eta?: timestamp | null, parcels?: integer | null}, not %', element
        using errcode = 'PT400';
    end if;
    if jsonb_typeof(element -> 'parcels') = 'number' then
      n := (element ->> 'parcels')::numeric;
      if n <> trunc(n) or n not between 0 and 2147483647 then
        raise exception 'parcels must be a whole number >= 0, not %', n using errcode = 'PT400';
      end if;
    end if;
    if jsonb_typeof(element -> 'eta') = 'string' then
      begin
        perform (element ->> 'eta')::timestamptz;
      exception when others then
        raise exception 'eta is not a timestamp: %', element ->> 'eta' using errcode = 'PT400';
      end;
    end if;
  end loop;
  if (select count(distinct e ->> 'compound_id') from jsonb_array_elements(stops) e) <> jsonb_array_length(stops) then
    raise exception 'a compound is listed more than once: a run stops once at each compound' using errcode = 'PT400';
  end if;
  select e ->> 'compound_id' into unknown
  from jsonb_array_elements(stops) e
  where not exists (select 1 from public.compounds c where c.id = e ->> 'compound_id')
  limit 1;
  if found then
    raise exception 'compound % not found', unknown using errcode = 'PT400';
  end if;
  return query
    select e.ord::integer, e.value ->> 'compound_id', (e.value ->> 'eta')::timestamptz,
           (e.value ->> 'parcels')::integer, e.value ? 'parcels' and jsonb_typeof(e.value -> 'parcels') <> 'null'
    from jsonb_array_elements(stops) with ordinality as e (value, ord)
    order by e.ord;
end
$$;

/* {delivery, stops}: the run and its stops by seq, as JSON (geometry as GeoJSON). */
create function private.delivery_json(run_id text) returns jsonb
language sql stable set search_path = public, extensions
as $$
  select jsonb_build_object(
    'delivery', (select to_jsonb(d.*) from public.deliveries d where d.id = run_id),
    'stops', (select coalesce(jsonb_agg(to_jsonb(s.*) order by s.seq), '[]'::jsonb)
              from public.delivery_stops s where s.delivery_id = run_id)
  )
$$;

/* PT409 for a run that is no longer at the version the caller saw. */
create function private.raise_delivery_conflict(run_id text, current_version integer, expected_version integer) returns void
language plpgsql volatile
as $$
begin
  raise exception 'delivery % was changed by someone else (now version %, you saw version %)',
    run_id, current_version, expected_version
    using errcode = 'PT409',
          detail = jsonb_build_object('current_version', current_version, 'conflict', 'delivery', 'delivery_id', run_id)::text,
          hint = 'reload the delivery and plan it again';
end
$$;

/*
 * Plans a run: inserts the delivery and its stops (seq 1..n in the given order) in one
 * transaction; returns {delivery, stops}. run: {depot_id, truck, stops: [{compound_id, eta?,
 * parcels?}], id?, has_pass?, route? (GeoJSON LineString or a Feature of one, or null), notes?,
 * start_at?, planned_seconds?, planned_metres?}. parcels defaults to the compound's households.
 * PT400 for bad input (nothing is written), PT409 for an id in use (a retried plan), 42501 for
 * anyone but a dispatcher (the service role passes).
 */
create function public.plan_delivery(run jsonb) returns jsonb
language plpgsql volatile security invoker set search_path = public, extensions
as $$
#variable_conflict use_column
declare
  settable text[] := array['id', 'depot_id', 'truck', 'has_pass', 'route', 'notes', 'start_at', 'planned_seconds',
                           'planned_metres', 'stops'];
  unknown text[];
  shape geometry;
  new_id text;
  key text;
  n numeric;
begin
  perform private.require_dispatcher('plan deliveries');
  if run is null or jsonb_typeof(run) <> 'object' then
    raise exception 'run must be a JSON object' using errcode = 'PT400';
  end if;
  unknown := array(select k from jsonb_object_keys(run) k where k <> all (settable) order by k);
  if cardinality(unknown) > 0 then
    raise exception 'a delivery has no field %', array_to_string(unknown, ', ')
      using errcode = 'PT400', hint = 'fields: ' || array_to_string(settable, ', ');
  end if;
  if run ? 'id' and (jsonb_typeof(run -> 'id') <> 'string' or length(btrim(run ->> 'id')) = 0) then
    raise exception 'id must be a non-empty string' using errcode = 'PT400';
  end if;
  if jsonb_typeof(run -> 'depot_id') is distinct from 'string' then
    raise exception 'depot_id must be the id of a supply depot' using errcode = 'PT400';
  end if;
  if not exists (select 1 from public.sites s where s.id = run ->> 'depot_id' and s.kind = 'depot') then
    raise exception 'site % is not a supply depot', run ->> 'depot_id' using errcode = 'PT400';
  end if;
  if jsonb_typeof(run -> 'truck') is distinct from 'string' or length(btrim(run ->> 'truck')) = 0 then
    raise exception 'truck must be a non-empty string' using errcode = 'PT400';
  end if;
  if coalesce(jsonb_typeof(run -> 'has_pass'), 'null') not in ('boolean', 'null') then
    raise exception 'has_pass must be true or false' using errcode = 'PT400';
  end if;
  if coalesce(jsonb_typeof(run -> 'notes'), 'null') not in ('string', 'null') then
    raise exception 'notes must be a string or null' using errcode = 'PT400';
  end if;
  if coalesce(jsonb_typeof(run -> 'start_at'), 'null') = 'string' then
    begin
      perform (run ->> 'start_at')::timestamptz;
    exception when others then
      raise exception 'start_at is not a timestamp: %', run ->> 'start_at' using errcode = 'PT400';
    end;
  elsif coalesce(jsonb_typeof(run -> 'start_at'), 'null') <> 'null' then
    raise exception 'start_at must be an ISO 8601 timestamp string or null' using errcode = 'PT400';
  end if;
  foreach key in array array['planned_seconds', 'planned_metres'] loop
    if coalesce(jsonb_typeof(run -> key), 'null') <> 'null' then
      if jsonb_typeof(run -> key) <> 'number' then
        raise exception '% must be a whole number >= 0 or null', key using errcode = 'PT400';
      end if;
      n := (run ->> key)::numeric;
      if n <> trunc(n) or n not between 0 and 2147483647 then
        raise exception '% must be a whole number >= 0, not %', key, n using errcode = 'PT400';
      end if;
    end if;
  end loop;
  if coalesce(jsonb_typeof(run -> 'route'), 'null') <> 'null' then
    shape := private.line_from_geojson(run -> 'route');
  end if;
  -- checks the stops (PT400) before anything is written
  perform count(*) from private.delivery_stops_input(run -> 'stops');

  new_id := coalesce(run ->> 'id', gen_random_uuid()::text);
  if exists (select 1 from public.deliveries d where d.id = new_id) then
    raise exception 'a delivery with id % already exists', new_id
      using errcode = 'PT409', detail = jsonb_build_object('conflict', 'delivery', 'delivery_id', new_id)::text;
  end if;
  begin
    insert into public.deliveries (id, depot_id, truck, has_pass, route, notes, start_at, planned_seconds,
                                   planned_metres, stops_updated_at)
    values (new_id, run ->> 'depot_id', btrim(run ->> 'truck'), coalesce((run ->> 'has_pass')::boolean, false), shape,
            run ->> 'notes', (run ->> 'start_at')::timestamptz, (run ->> 'planned_seconds')::integer,
            (run ->> 'planned_metres')::integer, now());
  exception when unique_violation then
      raise exception 'a delivery with id % already exists', new_id
      using errcode = 'PT409', detail = jsonb_build_object('conflict', 'delivery', 'delivery_id', new_id)::text;
  end;
  insert into public.delivery_stops (delivery_id, seq, compound_id, eta, parcels)
  select new_id, i.ord, i.compound_id, i.eta, case when i.has_parcels then i.parcels else c.households end
  from private.delivery_stops_input(run -> 'stops') i
  join public.compounds c on c.id = i.compound_id
  order by i.ord;
  return private.delivery_json(new_id);
end
$$;

/*
 * Moves a stop to `status` if it is still at `expected_status` (else PT409, detail
 * {conflict: 'stop', stop_id, delivery_id, current_status}); returns {stop, delivery}.
 * Transitions: pending -> arrived -> delivered; pending | arrived -> skipped; and one step back
 * for a mis-tap: delivered -> arrived, arrived -> pending, skipped -> pending. Others are PT400.
 * arrived_at / delivered_at are set to now() on the way forward and cleared on the way back
 * (skipped keeps arrived_at; skipped -> pending clears it). The run follows its stops: completed
 * when every stop is delivered or skipped, en_route as soon as one is not pending (and when a
 * completed run's stop steps back); it never goes back to planned. A cancelled run is PT400.
 */
create function public.set_stop_status(stop_id text, status public.stop_status, expected_status public.stop_status)
returns jsonb
language plpgsql volatile security invoker set search_path = public, extensions
as $$
#variable_conflict use_column
declare
  target text := set_stop_status.stop_id;
  wanted public.stop_status := set_stop_status.status;
  expected public.stop_status := set_stop_status.expected_status;
  run_id text;
  run public.deliveries;
  st public.delivery_stops;
  others_open integer;
  any_progress boolean;
  next_status public.delivery_status;
  saved jsonb;
begin
  perform private.require_dispatcher('mark stops');
  if wanted is null or expected is null then
    raise exception 'status and expected_status are required' using errcode = 'PT400';
  end if;
  select s.delivery_id into run_id from public.delivery_stops s where s.id = target;
  if not found then
    raise exception 'stop % not found', target using errcode = 'PT404';
  end if;
  select * into run from public.deliveries d where d.id = run_id for no key update;
  select * into st from public.delivery_stops s where s.id = target and s.delivery_id = run_id for update;
  if run.id is null or st.id is null then
    -- the stop was re-planned away (or its run deleted) while this call waited
    raise exception 'stop % not found', target using errcode = 'PT404';
  end if;
  if st.status <> expected then
    raise exception 'stop % is % now, not % (someone marked it meanwhile)', target, st.status, expected
      using errcode = 'PT409',
            detail = jsonb_build_object('conflict', 'stop', 'stop_id', target, 'delivery_id', run_id,
                                        'current_status', st.status)::text,
            hint = 'reload the run and mark the stop again';
  end if;
  if run.status = 'cancelled' then
    raise exception 'delivery % is cancelled: its stops cannot be marked', run_id using errcode = 'PT400';
  end if;
  if expected::text || '>' || wanted::text not in (
    'pending>arrived', 'arrived>delivered', 'pending>skipped', 'arrived>skipped',
    'delivered>arrived', 'arrived>pending', 'skipped>pending'
  ) then
    raise exception 'a stop cannot go from % to %', expected, wanted
      using errcode = 'PT400',
            hint = 'forward: pending -> arrived -> delivered, pending or arrived -> skipped; back one step: delivered -> arrived, arrived -> pending, skipped -> pending';
  end if;

  select count(*) filter (where s.status not in ('delivered', 'skipped')),
         coalesce(bool_or(s.status <> 'pending'), false)
    into others_open, any_progress
  from public.delivery_stops s where s.delivery_id = run_id and s.id <> target;
  next_status := case
    when others_open = 0 and wanted in ('delivered', 'skipped') then 'completed'
    when any_progress or wanted <> 'pending' or run.status in ('en_route', 'completed') then 'en_route'
    else run.status
  end;
  -- the run first (status and stops_updated_at in one update: one new version), then the stop
  update public.deliveries d set status = next_status, stops_updated_at = now() where d.id = run_id;
  update public.delivery_stops s set
    status = wanted,
    arrived_at = case
      when wanted = 'arrived' and expected = 'pending' then now()
      when wanted = 'pending' then null
      else s.arrived_at end,
    delivered_at = case when wanted = 'delivered' then now() else null end
  where s.id = target
  returning to_jsonb(s.*) into saved;
  return jsonb_build_object('stop', saved,
                            'delivery', (select to_jsonb(d.*) from public.deliveries d where d.id = run_id));
end
$$;

/*
 * Re-plans a run from version expected_version (else PT409, detail {current_version, conflict:
 * 'delivery', delivery_id}): the stops already delivered or skipped stay, first, in their order;
 * `stops` ([{compound_id, eta?, parcels?}], non-empty) replaces the others in the new order. A
 * listed compound the run still had keeps its stop (id, status, arrived_at; parcels unless
 * given); the unlisted ones are deleted; new ones are pending (parcels: the compound's
 * households). eta is as given (absent: null). `route`: the new GeoJSON LineString or null.
 * Listing a compound already delivered or skipped on this run, or re-planning a completed or
 * cancelled run, is PT400. One new version; returns {delivery, stops}. All or nothing.
 */
create function public.replan_delivery(delivery_id text, expected_version integer, route jsonb, stops jsonb)
returns jsonb
language plpgsql volatile security invoker set search_path = public, extensions
as $$
#variable_conflict use_column
declare
  run_id text := replan_delivery.delivery_id;
  expected integer := replan_delivery.expected_version;
  shape geometry;
  run public.deliveries;
  done_count integer;
  repeated text;
  progressed boolean;
begin
  perform private.require_dispatcher('re-plan deliveries');
  if expected is null then
    raise exception 'expected_version is required: the version of the run you re-planned' using errcode = 'PT400';
  end if;
  if coalesce(jsonb_typeof(route), 'null') <> 'null' then
    shape := private.line_from_geojson(route);
  end if;
  perform count(*) from private.delivery_stops_input(stops);

  select * into run from public.deliveries d where d.id = run_id for no key update;
  if not found then
    raise exception 'delivery % not found', run_id using errcode = 'PT404';
  end if;
  if run.version <> expected then
    perform private.raise_delivery_conflict(run_id, run.version, expected);
  end if;
  if run.status in ('completed', 'cancelled') then
    raise exception 'delivery % is %: plan a new run instead', run_id, run.status using errcode = 'PT400';
  end if;
  select i.compound_id into repeated
  from private.delivery_stops_input(stops) i
  join public.delivery_stops s on s.delivery_id = run_id and s.compound_id = i.compound_id
  where s.status in ('delivered', 'skipped')
  order by i.ord
  limit 1;
  if found then
    raise exception 'compound % was already served on this run (its stop is done)', repeated using errcode = 'PT400';
  end if;

  select count(*) into done_count
  from public.delivery_stops s where s.delivery_id = run_id and s.status in ('delivered', 'skipped');
  select done_count > 0 or exists (
    select 1 from private.delivery_stops_input(stops) i
    join public.delivery_stops s on s.delivery_id = run_id and s.compound_id = i.compound_id
    where s.status <> 'pending'
  ) into progressed;

  -- the run first (route, status, stops_updated_at in one update: one new version), then the stops
  update public.deliveries d set
    route = shape,
    status = case when progressed then 'en_route'::public.delivery_status else d.status end,
    stops_updated_at = now()
  where d.id = run_id;

  delete from public.delivery_stops s
  where s.delivery_id = run_id and s.status not in ('delivered', 'skipped')
    and s.compound_id not in (select i.compound_id from private.delivery_stops_input(stops) i);
  -- done stops first, in their order (the unique (delivery_id, seq) is checked at commit)
  update public.delivery_stops s set seq = k.n
  from (
    select s2.id, row_number() over (order by s2.seq)::integer as n
    from public.delivery_stops s2 where s2.delivery_id = run_id and s2.status in ('delivered', 'skipped')
  ) k
  where s.id = k.id and s.seq <> k.n;
  update public.delivery_stops s set
    seq = done_count + i.ord,
    eta = i.eta,
    parcels = case when i.has_parcels then i.parcels else s.parcels end
  from private.delivery_stops_input(stops) i
  where s.delivery_id = run_id and s.compound_id = i.compound_id;
  insert into public.delivery_stops (delivery_id, seq, compound_id, eta, parcels)
  select run_id, done_count + i.ord, i.compound_id, i.eta, case when i.has_parcels then i.parcels else c.households end
  from private.delivery_stops_input(stops) i
  join public.compounds c on c.id = i.compound_id
  where not exists (select 1 from public.delivery_stops s where s.delivery_id = run_id and s.compound_id = i.compound_id)
  order by i.ord;
  return private.delivery_json(run_id);
end
$$;

-- Dispatchers (checked inside; RLS applies too) and the service role. Supabase's default
-- privileges grant new functions to anon directly, so anon is revoked by name.
revoke all on function public.plan_delivery(jsonb),
  public.set_stop_status(text, public.stop_status, public.stop_status),
  public.replan_delivery(text, integer, jsonb, jsonb)
  from public, anon, authenticated;
grant execute on function public.plan_delivery(jsonb),
  public.set_stop_status(text, public.stop_status, public.stop_status),
  public.replan_delivery(text, integer, jsonb, jsonb)
  to authenticated, service_role;

-- deliveries and delivery_stops are in supabase_realtime since …000900 (every dispatcher and
-- commander sees runs and stops change; RLS-checked per subscriber, so the public receives
-- nothing), and have no broadcast trigger: nothing of a run reaches `public-map`.
