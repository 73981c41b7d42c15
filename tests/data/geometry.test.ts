import {
  area,
  booleanPointInPolygon,
  booleanValid,
  booleanWithin,
  featureCollection,
  intersect,
  kinks,
  polygon as turfPolygon,
} from '@turf/turf';
import Flatbush from 'flatbush';
import { describe, expect, it } from 'vitest';
import type { Feature, Polygon, Position } from '../../data/generator/contract.ts';
import { key, loadCommitted } from './dataset.ts';

const data = loadCommitted();
const districtById = new Map(data.districts.features.map((f) => [f.properties.id, f]));

const allPolygons: [string, Feature<Polygon, { id: string }>][] = [
  ...data.districts.features.map((f) => ['districts', f] as [string, Feature<Polygon, { id: string }>]),
  ...data.water.features.map((f) => ['water', f] as [string, Feature<Polygon, { id: string }>]),
  ...data.compounds.features.map((f) => ['compounds', f] as [string, Feature<Polygon, { id: string }>]),
  ...data.zones.features.map((f) => ['zones', f] as [string, Feature<Polygon, { id: string }>]),
];

const both = (a: Feature<Polygon, object>, b: Feature<Polygon, object>) => intersect(featureCollection([a, b]));

const onLand = (p: Position) =>
  data.districts.features.some((d) => booleanPointInPolygon(p, d)) &&
  !data.water.features.some((w) => booleanPointInPolygon(p, w));

const compoundIndex = new Flatbush(data.compounds.features.length);
for (const c of data.compounds.features) {
  const ring = c.geometry.coordinates[0];
  const xs = ring.map((p) => p[0]);
  const ys = ring.map((p) => p[1]);
  compoundIndex.add(Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys));
}
compoundIndex.finish();
const compoundsAt = (p: Position) =>
  compoundIndex
    .search(p[0], p[1], p[0], p[1])
    .map((i) => data.compounds.features[i])
    .filter((c) => booleanPointInPolygon(p, c));

