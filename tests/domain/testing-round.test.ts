import { describe, expect, it } from 'vitest';
import { testingRoundHours } from '../../src/domain/testing-round.ts';

describe('testingRoundHours', () => {
  it('divides the residents by the combined hourly capacity', () => {
    expect(testingRoundHours(12_000, [1000, 500, 500])).toBe(6);
    expect(testingRoundHours(1000, [400])).toBe(2.5);
  });

  it('is Infinity without capacity', () => {
    expect(testingRoundHours(5000, [])).toBe(Infinity);
    expect(testingRoundHours(5000, [0, 0])).toBe(Infinity);
    expect(testingRoundHours(0, [])).toBe(Infinity);
  });

  it('takes no time when there is nobody to test', () => {
    expect(testingRoundHours(0, [300])).toBe(0);
    expect(testingRoundHours(-5, [300])).toBe(0);
  });

  it('ignores capacities that are not positive finite numbers', () => {
    expect(testingRoundHours(600, [300, -100, Number.NaN, Infinity])).toBe(2);
    expect(testingRoundHours(600, [-100, Number.NaN])).toBe(Infinity);
  });
});
