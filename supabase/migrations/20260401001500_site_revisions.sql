-- Append-only history of sites, written only by trigger: the full row as it became after every
-- insert, update and delete, with its version, who and when. Headquarters reads it for trends
-- over time (quarantine rooms ready and occupied per day, a testing site's queue). Staff only:
-- quarantine sites, depots and enterprises are secret, and so is their history, so unlike
-- zone_revisions there is no public view at all (anon holds no grant).

create table public.site_revisions (
  id bigint generated always as identity primary key,
  site_id text not null,
  -- the site's kind, out of the row: trend queries filter by it without reading the JSON
  site_kind public.site_kind not null,
  version integer not null,
  op text not null check (op in ('INSERT', 'UPDATE', 'DELETE')),
  -- 'imported' (the seed loader), 'created', 'updated', 'deleted'
  change_kind text not null check (change_kind in ('imported', 'created', 'updated', 'deleted')),
  changed_fields text[] not null default '{}',
  "row" jsonb not null,
  changed_by uuid,
  changed_by_email text,
  changed_at timestamptz not null default now(),
  unique (site_id, version)
);
alter table public.site_revisions enable row level security;
create index site_revisions_changed_at_idx on public.site_revisions (changed_at desc);
-- the quarantine-capacity trend: every revision of one kind in a time range
create index site_revisions_kind_changed_at_idx on public.site_revisions (site_kind, changed_at);

revoke all on table public.site_revisions from anon, authenticated;
grant select on table public.site_revisions to authenticated;
grant all on table public.site_revisions to service_role;

create policy site_revisions_select_staff on public.site_revisions
  for select to authenticated using ((select public.is_staff()));

-- The columns of sites that the server owns: not "fields" of a change.
create function private.site_managed_columns() returns text[]
language sql immutable
as $$ select array['version', 'updated_at', 'updated_by'] $$;

/*
 * A re-created site (an id that was deleted) continues the version history of its deleted
 * predecessor, as a zone does, so (site_id, version) stays unique in site_revisions. Runs after
 * sites_touch (triggers fire in name order), which has set version 1. Security definer: it reads
 * site_revisions, whoever inserts.
 */
create function private.sites_continue_version() returns trigger
language plpgsql security definer set search_path = public, extensions
as $$
begin
  new.version := coalesce((select max(r.version) from public.site_revisions r where r.site_id = new.id), 0) + 1;
  return new;
end
$$;

create trigger sites_touch_version before insert on public.sites
  for each row execute function private.sites_continue_version();

/*
 * One revision per real change (an update that changes nothing is not one: touch_row kept its
 * version). A deletion takes the next version and records the row as it was. Rows written by the
 * seed loader (app.bulk_import on) are 'imported', with no author.
 */
create function private.sites_write_revision() returns trigger
language plpgsql security definer set search_path = public, extensions
as $$
declare
  importing boolean := coalesce(current_setting('app.bulk_import', true), '') = 'on';
  managed text[] := private.site_managed_columns();
  o jsonb := case when tg_op <> 'INSERT' then to_jsonb(old) end;
  n jsonb := case when tg_op <> 'DELETE' then to_jsonb(new) end;
  fields text[] := '{}';
  kind text;
begin
  if tg_op = 'INSERT' then
    kind := case when importing then 'imported' else 'created' end;
  elsif tg_op = 'UPDATE' then
    fields := array(
      select k from jsonb_object_keys(n) k
      where k <> all (managed) and (n -> k) is distinct from (o -> k)
      order by k
    );
    if cardinality(fields) = 0 then
      return null;
    end if;
    kind := case when importing then 'imported' else 'updated' end;
  else
    kind := 'deleted';
  end if;

  insert into public.site_revisions (site_id, site_kind, version, op, change_kind, changed_fields, "row", changed_by, changed_by_email)
  values (
    case when tg_op = 'DELETE' then old.id else new.id end,
    case when tg_op = 'DELETE' then old.kind else new.kind end,
    case when tg_op = 'DELETE' then old.version + 1 else new.version end,
    tg_op,
    kind,
    fields,
    coalesce(n, o),
    case when importing then null else auth.uid() end,
    case when importing then null else auth.email() end
  );
  return null;
end
$$;

create trigger sites_write_revision after insert or update or delete on public.sites
  for each row execute function private.sites_write_revision();
