-- Live updates. Staff subscribe to postgres_changes (RLS-checked per subscriber); the public
-- map listens to broadcasts on topic `public-map` carrying already-public data only.

alter publication supabase_realtime add table
  public.zones, public.zone_revisions, public.sites, public.deliveries, public.delivery_stops;

-- UPDATE events then carry the previous row, so a client sees e.g. which level a zone left.
alter table public.zones replica identity full;
alter table public.sites replica identity full;

/*
 * After a change to zones or sites: {"op":"upsert","row":{public columns}} when the row is
 * (still) public and a public column changed, {"op":"remove","id":...} when it leaves public
 * view. Security definer so a commander's write may send through realtime.send whatever its
 * grants; realtime.send is the platform's, looked up at run time, and absent on a plain
 * Postgres without Supabase Realtime, where nobody could receive a broadcast anyway.
 */
create function private.broadcast_public_change() returns trigger
language plpgsql security definer set search_path = public, extensions
as $$
declare
  event text;
  cols text[];
  o jsonb := case when tg_op <> 'INSERT' then to_jsonb(old) end;
  n jsonb := case when tg_op <> 'DELETE' then to_jsonb(new) end;
  was_public boolean;
  is_public boolean;
begin
  if coalesce(current_setting('app.bulk_import', true), '') = 'on'
     or to_regprocedure('realtime.send(jsonb, text, text, boolean)') is null then
    return null;
  end if;
  if tg_table_name = 'zones' then
    event := 'zone';
    cols := private.zone_public_columns();
    was_public := o ->> 'status' = 'active';
    is_public := n ->> 'status' = 'active';
  else
    event := 'site';
    cols := private.site_public_columns();
    was_public := o ->> 'kind' = any (private.site_public_kinds()::text[]);
    is_public := n ->> 'kind' = any (private.site_public_kinds()::text[]);
  end if;

  if coalesce(is_public, false) then
    if coalesce(was_public, false)
       and private.pick(o, cols) - array['version', 'updated_at'] = private.pick(n, cols) - array['version', 'updated_at'] then
      return null;
    end if;
    perform realtime.send(jsonb_build_object('op', 'upsert', 'row', private.pick(n, cols)), event, 'public-map', false);
  elsif coalesce(was_public, false) then
    perform realtime.send(jsonb_build_object('op', 'remove', 'id', o ->> 'id'), event, 'public-map', false);
  end if;
  return null;
end
$$;

create trigger zones_broadcast after insert or update or delete on public.zones
  for each row execute function private.broadcast_public_change();
create trigger sites_broadcast after insert or update or delete on public.sites
  for each row execute function private.broadcast_public_change();
