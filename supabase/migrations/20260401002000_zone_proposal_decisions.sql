-- A commander's answer to what the zone rules (…001900) propose: "江山鼎封控区: no new case since
-- 8 April; step down to control on 15 April?" (kind 'step_down') or "a case reported in 锦绣府
-- (control zone): seal it?" (kind 'seal'). Accepted or dismissed, with a reason for a dismissal.
-- A record: staff read it (it appears in the zone's history in the app), commanders insert it,
-- nobody updates or deletes it through the API (no grant). Accepting records the decision only;
-- the change itself is a zone draft published as usual (…001100), which has its own revision.
--
-- zone_id: the zone the proposal is about; required for a step down; for a seal, the zone the
-- compound lies in now (a control zone), or null when it lies in none. No foreign key, as in
-- zone_revisions: the record outlives a deleted zone; the zone must exist when the decision is
-- made (checked on insert). compound_id: the compound to seal (required for 'seal').

create table public.zone_proposal_decisions (
  id text primary key default gen_random_uuid()::text,
  kind text not null check (kind in ('step_down', 'seal')),
  zone_id text,
  -- the zone's version when the commander decided (set by the server), to find it in zone_revisions
  zone_version integer,
  compound_id text references public.compounds (id),
  -- step_down: the level below the zone's (control, precaution); seal: lockdown
  proposed_level public.zone_level not null,
  -- the facts the rule proposed on, e.g. {"last_case_on": "2022-04-08", "days": 7, "rules_version": 1}
  basis jsonb not null default '{}'::jsonb check (jsonb_typeof(basis) = 'object'),
  decision text not null check (decision in ('accepted', 'dismissed')),
  reason text,
  decided_by uuid,
  decided_by_email text,
  decided_at timestamptz not null default now(),
  constraint zone_proposal_decisions_reason_when_dismissed
    check (decision <> 'dismissed' or length(btrim(coalesce(reason, ''))) > 0),
  constraint zone_proposal_decisions_step_down_has_zone
    check (kind <> 'step_down' or (zone_id is not null and proposed_level in ('control', 'precaution'))),
  constraint zone_proposal_decisions_seal_has_compound
    check (kind <> 'seal' or (compound_id is not null and proposed_level = 'lockdown'))
);
alter table public.zone_proposal_decisions enable row level security;
-- a zone's history: its decisions by time
create index zone_proposal_decisions_zone_idx on public.zone_proposal_decisions (zone_id, decided_at);
create index zone_proposal_decisions_compound_idx on public.zone_proposal_decisions (compound_id, decided_at);

revoke all on table public.zone_proposal_decisions from anon, authenticated;
grant select, insert on table public.zone_proposal_decisions to authenticated;
grant all on table public.zone_proposal_decisions to service_role;

create policy zone_proposal_decisions_select_staff on public.zone_proposal_decisions
  for select to authenticated using ((select public.is_staff()));
create policy zone_proposal_decisions_insert_commander on public.zone_proposal_decisions
  for insert to authenticated with check ((select public.app_role()) = 'commander');

/*
 * The server owns who and when (decided_by, decided_by_email = the caller; decided_at = now())
 * and the zone's version; the zone must exist (23503, as a foreign key would answer). Security
 * definer: it reads the zone's version whatever the caller may see of zones.
 */
create function private.zone_proposal_decisions_before_insert() returns trigger
language plpgsql security definer set search_path = public, extensions
as $$
begin
  if new.zone_id is not null then
    select z.version into new.zone_version from public.zones z where z.id = new.zone_id;
    if not found then
      raise exception 'zone % not found', new.zone_id using errcode = '23503';
    end if;
  else
    new.zone_version := null;
  end if;
  new.decided_by := auth.uid();
  new.decided_by_email := auth.email();
  new.decided_at := now();
  return new;
end
$$;

create trigger zone_proposal_decisions_before_insert before insert on public.zone_proposal_decisions
  for each row execute function private.zone_proposal_decisions_before_insert();

-- Other commanders see a proposal answered at once (and do not answer it twice). RLS-checked
-- per subscriber: staff only. Nothing reaches `public-map`.
alter publication supabase_realtime add table public.zone_proposal_decisions;
