import type { SupabaseClient } from '@supabase/supabase-js';
import type { RemoveReason, Versioned } from '../domain/change.ts';
import { loadSupabase } from './load-supabase.ts';

/** PostgREST answers at most this many rows per request on a default Supabase project. */
const PAGE_SIZE = 1000;

/** The rows of one table a live collection shows, read through supabase-js (RLS applies). */
export interface LiveRepo<T extends Versioned> {
  /** Every row the viewer may see, paged so that large cities load completely. */
  list(signal?: AbortSignal): Promise<T[]>;
  /** `id, version` of every row: the cheap half of a resync. */
  versions(signal?: AbortSignal): Promise<Versioned[]>;
  /** Full rows by id; ids the viewer may not (or no longer) see are absent from the result. */
  byIds(ids: readonly string[], signal?: AbortSignal): Promise<T[]>;
  /** Why a row the viewer saw has left the collection, where the table can tell (a zone's status). */
  departure?(id: string, signal?: AbortSignal): Promise<RemoveReason | undefined>;
}

interface RepoSpec {
  table: string;
  /** The columns to read; `['*']` for every column the role may read (staff). */
  columns: readonly string[];
  /** The filter that makes a row part of the collection (on top of RLS), if any. */
  filter?: { column: string; values: readonly string[] };
  /** The table's key column when it is not `id`: rows get it as `id` too (an alias in the select). */
  key?: string;
  /** False for a table without a `version` column (compounds, districts): a resync then compares ids only. */
  versioned?: boolean;
  /**
   * Why a row left the collection, from one of its columns read without the filter (null when
   * the viewer can no longer read the row): for readers who may see every row (staff).
   */
  departure?: { column: string; reason(value: string | null): RemoveReason | undefined };
}

/** Ids per `in.(…)` filter, to keep request URLs short. */
const IDS_PER_REQUEST = 150;

/**
 * A repository over one table; `client` is for tests and staff screens, the public map's default
 * loads supabase-js on the first read (a project without published files: rare).
 */
export function createLiveRepo<T extends Versioned>(
  spec: RepoSpec,
  client: () => SupabaseClient | Promise<SupabaseClient> = loadSupabase,
): LiveRepo<T> {
  const key = spec.key ?? 'id';
  const id = key === 'id' ? 'id' : `id:${key}`;
  const columns = (key === 'id' ? spec.columns : [id, ...spec.columns]).join(',');
  const select = (db: SupabaseClient, list: string, signal?: AbortSignal) => {
    const all = db.from(spec.table).select(list);
    const query = spec.filter ? all.in(spec.filter.column, [...spec.filter.values]) : all;
    return signal ? query.abortSignal(signal) : query;
  };

  async function paged<R>(list: string, signal?: AbortSignal): Promise<R[]> {
    const db = await client();
    const rows: R[] = [];
    for (let from = 0; ; from += PAGE_SIZE) {
      const { data, error } = await select(db, list, signal)
        .order(key)
        .range(from, from + PAGE_SIZE - 1);
      if (error) throw new Error(`${spec.table}: ${error.message}`);
      rows.push(...(data as unknown as R[]));
      if (data.length < PAGE_SIZE) return rows;
    }
  }

  return {
    list: (signal) => paged<T>(columns, signal),
    versions: (signal) => paged<Versioned>(spec.versioned === false ? id : `${id},version`, signal),
    async byIds(ids, signal) {
      const db = await client();
      const rows: T[] = [];
      for (let i = 0; i < ids.length; i += IDS_PER_REQUEST) {
        const { data, error } = await select(db, columns, signal).in(key, ids.slice(i, i + IDS_PER_REQUEST));
        if (error) throw new Error(`${spec.table}: ${error.message}`);
        rows.push(...(data as unknown as T[]));
      }
      return rows;
    },
    ...(spec.departure && {
      async departure(rowId: string, signal?: AbortSignal) {
        const { column, reason } = spec.departure!;
        const query = (await client()).from(spec.table).select(column).eq(key, rowId);
        const { data, error } = await (signal ? query.abortSignal(signal) : query).maybeSingle();
        if (error) throw new Error(`${spec.table}: ${error.message}`);
        return reason(data ? String((data as unknown as Record<string, unknown>)[column]) : null);
      },
    }),
  };
}
