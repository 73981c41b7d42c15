import { describe, expect, it } from 'vitest';
import { zoneChangesSummary, zoneChangesToday, zoneChangeText, type RevisionFacts } from '../../src/domain/changes-today.ts';
import type { PublicZoneRow, ZoneLevel, ZoneStatus } from '../../src/domain/rows.ts';

const now = new Date('2022-04-12T15:00:00+08:00');
const yesterday = '2022-04-11T18:00:00+08:00';
const at = (hhmm: string) => `2022-04-12T${hhmm}:00+08:00`;

/** The public side of a revision; `status: null` stands for a draft, which the public cannot read. */
function revision(
  zoneId: string,
  version: number,
  changedAt: string,
  state: { level?: ZoneLevel; status: ZoneStatus | null },
  change: Partial<Pick<RevisionFacts, 'op' | 'change_kind' | 'changed_fields'>> = {},
): RevisionFacts {
  const publicRow: PublicZoneRow | null =
    state.status === null || state.status === 'draft'
      ? null
      : {
          id: zoneId,
          name: `${zoneId}区`,
          name_en: `Zone ${zoneId}`,
          level: state.level ?? 'lockdown',
          status: state.status,
          district: 'xiaohai',
          geom: { type: 'MultiPolygon', coordinates: [] },
          effective_from: '2022-04-04T00:00:00+08:00',
          review_days: 14,
          version,
          updated_at: changedAt,
          bounds_zh: null,
          bounds_en: null,
        };
  return { zone_id: zoneId, version, op: 'UPDATE', change_kind: 'updated', changed_fields: [], public_row: publicRow, changed_at: changedAt, ...change };
}

const kinds = (revisions: RevisionFacts[]) => zoneChangesToday(revisions, { now }).map((c) => [c.zoneId, c.kind]);

describe('zoneChangesToday', () => {
  it('reports a zone published today as added', () => {
    const revisions = [revision('a', 1, at('09:00'), { status: 'active' }, { op: 'INSERT', change_kind: 'created' })];
    expect(zoneChangesToday(revisions, { now })).toEqual([
      { zoneId: 'a', kind: 'added', name: 'a区', name_en: 'Zone a', level: 'lockdown', at: at('09:00') },
    ]);
  });

  it('reports a draft published today as added at the time it was published', () => {
    const revisions = [revision('a', 2, at('10:00'), { status: 'active' }, { change_kind: 'status_changed', changed_fields: ['status'] })];
    expect(zoneChangesToday(revisions, { now })[0]).toMatchObject({ kind: 'added', at: at('10:00') });
  });

  it('reports a lower level as stepped down, with the level at midnight', () => {
    const revisions = [
      revision('b', 3, yesterday, { level: 'lockdown', status: 'active' }),
      revision('b', 4, at('10:00'), { level: 'control', status: 'active' }, { change_kind: 'level_changed', changed_fields: ['level'] }),
    ];
    expect(zoneChangesToday(revisions, { now })).toEqual([
      { zoneId: 'b', kind: 'stepped_down', name: 'b区', name_en: 'Zone b', level: 'control', fromLevel: 'lockdown', at: at('10:00') },
    ]);
  });

  it('reports a higher level as stepped up', () => {
    const revisions = [
      revision('b', 3, yesterday, { level: 'precaution', status: 'active' }),
      revision('b', 4, at('10:00'), { level: 'control', status: 'active' }, { change_kind: 'level_changed', changed_fields: ['level'] }),
    ];
    expect(kinds(revisions)).toEqual([['b', 'stepped_up']]);
  });

  it('reports nothing for a level changed and changed back', () => {
    const revisions = [
      revision('h', 1, yesterday, { level: 'lockdown', status: 'active' }),
      revision('h', 2, at('09:00'), { level: 'control', status: 'active' }, { change_kind: 'level_changed', changed_fields: ['level'] }),
      revision('h', 3, at('09:05'), { level: 'lockdown', status: 'active' }, { change_kind: 'level_changed', changed_fields: ['level'] }),
    ];
    expect(kinds(revisions)).toEqual([]);
  });

  it('reports a new boundary as reshaped', () => {
    const revisions = [
      revision('c', 1, yesterday, { status: 'active' }),
      revision('c', 2, at('11:00'), { status: 'active' }, { change_kind: 'reshaped', changed_fields: ['geom'] }),
    ];
    expect(kinds(revisions)).toEqual([['c', 'reshaped']]);
  });

  it('reports a zone both stepped down and reshaped twice', () => {
    const revisions = [
      revision('c', 1, yesterday, { level: 'lockdown', status: 'active' }),
      revision('c', 2, at('11:00'), { level: 'lockdown', status: 'active' }, { change_kind: 'reshaped', changed_fields: ['geom'] }),
      revision('c', 3, at('12:00'), { level: 'control', status: 'active' }, { change_kind: 'level_changed', changed_fields: ['level', 'geom'] }),
    ];
    expect(kinds(revisions)).toEqual([
      ['c', 'stepped_down'],
      ['c', 'reshaped'],
    ]);
  });

  it('reports a lifted zone as lifted with the level it had', () => {
    const revisions = [
      revision('d', 5, yesterday, { level: 'control', status: 'active' }),
      revision('d', 6, at('12:00'), { level: 'control', status: 'lifted' }, { change_kind: 'status_changed', changed_fields: ['status'] }),
    ];
    expect(zoneChangesToday(revisions, { now })[0]).toMatchObject({ kind: 'lifted', level: 'control', at: at('12:00') });
  });

  it('reports a deleted or unpublished zone as removed', () => {
    const deleted = [
      revision('f', 1, yesterday, { status: 'active' }),
      revision('f', 2, at('13:00'), { status: 'active' }, { op: 'DELETE', change_kind: 'deleted' }),
    ];
    expect(kinds(deleted)).toEqual([['f', 'removed']]);
    const unpublished = [revision('g', 1, yesterday, { status: 'active' }), revision('g', 2, at('13:00'), { status: null })];
    expect(kinds(unpublished)).toEqual([['g', 'removed']]);
  });

  it('reports a zone added and lifted the same day as lifted', () => {
    const revisions = [
      revision('i', 1, at('08:00'), { status: 'active' }, { op: 'INSERT', change_kind: 'created' }),
      revision('i', 2, at('14:00'), { status: 'lifted' }, { change_kind: 'status_changed', changed_fields: ['status'] }),
    ];
    expect(kinds(revisions)).toEqual([['i', 'lifted']]);
  });

  it('ignores changes to zones the public never saw, changes before midnight and the seed load', () => {
    const revisions = [
      revision('e', 1, at('09:00'), { status: null }, { op: 'INSERT', change_kind: 'created' }),
      revision('y', 1, '2022-04-11T23:59:00+08:00', { status: 'active' }, { op: 'INSERT', change_kind: 'created' }),
      revision('s', 1, at('08:00'), { status: 'active' }, { op: 'INSERT', change_kind: 'imported' }),
    ];
    expect(kinds(revisions)).toEqual([]);
  });

  it('ignores edits that do not change what the public map shows', () => {
    const revisions = [
      revision('n', 1, yesterday, { status: 'active' }),
      revision('n', 2, at('09:00'), { status: 'active' }, { change_kind: 'renamed', changed_fields: ['name'] }),
    ];
    expect(kinds(revisions)).toEqual([]);
  });

  it('counts the day from midnight in Shanghai', () => {
    // 23:30 UTC on the 11th is 07:30 on the 12th in Shanghai.
    const revisions = [revision('a', 1, '2022-04-11T23:30:00Z', { status: 'active' }, { op: 'INSERT', change_kind: 'created' })];
    expect(kinds(revisions)).toEqual([['a', 'added']]);
  });

  it('lists the latest change first', () => {
    const revisions = [
      revision('a', 1, at('09:00'), { status: 'active' }, { op: 'INSERT', change_kind: 'created' }),
      revision('z', 1, at('11:00'), { status: 'active' }, { op: 'INSERT', change_kind: 'created' }),
      revision('m', 1, at('10:00'), { status: 'active' }, { op: 'INSERT', change_kind: 'created' }),
    ];
    expect(kinds(revisions).map(([id]) => id)).toEqual(['z', 'm', 'a']);
  });
});

