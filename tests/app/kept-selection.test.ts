import { describe, expect, it } from 'vitest';
import { keptRow, rowKeeper } from '../../src/domain/kept-selection.ts';

const a = { id: 'a', level: 'lockdown' };
const b = { id: 'b', level: 'control' };

describe('the row a card keeps', () => {
  it('shows the live row while the collection holds it', () => {
    expect(keptRow('a', [a, b], null)).toEqual({ row: a, gone: false });
    const newer = { id: 'a', level: 'control' };
    expect(keptRow('a', [newer, b], { row: a, gone: false })).toEqual({ row: newer, gone: false });
  });

  it('keeps the last row shown when the selected row leaves the collection', () => {
    const shown = keptRow('a', [a, b], null);
    expect(keptRow('a', [b], shown)).toEqual({ row: a, gone: true });
    // and it stays so on later changes
    expect(keptRow('a', [], keptRow('a', [b], shown))).toEqual({ row: a, gone: true });
  });

  it('knows nothing of an id it never showed, nor of another selection', () => {
    expect(keptRow('a', [b], null)).toBeNull();
    expect(keptRow('c', [b], { row: a, gone: false })).toBeNull();
    expect(keptRow(null, [a], { row: a, gone: false })).toBeNull();
  });

  it('goes back to live when the row comes back', () => {
    expect(keptRow('a', [a], { row: a, gone: true })).toEqual({ row: a, gone: false });
  });
});

describe('a row keeper', () => {
  it('remembers the row it last gave for the selection', () => {
    const keep = rowKeeper<typeof a>();
    expect(keep('a', [a, b])).toEqual({ row: a, gone: false });
    expect(keep('a', [b])).toEqual({ row: a, gone: true });
    expect(keep(null, [b])).toBeNull();
    // Deselected in between: a later selection of the same id knows nothing more.
    expect(keep('a', [b])).toBeNull();
  });
});
