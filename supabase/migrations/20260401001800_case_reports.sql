-- Case reports: how many new cases were reported in a compound on a day, and by which channel
-- (社区筛查 community screening, 集中隔离点 a central quarantine site, 密接追踪 close-contact
-- tracing, …). The zone rules (…001900) read them: "no new case in 江山鼎 since 8 April" proposes
-- a step down, "a case in 锦绣府, a control zone" proposes sealing it. Figures only, never a
-- person: no name, no ID number, no address beyond the compound, no phone (`notes` is for the
-- channel's reference, and says so in docs/database.md).
--
-- Staff read, commanders write: directly under RLS, or through record_case_report and the
-- versioned save_case_report (the app's way: fields checked, PT400 naming them). Every change is
-- kept in case_report_revisions (trigger). Staff screens receive changes live through
-- postgres_changes (supabase_realtime, RLS-checked per subscriber); nothing reaches `public-map`.

create table public.case_reports (
  id text primary key default gen_random_uuid()::text,
  compound_id text not null references public.compounds (id),
  -- the day the cases were reported (district time)
  reported_on date not null,
  count integer not null check (count > 0),
  source text not null check (length(btrim(source)) > 0),
  notes text,
  version integer not null default 1,
  created_at timestamptz not null default now(),
  created_by uuid,
  updated_at timestamptz not null default now(),
  updated_by uuid
);
alter table public.case_reports enable row level security;
-- the rules ask for the last case of each compound
create index case_reports_compound_reported_on_idx on public.case_reports (compound_id, reported_on desc);
create index case_reports_reported_on_idx on public.case_reports (reported_on);

revoke all on table public.case_reports from anon, authenticated;
grant select, insert, update, delete on table public.case_reports to authenticated;
grant all on table public.case_reports to service_role;

create policy case_reports_select_staff on public.case_reports
  for select to authenticated using ((select public.is_staff()));
create policy case_reports_insert_commander on public.case_reports
  for insert to authenticated with check ((select public.app_role()) = 'commander');
create policy case_reports_update_commander on public.case_reports
  for update to authenticated
  using ((select public.app_role()) = 'commander')
  with check ((select public.app_role()) = 'commander');
create policy case_reports_delete_commander on public.case_reports
  for delete to authenticated using ((select public.app_role()) = 'commander');

-- Version, timestamps and authors are the server's (as for deliveries).
create trigger case_reports_touch before insert or update on public.case_reports
  for each row execute function private.touch_row();

create table public.case_report_revisions (
  id bigint generated always as identity primary key,
  case_report_id text not null,
  version integer not null,
  op text not null check (op in ('INSERT', 'UPDATE', 'DELETE')),
  change_kind text not null check (change_kind in ('created', 'updated', 'deleted')),
  changed_fields text[] not null default '{}',
  "row" jsonb not null,
  changed_by uuid,
  changed_by_email text,
  changed_at timestamptz not null default now(),
  unique (case_report_id, version)
);
alter table public.case_report_revisions enable row level security;
create index case_report_revisions_changed_at_idx on public.case_report_revisions (changed_at desc);

revoke all on table public.case_report_revisions from anon, authenticated;
grant select on table public.case_report_revisions to authenticated;
grant all on table public.case_report_revisions to service_role;

create policy case_report_revisions_select_staff on public.case_report_revisions
  for select to authenticated using ((select public.is_staff()));

/* A re-created report (an id that was deleted) continues its history, as sites and zones do. */
create function private.case_reports_continue_version() returns trigger
language plpgsql security definer set search_path = public, extensions
as $$
begin
  new.version := coalesce((select max(r.version) from public.case_report_revisions r where r.case_report_id = new.id), 0) + 1;
  return new;
end
$$;

-- after case_reports_touch (name order), which has set version 1
create trigger case_reports_touch_version before insert on public.case_reports
  for each row execute function private.case_reports_continue_version();

/* One revision per real change; a deletion takes the next version and records the row as it was. */
create function private.case_reports_write_revision() returns trigger
language plpgsql security definer set search_path = public, extensions
as $$
declare
  managed text[] := array['version', 'created_at', 'created_by', 'updated_at', 'updated_by'];
  o jsonb := case when tg_op <> 'INSERT' then to_jsonb(old) end;
  n jsonb := case when tg_op <> 'DELETE' then to_jsonb(new) end;
  fields text[] := '{}';
begin
  if tg_op = 'UPDATE' then
    fields := array(
      select k from jsonb_object_keys(n) k
      where k <> all (managed) and (n -> k) is distinct from (o -> k)
      order by k
    );
    if cardinality(fields) = 0 then
      return null;
    end if;
  end if;
  insert into public.case_report_revisions (case_report_id, version, op, change_kind, changed_fields, "row", changed_by, changed_by_email)
  values (
    case when tg_op = 'DELETE' then old.id else new.id end,
    case when tg_op = 'DELETE' then old.version + 1 else new.version end,
    tg_op,
    case tg_op when 'INSERT' then 'created' when 'UPDATE' then 'updated' else 'deleted' end,
    fields,
    coalesce(n, o),
    auth.uid(),
    auth.email()
  );
  return null;
end
$$;

create trigger case_reports_write_revision after insert or update or delete on public.case_reports
  for each row execute function private.case_reports_write_revision();

/*
 * Checks a case report's fields object (PT400 naming the field). reported_on: an ISO date
 * (YYYY-MM-DD), not after today in the district (Asia/Shanghai); count: a whole number >= 1;
 * compound_id: a known compound; source: a non-empty string; notes: a string or null.
 */
create function private.check_case_report_fields(fields jsonb, settable text[]) returns void
language plpgsql stable set search_path = public, extensions
as $$
declare
  unknown text[];
  n numeric;
  day date;
begin
  if fields is null or jsonb_typeof(fields) <> 'object' then
    raise exception 'fields must be a JSON object' using errcode = 'PT400';
  end if;
  unknown := array(select k from jsonb_object_keys(fields) k where k <> all (settable) order by k);
  if cardinality(unknown) > 0 then
    raise exception 'a case report has no settable field %', array_to_string(unknown, ', ')
      using errcode = 'PT400', hint = 'settable: ' || array_to_string(settable, ', ');
  end if;
  if fields ? 'id' and (jsonb_typeof(fields -> 'id') <> 'string' or length(btrim(fields ->> 'id')) = 0) then
    raise exception 'id must be a non-empty string' using errcode = 'PT400';
  end if;
  if fields ? 'compound_id' then
    if jsonb_typeof(fields -> 'compound_id') <> 'string' then
      raise exception 'compound_id must be the id of a compound' using errcode = 'PT400';
    end if;
    if not exists (select 1 from public.compounds c where c.id = fields ->> 'compound_id') then
      raise exception 'compound % not found', fields ->> 'compound_id' using errcode = 'PT400';
    end if;
  end if;
  if fields ? 'reported_on' then
    if jsonb_typeof(fields -> 'reported_on') <> 'string' or fields ->> 'reported_on' !~ '^\d{4}-\d{2}-\d{2}$' then
      raise exception 'reported_on must be a date as YYYY-MM-DD, not %', fields -> 'reported_on' using errcode = 'PT400';
    end if;
    begin
      day := (fields ->> 'reported_on')::date;
    exception when others then
      raise exception 'reported_on is not a date: %', fields ->> 'reported_on' using errcode = 'PT400';
    end;
    if day > (now() at time zone 'Asia/Shanghai')::date then
      raise exception 'reported_on % is in the future (today is % in the district)', day,
        (now() at time zone 'Asia/Shanghai')::date using errcode = 'PT400';
    end if;
  end if;
  if fields ? 'count' then
    if jsonb_typeof(fields -> 'count') <> 'number' then
      raise exception 'count must be a whole number >= 1' using errcode = 'PT400';
    end if;
    n := (fields ->> 'count')::numeric;
    if n <> trunc(n) or n not between 1 and 2147483647 then
      raise exception 'count must be a whole number >= 1, not %', n using errcode = 'PT400';
    end if;
  end if;
  if fields ? 'source' and (jsonb_typeof(fields -> 'source') <> 'string' or length(btrim(fields ->> 'source')) = 0) then
    raise exception 'source must be a non-empty string (e.g. 社区筛查, 集中隔离点, 密接追踪)' using errcode = 'PT400';
  end if;
  if fields ? 'notes' and jsonb_typeof(fields -> 'notes') not in ('string', 'null') then
    raise exception 'notes must be a string or null' using errcode = 'PT400';
  end if;
end
$$;

/*
 * Records a case report; returns the row as JSON. fields: compound_id, reported_on, count,
 * source required; notes, id optional (an id of the caller's makes a retried call safe: an id in
 * use is PT409). Commanders only (42501).
 */
create function public.record_case_report(fields jsonb) returns jsonb
language plpgsql volatile security invoker set search_path = public, extensions
as $$
#variable_conflict use_column
declare
  settable text[] := array['id', 'compound_id', 'reported_on', 'count', 'source', 'notes'];
  required text[] := array['compound_id', 'reported_on', 'count', 'source'];
  missing text[];
  new_id text;
  existing integer;
  created jsonb;
begin
  perform private.require_commander('record case reports');
  perform private.check_case_report_fields(fields, settable);
  missing := array(select k from unnest(required) k where coalesce(jsonb_typeof(fields -> k), 'null') = 'null');
  if cardinality(missing) > 0 then
    raise exception 'a case report needs %', array_to_string(missing, ', ') using errcode = 'PT400';
  end if;
  new_id := coalesce(fields ->> 'id', gen_random_uuid()::text);
  select r.version into existing from public.case_reports r where r.id = new_id;
  if found then
    raise exception 'a case report with id % already exists', new_id
      using errcode = 'PT409',
            detail = jsonb_build_object('current_version', existing, 'conflict', 'case_report', 'case_report_id', new_id)::text;
  end if;
  begin
    insert into public.case_reports as r (id, compound_id, reported_on, count, source, notes)
    values (new_id, fields ->> 'compound_id', (fields ->> 'reported_on')::date, (fields ->> 'count')::integer,
            btrim(fields ->> 'source'), fields ->> 'notes')
    returning to_jsonb(r.*) into created;
  exception when unique_violation then
    raise exception 'a case report with id % already exists', new_id
      using errcode = 'PT409',
            detail = jsonb_build_object('current_version', null, 'conflict', 'case_report', 'case_report_id', new_id)::text;
  end;
  return created;
end
$$;

/*
 * Saves a patch (any of compound_id, reported_on, count, source, notes; null clears notes) to a
 * case report if it is still at expected_version; returns the row as JSON. PT404 for an unknown
 * report, PT409 (details {current_version, conflict: 'case_report', case_report_id}) when someone
 * saved first, PT400 for bad input; nothing is written then. The row is locked before the version
 * is compared, so one of several saves from one version wins.
 */
create function public.save_case_report(id text, expected_version integer, patch jsonb) returns jsonb
language plpgsql volatile security invoker set search_path = public, extensions
as $$
#variable_conflict use_column
declare
  target text := save_case_report.id;
  expected integer := save_case_report.expected_version;
  settable text[] := array['compound_id', 'reported_on', 'count', 'source', 'notes'];
  current_version integer;
  saved jsonb;
begin
  perform private.require_commander('edit case reports');
  if expected is null then
    raise exception 'expected_version is required: the report version your edit started from' using errcode = 'PT400';
  end if;
  perform private.check_case_report_fields(patch, settable);
  select r.version into current_version from public.case_reports r where r.id = target for no key update;
  if not found then
    raise exception 'case report % not found', target using errcode = 'PT404';
  end if;
  if current_version <> expected then
    raise exception 'case report % was changed by someone else (now version %, you edited version %)',
      target, current_version, expected
      using errcode = 'PT409',
            detail = jsonb_build_object('current_version', current_version, 'conflict', 'case_report', 'case_report_id', target)::text,
            hint = 'reload the report and apply your change again';
  end if;
  update public.case_reports r set
    compound_id = case when patch ? 'compound_id' then patch ->> 'compound_id' else r.compound_id end,
    reported_on = case when patch ? 'reported_on' then (patch ->> 'reported_on')::date else r.reported_on end,
    count = case when patch ? 'count' then (patch ->> 'count')::integer else r.count end,
    source = case when patch ? 'source' then btrim(patch ->> 'source') else r.source end,
    notes = case when patch ? 'notes' then patch ->> 'notes' else r.notes end
  where r.id = target
  returning to_jsonb(r.*) into saved;
  if saved is null then
    raise exception 'permission denied to edit case report %', target using errcode = '42501';
  end if;
  return saved;
end
$$;

revoke all on function public.record_case_report(jsonb), public.save_case_report(text, integer, jsonb)
  from public, anon, authenticated;
grant execute on function public.record_case_report(jsonb), public.save_case_report(text, integer, jsonb)
  to authenticated, service_role;

-- Staff screens follow reports live (postgres_changes; RLS-checked per subscriber, so the public
-- and role-less accounts receive nothing). FULL: an UPDATE event carries the old count, so a
-- screen adjusts its totals without a reload. No broadcast trigger: nothing reaches `public-map`.
alter publication supabase_realtime add table public.case_reports;
alter table public.case_reports replica identity full;
