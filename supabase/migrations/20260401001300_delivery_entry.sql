-- Runs that come in from outside the district. A supply truck either leaves from a supply depot
-- inside the district or comes along the expressway from outside and enters at an expressway
-- checkpoint. `deliveries.depot_id` (the name is kept for compatibility: the app, the REST API
-- and the change feed already use it) is therefore where the run starts: a supply depot, or the
-- expressway checkpoint a truck from outside enters by. Any other kind of site is still refused.
--
-- Two checks, as before:
-- - private.deliveries_check_depot (trigger, every insert and every change of depot_id, 23514):
--   the kind of the site only, depot or checkpoint. It is what a run's row must always satisfy.
--   A checkpoint's state changes over the day, so the trigger does not look at it: a run saved
--   while its entry was open stays a valid row when the entry closes later (re-planning such a
--   run is the dispatcher's business, as for a zone that closes across its route).
-- - plan_delivery (PT400, nothing written): the kind, and for a checkpoint its state at the time
--   of planning: 'closed' is refused, 'restricted' only lets a truck with `has_pass` in (as the
--   router treats a restricted checkpoint, src/routing/closures.ts), 'open' lets anyone in.
--
-- replan_delivery is unchanged: it never changes a run's start or has_pass, and a run that is
-- en route has already entered; refusing its re-plan because the entry closed behind it would
-- leave a truck inside the district without a usable route.

/* Where a delivery starts: a supply depot, or the expressway checkpoint a truck from outside enters by. */
create or replace function private.deliveries_check_depot() returns trigger
language plpgsql security definer set search_path = public, extensions
as $$
begin
  if not exists (
    select 1 from public.sites s where s.id = new.depot_id and s.kind in ('depot', 'checkpoint')
  ) then
    raise exception 'site % is neither a supply depot nor an expressway checkpoint', new.depot_id
      using errcode = '23514';
  end if;
  return new;
end
$$;

/*
 * Plans a run: inserts the delivery and its stops (seq 1..n in the given order) in one
 * transaction; returns {delivery, stops}. run: {depot_id, truck, stops: [{compound_id, eta?,
 * parcels?}], id?, has_pass?, route? (GeoJSON LineString or a Feature of one, or null), notes?,
 * start_at?, planned_seconds?, planned_metres?}. depot_id is where the run starts: a supply
 * depot, or the expressway checkpoint a truck from outside enters by; a checkpoint that is
 * closed, or restricted for a truck without has_pass, is refused. parcels defaults to the
 * compound's households. PT400 for bad input (nothing is written), PT409 for an id in use (a
 * retried plan), 42501 for anyone but a dispatcher (the service role passes).
 */
create or replace function public.plan_delivery(run jsonb) returns jsonb
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
  start_kind public.site_kind;
  entry_state public.checkpoint_state;
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
    raise exception 'depot_id must be the id of a supply depot or an expressway checkpoint' using errcode = 'PT400';
  end if;
  select s.kind, s.state into start_kind, entry_state from public.sites s where s.id = run ->> 'depot_id';
  if start_kind is null or start_kind not in ('depot', 'checkpoint') then
    raise exception 'site % is neither a supply depot nor an expressway checkpoint', run ->> 'depot_id'
      using errcode = 'PT400';
  end if;
  if jsonb_typeof(run -> 'truck') is distinct from 'string' or length(btrim(run ->> 'truck')) = 0 then
    raise exception 'truck must be a non-empty string' using errcode = 'PT400';
  end if;
  if coalesce(jsonb_typeof(run -> 'has_pass'), 'null') not in ('boolean', 'null') then
    raise exception 'has_pass must be true or false' using errcode = 'PT400';
  end if;
  -- a run from outside enters where the checkpoint lets the truck in, as it is now
  if start_kind = 'checkpoint' then
    if entry_state = 'closed' then
      raise exception 'checkpoint % is closed: no truck can enter there', run ->> 'depot_id'
        using errcode = 'PT400', hint = 'start the run at an open checkpoint or at a supply depot';
    elsif entry_state = 'restricted' and not coalesce((run ->> 'has_pass')::boolean, false) then
      raise exception 'checkpoint % is restricted: the truck needs a pass', run ->> 'depot_id'
        using errcode = 'PT400', hint = 'set has_pass if the truck carries one, or start the run at an open checkpoint';
    end if;
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

-- `create or replace` keeps the functions' grants (…001200: dispatchers through authenticated,
-- and the service role; not anon) and the trigger deliveries_check_depot (…000700) on them.
