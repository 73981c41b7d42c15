/** PostgREST answers at most this many rows per request on a default Supabase project. */
export const PAGE_SIZE = 1000;

interface PageResult {
  /** Typed by the caller: supabase-js cannot infer rows from a column list built at run time. */
  data: unknown;
  error: { message: string } | null;
}

/** Reads every page of a query; `read(from, to)` builds the request for rows `from..to`. */
export async function readAllPages<R>(what: string, read: (from: number, to: number) => PromiseLike<PageResult>): Promise<R[]> {
  const rows: R[] = [];
  for (let from = 0; ; from += PAGE_SIZE) {
    const { data, error } = await read(from, from + PAGE_SIZE - 1);
    if (error) throw new Error(`${what}: ${error.message}`);
    const page = (data ?? []) as R[];
    rows.push(...page);
    if (page.length < PAGE_SIZE) return rows;
  }
}
