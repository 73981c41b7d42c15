import { describe, expect, it } from 'vitest';
import type { SiteKind } from '../../data/generator/contract.ts';
import { compoundsFile, districtsFile, roadsFile, sitesFile, zonesFile } from '../../supabase/seed/contract.ts';
import { loadCommitted } from './dataset.ts';

// The property names are the import format (data/README.md): exactly these, nothing missing.
const data = loadCommitted();

const SITE_COMMON = ['id', 'kind', 'name_zh', 'name_en', 'district', 'synthetic'];
const SITE_FIELDS: Record<SiteKind, string[]> = {
  testing_site: ['capacity_per_hour', 'opens', 'closes', 'status', 'queue_length'],
  mobile_testing: ['capacity_per_hour'],
  checkpoint: ['state', 'road', 'pass_required'],
  quarantine_site: ['rooms_total', 'rooms_ready', 'rooms_occupied', 'site_type'],
  depot: [],
  enterprise: ['key'],
};
const FIELDS = {
  districts: ['id', 'name_zh', 'name_en', 'residents', 'synthetic'],
  water: ['id', 'kind', 'name_zh', 'name_en', 'synthetic'],
  roads: ['id', 'class', 'name_zh', 'name_en', 'oneway', 'speed_kmh', 'synthetic'],
  compounds: ['id', 'name_zh', 'name_en', 'district', 'households', 'residents', 'drop_point', 'synthetic'],
  zones: ['id', 'name_zh', 'name_en', 'level', 'status', 'effective_from', 'review_days', 'district', 'synthetic'],
};
const ID_PATTERN: Record<string, RegExp> = {
  districts: /^dst-[a-z]+$/,
  water: /^wtr-[a-z0-9-]+$/,
  roads: /^road-\d{5,}$/,
  compounds: /^cmp-\d{4,}$/,
  zones: /^zone-\d{3,}$/,
  testing_site: /^ts-\d{2,}$/,
  mobile_testing: /^mt-\d{2,}$/,
  checkpoint: /^cp-\d{2,}$/,
  quarantine_site: /^qs-\d{2,}$/,
  depot: /^dep-\d{2,}$/,
  enterprise: /^ent-\d{3,}$/,
};

describe('the dataset file contract', () => {
  it('gives each file exactly its documented properties', () => {
    for (const [file, fields] of Object.entries(FIELDS)) {
      for (const f of data[file as keyof typeof FIELDS].features) {
        expect(Object.keys(f.properties).sort(), `${file} ${f.properties.id}`).toEqual([...fields].sort());
      }
    }
    for (const s of data.sites.features) {
      expect(Object.keys(s.properties).sort(), s.properties.id).toEqual(
        [...SITE_COMMON, ...SITE_FIELDS[s.properties.kind]].sort(),
      );
    }
  });

  it('has every kind of site', () => {
    expect(new Set(data.sites.features.map((s) => s.properties.kind))).toEqual(new Set(Object.keys(SITE_FIELDS)));
  });

  it('labels every feature synthetic', () => {
    for (const file of Object.values(data)) for (const f of file.features) expect(f.properties.synthetic).toBe(true);
  });

  it('gives every feature a unique id of its documented form', () => {
    const seen = new Set<string>();
    for (const [file, collection] of Object.entries(data)) {
      for (const f of collection.features) {
        const p = f.properties as { id: string; kind?: string };
        const pattern = file === 'sites' ? ID_PATTERN[p.kind!] : ID_PATTERN[file];
        expect(p.id).toMatch(pattern);
        expect(seen.has(p.id), p.id).toBe(false);
        seen.add(p.id);
      }
    }
  });

  it('refers only to districts that exist', () => {
    const districts = new Set(data.districts.features.map((d) => d.properties.id));
    for (const f of [...data.compounds.features, ...data.sites.features, ...data.zones.features]) {
      expect(districts.has(f.properties.district), f.properties.id).toBe(true);
    }
  });

  it('is accepted by the seed loader', () => {
    expect(districtsFile.safeParse(data.districts).success).toBe(true);
    expect(compoundsFile.safeParse(data.compounds).success).toBe(true);
    expect(sitesFile.safeParse(data.sites).success).toBe(true);
    expect(roadsFile.safeParse(data.roads).success).toBe(true);
    expect(zonesFile.safeParse(data.zones).success).toBe(true);
  });
});
