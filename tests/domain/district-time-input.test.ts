import { describe, expect, it } from 'vitest';
import { formatDistrictDate, fromDistrictInput, toDistrictInput } from '../../src/domain/district-time.ts';

describe('district time inputs', () => {
  it('shows an instant on the district clock and reads it back', () => {
    expect(toDistrictInput('2022-04-04T00:00:00Z')).toBe('2022-04-04T08:00');
    expect(fromDistrictInput('2022-04-04T08:00')).toBe('2022-04-04T00:00:00.000Z');
  });
  it('answers empty for nothing and null for what is not a time', () => {
    expect(toDistrictInput(null)).toBe('');
    expect(fromDistrictInput('')).toBeNull();
    expect(fromDistrictInput('2022-13-45T99:00')).toBeNull();
  });
});

describe('formatDistrictDate', () => {
  const now = new Date('2026-11-30T02:00:00Z');
  it('adds the year only when it is not this year’s, in long or short month form', () => {
    expect(formatDistrictDate('zh-CN', new Date('2022-04-17T16:00:00Z'), now)).toBe('2022年4月18日');
    expect(formatDistrictDate('en', new Date('2022-04-17T16:00:00Z'), now)).toBe('18 April 2022');
    expect(formatDistrictDate('en', new Date('2022-04-17T16:00:00Z'), now, 'short')).toBe('18 Apr 2022');
    expect(formatDistrictDate('en', new Date('2026-04-17T16:00:00Z'), now, 'short')).toBe('18 Apr');
  });
});
