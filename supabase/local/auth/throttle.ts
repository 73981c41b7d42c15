import type { IncomingMessage } from 'node:http';
import type { AuthConfig } from '../config.ts';
import { AuthError } from './errors.ts';

/** Milliseconds since the epoch; tests pass a fake one through `AuthConfig.clock`. */
export type Clock = () => number;

/** Refused: try again after this many whole seconds (at least 1). */
export interface Refusal {
  retryAfterSeconds: number;
}

const retryAfter = (ms: number): Refusal => ({ retryAfterSeconds: Math.max(1, Math.ceil(ms / 1000)) });

/** Longest key kept: an email (GoTrue caps them at 255) or an address. Longer keys are cut. */
const MAX_KEY_CHARS = 256;

/**
 * A Map used as an LRU with a size cap. When it is full it forgets, until it is at 90%: first
 * entries that hold nothing worth keeping (`idle`), then the least recently used ones that are
 * not refusing anything (`holding` false), and only then, under a flood of keys that all refuse,
 * the least recently used of those. So spraying keys does not easily free a locked one.
 */
class BoundedMap<V> {
  private readonly map = new Map<string, V>();

  constructor(
    private readonly idle: (v: V) => boolean,
    private readonly holding: (v: V) => boolean,
  ) {}

  get size(): number {
    return this.map.size;
  }

  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: string, v: V, maxKeys: number): void {
    this.map.delete(key);
    if (this.map.size >= maxKeys) this.evict(maxKeys);
    this.map.set(key, v);
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  private evict(maxKeys: number): void {
    const target = Math.max(0, Math.floor(maxKeys * 0.9));
    for (const [k, v] of this.map) if (this.idle(v)) this.map.delete(k);
    for (const [k, v] of this.map) {
      if (this.map.size <= target) return;
      if (!this.holding(v)) this.map.delete(k);
    }
    for (const k of this.map.keys()) {
      if (this.map.size <= target) return;
      this.map.delete(k);
    }
  }
}

interface Bucket {
  tokens: number;
  at: number;
  /** Tokens per millisecond and bucket size when last used. */
  rate: number;
  burst: number;
}

/**
 * GoTrue's per-address limiter (tollbooth over golang.org/x/time/rate): a token bucket per key
 * holding `burst` tokens, refilled at `perFiveMinutes / 300` tokens a second; a request takes one.
 */
export class TokenBuckets {
  private readonly buckets: BoundedMap<Bucket>;

  constructor(private readonly now: Clock) {
    const level = (b: Bucket) => Math.min(b.burst, b.tokens + Math.max(0, this.now() - b.at) * b.rate);
    this.buckets = new BoundedMap<Bucket>(
      (b) => level(b) >= b.burst,
      (b) => level(b) < 1,
    );
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Takes a token for `key`, or says how long until one is there. `perFiveMinutes` 0 = unlimited. */
  take(key: string, perFiveMinutes: number, burst: number, maxKeys: number): Refusal | null {
    if (perFiveMinutes <= 0 || burst <= 0) return null;
    const k = key.slice(0, MAX_KEY_CHARS);
    const now = this.now();
    const rate = perFiveMinutes / 300_000; // tokens per millisecond
    const b = this.buckets.get(k) ?? { tokens: burst, at: now, rate, burst };
    b.tokens = Math.min(burst, b.tokens + Math.max(0, now - b.at) * rate);
    b.at = now;
    b.rate = rate;
    b.burst = burst;
    if (b.tokens < 1) {
      this.buckets.set(k, b, maxKeys);
      return retryAfter((1 - b.tokens) / rate);
    }
    b.tokens -= 1;
    this.buckets.set(k, b, maxKeys);
    return null;
  }
}

interface Window {
  /** Times of the attempts that count (failed, or not yet known to have succeeded), oldest first. */
  times: number[];
  windowMs: number;
  limit: number;
}

/**
 * Failed attempts per key in a sliding window: at most `limit` within `windowSeconds`. An
 * attempt counts from the moment it starts (so parallel guesses cannot all slip through before
 * the first one fails) and is taken back when it succeeds.
 */
export class FailureWindows {
  private readonly windows: BoundedMap<Window>;

  constructor(private readonly now: Clock) {
    this.windows = new BoundedMap<Window>(
      (w) => this.prune(w) === 0,
      (w) => this.prune(w) >= w.limit,
    );
  }

  get size(): number {
    return this.windows.size;
  }

