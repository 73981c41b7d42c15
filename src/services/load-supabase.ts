import type { SupabaseClient } from '@supabase/supabase-js';

let loading: Promise<SupabaseClient> | null = null;
let loaded: SupabaseClient | null = null;

/**
 * The supabase-js client, its code fetched on first use: an anonymous visitor of the published
 * map never needs it (about 54 KiB gzip of auth, REST and storage clients), a stored session,
 * the sign-in form, a staff screen or a rare REST fallback does. A failed load (a network error,
 * a build without the anon key) is not kept: the next call tries again.
 */
export function loadSupabase(): Promise<SupabaseClient> {
  if (!loading) {
    loading = import('./supabase.ts').then(({ supabase }) => (loaded = supabase()));
    loading.catch(() => (loading = null));
  }
  return loading;
}

/** The client once something on this page has loaded it (a stored session, the sign-in form), else null. */
export function loadedSupabase(): SupabaseClient | null {
  return loaded;
}
