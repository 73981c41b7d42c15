import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { advance } from '../../src/domain/publication-sequence.ts';

const n = (v: number, tag = '') => ({ v, tag });

describe('advance', () => {
  it('applies the consecutive run after the version held', () => {
    const step = advance(4, [n(6), n(5), n(7)]);
    expect(step.apply.map((c) => c.v)).toEqual([5, 6, 7]);
    expect(step).toMatchObject({ version: 7, pending: [], gap: false });
  });

  it('drops changes the published files already hold, and duplicates', () => {
    const step = advance(10, [n(9), n(10), n(11, 'a'), n(11, 'b')]);
    expect(step.apply).toEqual([n(11, 'a')]);
    expect(step.version).toBe(11);
    expect(step.gap).toBe(false);
  });

  it('stops at a missing number and keeps what lies beyond it', () => {
    const step = advance(3, [n(4), n(6), n(7), n(7)]);
    expect(step.apply.map((c) => c.v)).toEqual([4]);
    expect(step.version).toBe(4);
    expect(step.pending.map((c) => c.v)).toEqual([6, 7]);
    expect(step.gap).toBe(true);
  });

  it('with nothing pending holds its version', () => {
    expect(advance(2, [])).toEqual({ apply: [], version: 2, pending: [], gap: false });
  });

  it('whatever the arrival order, ends where the numbers run out, each number applied once', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50 }), fc.array(fc.integer({ min: 0, max: 80 })), (version, numbers) => {
        const step = advance(version, numbers.map((v) => n(v)));
        const have = new Set(numbers);
        let expected = version;
        while (have.has(expected + 1)) expected++;
        expect(step.version).toBe(expected);
        expect(step.apply.map((c) => c.v)).toEqual(Array.from({ length: expected - version }, (_, i) => version + i + 1));
        expect(step.gap).toBe(numbers.some((v) => v > expected + 1));
        expect(step.pending.every((c) => c.v > expected + 1)).toBe(true);
      }),
    );
  });
});
