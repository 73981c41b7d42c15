/** Where the API is and the key every request (and the realtime socket) carries. */
export interface ApiConfig {
  url: string;
  anonKey: string;
}

/**
 * The build's API configuration. `VITE_SUPABASE_URL` may be left empty when the app is served
 * from the same origin as the API (the local stack's `--serve-app`, a reverse proxy). Throws,
 * saying how to fix it, in a build without the anon key. Free of supabase-js, so that the public
 * map can read it without loading the client.
 */
export function apiConfig(): ApiConfig {
  const anonKey = import.meta.env.VITE_SUPABASE_ANON_KEY;
  if (!anonKey) {
    throw new Error(
      'VITE_SUPABASE_ANON_KEY is not set: start the local stack (npm run stack) to write .env.local, then rebuild',
    );
  }
  return { url: import.meta.env.VITE_SUPABASE_URL || window.location.origin, anonKey };
}
