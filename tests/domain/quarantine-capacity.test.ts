import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SiteRow } from '../../src/domain/rows.ts';
import { quarantineCapacity, REQUIRED_ROOMS_PER_10K } from '../../src/domain/quarantine-capacity.ts';

const read = (layer: string) => JSON.parse(readFileSync(`data/nantong/${layer}.geojson`, 'utf8')).features;
const districts = read('districts').map((f: { properties: Record<string, unknown> }) => ({
  id: f.properties.id as string,
  name: f.properties.name_zh as string,
  name_en: f.properties.name_en as string,
  residents: f.properties.residents as number,
}));
const sites = read('sites').map(
  (f: { properties: Record<string, unknown>; geometry: SiteRow['geom'] }) =>
    ({
      ...f.properties,
      name: f.properties.name_zh,
      status: f.properties.status ?? null,
      rooms_total: f.properties.rooms_total ?? null,
      rooms_ready: f.properties.rooms_ready ?? null,
      rooms_occupied: f.properties.rooms_occupied ?? null,
      geom: f.geometry,
    }) as unknown as SiteRow,
);

const site = (id: string, district: string, total: number, ready: number | null, occupied: number, status = 'open') =>
  ({
    id,
    kind: 'quarantine_site',
    district,
    status,
    rooms_total: total,
    rooms_ready: ready,
    rooms_occupied: occupied,
  }) as SiteRow;

describe('quarantineCapacity', () => {
  it('gives the demo district’s known figures: 2,294 rooms for 306,000 residents, 75 per 10,000', () => {
    const { total, byDistrict } = quarantineCapacity(sites, districts);
    expect(total.total).toBe(2294);
    expect(total.residents).toBe(306_000);
    expect(Math.round(total.per10k!)).toBe(75);
    expect(total.meets).toBe(true);
    expect(total.free).toBe(total.ready - total.occupied);
    expect(byDistrict.reduce((sum, d) => sum + d.figures.total, 0)).toBe(2294);
  });

  it('holds each sub-district to the requirement on its own residents', () => {
    const districtsHere = [
      { id: 'a', name: 'A', name_en: null, residents: 10_000 },
      { id: 'b', name: 'B', name_en: null, residents: 20_000 },
    ];
    const { byDistrict, total } = quarantineCapacity(
      [site('q1', 'a', 50, 40, 10), site('q2', 'b', 60, 60, 0), site('q3', 'b', 500, 500, 0, 'closed')],
      districtsHere,
    );
    expect(byDistrict.map((d) => [d.district.id, d.figures.per10k, d.figures.meets])).toEqual([
      ['a', 50, true],
      ['b', 30, false],
    ]);
    // The closed site's rooms count nowhere.
    expect(total.total).toBe(110);
    expect(REQUIRED_ROOMS_PER_10K).toBe(40);
  });

  it('flags the sites near full, fullest first, and counts a site without a ready figure as all ready', () => {
    const { nearFull, total } = quarantineCapacity(
      [site('q1', 'a', 100, 100, 95), site('q2', 'a', 100, 50, 50), site('q3', 'a', 100, null, 10)],
      [{ id: 'a', name: 'A', name_en: null, residents: 1 }],
    );
    expect(nearFull.map((n) => [n.site.id, n.share])).toEqual([
      ['q2', 1],
      ['q1', 0.95],
    ]);
    expect(total.ready).toBe(250);
    expect(total.free).toBe(250 - 155);
  });
});
