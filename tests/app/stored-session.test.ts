import { createClient } from '@supabase/supabase-js';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { authStorageKey, hasStoredSession } from '../../src/services/stored-session.ts';

/** The key supabase-js itself would store the session under for `url` (its default, no option given). */
function supabaseDefaultKey(url: string): string {
  const client = createClient(url, 'anon-key', {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: WebSocket as unknown as typeof globalThis.WebSocket },
  });
  return (client as unknown as { storageKey: string }).storageKey;
}

const URLS = [
  'http://127.0.0.1:54321',
  'http://localhost:54321/',
  'https://abcdefghijklmnopqrst.supabase.co',
  'https://api.example.org/supabase/',
];

describe('authStorageKey', () => {
  it('names the key by the first label of the API host', () => {
    expect(authStorageKey('http://127.0.0.1:54321')).toBe('sb-127-auth-token');
    expect(authStorageKey('https://abcdefghijklmnopqrst.supabase.co')).toBe('sb-abcdefghijklmnopqrst-auth-token');
    expect(authStorageKey('http://localhost:54321/')).toBe('sb-localhost-auth-token');
  });

  it('is the key supabase-js uses by default, so that sessions stored before are found', () => {
    for (const url of URLS) expect(authStorageKey(url), url).toBe(supabaseDefaultKey(url));
  });
});

describe('hasStoredSession', () => {
  const storage = (items: Record<string, string>) => () => ({ getItem: (key: string) => items[key] ?? null });

  it('is true only when the key holds something', () => {
    expect(hasStoredSession(storage({ 'sb-127-auth-token': '{"access_token":"…"}' }), 'sb-127-auth-token')).toBe(true);
    expect(hasStoredSession(storage({ 'sb-other-auth-token': '{}' }), 'sb-127-auth-token')).toBe(false);
    expect(hasStoredSession(storage({}), 'sb-127-auth-token')).toBe(false);
  });

  it('is false where the browser refuses access to storage', () => {
    const blocked = () => {
      throw new DOMException('The operation is insecure.', 'SecurityError');
    };
    expect(hasStoredSession(blocked, 'sb-127-auth-token')).toBe(false);
  });
});
