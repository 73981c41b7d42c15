-- Enumerations shared by the tables, and the schema for functions that must not be
-- reachable through the API. PostGIS lives in schema `extensions` (as on Supabase), so
-- geometry is referenced unqualified with search_path `public, extensions`.

-- pg_trgm backs the public compound-name search; Supabase ships it but leaves it disabled.
create extension if not exists pg_trgm with schema extensions;

-- Helpers and trigger functions live in `private`, which PostgREST does not expose. The API
-- roles may use it because security-invoker RPC functions call its helpers on their behalf.
create schema if not exists private;
revoke all on schema private from public;
grant usage on schema private to anon, authenticated, service_role;

create type public.zone_level as enum ('lockdown', 'control', 'precaution');
create type public.zone_status as enum ('draft', 'active', 'lifted');
create type public.zone_change_kind as enum (
  'imported', 'created', 'reshaped', 'level_changed', 'status_changed', 'renamed', 'updated', 'deleted'
);
create type public.site_kind as enum (
  'testing_site', 'mobile_testing', 'checkpoint', 'quarantine_site', 'depot', 'enterprise'
);
create type public.site_status as enum ('open', 'paused', 'closed');
create type public.checkpoint_state as enum ('open', 'restricted', 'closed');
create type public.quarantine_site_type as enum ('hotel', 'converted_apartment');
create type public.road_class as enum (
  'motorway', 'trunk', 'primary', 'secondary', 'tertiary', 'residential', 'service'
);
create type public.delivery_status as enum ('planned', 'en_route', 'completed', 'cancelled');
create type public.stop_status as enum ('pending', 'arrived', 'delivered', 'skipped');

-- Why a polygonal geometry may not be stored or handed to spatial operators, or null when it
-- may. Rings are checked for closure and length first, without GEOS: PGlite's PostGIS build
-- corrupts memory when GEOS meets an unclosed ring. plpgsql, so that each test runs only when
-- the one before passed (a SQL function's plan may evaluate ST_IsValid(constant) up front).
create function private.areal_problem(g geometry) returns text
language plpgsql immutable set search_path = public, extensions
as $$
begin
  if g is null then
    return null;
  end if;
  if exists (select 1 from ST_Dump(g) as part, ST_DumpRings(part.geom) as ring where not ST_IsClosed(ring.geom)) then
    return 'a ring is not closed (its last position must repeat the first)';
  end if;
  if exists (select 1 from ST_Dump(g) as part, ST_DumpRings(part.geom) as ring where ST_NPoints(ring.geom) < 4) then
    return 'a ring has fewer than 4 positions';
  end if;
  if ST_IsEmpty(g) then
    return 'it is empty';
  end if;
  if not ST_IsValid(g) then
    return ST_IsValidReason(g);
  end if;
  return null;
end
$$;

create function private.is_valid_areal(g geometry) returns boolean
language sql immutable set search_path = public, extensions
as $$ select private.areal_problem(g) is null $$;