describe('change texts', () => {
  const steppedDown = zoneChangesToday(
    [
      revision('b', 3, yesterday, { level: 'lockdown', status: 'active' }),
      revision('b', 4, at('10:05'), { level: 'control', status: 'active' }, { change_kind: 'level_changed', changed_fields: ['level'] }),
    ],
    { now },
  )[0];

  it('describes a change in English with the zone’s English name and local time', () => {
    expect(zoneChangeText('en', steppedDown)).toBe('Zone b stepped down from lockdown zone to control zone at 10:05');
  });

  it('describes a change in Chinese', () => {
    expect(zoneChangeText('zh-CN', steppedDown)).toBe('10:05 b区由封控区降为管控区');
  });

  it('says a withdrawn zone as the live announcement does: taken off the public map, not lifted', () => {
    const withdrawn = { ...steppedDown, kind: 'removed' as const };
    expect(zoneChangeText('en', withdrawn)).toBe('Zone b (control zone) was withdrawn from the public map at 10:05');
    expect(zoneChangeText('zh-CN', withdrawn)).toBe('10:05 b区（管控区）从公开地图撤下');
    expect(zoneChangesSummary('zh-CN', [withdrawn])).toBe('今日区域变化1项：撤下1个');
  });

  it('sums the day up, or says nothing changed', () => {
    const added = { ...steppedDown, kind: 'added' as const };
    expect(zoneChangesSummary('en', [steppedDown, added, added])).toBe('Today: 3 zone changes (2 added, 1 stepped down)');
    expect(zoneChangesSummary('zh-CN', [steppedDown])).toBe('今日区域变化1项：降级1个');
    expect(zoneChangesSummary('en', [])).toBe('No zone changes today');
    expect(zoneChangesSummary('zh-CN', [])).toBe('今日区域无变化');
  });
});
