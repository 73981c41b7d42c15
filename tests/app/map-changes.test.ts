import { describe, expect, it } from 'vitest';
import { siteChanges, zoneChanges, type SiteFacts, type ZoneFacts } from '../../src/domain/map-changes.ts';
import type { ZoneLevel } from '../../src/domain/rows.ts';

const square = (west: number) => ({
  type: 'MultiPolygon' as const,
  coordinates: [
    [
      [
        [west, 31.9],
        [west + 0.01, 31.9],
        [west + 0.01, 31.91],
        [west, 31.9],
      ],
    ],
  ],
});

const zone = (id: string, level: ZoneLevel, version = 1, west = 120.9): ZoneFacts => ({
  id,
  name: `${id}区`,
  name_en: `Zone ${id}`,
  level,
  geom: square(west),
  version,
});

const site = (id: string, patch: Partial<SiteFacts> = {}): SiteFacts => ({
  id,
  kind: 'testing_site',
  name: `${id}采样点`,
  name_en: `${id} testing site`,
  status: 'open',
  state: null,
  version: 1,
  ...patch,
});

describe('zone changes between two collections', () => {
  it('finds nothing when the rows did not move', () => {
    const zones = [zone('a', 'lockdown'), zone('b', 'control')];
    expect(zoneChanges(zones, zones)).toEqual([]);
    // A re-read gives new objects of the same version: still nothing.
    expect(
      zoneChanges(
        zones,
        zones.map((z) => ({ ...z, geom: square(121) })),
      ),
    ).toEqual([]);
  });

  it('reports a zone added and a zone lifted (gone from the collection), lifted last', () => {
    const before = [zone('a', 'lockdown'), zone('b', 'control')];
    const after = [zone('a', 'lockdown'), zone('c', 'precaution')];
    expect(zoneChanges(before, after)).toEqual([
      { kind: 'zone_added', name: 'c区', name_en: 'Zone c', level: 'precaution' },
      { kind: 'zone_lifted', name: 'b区', name_en: 'Zone b', level: 'control' },
    ]);
  });

  it('says a zone withdrawn or deleted is gone without calling it lifted; lifted when the removal says so or says nothing', () => {
    const before = [zone('a', 'lockdown'), zone('b', 'control'), zone('c', 'control'), zone('d', 'precaution')];
    const departures = new Map([
      ['a', 'withdrawn'],
      ['b', 'deleted'],
      ['c', 'lifted'],
    ] as const);
    expect(zoneChanges(before, [], departures).map((c) => [c.name_en, c.kind])).toEqual([
      ['Zone a', 'zone_withdrawn'],
      ['Zone b', 'zone_withdrawn'],
      ['Zone c', 'zone_lifted'],
      ['Zone d', 'zone_lifted'],
    ]);
  });

  it('tells a step down from a step up', () => {
    const before = [zone('a', 'lockdown'), zone('b', 'precaution')];
    const after = [zone('a', 'control', 2), zone('b', 'lockdown', 2)];
    expect(zoneChanges(before, after)).toEqual([
      { kind: 'zone_stepped_down', name: 'a区', name_en: 'Zone a', from: 'lockdown', level: 'control' },
      { kind: 'zone_stepped_up', name: 'b区', name_en: 'Zone b', from: 'precaution', level: 'lockdown' },
    ]);
  });

  it('reports a redrawn boundary, and nothing for a new version that changed neither level nor boundary', () => {
    const before = [zone('a', 'control'), zone('b', 'control')];
    const after = [zone('a', 'control', 2, 121), zone('b', 'control', 2)];
    expect(zoneChanges(before, after)).toEqual([
      { kind: 'zone_reshaped', name: 'a区', name_en: 'Zone a', level: 'control' },
    ]);
  });

  it('reports a level change and a new boundary of the same save both', () => {
    expect(zoneChanges([zone('a', 'lockdown')], [zone('a', 'control', 2, 121)]).map((c) => c.kind)).toEqual([
      'zone_stepped_down',
      'zone_reshaped',
    ]);
  });
});

describe('site changes between two collections', () => {
  it('reports a testing site paused, closed and reopened, not a queue update', () => {
    const before = [site('a'), site('b'), site('c', { status: 'paused' }), site('d')];
    const after = [
      site('a', { status: 'paused', version: 2 }),
      site('b', { status: 'closed', version: 2 }),
      site('c', { status: 'open', version: 2 }),
      site('d', { version: 2 }),
    ];
    expect(siteChanges(before, after)).toEqual([
      { kind: 'site_status', name: 'a采样点', name_en: 'a testing site', status: 'paused' },
      { kind: 'site_status', name: 'b采样点', name_en: 'b testing site', status: 'closed' },
      { kind: 'site_status', name: 'c采样点', name_en: 'c testing site', status: 'open' },
    ]);
  });

  it('counts a site without a status as open', () => {
    expect(siteChanges([site('a', { status: null })], [site('a', { status: 'open', version: 2 })])).toEqual([]);
  });

  it('reports checkpoint states, and sites added and removed', () => {
    const before = [site('k', { kind: 'checkpoint', status: null, state: 'open' }), site('gone')];
    const after = [
      site('k', { kind: 'checkpoint', status: null, state: 'restricted', version: 2 }),
      site('new', { kind: 'mobile_testing' }),
    ];
    expect(siteChanges(before, after)).toEqual([
      { kind: 'checkpoint_state', name: 'k采样点', name_en: 'k testing site', state: 'restricted' },
      { kind: 'site_added', name: 'new采样点', name_en: 'new testing site', site: 'mobile_testing' },
      { kind: 'site_removed', name: 'gone采样点', name_en: 'gone testing site', site: 'testing_site' },
    ]);
  });
});
