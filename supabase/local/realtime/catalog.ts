import type { Database } from '../db.ts';

export interface Column {
  name: string;
  /** pg_type.typname, what the client's value converter switches on (`int4`, `_text`, `geometry`). */
  type: string;
  /** format_type(), usable in casts (`text`, `public.zone_level`, `geometry(MultiPolygon,4326)`). */
  sqlType: string;
  /** A generated column, which an INSERT may not name. */
  generated: boolean;
}

export interface TableInfo {
  schema: string;
  table: string;
  /** `"schema"."table"`, safe to splice into SQL. */
  qualified: string;
  columns: Column[];
  primaryKey: string[];
  inPublication: boolean;
}

export interface RoleInfo {
  exists: boolean;
  /** Superusers and BYPASSRLS roles (service_role) see every row without a check. */
  bypassRls: boolean;
}

export const quoteIdent = (name: string) => '"' + name.replace(/"/g, '""') + '"';

/**
 * Catalog facts the change feed needs per event, cached because they only change with
 * migrations. `forget()` drops the cache (after DDL).
 */
export class Catalog {
  private tables = new Map<string, Promise<TableInfo | null>>();
  private roles = new Map<string, Promise<RoleInfo>>();
  private readable = new Map<string, Promise<Set<string> | null>>();

  constructor(private readonly db: Database) {}

  forget(): void {
    this.tables.clear();
    this.roles.clear();
    this.readable.clear();
  }

  table(schema: string, table: string): Promise<TableInfo | null> {
    const key = `${schema}.${table}`;
    let p = this.tables.get(key);
    if (!p) {
      p = this.loadTable(schema, table);
      this.tables.set(key, p);
      p.catch(() => this.tables.delete(key));
    }
    return p;
  }

  role(name: string): Promise<RoleInfo> {
    let p = this.roles.get(name);
    if (!p) {
      p = this.db
        .query<{ bypass: boolean }>(`select rolsuper or rolbypassrls as bypass from pg_roles where rolname = $1`, [name])
        .then((r) => ({ exists: r.rows.length > 0, bypassRls: r.rows[0]?.bypass === true }));
      this.roles.set(name, p);
      p.catch(() => this.roles.delete(name));
    }
    return p;
  }

  /** Columns `role` may SELECT, or null when it may not read the table at all. */
  readableColumns(role: string, info: TableInfo): Promise<Set<string> | null> {
    const key = `${role}|${info.qualified}`;
    let p = this.readable.get(key);
    if (!p) {
      p = this.db
        .query<{ table_ok: boolean; cols: string[] | null }>(
          `select bool_or(has_table_privilege($1, c.oid, 'SELECT')) as table_ok,
                  array_agg(a.attname::text) filter (where has_column_privilege($1, c.oid, a.attnum, 'SELECT')) as cols
           from pg_class c join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
           where c.oid = $2::regclass`,
          [role, info.qualified],
        )
        .then((r) => {
          const row = r.rows[0];
          const cols = new Set(row?.cols ?? []);
          return cols.size === 0 && !row?.table_ok ? null : cols;
        });
      this.readable.set(key, p);
      p.catch(() => this.readable.delete(key));
    }
    return p;
  }

  private async loadTable(schema: string, table: string): Promise<TableInfo | null> {
    const rel = await this.db.query<{ oid: number }>(
      `select c.oid::int as oid from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = $1 and c.relname = $2 and c.relkind in ('r', 'p')`,
      [schema, table],
    );
    if (rel.rows.length === 0) return null;
    const oid = rel.rows[0].oid;
    const cols = await this.db.query<Column>(
      `select a.attname::text as name, t.typname::text as type, format_type(a.atttypid, a.atttypmod) as "sqlType",
              a.attgenerated <> '' as generated
       from pg_attribute a join pg_type t on t.oid = a.atttypid
       where a.attrelid = $1 and a.attnum > 0 and not a.attisdropped order by a.attnum`,
      [oid],
    );
    const pk = await this.db.query<{ name: string }>(
      `select a.attname::text as name from pg_index i
       join lateral unnest(i.indkey) with ordinality k(attnum, ord) on true
       join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
       where i.indrelid = $1 and i.indisprimary order by k.ord`,
      [oid],
    );
    const pub = await this.db.query(
      `select 1 from pg_publication_tables where pubname = 'supabase_realtime' and schemaname = $1 and tablename = $2`,
      [schema, table],
    );
    return {
      schema,
      table,
      qualified: `${quoteIdent(schema)}.${quoteIdent(table)}`,
      columns: cols.rows,
      primaryKey: pk.rows.map((r) => r.name),
      inPublication: pub.rows.length > 0,
    };
  }
}
