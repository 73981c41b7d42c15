-- Append-only history of zones, written only by trigger. Revert = write an old revision's
-- row back as a new version. The public reads revisions whose row was public (active or
-- lifted), through public_row, which holds the public columns only.

create table public.zone_revisions (
  id bigint generated always as identity primary key,
  zone_id text not null,
  version integer not null,
  op text not null check (op in ('INSERT', 'UPDATE', 'DELETE')),
  change_kind public.zone_change_kind not null,
  changed_fields text[] not null default '{}',
  "row" jsonb not null,
  public_row jsonb generated always as (
    case when "row" ->> 'status' in ('active', 'lifted') then private.pick("row", private.zone_public_columns()) end
  ) stored,
  changed_by uuid,
  changed_by_email text,
  changed_at timestamptz not null default now(),
  unique (zone_id, version)
);
alter table public.zone_revisions enable row level security;
create index zone_revisions_changed_at_idx on public.zone_revisions (changed_at desc);

revoke all on table public.zone_revisions from anon, authenticated;
grant select (id, zone_id, version, op, change_kind, changed_fields, public_row, changed_at)
  on table public.zone_revisions to anon;
grant select on table public.zone_revisions to authenticated;
grant all on table public.zone_revisions to service_role;

create policy zone_revisions_select_public on public.zone_revisions
  for select to anon using (public_row is not null);
create policy zone_revisions_select_staff on public.zone_revisions
  for select to authenticated using ((select public.is_staff()));

-- Which single word describes an update best; changed_fields keeps the whole list.
create function private.zone_change_kind(fields text[]) returns public.zone_change_kind
language sql immutable
as $$
  select case
    when 'status' = any (fields) then 'status_changed'
    when 'level' = any (fields) then 'level_changed'
    when 'geom' = any (fields) then 'reshaped'
    when fields <@ array['name', 'name_en'] then 'renamed'
    else 'updated'
  end::public.zone_change_kind
$$;

-- Rows written by the seed loader (it sets app.bulk_import for its transaction) are
-- recorded as 'imported', with no author.
create function private.zones_write_revision() returns trigger
language plpgsql security definer set search_path = public, extensions
as $$
declare
  importing boolean := coalesce(current_setting('app.bulk_import', true), '') = 'on';
  fields text[] := '{}';
  kind public.zone_change_kind;
begin
  if tg_op = 'INSERT' then
    kind := case when importing then 'imported' else 'created' end;
  elsif tg_op = 'UPDATE' then
    fields := private.zone_changed_fields(old, new);
    if cardinality(fields) = 0 then
      return null;
    end if;
    kind := case when importing then 'imported' else private.zone_change_kind(fields) end;
  else
    kind := 'deleted';
  end if;

  insert into public.zone_revisions (zone_id, version, op, change_kind, changed_fields, "row", changed_by, changed_by_email)
  values (
    case when tg_op = 'DELETE' then old.id else new.id end,
    case when tg_op = 'DELETE' then old.version + 1 else new.version end,
    tg_op,
    kind,
    fields,
    to_jsonb(case when tg_op = 'DELETE' then old else new end),
    case when importing then null else auth.uid() end,
    case when importing then null else auth.email() end
  );
  return null;
end
$$;

create trigger zones_write_revision after insert or update or delete on public.zones
  for each row execute function private.zones_write_revision();
