-- A zone's removal from the public map says why (docs/database.md, "Realtime").
--
-- A zone leaves public view when it is lifted, but also when a commander takes it back to draft
-- or deletes it, and neither of those lifts anything: a viewer told only `remove` cannot tell
-- residents which it was. The zone's `remove` now carries `reason`: 'lifted' (status lifted),
-- 'withdrawn' (back to draft) or 'deleted' (the row deleted). Everything else of every message,
-- and the publication numbering, is as in ..._public_map_publication.sql. A site's `remove` has
-- no reason: a site's kind cannot change through the API (save_site refuses it), so a public
-- site leaves the map only by being deleted.

create or replace function private.broadcast_public_change() returns trigger
language plpgsql security definer set search_path = public, extensions
as $$
declare
  event text;
  cols text[];
  o jsonb := case when tg_op <> 'INSERT' then to_jsonb(old) end;
  n jsonb := case when tg_op <> 'DELETE' then to_jsonb(new) end;
  was_public boolean;
  is_public boolean;
  message jsonb;
  v bigint;
begin
  if coalesce(current_setting('app.bulk_import', true), '') = 'on' then
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
    message := jsonb_build_object('op', 'upsert', 'row', private.pick(n, cols));
  elsif coalesce(was_public, false) then
    message := jsonb_build_object('op', 'remove', 'id', o ->> 'id');
    -- An active zone leaves public view by being deleted, lifted or taken back to draft.
    if event = 'zone' then
      message := message || jsonb_build_object('reason', case
        when tg_op = 'DELETE' then 'deleted'
        when n ->> 'status' = 'lifted' then 'lifted'
        else 'withdrawn'
      end);
    end if;
  else
    return null;
  end if;

  update private.public_map_publication set version = version + 1, changed_at = now() returning version into v;
  perform pg_notify('public_map_published', v::text);
  if to_regprocedure('realtime.send(jsonb, text, text, boolean)') is not null then
    perform realtime.send(message || jsonb_build_object('v', v), event, 'public-map', true);
  end if;
  return null;
end
$$;
