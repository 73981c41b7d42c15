// What the Realtime suites share: waiting for events and subscriptions, and supabase-js clients
// whose channels are removed after each test so no socket outlives the test that opened it.
import type { RealtimeChannel, SupabaseClient } from '@supabase/supabase-js';
import { afterEach } from 'vitest';
import type { TestStack } from './stack.ts';

/** How long `next()` waits before it fails the test with "no <what> arrived". */
const WAIT_MS = 20_000;

/** Events in arrival order, with a way to wait for the next one that matches. */
export interface Recorder<T> {
  seen: T[];
  push(x: T): void;
  /** Resolves with the first event seen so far that matches, or else the next one to arrive. */
  next(match?: (x: T) => boolean, what?: string): Promise<T>;
}

export function recorder<T>(): Recorder<T> {
  const seen: T[] = [];
  const waiters: { match: (x: T) => boolean; resolve: (x: T) => void }[] = [];
  return {
    seen,
    push(x: T) {
      seen.push(x);
      for (const w of waiters.splice(0)) {
        if (w.match(x)) w.resolve(x);
        else waiters.push(w);
      }
    },
    next(match: (x: T) => boolean = () => true, what = 'event'): Promise<T> {
      const hit = seen.find(match);
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${what} arrived`)), WAIT_MS);
        waiters.push({ match, resolve: (x) => (clearTimeout(timer), resolve(x)) });
      });
    },
  };
}

/** Resolves on SUBSCRIBED; rejects with the client's error on CHANNEL_ERROR or TIMED_OUT. */
export function subscribed(ch: RealtimeChannel): Promise<void> {
  return new Promise((resolve, reject) => {
    ch.subscribe((status, err) => {
      if (status === 'SUBSCRIBED') resolve();
      else if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') reject(err ?? new Error(status));
    });
  });
}

export interface TestClients {
  /** A client with `key` (default the anon key) and optional Realtime options. */
  client(key?: string, realtime?: Record<string, unknown>): SupabaseClient;
  /** A client signed in with the suite's password: supabase-js hands the session's JWT to Realtime itself. */
  signedIn(email: string): Promise<SupabaseClient>;
  /** Removes the channels of a client made some other way after the test, like those above. */
  track(c: SupabaseClient): SupabaseClient;
}

/**
 * Clients on the suite's stack whose channels are all removed after each test. Call at the top
 * level of a test file; `stack` is read lazily because the stack starts in `beforeAll`.
 */
export function testClients(stack: () => TestStack, password: string): TestClients {
  const open: SupabaseClient[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.removeAllChannels()));
  });
  const track = (c: SupabaseClient) => (open.push(c), c);
  return {
    client: (key, realtime) => track(stack().client({ key, options: realtime ? { realtime } : undefined })),
    signedIn: async (email) => track(await stack().signIn(email, password)),
    track,
  };
}
