import { describe, expect, it } from 'vitest';
import { fromDistrictInput, toDistrictInput } from '../../src/domain/district-time.ts';

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
