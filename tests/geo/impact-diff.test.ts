import type { Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import type { ZoneImpact } from '../../src/domain/rows.ts';
import { impactDiff } from '../../src/geo/impact-diff.ts';
import { zoneImpact, type ImpactCompound, type ImpactSite } from '../../src/geo/zone-impact.ts';
import { demoLayer } from '../helpers/demo-district.ts';

const NO_SITES = { testing_site: 0, mobile_testing: 0, checkpoint: 0, quarantine_site: 0, depot: 0, enterprise: 0 };

const saved: ZoneImpact = {
  households: 1200,
  residents: 3100,
  compounds: 3,
  compound_ids: ['cmp-0001', 'cmp-0002', 'cmp-0003'],
  sites: { testing_site: 2, enterprise: 4 },
  key_enterprises: 1,
  area_m2: 250_000,
};

describe('impactDiff', () => {
  it('lists the compounds taken in and let go, and the change in every figure', () => {
    const current: ZoneImpact = {
      households: 1000,
      residents: 2600,
      compounds: 3,
      compound_ids: ['cmp-0002', 'cmp-0003', 'cmp-0009'],
      sites: { testing_site: 2, enterprise: 3, checkpoint: 1 },
      key_enterprises: 0,
      area_m2: 262_500,
    };
    expect(impactDiff(saved, current)).toStrictEqual({
      addedCompoundIds: ['cmp-0009'],
      removedCompoundIds: ['cmp-0001'],
      delta: {
        households: -200,
        residents: -500,
        compounds: 0,
        key_enterprises: -1,
        area_m2: 12_500,
        sites: { ...NO_SITES, enterprise: -1, checkpoint: 1 },
      },
    });
  });

  it('counts everything as added for a new zone', () => {
    expect(impactDiff(null, saved)).toStrictEqual({
      addedCompoundIds: saved.compound_ids,
      removedCompoundIds: [],
      delta: {
        households: 1200,
        residents: 3100,
        compounds: 3,
        key_enterprises: 1,
        area_m2: 250_000,
        sites: { ...NO_SITES, testing_site: 2, enterprise: 4 },
      },
    });
  });

  it('is all zeros for an unchanged boundary', () => {
    expect(impactDiff(saved, structuredClone(saved))).toStrictEqual({
      addedCompoundIds: [],
      removedCompoundIds: [],
      delta: { households: 0, residents: 0, compounds: 0, key_enterprises: 0, area_m2: 0, sites: NO_SITES },
    });
  });

  it('counts the households and residents of exactly the compounds taken in and let go (demo district)', () => {
    const compounds: ImpactCompound[] = demoLayer('compounds').features.map((f) => ({
      id: f.properties.id,
      households: f.properties.households,
      residents: f.properties.residents,
      geom: f.geometry,
    }));
    const sites: ImpactSite[] = demoLayer('sites').features.map((f) => ({
      kind: f.properties.kind,
      key: f.properties.kind === 'enterprise' ? f.properties.key : null,
      geom: f.geometry,
    }));
    const byId = new Map(compounds.map((c) => [c.id, c]));
    // Zhongxing sub-district's outline, shifted east by a quarter of its width: it lets
    // compounds go on the west side and takes in some of Xinkai's on the east.
    const area = demoLayer('districts').features.find((f) => f.properties.id === 'dst-zhongxing')!.geometry;
    const xs = area.coordinates[0].map(([x]) => x);
    const shift = (Math.max(...xs) - Math.min(...xs)) / 4;
    const moved: Polygon = {
      type: 'Polygon',
      coordinates: area.coordinates.map((ring) => ring.map(([x, y]) => [x + shift, y])),
    };

    const diff = impactDiff(zoneImpact(area, { compounds, sites }), zoneImpact(moved, { compounds, sites }));
    expect(diff.addedCompoundIds.length).toBeGreaterThan(0);
    expect(diff.removedCompoundIds.length).toBeGreaterThan(0);
    const sum = (ids: string[], field: 'households' | 'residents') =>
      ids.reduce((total, id) => total + byId.get(id)![field], 0);
    expect(diff.delta.households).toBe(
      sum(diff.addedCompoundIds, 'households') - sum(diff.removedCompoundIds, 'households'),
    );
    expect(diff.delta.residents).toBe(
      sum(diff.addedCompoundIds, 'residents') - sum(diff.removedCompoundIds, 'residents'),
    );
    expect(diff.delta.compounds).toBe(diff.addedCompoundIds.length - diff.removedCompoundIds.length);
  });
});
