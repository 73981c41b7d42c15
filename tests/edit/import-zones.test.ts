import type { Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { importZones } from '../../src/edit/operations/import-zones.ts';
import { EMPTY_HISTORY, transact, undo } from '../../src/edit/undo-log.ts';

const square = (x: number): Polygon => ({
  type: 'Polygon',
  coordinates: [
    [
      [x, 32],
      [x + 0.01, 32],
      [x + 0.01, 32.01],
      [x, 32.01],
      [x, 32],
    ],
  ],
});

describe('importZones', () => {
  it('adds every zone of a file as a new draft in one edit, and one undo takes them all back', () => {
    let n = 0;
    const context = { zone: () => null, newId: () => `new-${++n}` };
    const result = importZones(context, [
      { geom: square(120.9), level: 'lockdown', name: '甲小区封控区' },
      { geom: square(121.0), level: 'control', name: '乙管控区', name_en: 'B control zone' },
    ]);
    if (!result.ok) throw new Error(result.reason);
    expect(result.moment.note).toBe('import');
    const history = transact(EMPTY_HISTORY, result.moment);
    expect(
      [...history.zones.values()].map((z) => [
        z.id,
        z.fields.name,
        z.fields.level,
        z.fields.status,
        z.fields.geom.type,
      ]),
    ).toEqual([
      ['new-1', '甲小区封控区', 'lockdown', 'draft', 'MultiPolygon'],
      ['new-2', '乙管控区', 'control', 'draft', 'MultiPolygon'],
    ]);
    expect(undo(history).zones.size).toBe(0);
  });

  it('refuses an empty file rather than recording an edit that does nothing', () => {
    expect(importZones({ zone: () => null, newId: () => 'x' }, [])).toEqual({ ok: false, reason: 'nothing_to_import' });
  });
});
