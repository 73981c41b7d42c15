import { readFileSync } from 'node:fs';
import type { Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import {
  exportCompoundsCsv,
  exportZonesCsv,
  exportZonesGeoJson,
  exportZonesKml,
  zoneFeatureCollection,
} from '../../src/io/export-zones.ts';
import { haversineM } from '../../src/routing/distance.ts';
import { demoCompounds, demoFigures, demoZones } from './demo-zones.ts';

const zones = demoZones();
const active = zones.filter((z) => z.status === 'active').map((z) => z.id);
const FIXTURE_ZONES = ['zone-001', 'zone-002', 'zone-009'];
const lines = (csv: string) => csv.split('\r\n');

describe('zoneFeatureCollection / exportZonesGeoJson', () => {
  it('exports the active zones, by default, with their columns', () => {
    const collection = zoneFeatureCollection(zones);
    expect(collection.features.map((f) => f.id)).toEqual(active);
    expect(active).not.toContain('zone-010');
    expect(collection.features[0]).toEqual({
      type: 'Feature',
      id: 'zone-001',
      properties: {
        id: 'zone-001',
        name: '江山鼎封控区',
        name_en: 'Jiangshanding lockdown zone',
        level: 'lockdown',
        status: 'active',
        district: 'dst-xiaohai',
        effective_from: '2022-04-04T00:00:00+08:00',
        review_days: 14,
      },
      geometry: zones[0].geom,
    });
  });

  it('exports a selection whatever its status, in the zones’ order, and the figures given', () => {
    const figures = demoFigures(zones);
    const [jiangshanding, lifted] = zoneFeatureCollection(zones, {
      selection: ['zone-010', 'zone-001'],
      figures,
    }).features;
    expect(lifted.properties.status).toBe('lifted');
    expect(jiangshanding.properties).toMatchObject({
      households: figures.get('zone-001')!.households,
      residents: figures.get('zone-001')!.residents,
      compounds: 1,
      testing_site_count: 0,
      enterprise_count: 0,
      key_enterprises: 0,
    });
    expect(jiangshanding.properties.households).toBeGreaterThan(0);
  });

  it('moves every position into the coordinate system asked for', () => {
    const gcj = zoneFeatureCollection(zones, { crs: 'gcj02' });
    const wgs = zoneFeatureCollection(zones);
    const first = (c: typeof wgs, i: number): Position => c.features[i].geometry.coordinates[0][0][0];
    for (let i = 0; i < wgs.features.length; i++) {
      const shift = haversineM(...(first(wgs, i) as [number, number]), ...(first(gcj, i) as [number, number]));
      expect(shift).toBeGreaterThan(300);
      expect(shift).toBeLessThan(700);
    }
    expect(zones[0].geom.coordinates[0][0][0]).toEqual([121.003585, 31.959145]);
  });

  it('writes the GeoJSON fixture (tests/fixtures/io/zones.geojson)', () => {
    const text = exportZonesGeoJson(zones, { selection: FIXTURE_ZONES });
    expect(text).toBe(readFileSync('tests/fixtures/io/zones.geojson', 'utf8'));
    expect(JSON.parse(text)).toEqual(zoneFeatureCollection(zones, { selection: FIXTURE_ZONES }));
  });
});

describe('exportZonesKml', () => {
  it('writes a placemark per zone, named, with its level and no empty values', () => {
    const kml = exportZonesKml([{ ...zones[0], name_en: null, review_days: null }]);
    expect(kml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<kml xmlns="http:\/\/www.opengis.net\/kml\/2.2">/);
    expect(kml).toContain('<Placemark id="zone-001">');
    expect(kml).toContain('<name>江山鼎封控区</name>');
    expect(kml).toContain('<Data name="level"><value>lockdown</value></Data>');
    expect(kml).not.toContain('null');
    expect(kml).not.toContain('name_en');
  });

  it('writes the KML fixture (tests/fixtures/io/zones.kml)', () => {
    expect(exportZonesKml(zones, { selection: FIXTURE_ZONES })).toBe(
      readFileSync('tests/fixtures/io/zones.kml', 'utf8'),
    );
  });

  it('writes positions in the coordinate system asked for', () => {
    const [x, y] = zones[0].geom.coordinates[0][0][0];
    expect(exportZonesKml(zones, { selection: ['zone-001'] })).toContain(`${x},${y}`);
    expect(exportZonesKml(zones, { selection: ['zone-001'], crs: 'bd09' })).not.toContain(`${x},${y}`);
  });
});

describe('exportZonesCsv', () => {
  it('writes a row per active zone, empty cells for nothing', () => {
    const rows = lines(exportZonesCsv([{ ...zones[0], name_en: null }, zones[9]]));
    expect(rows).toEqual([
      'id,name,name_en,level,status,district,effective_from,review_days',
      'zone-001,江山鼎封控区,,lockdown,active,dst-xiaohai,2022-04-04T00:00:00+08:00,14',
      '',
    ]);
  });

  it('quotes commas, quotes and line breaks (RFC 4180)', () => {
    const [, row] = lines(exportZonesCsv([{ ...zones[0], name: '江山鼎, "一期"\n封控区' }]));
    expect(row).toBe(
      'zone-001,"江山鼎, ""一期""\n封控区",Jiangshanding lockdown zone,lockdown,active,dst-xiaohai,2022-04-04T00:00:00+08:00,14',
    );
  });

  it('adds the figures, sites by kind, and words headers and levels as asked', () => {
    const figures = demoFigures(zones);
    const words: Record<string, string> = { id: '编号', name: '名称', households: '户数', lockdown: '封控区' };
    const csv = exportZonesCsv(zones, {
      selection: ['zone-001'],
      figures,
      header: (column) => words[column] ?? column,
      levelText: (level) => words[level],
    });
    const [header, row] = lines(csv);
    expect(header).toBe(
      '编号,名称,name_en,level,status,district,effective_from,review_days,户数,residents,compounds,' +
        'testing_site_count,mobile_testing_count,checkpoint_count,quarantine_site_count,depot_count,enterprise_count,key_enterprises,area_m2',
    );
    const f = figures.get('zone-001')!;
    expect(row.split(',').slice(3, 4)).toEqual(['封控区']);
    expect(row.split(',').slice(8)).toEqual([f.households, f.residents, 1, 0, 0, 0, 0, 0, 0, 0, f.area_m2].map(String));
  });

  it('leaves the figures empty for a zone the map lacks', () => {
    const [, row] = lines(exportZonesCsv(zones, { selection: ['zone-001'], figures: new Map() }));
    expect(row.endsWith(',14' + ','.repeat(11))).toBe(true);
  });
});

describe('exportCompoundsCsv', () => {
  const compounds = demoCompounds();

  it('lists the compounds each chosen zone seals, with its figures', () => {
    const figures = demoFigures(zones);
    const rows = lines(exportCompoundsCsv(zones, compounds, figures, { selection: ['zone-001'] }));
    const jiangshanding = compounds.find((c) => c.id === 'cmp-0001')!;
    expect(rows).toEqual([
      'compound_id,compound_name,zone_id,zone_name,level,households,residents',
      `cmp-0001,江山鼎,zone-001,江山鼎封控区,lockdown,${jiangshanding.households},${jiangshanding.residents}`,
      '',
    ]);
    expect(lines(exportCompoundsCsv(zones, compounds, figures)).length - 2).toBe(
      active.reduce((n, id) => n + figures.get(id)!.compound_ids.length, 0),
    );
  });

  it('gives a compound in two zones a row for each, and leaves out compounds it does not know', () => {
    const figures = new Map([
      ['zone-001', { compound_ids: ['cmp-0001', 'cmp-9999'] }],
      ['zone-002', { compound_ids: ['cmp-0001'] }],
    ]);
    const rows = lines(exportCompoundsCsv(zones, compounds, figures, { levelText: (l) => l.toUpperCase() }));
    expect(rows.slice(1, -1).map((r) => r.split(',').slice(0, 5).join(','))).toEqual([
      'cmp-0001,江山鼎,zone-001,江山鼎封控区,LOCKDOWN',
      'cmp-0001,江山鼎,zone-002,江山鼎周边管控区,CONTROL',
    ]);
  });
});