  /**
   * Counts an attempt for `key` and returns a function that takes it back (call it when the
   * attempt succeeds), or the refusal when the key already has `limit` attempts in the window.
   */
  begin(key: string, limit: number, windowSeconds: number, maxKeys: number): Refusal | (() => void) {
    if (limit <= 0 || windowSeconds <= 0) return () => {};
    const k = key.slice(0, MAX_KEY_CHARS);
    const now = this.now();
    const w = this.windows.get(k) ?? { times: [], windowMs: 0, limit };
    w.windowMs = windowSeconds * 1000;
    w.limit = limit;
    this.prune(w);
    if (w.times.length >= limit) {
      this.windows.set(k, w, maxKeys);
      return retryAfter(w.times[w.times.length - limit] + w.windowMs - now);
    }
    w.times.push(now);
    this.windows.set(k, w, maxKeys);
    return () => {
      const i = w.times.indexOf(now);
      if (i >= 0) w.times.splice(i, 1);
    };
  }

  /** Forgets the attempts of `key` (an admin set a new password). */
  clear(key: string): void {
    this.windows.delete(key.slice(0, MAX_KEY_CHARS));
  }

  /** Drops the attempts that have left the window; returns how many are left. */
  private prune(w: Window): number {
    const horizon = this.now() - w.windowMs;
    let i = 0;
    while (i < w.times.length && w.times[i] <= horizon) i++;
    if (i > 0) w.times.splice(0, i);
    return w.times.length;
  }
}

/**
 * The client address a limit is kept for: the socket's peer address, or, when a trusted proxy
 * is configured to name the client in `header`, the last entry of that header (the one the
 * proxy itself added; entries before it are whatever the client sent). IPv4-mapped IPv6
 * addresses become IPv4, and IPv6 addresses count per /64, the block one host usually gets.
 */
export function clientAddress(req: IncomingMessage, header: string | null): string {
  if (header) {
    const raw = req.headers[header.toLowerCase()];
    const value = Array.isArray(raw) ? raw.join(',') : raw;
    const last = value
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .pop();
    if (last) return normaliseAddress(last.slice(0, 100));
  }
  return normaliseAddress(req.socket.remoteAddress ?? 'unknown');
}

export function normaliseAddress(address: string): string {
  const a = address.replace(/^\[|\](:\d+)?$/g, '').toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped) return mapped[1];
  if (!a.includes(':')) return a;
  const [head, tail] = a.split('%')[0].split('::');
  const left = head ? head.split(':') : [];
  const right = tail === undefined ? [] : tail ? tail.split(':') : [];
  const groups =
    tail === undefined ? left : [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return a;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** GoTrue's answer when a limit is reached, with how long to wait. */
export function rateLimited(r: Refusal): AuthError {
  return new AuthError(
    429,
    'over_request_rate_limit',
    'Request rate limit reached',
    {},
    { 'Retry-After': String(r.retryAfterSeconds) },
  );
}

/**
 * The auth service's throttles (one set per running stack, limits read from the config on
 * every request so a test can change them):
 * - `token`: every POST /token (password and refresh grants) per client address, GoTrue's
 *   GOTRUE_RATE_LIMIT_TOKEN_REFRESH bucket;
 * - `signup`: POST /signup per client address, GoTrue's GOTRUE_RATE_LIMIT_OTP bucket;
 * - `accounts`: failed password sign-ins per email, which GoTrue does not have.
 */
export class AuthThrottle {
  readonly token: TokenBuckets;
  readonly signup: TokenBuckets;
  readonly accounts: FailureWindows;

  constructor(private readonly config: () => AuthConfig) {
    const now: Clock = () => (this.config().clock ?? Date.now)();
    this.token = new TokenBuckets(now);
    this.signup = new TokenBuckets(now);
    this.accounts = new FailureWindows(now);
  }

  /** Throws 429 when the address has used up its /token requests. */
  tokenRequest(address: string): void {
    const c = this.config();
    const r = this.token.take(address, c.rateLimitTokenRefresh, c.rateLimitBurst, c.rateLimitMaxKeys);
    if (r) throw rateLimited(r);
  }

  /** Throws 429 when the address has used up its sign-ups. */
  signupRequest(address: string): void {
    const c = this.config();
    const r = this.signup.take(address, c.rateLimitOtp, c.rateLimitBurst, c.rateLimitMaxKeys);
    if (r) throw rateLimited(r);
  }

  /**
   * Counts a password attempt against the account (normalised email) and returns the function
   * that takes it back once the password proved right; throws 429 when the account is locked,
   * whatever the password.
   */
  passwordAttempt(email: string): () => void {
    const c = this.config();
    const r = this.accounts.begin(email, c.accountFailedSignIns, c.accountWindowSeconds, c.rateLimitMaxKeys);
    if (typeof r !== 'function') throw rateLimited(r);
    return r;
  }

  forgetAccount(email: string): void {
    this.accounts.clear(email);
  }
}
