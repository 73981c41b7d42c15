import type { Versioned } from '../domain/change.ts';
import { supabase } from './supabase.ts';

/** PostgREST answers at most this many rows per request on a default Supabase project. */
const PAGE_SIZE = 1000;

/** The rows of one table the public map shows, read through supabase-js (RLS applies). */
export interface PublicRepo<T extends Versioned> {
  /** Every row the viewer may see, paged so that large cities load completely. */
  list(signal?: AbortSignal): Promise<T[]>;
  /** `id, version` of every row: the cheap half of a resync. */
  versions(signal?: AbortSignal): Promise<Versioned[]>;
  /** Full rows by id; ids the viewer may not (or no longer) see are absent from the result. */
  byIds(ids: readonly string[], signal?: AbortSignal): Promise<T[]>;
}

interface RepoSpec {
  table: string;
  columns: readonly string[];
  /** The filter that makes a row part of the public map (on top of RLS). */
  filter: { column: string; values: readonly string[] };
}

/** Ids per `in.(…)` filter, to keep request URLs short. */
const IDS_PER_REQUEST = 150;

export function createPublicRepo<T extends Versioned>(spec: RepoSpec): PublicRepo<T> {
  const select = (columns: string, signal?: AbortSignal) => {
    const query = supabase().from(spec.table).select(columns).in(spec.filter.column, [...spec.filter.values]);
    return signal ? query.abortSignal(signal) : query;
  };

  async function paged<R>(columns: string, signal?: AbortSignal): Promise<R[]> {
    const rows: R[] = [];
    for (let from = 0; ; from += PAGE_SIZE) {
      const { data, error } = await select(columns, signal)
        .order('id')
        .range(from, from + PAGE_SIZE - 1);
      if (error) throw new Error(`${spec.table}: ${error.message}`);
      rows.push(...(data as unknown as R[]));
      if (data.length < PAGE_SIZE) return rows;
    }
  }

  return {
    list: (signal) => paged<T>(spec.columns.join(','), signal),
    versions: (signal) => paged<Versioned>('id,version', signal),
    async byIds(ids, signal) {
      const rows: T[] = [];
      for (let i = 0; i < ids.length; i += IDS_PER_REQUEST) {
        const { data, error } = await select(spec.columns.join(','), signal).in('id', ids.slice(i, i + IDS_PER_REQUEST));
        if (error) throw new Error(`${spec.table}: ${error.message}`);
        rows.push(...(data as unknown as T[]));
      }
      return rows;
    },
  };
}
