import { describe, expect, it } from 'vitest';
import { runStartProblem } from '../../src/domain/run-start.ts';

describe('runStartProblem', () => {
  it('lets a run leave any depot', () => {
    expect(runStartProblem({ kind: 'depot', state: null }, false)).toBeNull();
  });

  it('lets a truck from outside enter at an open checkpoint, and at a restricted one only with a pass', () => {
    expect(runStartProblem({ kind: 'checkpoint', state: 'open' }, false)).toBeNull();
    expect(runStartProblem({ kind: 'checkpoint', state: 'restricted' }, false)).toBe('entry_needs_pass');
    expect(runStartProblem({ kind: 'checkpoint', state: 'restricted' }, true)).toBeNull();
  });

  it('never through a closed checkpoint, pass or not', () => {
    expect(runStartProblem({ kind: 'checkpoint', state: 'closed' }, true)).toBe('entry_closed');
  });

  it('refuses any other kind of site', () => {
    expect(runStartProblem({ kind: 'testing_site', state: null }, true)).toBe('not_a_start');
  });
});
