-- Which enterprises each mobile testing team serves (a team tests the workforce of the factories
-- on its list, on site). A pair of sites: the team is a site of kind 'mobile_testing', the
-- enterprise one of kind 'enterprise' (checked by trigger, as deliveries check their depot).
-- Staff read, commanders write; enterprises are staff-only sites, so the public sees nothing of
-- this, not even which public teams have a list. set_team_enterprises replaces a team's list in
-- one transaction.

create table public.mobile_team_enterprises (
  team_id text not null references public.sites (id) on delete cascade,
  enterprise_id text not null references public.sites (id) on delete cascade,
  created_at timestamptz not null default now(),
  created_by uuid,
  primary key (team_id, enterprise_id)
);
alter table public.mobile_team_enterprises enable row level security;
-- "which teams serve this enterprise"
create index mobile_team_enterprises_enterprise_idx on public.mobile_team_enterprises (enterprise_id);

revoke all on table public.mobile_team_enterprises from anon, authenticated;
grant select, insert, update, delete on table public.mobile_team_enterprises to authenticated;
grant all on table public.mobile_team_enterprises to service_role;

create policy mobile_team_enterprises_select_staff on public.mobile_team_enterprises
  for select to authenticated using ((select public.is_staff()));
create policy mobile_team_enterprises_insert_commander on public.mobile_team_enterprises
  for insert to authenticated with check ((select public.app_role()) = 'commander');
create policy mobile_team_enterprises_update_commander on public.mobile_team_enterprises
  for update to authenticated
  using ((select public.app_role()) = 'commander')
  with check ((select public.app_role()) = 'commander');
create policy mobile_team_enterprises_delete_commander on public.mobile_team_enterprises
  for delete to authenticated using ((select public.app_role()) = 'commander');

/*
 * The team is a mobile testing team and the enterprise an enterprise (23514 otherwise, as a
 * CHECK would answer), and the server owns created_at / created_by. Security definer: the check
 * reads sites whatever the writer may see.
 */
create function private.mobile_team_enterprises_before_write() returns trigger
language plpgsql security definer set search_path = public, extensions
as $$
begin
  if not exists (select 1 from public.sites s where s.id = new.team_id and s.kind = 'mobile_testing') then
    raise exception 'site % is not a mobile testing team', new.team_id using errcode = '23514';
  end if;
  if not exists (select 1 from public.sites s where s.id = new.enterprise_id and s.kind = 'enterprise') then
    raise exception 'site % is not an enterprise', new.enterprise_id using errcode = '23514';
  end if;
  if tg_op = 'INSERT' then
    new.created_at := now();
    new.created_by := auth.uid();
  else
    new.created_at := old.created_at;
    new.created_by := old.created_by;
  end if;
  return new;
end
$$;

create trigger mobile_team_enterprises_before_write before insert or update on public.mobile_team_enterprises
  for each row execute function private.mobile_team_enterprises_before_write();

/*
 * Replaces the list of enterprises a mobile testing team serves, in one transaction; returns
 * {team_id, enterprise_ids} (sorted). An empty list clears it. Pairs that stay keep their
 * created_at / created_by. PT404 for an unknown team; PT400 (nothing written) for a site that is
 * not a mobile testing team, a null list, an id listed twice, or an id that is not an enterprise.
 * The team's row is locked first, so two replacements of one list run one after the other (the
 * last one wins: a list has no version). Commanders only (42501), the service role passes.
 */
create function public.set_team_enterprises(team_id text, enterprise_ids text[]) returns jsonb
language plpgsql volatile security invoker set search_path = public, extensions
as $$
#variable_conflict use_column
declare
  team text := set_team_enterprises.team_id;
  wanted text[] := set_team_enterprises.enterprise_ids;
  team_kind public.site_kind;
  bad text;
begin
  perform private.require_commander('assign enterprises to mobile testing teams');
  if wanted is null then
    raise exception 'enterprise_ids must be a list (empty to clear the team''s list)' using errcode = 'PT400';
  end if;
  if array_position(wanted, null) is not null then
    raise exception 'enterprise_ids must not contain null' using errcode = 'PT400';
  end if;
  if (select count(distinct e) from unnest(wanted) e) <> cardinality(wanted) then
    raise exception 'an enterprise is listed more than once' using errcode = 'PT400';
  end if;
  select s.kind into team_kind from public.sites s where s.id = team for no key update;
  if not found then
    raise exception 'site % not found', team using errcode = 'PT404';
  end if;
  if team_kind <> 'mobile_testing' then
    raise exception 'site % is not a mobile testing team (it is a %)', team, team_kind using errcode = 'PT400';
  end if;
  select e into bad from unnest(wanted) e
  where not exists (select 1 from public.sites s where s.id = e and s.kind = 'enterprise')
  order by e limit 1;
  if found then
    raise exception 'site % is not an enterprise', bad using errcode = 'PT400';
  end if;

  delete from public.mobile_team_enterprises m where m.team_id = team and m.enterprise_id <> all (wanted);
  insert into public.mobile_team_enterprises (team_id, enterprise_id)
  select team, e from unnest(wanted) e
  on conflict do nothing;
  return jsonb_build_object(
    'team_id', team,
    'enterprise_ids', (select coalesce(jsonb_agg(m.enterprise_id order by m.enterprise_id), '[]'::jsonb)
                       from public.mobile_team_enterprises m where m.team_id = team)
  );
end
$$;

revoke all on function public.set_team_enterprises(text, text[]) from public, anon, authenticated;
grant execute on function public.set_team_enterprises(text, text[]) to authenticated, service_role;
