import { describe, expect, it } from 'vitest';
import { applyChange, planResync, type Versioned } from '../../src/domain/change.ts';

interface Row extends Versioned {
  name: string;
}

const rows = (): readonly Row[] =>
  Object.freeze([
    Object.freeze({ id: 'zone-001', version: 1, name: 'a' }),
    Object.freeze({ id: 'zone-002', version: 3, name: 'b' }),
  ]);

describe('applyChange', () => {
  it('appends an upsert of an unknown row', () => {
    const next = applyChange(rows(), { op: 'upsert', row: { id: 'zone-003', version: 1, name: 'c' } });
    expect(next.map((row) => row.id)).toEqual(['zone-001', 'zone-002', 'zone-003']);
  });

  it('replaces a known row in place with a newer version', () => {
    const next = applyChange(rows(), { op: 'upsert', row: { id: 'zone-001', version: 2, name: 'a2' } });
    expect(next).toEqual([
      { id: 'zone-001', version: 2, name: 'a2' },
      { id: 'zone-002', version: 3, name: 'b' },
    ]);
  });

  it('ignores an upsert older than the row held', () => {
    const before = rows();
    const next = applyChange(before, { op: 'upsert', row: { id: 'zone-002', version: 2, name: 'stale' } });
    expect(next).toBe(before);
  });

  it('accepts an upsert when either side has no version', () => {
    const next = applyChange<Row>([{ id: 's', name: 'x' }], { op: 'upsert', row: { id: 's', name: 'y' } });
    expect(next).toEqual([{ id: 's', name: 'y' }]);
  });

  it('removes a row by id', () => {
    const next = applyChange(rows(), { op: 'remove', id: 'zone-001' });
    expect(next.map((row) => row.id)).toEqual(['zone-002']);
  });

  it('returns the same array when removing an id it does not hold', () => {
    const before = rows();
    expect(applyChange(before, { op: 'remove', id: 'zone-999' })).toBe(before);
  });

  it('never mutates the collection it is given', () => {
    const before = rows();
    applyChange(before, { op: 'upsert', row: { id: 'zone-001', version: 5, name: 'z' } });
    applyChange(before, { op: 'remove', id: 'zone-002' });
    expect(before).toEqual(rows());
  });
});

describe('planResync', () => {
  it('fetches new and changed rows and removes rows the server no longer shows', () => {
    const plan = planResync(rows(), [
      { id: 'zone-002', version: 4 },
      { id: 'zone-003', version: 1 },
    ]);
    expect(plan).toEqual({ remove: ['zone-001'], fetch: ['zone-002', 'zone-003'] });
  });

  it('plans nothing when versions match', () => {
    expect(
      planResync(rows(), [
        { id: 'zone-001', version: 1 },
        { id: 'zone-002', version: 3 },
      ]),
    ).toEqual({ remove: [], fetch: [] });
  });
});

describe('planResync without versions', () => {
  it('fetches new ids and removes gone ones, and leaves rows of a table without versions alone', () => {
    const plan = planResync([{ id: 'a' }, { id: 'b' }], [{ id: 'b' }, { id: 'c' }]);
    expect(plan).toEqual({ remove: ['a'], fetch: ['c'] });
  });

  it('fetches a row whose version appeared or vanished', () => {
    expect(planResync([{ id: 'a' }], [{ id: 'a', version: 2 }]).fetch).toEqual(['a']);
  });
});
