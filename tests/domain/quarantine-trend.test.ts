import { describe, expect, it } from 'vitest';
import type { SiteRevisionRow, SiteRow } from '../../src/domain/rows.ts';
import { quarantineTrend } from '../../src/domain/quarantine-trend.ts';

const rev = (
  site_id: string,
  version: number,
  changed_at: string,
  row: Partial<SiteRow>,
  op: SiteRevisionRow['op'] = version === 1 ? 'INSERT' : 'UPDATE',
) => ({
  site_id,
  site_kind: 'quarantine_site' as const,
  version,
  op,
  changed_at,
  row: { status: 'open', ...row } as SiteRow,
});

describe('quarantineTrend', () => {
  it('gives each district day the rooms as they stood at its end', () => {
    const days = quarantineTrend(
      [
        rev('a', 1, '2022-04-01T02:00:00Z', { rooms_total: 100, rooms_ready: 80, rooms_occupied: 10 }),
        // 23:00 on 1 April in UTC is 07:00 on 2 April in Nantong.
        rev('a', 2, '2022-04-01T23:00:00Z', { rooms_total: 100, rooms_ready: 90, rooms_occupied: 50 }),
        rev('b', 1, '2022-04-03T01:00:00Z', { rooms_total: 40, rooms_ready: null, rooms_occupied: 5 }),
      ],
      new Date('2022-04-04T04:00:00Z'),
    );
    expect(days).toEqual([
      { day: '2022-04-01', total: 100, ready: 80, occupied: 10 },
      { day: '2022-04-02', total: 100, ready: 90, occupied: 50 },
      { day: '2022-04-03', total: 140, ready: 130, occupied: 55 },
      { day: '2022-04-04', total: 140, ready: 130, occupied: 55 },
    ]);
  });

  it('drops a site from the day it is closed or deleted, and ignores other kinds', () => {
    const days = quarantineTrend(
      [
        rev('a', 1, '2022-04-01T02:00:00Z', { rooms_total: 100, rooms_ready: 100, rooms_occupied: 0 }),
        rev('b', 1, '2022-04-01T02:00:00Z', { rooms_total: 50, rooms_ready: 50, rooms_occupied: 0 }),
        rev('a', 2, '2022-04-02T02:00:00Z', { rooms_total: 100, status: 'closed' }),
        rev('b', 2, '2022-04-03T02:00:00Z', { rooms_total: 50 }, 'DELETE'),
        { ...rev('t', 1, '2022-04-01T02:00:00Z', { rooms_total: 999 }), site_kind: 'testing_site' as const },
      ],
      new Date('2022-04-03T12:00:00Z'),
    );
    expect(days.map((d) => d.total)).toEqual([150, 50, 0]);
  });

  it('is empty without quarantine history', () => {
    expect(quarantineTrend([], new Date())).toEqual([]);
  });
});
