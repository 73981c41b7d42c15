-- Who the caller is, for policies. Security definer with a pinned, empty search_path so a
-- caller cannot shadow auth.jwt(); policies wrap the calls in (select ...) so Postgres
-- evaluates them once per statement, not once per row.

-- 'commander' | 'dispatcher' | null, from app_metadata (which only the service role can set;
-- user_metadata is writable by the user and must never grant anything).
create function public.app_role() returns text
language sql stable security definer set search_path = ''
as $$
  select case auth.jwt() -> 'app_metadata' ->> 'role'
    when 'commander' then 'commander'
    when 'dispatcher' then 'dispatcher'
  end
$$;

create function public.is_staff() returns boolean
language sql stable security definer set search_path = ''
as $$ select public.app_role() is not null $$;

revoke all on function public.app_role(), public.is_staff() from public;
grant execute on function public.app_role(), public.is_staff() to anon, authenticated, service_role;
