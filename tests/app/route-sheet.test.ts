import { readFileSync } from 'node:fs';
import type { Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { closureInputFromFeatures } from '../../src/routing/closures.ts';
import { runInOrder } from '../../src/routing/plan-run.ts';
import { buildRoutingNetwork } from '../../src/routing/routing-network.ts';
import type { TurnStep } from '../../src/routing/turn-list.ts';
import { routeSheet, routeSheetCsv, turnText } from '../../src/views/dispatch/route-sheet.ts';

const read = (layer: string) => JSON.parse(readFileSync(`data/nantong/${layer}.geojson`, 'utf8'));
const network = buildRoutingNetwork(read('roads'));
const sites = read('sites').features as {
  properties: { id: string; name_zh: string };
  geometry: { coordinates: Position };
}[];
const compounds = read('compounds').features as {
  properties: { id: string; name_zh: string; households: number; drop_point: Position };
}[];
const closures = closureInputFromFeatures(read('zones').features, sites as never);
const depot = sites.find((f) => f.properties.id === 'dep-01')!;
const chosen = ['cmp-0004', 'cmp-0001'].map((id) => compounds.find((f) => f.properties.id === id)!);

const step = (manoeuvre: TurnStep['manoeuvre'], name: string | null, nameEn: string | null = null): TurnStep => ({
  manoeuvre,
  at: [0, 0],
  edges: [],
  roadIds: [],
  name,
  nameEn,
  roadClass: 'primary',
  metres: 100,
  seconds: 10,
  turnDeg: null,
  heading: null,
});

describe('turnText', () => {
  it('words each manoeuvre with the road name in the reader’s language', () => {
    expect(turnText('zh-CN', step('left', '振兴路', 'Zhenxing Road'), '')).toBe('左转进入 振兴路');
    expect(turnText('en', step('left', '振兴路', 'Zhenxing Road'), '')).toBe('Turn left onto Zhenxing Road');
    expect(turnText('en', step('slight-right', '振兴路'), '')).toBe('Bear right onto 振兴路');
    expect(turnText('en', step('u-turn', null), '')).toBe('Make a U-turn onto an unnamed road');
    expect(turnText('zh-CN', step('arrive', null), '江山鼎')).toBe('到达 江山鼎');
  });
});

describe('routeSheet on the demo district', () => {
  const run = runInOrder(network, closures, {
    start: depot.geometry.coordinates,
    stops: chosen.map((c) => ({
      id: c.properties.id,
      position: c.properties.drop_point,
      parcels: c.properties.households,
    })),
    truck: '苏F·12345',
  });
  const names = new Map([...compounds, ...sites].map((f) => [f.properties.id, f.properties.name_zh]));
  const sheet = routeSheet(run, {
    locale: 'zh-CN',
    startName: names.get('dep-01')!,
    stopName: (id) => names.get(id) ?? id,
    parcels: (id) => chosen.find((c) => c.properties.id === id)!.properties.households,
    dropPoint: (id) => chosen.find((c) => c.properties.id === id)!.properties.drop_point,
    departure: new Date('2022-04-10T06:00:00Z'),
  });

  it('lists the stops in order with drop point, parcels and arrival in district time', () => {
    expect(sheet.stops.map((s) => s.id)).toEqual(['cmp-0004', 'cmp-0001']);
    expect(sheet.stops[1].dropPoint).toBe(chosen[1].properties.drop_point.map((v) => v.toFixed(6)).join(', '));
    expect(sheet.stops[0].parcels).toBe(chosen[0].properties.households);
    // 06:00 UTC is 14:00 in Nantong; the first stop is reached after the first leg.
    const minutes = 14 * 60 + run.stops[0].arrivalSeconds / 60;
    const hhmm = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(Math.floor(minutes % 60)).padStart(2, '0')}`;
    expect(sheet.stops[0].arrival).toBe(hhmm);
    expect(sheet.departure).toBe('14:00');
  });

  it('gives every leg a turn list by road name that starts by departing and ends by arriving', () => {
    expect(sheet.legs).toHaveLength(3);
    expect(sheet.legs[0].title).toBe(`前往第 1 站 ${names.get('cmp-0004')}`);
    expect(sheet.legs[2].title).toBe(`返回 ${names.get('dep-01')}`);
    for (const [i, leg] of sheet.legs.entries()) {
      expect(leg.noRoute).toBe(false);
      expect(leg.turns[0].text).toMatch(/^沿 .+ 出发$/);
      expect(leg.turns.at(-1)!.text).toBe(`到达 ${i < 2 ? sheet.stops[i].name : names.get('dep-01')}`);
      const metres = leg.turns.reduce((sum, turn) => sum + turn.metres, 0);
      // Steps cover the road part of the leg: the leg less the short ways on and off the road.
      expect(metres).toBeLessThanOrEqual(run.legs[i].metres + 0.01);
      expect(metres).toBeGreaterThan(run.legs[i].metres - 200);
    }
  });

  it('exports the same sheet as CSV, quoting what needs quoting', () => {
    const csv = routeSheetCsv(sheet);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('kind,leg,n,text,drop_point,parcels,arrival,metres');
    expect(lines[1]).toBe(
      `stop,1,1,${sheet.stops[0].name},"${sheet.stops[0].dropPoint}",${sheet.stops[0].parcels},${sheet.stops[0].arrival},`,
    );
    const turns = lines.filter((line) => line.startsWith('turn,'));
    expect(turns).toHaveLength(sheet.legs.reduce((sum, leg) => sum + leg.turns.length, 0));
    const odd = routeSheetCsv({ ...sheet, stops: [{ ...sheet.stops[0], name: 'A "quoted", name' }], legs: [] });
    expect(odd.split('\r\n')[1]).toContain('"A ""quoted"", name"');
  });
});
