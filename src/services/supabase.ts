import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { apiConfig } from './api-config.ts';
import { authStorageKey } from './stored-session.ts';

/**
 * The app's one supabase-js client. Its storage key is the one the session store looks for at
 * start (stored-session.ts), supabase-js's own default: sessions stored before stay valid.
 */
function create(): SupabaseClient {
  const { url, anonKey } = apiConfig();
  return createClient(url, anonKey, {
    auth: { persistSession: true, autoRefreshToken: true, detectSessionInUrl: false, storageKey: authStorageKey(url) },
  });
}

let client: SupabaseClient | null = null;

/**
 * The client, created on first use: a build without its configuration then fails where the
 * app can say so (a read, the sign-in form), not with a blank page at start-up. Modules the
 * public map loads reach it through `loadSupabase` (load-supabase.ts) instead: only staff
 * screens import this module directly.
 */
export function supabase(): SupabaseClient {
  client ??= create();
  return client;
}
