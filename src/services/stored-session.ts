/**
 * Where supabase-js keeps the session: its default auth `storageKey`, `sb-<project ref>-auth-token`,
 * the project ref being the first label of the API's hostname (SupabaseClient's constructor in
 * supabase-js v2). Passed to the client explicitly too (supabase.ts), so that the two cannot drift.
 */
export function authStorageKey(apiUrl: string): string {
  return `sb-${new URL(apiUrl).hostname.split('.')[0]}-auth-token`;
}

/**
 * Whether supabase-js left a session in this browser (current or expired: the client then
 * refreshes or drops it). Read without loading supabase-js, which an anonymous visitor never
 * needs. Storage that cannot be read (blocked by the browser) holds none: supabase-js then keeps
 * its session in memory only.
 */
export function hasStoredSession(storage: () => Pick<Storage, 'getItem'>, key: string): boolean {
  try {
    return storage().getItem(key) !== null;
  } catch {
    return false;
  }
}
