import { PGlite, type Transaction } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface SqlField {
  name: string;
  dataTypeID: number;
}

export interface SqlResult<T = Record<string, unknown>> {
  rows: T[];
  fields: SqlField[];
  affectedRows?: number;
}

/** What request handlers get inside one transaction. */
export interface Tx {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<SqlResult<T>>;
  exec(sql: string): Promise<void>;
}

export interface Database extends Tx {
  /** Runs fn in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** LISTEN on a channel; resolves to the matching UNLISTEN. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
  readonly dataDir: string;
}

const bootstrapSql = readFileSync(fileURLToPath(new URL('./bootstrap.sql', import.meta.url)), 'utf8');

/**
 * Opens (or creates) the PGlite + PostGIS database in dataDir. A fresh folder gets the
 * Supabase bootstrap (roles, auth schema, publication) before anything else runs.
 */
export async function openDatabase(dataDir: string): Promise<Database> {
  const fresh = !existsSync(`${dataDir}/PG_VERSION`);
  const pg = await PGlite.create({ dataDir, extensions: { postgis, pgcrypto, pg_trgm } });
  if (fresh) await pg.exec(bootstrapSql);
  await pg.exec('set search_path = public, extensions');
  return wrap(pg, dataDir);
}

function wrapTx(t: PGlite | Transaction): Tx {
  return {
    async query<T>(sql: string, params?: unknown[]) {
      const r = await t.query<T>(sql, params as unknown[]);
      return { rows: r.rows, fields: r.fields, affectedRows: r.affectedRows };
    },
    async exec(sql: string) {
      await t.exec(sql);
    },
  };
}

function wrap(pg: PGlite, dataDir: string): Database {
  return {
    ...wrapTx(pg),
    dataDir,
    transaction: (fn) => pg.transaction((t) => fn(wrapTx(t))),
    listen: async (channel, onPayload) => pg.listen(channel, onPayload),
    close: () => pg.close(),
  };
}
