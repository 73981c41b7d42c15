-- The zone rules as configuration: when the app proposes to step a zone down, and whether a case
-- in a control zone proposes sealing. One row (the district's current rules), staff read (the
-- proposals are computed on staff screens), commanders update it, versioned like everything else
-- a commander edits. The rules only ever propose: a commander decides (…002000) and publishes.
--
-- Why in the database and not in the app: both headquarters and the field read the same rules,
-- a change reaches every open screen at once (supabase_realtime), and the decision records can
-- say which rule, at which version, proposed them.

create table public.zone_rules (
  -- a one-row table: the only possible key is true
  id boolean primary key default true check (id),
  -- a lockdown zone without a new case for this many days: propose stepping down to control
  lockdown_to_control_days integer not null default 7 check (lockdown_to_control_days between 1 and 60),
  -- a control zone without a new case for this many days: propose stepping down to precaution
  control_to_precaution_days integer not null default 3 check (control_to_precaution_days between 1 and 60),
  -- a case reported in a compound of a control zone: propose sealing it (a lockdown zone)
  seal_on_case_in_control boolean not null default true,
  version integer not null default 1,
  updated_at timestamptz not null default now(),
  updated_by uuid,
  updated_by_email text
);
alter table public.zone_rules enable row level security;

insert into public.zone_rules (id) values (true);

-- Nobody inserts or deletes the row through the API: there is exactly one.
revoke all on table public.zone_rules from anon, authenticated;
grant select, update on table public.zone_rules to authenticated;
grant all on table public.zone_rules to service_role;

create policy zone_rules_select_staff on public.zone_rules
  for select to authenticated using ((select public.is_staff()));
create policy zone_rules_update_commander on public.zone_rules
  for update to authenticated
  using ((select public.app_role()) = 'commander')
  with check ((select public.app_role()) = 'commander');

create trigger zone_rules_touch before update on public.zone_rules
  for each row execute function private.touch_row();

/* The author's email with the version (after zone_rules_touch, by name order). */
create function private.zone_rules_author() returns trigger
language plpgsql set search_path = public, extensions
as $$
begin
  if new.id is distinct from old.id then
    raise exception 'zone_rules has one row: its id cannot change' using errcode = 'PT400';
  end if;
  new.updated_by_email := case when new.version <> old.version then auth.email() else old.updated_by_email end;
  return new;
end
$$;

create trigger zone_rules_touch_author before update on public.zone_rules
  for each row execute function private.zone_rules_author();

/*
 * Saves a patch to the rules (any of lockdown_to_control_days, control_to_precaution_days: whole
 * days from 1 to 60; seal_on_case_in_control: true or false) if they are still at
 * expected_version; returns the row as JSON. PT409 (details {current_version, conflict:
 * 'zone_rules'}) when someone saved first; PT400 for bad input. Commanders only (42501).
 */
create function public.save_zone_rules(expected_version integer, patch jsonb) returns jsonb
language plpgsql volatile security invoker set search_path = public, extensions
as $$
#variable_conflict use_column
declare
  expected integer := save_zone_rules.expected_version;
  settable text[] := array['lockdown_to_control_days', 'control_to_precaution_days', 'seal_on_case_in_control'];
  unknown text[];
  key text;
  n numeric;
  current_version integer;
  saved jsonb;
begin
  perform private.require_commander('change the zone rules');
  if expected is null then
    raise exception 'expected_version is required: the rules version your edit started from' using errcode = 'PT400';
  end if;
  if patch is null or jsonb_typeof(patch) <> 'object' then
    raise exception 'patch must be a JSON object' using errcode = 'PT400';
  end if;
  unknown := array(select k from jsonb_object_keys(patch) k where k <> all (settable) order by k);
  if cardinality(unknown) > 0 then
    raise exception 'the zone rules have no settable field %', array_to_string(unknown, ', ')
      using errcode = 'PT400', hint = 'settable: ' || array_to_string(settable, ', ');
  end if;
  foreach key in array array['lockdown_to_control_days', 'control_to_precaution_days'] loop
    if patch ? key then
      if jsonb_typeof(patch -> key) <> 'number' then
        raise exception '% must be a whole number of days from 1 to 60', key using errcode = 'PT400';
      end if;
      n := (patch ->> key)::numeric;
      if n <> trunc(n) or n not between 1 and 60 then
        raise exception '% must be a whole number of days from 1 to 60, not %', key, n using errcode = 'PT400';
      end if;
    end if;
  end loop;
  if patch ? 'seal_on_case_in_control' and jsonb_typeof(patch -> 'seal_on_case_in_control') <> 'boolean' then
    raise exception 'seal_on_case_in_control must be true or false' using errcode = 'PT400';
  end if;

  select r.version into current_version from public.zone_rules r where r.id for no key update;
  if not found then
    raise exception 'the zone rules are not readable' using errcode = '42501';
  end if;
  if current_version <> expected then
    raise exception 'the zone rules were changed by someone else (now version %, you edited version %)', current_version, expected
      using errcode = 'PT409',
            detail = jsonb_build_object('current_version', current_version, 'conflict', 'zone_rules')::text,
            hint = 'reload the rules and apply your change again';
  end if;
  update public.zone_rules r set
    lockdown_to_control_days = case when patch ? 'lockdown_to_control_days' then (patch ->> 'lockdown_to_control_days')::integer else r.lockdown_to_control_days end,
    control_to_precaution_days = case when patch ? 'control_to_precaution_days' then (patch ->> 'control_to_precaution_days')::integer else r.control_to_precaution_days end,
    seal_on_case_in_control = case when patch ? 'seal_on_case_in_control' then (patch ->> 'seal_on_case_in_control')::boolean else r.seal_on_case_in_control end
  where r.id
  returning to_jsonb(r.*) into saved;
  if saved is null then
    raise exception 'permission denied to change the zone rules' using errcode = '42501';
  end if;
  return saved;
end
$$;

revoke all on function public.save_zone_rules(integer, jsonb) from public, anon, authenticated;
grant execute on function public.save_zone_rules(integer, jsonb) to authenticated, service_role;

-- Every open staff screen recomputes its proposals when a commander changes the rules.
alter publication supabase_realtime add table public.zone_rules;
