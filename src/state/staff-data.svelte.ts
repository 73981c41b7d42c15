import type { CompoundRow, DistrictRow, SiteRow, ZoneDraftRow, ZoneRow } from '../domain/rows.ts';
import { createLiveRepo } from '../services/live-repo.ts';
import { LiveCollection } from './live-collection.svelte.ts';

/** A zone draft keyed like the other rows: `id` is its zone's id. */
export type StaffDraft = ZoneDraftRow & { id: string };

/**
 * What staff screens read, apart from the public map's stores: every zone of every status
 * (drafts, lifted), pending drafts of published zones, every site, and the compounds and
 * sub-districts with everything staff may see. Kept live by the staff feed (`startStaffSync`).
 */
export const staffZones = new LiveCollection<ZoneRow>(createLiveRepo({ table: 'zones', columns: ['*'] }));
export const zoneDrafts = new LiveCollection<StaffDraft>(
  createLiveRepo({ table: 'zone_drafts', columns: ['*'], key: 'zone_id' }),
);
export const staffSites = new LiveCollection<SiteRow>(createLiveRepo({ table: 'sites', columns: ['*'] }));
export const staffCompounds = new LiveCollection<CompoundRow>(
  createLiveRepo({ table: 'compounds', columns: ['*'], versioned: false }),
);
export const districts = new LiveCollection<DistrictRow>(
  createLiveRepo({ table: 'districts', columns: ['id', 'name', 'name_en', 'residents', 'geom'], versioned: false }),
);
