import { SITE_KINDS, type SiteKind, type ZoneImpact } from '../domain/rows.ts';

/** How a boundary being drawn differs from the saved one, for the impact panel. */
export interface ImpactDiff {
  /** Compounds the new boundary takes in, sorted. */
  addedCompoundIds: string[];
  /** Compounds the new boundary lets go, sorted. */
  removedCompoundIds: string[];
  /**
   * Current minus saved: households and residents (those of the added compounds less those
   * of the removed ones), compounds, key enterprises, area in m², and sites for every kind
   * (0 when unchanged).
   */
  delta: {
    households: number;
    residents: number;
    compounds: number;
    key_enterprises: number;
    area_m2: number;
    sites: Record<SiteKind, number>;
  };
}

const NOTHING: ZoneImpact = {
  households: 0,
  residents: 0,
  compounds: 0,
  compound_ids: [],
  sites: {},
  key_enterprises: 0,
  area_m2: 0,
};

/**
 * The difference between the saved boundary's impact and the current one's, both from
 * `zoneImpact` / `ImpactIndex.impact` (or the `zone_impact` RPC) over the same data.
 * `saved` null is a new zone: everything it covers is added.
 */
export function impactDiff(saved: ZoneImpact | null, current: ZoneImpact): ImpactDiff {
  const before = saved ?? NOTHING;
  const had = new Set(before.compound_ids);
  const has = new Set(current.compound_ids);
  const sites = Object.fromEntries(
    SITE_KINDS.map((kind) => [kind, (current.sites[kind] ?? 0) - (before.sites[kind] ?? 0)]),
  ) as Record<SiteKind, number>;
  return {
    addedCompoundIds: current.compound_ids.filter((id) => !had.has(id)).sort(),
    removedCompoundIds: before.compound_ids.filter((id) => !has.has(id)).sort(),
    delta: {
      households: current.households - before.households,
      residents: current.residents - before.residents,
      compounds: current.compounds - before.compounds,
      key_enterprises: current.key_enterprises - before.key_enterprises,
      area_m2: current.area_m2 - before.area_m2,
      sites,
    },
  };
}
