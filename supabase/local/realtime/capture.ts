import type { Database } from '../db.ts';
import { CHANGES_CHANNEL } from './schema.ts';

const TRIGGER = 'realtime_capture';

/**
 * The capture trigger mimics what logical replication would show Realtime: the new row, and an
 * old row shaped by `pg_class.relreplident` (default: primary key only; FULL: every column;
 * NOTHING: none; USING INDEX: that index's columns).
 */
const CAPTURE_SQL = `
create or replace function realtime.capture_change() returns trigger
language plpgsql
security definer
set search_path = pg_catalog
as $$
declare
  ident "char";
  rls boolean;
  new_rec jsonb;
  old_rec jsonb;
  key_cols text[];
  change_id bigint;
begin
  select c.relreplident, c.relrowsecurity into ident, rls from pg_class c where c.oid = tg_relid;
  if tg_op <> 'DELETE' then
    new_rec := to_jsonb(new);
  end if;
  if tg_op <> 'INSERT' then
    if ident = 'f' then
      old_rec := to_jsonb(old);
    elsif ident in ('d', 'i') then
      select array_agg(a.attname::text) into key_cols
      from pg_index i
      join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any (i.indkey)
      where i.indrelid = tg_relid and (case when ident = 'i' then i.indisreplident else i.indisprimary end);
      select jsonb_object_agg(e.key, e.value) into old_rec
      from jsonb_each(to_jsonb(old)) e where e.key = any (key_cols);
    end if;
  end if;
  insert into realtime.changes (schema_name, table_name, op, rls, record, old_record, new_row, old_row)
  values (tg_table_schema, tg_table_name, tg_op, rls, new_rec, old_rec,
          case when rls and tg_op <> 'DELETE' then new::text end,
          case when rls and (tg_op = 'DELETE' or (tg_op = 'UPDATE' and ident = 'f')) then old::text end)
  returning id into change_id;
  -- [id, schema, table, op]: enough for the server to skip changes nobody subscribed to.
  perform pg_notify('${CHANGES_CHANNEL}', json_build_array(change_id, tg_table_schema, tg_table_name, tg_op)::text);
  return null;
end;
$$;

-- Puts the capture trigger on exactly the tables of publication supabase_realtime.
create or replace function realtime.sync_capture_triggers() returns void
language plpgsql
set search_path = pg_catalog
as $$
declare
  t record;
begin
  for t in
    select c.oid::regclass as rel
    from pg_trigger tr join pg_class c on c.oid = tr.tgrelid join pg_namespace n on n.oid = c.relnamespace
    where tr.tgname = '${TRIGGER}'
      and not exists (select 1 from pg_publication_tables p
                      where p.pubname = 'supabase_realtime' and p.schemaname = n.nspname and p.tablename = c.relname)
  loop
    execute format('drop trigger %I on %s', '${TRIGGER}', t.rel);
  end loop;
  for t in
    select format('%I.%I', p.schemaname, p.tablename) as rel
    from pg_publication_tables p
    where p.pubname = 'supabase_realtime'
      and not exists (select 1 from pg_trigger tr
                      where tr.tgname = '${TRIGGER}' and tr.tgrelid = format('%I.%I', p.schemaname, p.tablename)::regclass)
  loop
    execute format('create trigger %I after insert or update or delete on %s for each row execute function realtime.capture_change()',
                   '${TRIGGER}', t.rel);
  end loop;
end;
$$;

-- Tables added to (or dropped from) the publication later get (or lose) the trigger at once,
-- and the server forgets what it cached about tables and grants when they change.
create or replace function realtime.on_ddl() returns event_trigger
language plpgsql
as $$
begin
  if tg_tag in ('ALTER PUBLICATION', 'CREATE PUBLICATION') then
    perform realtime.sync_capture_triggers();
  end if;
  perform pg_notify('${CHANGES_CHANNEL}', 'catalog');
end;
$$;
drop event trigger if exists realtime_ddl;
create event trigger realtime_ddl on ddl_command_end
  when tag in ('ALTER PUBLICATION', 'CREATE PUBLICATION', 'CREATE TABLE', 'ALTER TABLE', 'DROP TABLE', 'GRANT', 'REVOKE')
  execute function realtime.on_ddl();

revoke all on function realtime.sync_capture_triggers() from public;

select realtime.sync_capture_triggers();
`;

/**
 * Idempotent. The stack runs it after migrations and the first seed (so seeding does not fill
 * the change table); from then on publication changes keep the triggers in step by themselves.
 */
export async function installChangeCapture(db: Database): Promise<void> {
  await db.exec(CAPTURE_SQL);
}

export interface RetentionOptions {
  /** Changes older than this are deleted; default 2 minutes. */
  maxAgeMs: number;
  /** At most this many of the newest changes are kept; default 2,000 (a zone's row can be megabytes). */
  maxRows: number;
}

export const DEFAULT_RETENTION: RetentionOptions = { maxAgeMs: 2 * 60_000, maxRows: 2_000 };

/**
 * Deletes old captured changes and delivered broadcast messages. Changes are read right after
 * their NOTIFY, so the retention only bounds how long they stay around for inspection.
 */
export async function cleanupChanges(db: Database, opts: RetentionOptions = DEFAULT_RETENTION): Promise<number> {
  const seconds = opts.maxAgeMs / 1000;
  const r = await db.query(
    `with doomed as (
       select id from realtime.changes where committed_at < clock_timestamp() - make_interval(secs => $1)
       union
       (select id from realtime.changes order by id desc offset $2)
     )
     delete from realtime.changes c using doomed d where c.id = d.id`,
    [seconds, opts.maxRows],
  );
  await db.query(
    `delete from realtime.messages where inserted_at < localtimestamp - make_interval(secs => $1) and extension = 'broadcast'`,
    [Math.max(seconds, 3600)],
  );
  return r.affectedRows ?? 0;
}
