import { createClient, type SupabaseClient } from '@supabase/supabase-js';

/**
 * The app's one supabase-js client. `VITE_SUPABASE_URL` may be left empty when the app is
 * served from the same origin as the API (the local stack's `--serve-app`, a reverse proxy).
 */
function create(): SupabaseClient {
  const url = import.meta.env.VITE_SUPABASE_URL || window.location.origin;
  const anonKey = import.meta.env.VITE_SUPABASE_ANON_KEY;
  if (!anonKey) {
    throw new Error('VITE_SUPABASE_ANON_KEY is not set: start the local stack (npm run stack) to write .env.local, then rebuild');
  }
  return createClient(url, anonKey, { auth: { persistSession: true, autoRefreshToken: true, detectSessionInUrl: false } });
}

let client: SupabaseClient | null = null;

/**
 * The client, created on first use: a build without its configuration then fails where the
 * app can say so (a read, the sign-in form), not with a blank page at start-up.
 */
export function supabase(): SupabaseClient {
  client ??= create();
  return client;
}
