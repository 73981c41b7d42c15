import { RealtimeClient } from '@supabase/realtime-js';
import { apiConfig } from './api-config.ts';

let client: RealtimeClient | null = null;

/**
 * An anonymous visitor's realtime connection: realtime-js alone, the socket supabase-js would
 * open for a visitor without a session (`<api>/realtime/v1`, the anon key as `apikey` and as the
 * channels' access token), without the auth, REST and storage clients the public map never uses.
 * Created on first use and kept: a re-subscription reuses it (it disconnects while no channel is
 * joined).
 */
export function publicRealtime(): RealtimeClient {
  if (!client) {
    const { url, anonKey } = apiConfig();
    const endpoint = new URL('realtime/v1', url.replace(/\/*$/, '/'));
    endpoint.protocol = endpoint.protocol.replace('http', 'ws');
    client = new RealtimeClient(endpoint.href, {
      params: { apikey: anonKey },
      accessToken: () => Promise.resolve(anonKey),
    });
  }
  return client;
}
