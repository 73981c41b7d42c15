import type { MultiPolygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { householdsServedToday, sealedCompounds } from '../../src/domain/sealed-compounds.ts';

const square = (x: number, y: number, size: number): MultiPolygon => ({
  type: 'MultiPolygon',
  coordinates: [
    [
      [
        [x, y],
        [x + size, y],
        [x + size, y + size],
        [x, y + size],
        [x, y],
      ],
    ],
  ],
});

const compounds = [
  { id: 'c1', district: 'd1', households: 569, geom: square(0.1, 0.1, 0.1) },
  { id: 'c2', district: 'd1', households: 300, geom: square(0.6, 0.1, 0.1) },
  { id: 'c3', district: 'd2', households: 200, geom: square(5, 5, 0.1) },
];
const zones = [
  { id: 'lock', level: 'lockdown' as const, status: 'active', geom: square(0, 0, 1) },
  { id: 'ctrl', level: 'control' as const, status: 'active', geom: square(4, 4, 2) },
  { id: 'old', level: 'lockdown' as const, status: 'lifted', geom: square(4, 4, 2) },
];
const now = new Date('2022-04-10T14:00:00+08:00');

describe('sealedCompounds', () => {
  it('lists the compounds in an active lockdown zone with today’s delivery, if any', () => {
    const stops = [
      { compound_id: 'c1', status: 'delivered' as const, delivered_at: '2022-04-10T14:00:00+08:00' },
      { compound_id: 'c2', status: 'delivered' as const, delivered_at: '2022-04-09T20:00:00+08:00' },
      { compound_id: 'c2', status: 'arrived' as const, delivered_at: null },
    ];
    const sealed = sealedCompounds(compounds, zones, stops, now);
    expect(sealed.map((s) => [s.compound.id, s.zoneId, s.deliveredAt])).toEqual([
      ['c1', 'lock', '2022-04-10T14:00:00+08:00'],
      ['c2', 'lock', null],
    ]);
    const served = householdsServedToday(sealed);
    expect(served.total).toBe(569);
    expect(served.byDistrict.get('d1')).toEqual({ served: 569, sealed: 869 });
  });

  it('counts a delivery at 00:10 district time as today, one at 23:50 the day before as not', () => {
    const early = [{ compound_id: 'c2', status: 'delivered' as const, delivered_at: '2022-04-10T00:10:00+08:00' }];
    const late = [{ compound_id: 'c2', status: 'delivered' as const, delivered_at: '2022-04-09T23:50:00+08:00' }];
    expect(sealedCompounds(compounds, zones, early, now)[1].deliveredAt).not.toBeNull();
    expect(sealedCompounds(compounds, zones, late, now)[1].deliveredAt).toBeNull();
  });
});
