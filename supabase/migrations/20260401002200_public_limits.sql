-- Limits on what the public can make the database do (docs/database.md, "Limits and the public RPCs").

-- Statement time limits per role, Supabase's defaults (anon 3 s, authenticated 8 s): a hosted
-- project has them already, this makes every database alike. PostgREST applies the impersonated
-- role's settings to each request's transaction; the local stack does the same (rest/transaction.ts),
-- on PGlite by ending the statement from outside (PGlite ignores statement_timeout).
-- service_role keeps the database's default (imports and admin work run long).
alter role anon set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';

-- The RPCs the public app calls, and all it may call: nearest_sites (the nearest open testing
-- site) and zones_at_point (which zones hold a place), both on a point, over what RLS lets anon
-- see; app_role() and is_staff() are called by RLS policies as the querying role, so anon keeps
-- them too. Everything else in the API schema is staff work.
--
-- zone_impact was open to anon: it is a staff tool (the zone editor's figures), and anon could
-- send it a 150,000-vertex polygon that held the database for 1.6 s. Supabase's default
-- privileges grant EXECUTE on every new function to anon directly, so revoking it from public is
-- not enough: anon is revoked by name, for every staff RPC (most already were, in their own
-- migrations; restated so this is the one list). A function another migration has since renamed
-- or dropped is skipped. tests/local/public-limits.test.ts fails when anon can execute anything
-- else: a new RPC for the public goes on that test's list and in docs/database.md.
do $$
declare
  fn text;
begin
  foreach fn in array array[
    'public.zone_impact(jsonb)',
    'public.save_zone(text, integer, jsonb)',
    'public.create_zone(jsonb)',
    'public.save_zone_draft(text, integer, integer, jsonb)',
    'public.discard_zone_draft(text, integer)',
    'public.publish_zones(jsonb)',
    'public.revert_zone(text, integer, integer)',
    'public.save_zone_rules(integer, jsonb)',
    'public.create_site(jsonb)',
    'public.save_site(text, integer, jsonb)',
    'public.set_team_enterprises(text, text[])',
    'public.plan_delivery(jsonb)',
    'public.set_stop_status(text, public.stop_status, public.stop_status)',
    'public.replan_delivery(text, integer, jsonb, jsonb)',
    'public.record_case_report(jsonb)',
    'public.save_case_report(text, integer, jsonb)'
  ] loop
    if to_regprocedure(fn) is not null then
      execute format('revoke execute on function %s from public, anon', fn);
    end if;
  end loop;
end
$$;

-- Staff keep zone_impact (its grant to authenticated and service_role in …000800 stands).

notify pgrst, 'reload config';
