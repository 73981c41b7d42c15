import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientAddress, FailureWindows, normaliseAddress, TokenBuckets } from '../../supabase/local/auth/throttle.ts';

// The limiters of supabase/local/auth/throttle.ts on their own, with a clock the test moves.

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('TokenBuckets (GoTrue per-address limiter)', () => {
  it('allows a burst, then one request per 1/rate, and says how long to wait', () => {
    const c = clock();
    const b = new TokenBuckets(c.now);
    for (let i = 0; i < 30; i++) expect(b.take('a', 150, 30, 100)).toBeNull();
    expect(b.take('a', 150, 30, 100)).toEqual({ retryAfterSeconds: 2 });
    expect(b.take('b', 150, 30, 100)).toBeNull();
    c.advance(1999);
    expect(b.take('a', 150, 30, 100)).toEqual({ retryAfterSeconds: 1 });
    c.advance(1);
    expect(b.take('a', 150, 30, 100)).toBeNull();
    c.advance(3_600_000);
    for (let i = 0; i < 30; i++) expect(b.take('a', 150, 30, 100)).toBeNull();
    expect(b.take('a', 150, 30, 100)).not.toBeNull();
  });

  it('treats a rate of 0 as no limit', () => {
    const b = new TokenBuckets(clock().now);
    for (let i = 0; i < 100; i++) expect(b.take('a', 0, 30, 100)).toBeNull();
    expect(b.size).toBe(0);
  });

  it('stays within maxKeys, keeping the buckets that are refusing', () => {
    const c = clock();
    const b = new TokenBuckets(c.now);
    for (let i = 0; i < 31; i++) b.take('busy', 150, 30, 100);
    for (let i = 0; i < 1000; i++) {
      expect(b.take(`k${i}`, 150, 30, 100)).toBeNull();
      expect(b.size).toBeLessThanOrEqual(100);
    }
    expect(b.take('busy', 150, 30, 100)).toEqual({ retryAfterSeconds: 2 });
  });
});

describe('FailureWindows (per-account failed sign-ins)', () => {
  it('refuses at the limit until the oldest attempt leaves the window; released attempts do not count', () => {
    const c = clock();
    const w = new FailureWindows(c.now);
    for (let i = 0; i < 9; i++) expect(typeof w.begin('x', 10, 900, 100)).toBe('function');
    const ok = w.begin('x', 10, 900, 100) as () => void;
    ok(); // this one succeeded
    expect(typeof w.begin('x', 10, 900, 100)).toBe('function');
    expect(w.begin('x', 10, 900, 100)).toEqual({ retryAfterSeconds: 900 });
    c.advance(899_999);
    expect(w.begin('x', 10, 900, 100)).toEqual({ retryAfterSeconds: 1 });
    c.advance(1);
    expect(typeof w.begin('x', 10, 900, 100)).toBe('function');
    expect(w.begin('y', 0, 900, 100)).toBeTypeOf('function');
  });

  it('keeps locked accounts when it has to forget some: empty entries go first, then unlocked ones', () => {
    const c = clock();
    const w = new FailureWindows(c.now);
    for (let i = 0; i < 10; i++) w.begin('victim', 10, 900, 50);
    c.advance(1000);
    for (let i = 0; i < 500; i++) {
      const r = w.begin(`ok-${i}`, 10, 900, 50);
      if (typeof r === 'function') r(); // succeeded: an entry with nothing in it
      w.begin(`spray-${i}`, 10, 900, 50); // one failure each
      expect(w.size).toBeLessThanOrEqual(50);
    }
    expect(w.begin('victim', 10, 900, 50)).toEqual({ retryAfterSeconds: 899 });
  });

  it('clear() forgets an account', () => {
    const w = new FailureWindows(clock().now);
    for (let i = 0; i < 10; i++) w.begin('x', 10, 900, 100);
    expect(w.begin('x', 10, 900, 100)).not.toBeTypeOf('function');
    w.clear('x');
    expect(w.begin('x', 10, 900, 100)).toBeTypeOf('function');
  });

  it('cuts very long keys, so one huge email cannot hold much memory', () => {
    const w = new FailureWindows(clock().now);
    const long = 'a'.repeat(10_000);
    for (let i = 0; i < 10; i++) w.begin(long, 10, 900, 100);
    expect(w.begin(long.slice(0, 256) + 'different tail', 10, 900, 100)).not.toBeTypeOf('function');
  });
});

describe('client address', () => {
  const req = (remoteAddress: string | undefined, headers: Record<string, string | string[]> = {}) =>
    ({ socket: { remoteAddress }, headers }) as unknown as IncomingMessage;

  it('is the socket address unless a header is configured', () => {
    expect(clientAddress(req('127.0.0.1', { 'x-forwarded-for': '1.2.3.4' }), null)).toBe('127.0.0.1');
    expect(clientAddress(req('127.0.0.1', { 'x-forwarded-for': '1.2.3.4' }), 'X-Forwarded-For')).toBe('1.2.3.4');
  });

  it("takes the header's last entry, and falls back to the socket when it is missing or empty", () => {
    expect(clientAddress(req('10.0.0.1', { 'x-forwarded-for': 'forged, 5.6.7.8' }), 'x-forwarded-for')).toBe('5.6.7.8');
    expect(clientAddress(req('10.0.0.1', { 'x-forwarded-for': ['1.1.1.1', '2.2.2.2'] }), 'x-forwarded-for')).toBe(
      '2.2.2.2',
    );
    expect(clientAddress(req('10.0.0.1', { 'x-forwarded-for': ' , ' }), 'x-forwarded-for')).toBe('10.0.0.1');
    expect(clientAddress(req('10.0.0.1'), 'x-real-ip')).toBe('10.0.0.1');
    expect(clientAddress(req(undefined), null)).toBe('unknown');
  });

  it('counts IPv4-mapped IPv6 as IPv4 and IPv6 per /64', () => {
    expect(normaliseAddress('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(normaliseAddress('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(normaliseAddress('2001:0db8:0001:0002:ffff:0:0:9')).toBe('2001:db8:1:2::/64');
    expect(normaliseAddress('[2001:db8::5]:443')).toBe('2001:db8:0:0::/64');
    expect(normaliseAddress('::1')).toBe('0:0:0:0::/64');
    expect(normaliseAddress('not-an-address')).toBe('not-an-address');
  });
});
