import type { MultiPolygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { publishSummary, type PublicZoneState } from '../../src/edit/publish-summary.ts';

/** A box from x0 to x1 (a "boundary" along one axis is enough to place compounds). */
const box = (x0: number, x1: number): MultiPolygon => ({
  type: 'MultiPolygon',
  coordinates: [
    [
      [
        [x0, 0],
        [x1, 0],
        [x1, 1],
        [x0, 1],
        [x0, 0],
      ],
    ],
  ],
});
// Compounds at x = 0.5, 1.5, 2.5, 3.5 with 100, 200, 300, 400 households.
const compounds = [0.5, 1.5, 2.5, 3.5].map((x, i) => ({ id: `c${i + 1}`, x, households: (i + 1) * 100 }));
const covered = (geom: MultiPolygon) => {
  const [x0, x1] = [geom.coordinates[0][0][0][0], geom.coordinates[0][0][1][0]];
  return compounds.filter((c) => c.x > x0 && c.x < x1).map((c) => c.id);
};
const households = (id: string) => compounds.find((c) => c.id === id)!.households;

const lockdown: PublicZoneState = {
  id: 'L',
  name: '江山鼎封控区',
  level: 'lockdown',
  status: 'active',
  geom: box(0, 1),
};
const control: PublicZoneState = { id: 'C', name: '管控区', level: 'control', status: 'active', geom: box(0, 2) };

describe('publishSummary', () => {
  it('names each change and counts households newly in and out of each level by their most severe zone', () => {
    const summary = publishSummary(
      [lockdown, control],
      [
        { ...lockdown, level: 'control' }, // stepped down: c1 leaves lockdown for control
        { ...control, geom: box(0, 3) }, // reshaped: c3 comes into control
        { id: 'N', name: '新防范区', level: 'precaution', status: 'active', geom: box(3, 4) }, // added: c4
      ],
      covered,
      households,
    );
    expect(summary.changes.map((c) => [c.id, c.kind, c.previousLevel])).toEqual([
      ['L', 'steppedDown', 'lockdown'],
      ['C', 'reshaped', null],
      ['N', 'added', null],
    ]);
    expect(summary.byLevel.lockdown).toEqual({
      compoundsIn: [],
      householdsIn: 0,
      compoundsOut: ['c1'],
      householdsOut: 100,
    });
    expect(summary.byLevel.control).toEqual({
      compoundsIn: ['c1', 'c3'],
      householdsIn: 400,
      compoundsOut: [],
      householdsOut: 0,
    });
    expect(summary.byLevel.precaution).toEqual({
      compoundsIn: ['c4'],
      householdsIn: 400,
      compoundsOut: [],
      householdsOut: 0,
    });
  });

  it('reports a lifted zone and the households it releases', () => {
    const summary = publishSummary([control], [{ ...control, status: 'lifted' }], covered, households);
    expect(summary.changes[0].kind).toBe('lifted');
    expect(summary.byLevel.control).toMatchObject({ compoundsOut: ['c1', 'c2'], householdsOut: 300 });
  });

  it('counts nothing for a change of name only', () => {
    const summary = publishSummary([control], [{ ...control, name: 'renamed' }], covered, households);
    expect(summary.changes[0].kind).toBe('updated');
    expect(summary.byLevel.control).toEqual({ compoundsIn: [], householdsIn: 0, compoundsOut: [], householdsOut: 0 });
  });
});