describe('dataset geometry', () => {
  it('has only valid polygons: closed rings, no self-intersections, holes inside', () => {
    for (const [file, f] of allPolygons) {
      const label = `${file} ${f.properties.id}`;
      for (const ring of f.geometry.coordinates) {
        expect(ring.length, label).toBeGreaterThanOrEqual(4);
        expect(ring[0], label).toEqual(ring[ring.length - 1]);
      }
      expect(kinks(f).features, label).toHaveLength(0);
      expect(booleanValid(f), label).toBe(true);
    }
  });

  it('winds outer rings counter-clockwise and holes clockwise (RFC 7946)', () => {
    const signedArea = (ring: Position[]) =>
      ring.reduce((s, p, k) => (k === 0 ? s : s + (ring[k - 1][0] * p[1] - p[0] * ring[k - 1][1])), 0);
    for (const [file, f] of allPolygons) {
      const [outer, ...holes] = f.geometry.coordinates;
      expect(signedArea(outer), `${file} ${f.properties.id}`).toBeGreaterThan(0);
      for (const h of holes) expect(signedArea(h), `${file} ${f.properties.id}`).toBeLessThan(0);
    }
  });

  it('keeps every coordinate at 6 decimals inside the zone around 120.90-121.06 E, 31.86-32.00 N', () => {
    const check = (p: Position) => {
      for (const v of p) expect(Math.round(v * 1e6) / 1e6).toBe(v);
    };
    for (const [, f] of allPolygons) f.geometry.coordinates.flat().forEach(check);
    for (const r of data.roads.features) r.geometry.coordinates.forEach(check);
    for (const s of data.sites.features) check(s.geometry.coordinates);
    for (const [, f] of allPolygons.filter(([file]) => file !== 'water')) {
      for (const [lng, lat] of f.geometry.coordinates.flat()) {
        expect(lng).toBeGreaterThanOrEqual(120.9);
        expect(lng).toBeLessThanOrEqual(121.07);
        expect(lat).toBeGreaterThanOrEqual(31.86);
        expect(lat).toBeLessThanOrEqual(32.0);
      }
    }
  });

  it('puts the sub-districts side by side without overlap', () => {
    const ds = data.districts.features;
    for (let a = 0; a < ds.length; a++) {
      for (let b = a + 1; b < ds.length; b++) {
        const shared = both(ds[a], ds[b]);
        expect(shared ? area(shared) : 0, `${ds[a].properties.id} / ${ds[b].properties.id}`).toBeLessThan(1);
      }
    }
  });

  it('puts every compound inside its district and on land', () => {
    for (const c of data.compounds.features) {
      expect(booleanWithin(c, districtById.get(c.properties.district)!), c.properties.id).toBe(true);
      for (const w of data.water.features) {
        expect(both(c, w), `${c.properties.id} / ${w.properties.id}`).toBeNull();
      }
    }
  });

  it('does not let compounds overlap', () => {
    for (const c of data.compounds.features) {
      const ring = c.geometry.coordinates[0];
      const xs = ring.map((p) => p[0]);
      const ys = ring.map((p) => p[1]);
      const near = compoundIndex.search(Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys));
      expect(
        near.map((i) => data.compounds.features[i].properties.id),
        c.properties.id,
      ).toEqual([c.properties.id]);
    }
  });

  it('puts every site on land in its district and outside every compound footprint', () => {
    for (const s of data.sites.features) {
      const p = s.geometry.coordinates;
      const label = `${s.properties.id} ${s.properties.name_en}`;
      expect(onLand(p), label).toBe(true);
      expect(booleanPointInPolygon(p, districtById.get(s.properties.district)!), label).toBe(true);
      expect(
        compoundsAt(p).map((c) => c.properties.id),
        label,
      ).toEqual([]);
    }
  });

  it("puts each drop point on land at the gate, outside every footprint, on the compound's own access road", () => {
    const serviceEnds = new Map<string, string>();
    for (const r of data.roads.features) {
      if (r.properties.class !== 'service') continue;
      for (const p of r.geometry.coordinates) serviceEnds.set(key(p), r.properties.name_zh);
    }
    for (const c of data.compounds.features) {
      const drop = c.properties.drop_point;
      expect(onLand(drop), c.properties.id).toBe(true);
      expect(compoundsAt(drop), c.properties.id).toEqual([]);
      expect(serviceEnds.get(key(drop)), c.properties.id).toBe(`${c.properties.name_zh}进出道路`);
    }
  });

  it('puts each lockdown zone around its compound, the control zone around it, the precaution zone around those', () => {
    const zones = data.zones.features;
    const outer = (z: Feature<Polygon, unknown>) => turfPolygon([z.geometry.coordinates[0]]);
    for (const lockdown of zones.filter((z) => z.properties.level === 'lockdown')) {
      const name = lockdown.properties.name_zh.replace(/封控区$/, '');
      const compound = data.compounds.features.find((c) => c.properties.name_zh === name);
      expect(compound, lockdown.properties.id).toBeDefined();
      expect(booleanWithin(compound!, lockdown)).toBe(true);
      expect(booleanPointInPolygon(compound!.properties.drop_point, lockdown)).toBe(true);
      const control = zones.find(
        (z) => z.properties.level === 'control' && z.properties.name_zh === `${name}周边管控区`,
      );
      if (!control) continue;
      expect(booleanWithin(lockdown, outer(control))).toBe(true);
      expect(booleanPointInPolygon(compound!.properties.drop_point, control)).toBe(false);
    }
    const precaution = zones.filter((z) => z.properties.level === 'precaution' && z.properties.status === 'active');
    for (const control of zones.filter((z) => z.properties.level === 'control' && z.properties.status === 'active')) {
      expect(
        precaution.some((p) => booleanWithin(outer(control), outer(p))),
        control.properties.id,
      ).toBe(true);
    }
  });

  it('never lets two zones overlap', () => {
    const zones = data.zones.features;
    for (let a = 0; a < zones.length; a++) {
      for (let b = a + 1; b < zones.length; b++) {
        const shared = both(zones[a], zones[b]);
        expect(shared ? area(shared) : 0, `${zones[a].properties.id} / ${zones[b].properties.id}`).toBeLessThan(1);
      }
    }
  });
});
